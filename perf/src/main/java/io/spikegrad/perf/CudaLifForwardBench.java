package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.DType;
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
 * sg_lif_forward_cuda over all T steps ([T][B][N] currents to U8 spikes and saved I), synchronised
 * inside the measured method. Skipped (setup fails with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaLifForwardBench -p neurons=1024}.
 * Score: microseconds per call; T*B*N / score = neuron-steps per microsecond.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CudaLifForwardBench {
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
        System.out.printf("%n[CudaLifForwardBench] spike density %.4f per neuron-step%n", b.density(t.spikes()));
    }

    @Benchmark
    public Object forward() {
        b.lifForward(config, t);
        b.synchronize();
        return t.spikes();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }
}
