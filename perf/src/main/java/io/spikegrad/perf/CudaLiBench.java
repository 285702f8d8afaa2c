package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.Shape;
import io.spikegrad.cuda.CudaBackend;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sg_li_forward_cuda and sg_li_backward_cuda (the leaky-integrator readout), synchronised inside
 * the measured methods. Skipped (setup fails with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaLiBench}. Score: microseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CudaLiBench {
    @Param({"100"})
    public int steps;

    @Param({"256"})
    public int batch;

    @Param({"10", "256"})
    public int neurons;

    CudaBackend b;
    Arena a;
    Shape sh;
    LiTensors t;
    LiGradTensors g;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        a = b.newArena();
        SplittableRandom r = new SplittableRandom(2);
        sh = new Shape(steps, batch, neurons);
        int[] tbn = {steps, batch, neurons}, bn = {batch, neurons};
        t = new LiTensors(CudaBench.random(a, "x", r, 1, -0.5, 1, tbn), a.allocate("alpha", neurons).fill(0.8f),
                a.allocate("beta", neurons).fill(0.95f), a.allocate("i0", bn), a.allocate("u0", bn),
                a.allocate("u", tbn), a.allocate("iSave", tbn));
        g = new LiGradTensors(CudaBench.random(a, "gradU", r, 1, -1, 1, tbn), a.allocate("gradX", tbn), a.allocate("gradI0", bn),
                a.allocate("gradU0", bn), a.allocate("gradAlpha", neurons), a.allocate("gradBeta", neurons));
        b.liForward(sh, t);
    }

    @Benchmark
    public Object forward() {
        b.liForward(sh, t);
        b.synchronize();
        return t.u();
    }

    @Benchmark
    public Object backward() {
        b.liBackward(sh, t, g);
        b.synchronize();
        return g.gradX();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }
}
