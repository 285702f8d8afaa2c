package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.DType;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
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
 * sg_lif_backward_cuda over all T steps (U recomputed from the saved I in 32-step segments, the
 * surrogate adjoint in reverse time, parameter gradients reduced over the batch), synchronised
 * inside the measured method. Skipped (setup fails with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaLifBackwardBench -p neurons=1024}.
 * Score: microseconds per backward call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CudaLifBackwardBench {
    @Param({"100"})
    public int steps;

    @Param({"256"})
    public int batch;

    @Param({"256", "1024"})
    public int neurons;

    @Param({"false", "true"})
    public boolean recurrent;

    CudaBackend b;
    Arena a;
    LifKernelConfig config;
    LifTensors t;
    LifGradTensors g;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        a = b.newArena();
        SplittableRandom r = new SplittableRandom(1);
        config = new LifKernelConfig(steps, batch, neurons, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(10), false, false);
        int[] tbn = {steps, batch, neurons}, bn = {batch, neurons};
        t = new LifTensors(CudaBench.random(a, "x", r, 0.2, 0, 1.5, tbn),
                recurrent ? CudaBench.random(a, "wRec", r, 1, -0.1 / Math.sqrt(neurons), 0.1 / Math.sqrt(neurons), neurons, neurons) : null,
                a.allocate("alpha", neurons).fill((float) Math.exp(-1.0 / 5)), a.allocate("beta", neurons).fill((float) Math.exp(-1.0 / 20)),
                a.allocate("theta", neurons).fill(1f), a.allocate("i0", bn), a.allocate("v0", bn),
                a.allocate(DType.U8, "spikes", tbn), a.allocate("iSave", tbn), null, null);
        b.lifForward(config, t);
        System.out.printf("%n[CudaLifBackwardBench] spike density %.4f per neuron-step%n", b.density(t.spikes()));
        g = new LifGradTensors(CudaBench.random(a, "gradS", r, 1, -0.5, 0.5, tbn), null, a.allocate("gradX", tbn),
                a.allocate("gradI0", bn), a.allocate("gradV0", bn), a.allocate("gradAlpha", neurons),
                a.allocate("gradBeta", neurons), a.allocate("gradTheta", neurons));
    }

    @Benchmark
    public Object backward() {
        b.lifBackward(config, t, g);
        b.synchronize();
        return g.gradX();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }
}
