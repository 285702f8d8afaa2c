package io.spikegrad.perf;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
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
 * sg_lif_backward over all T steps (recomputes U from the saved I, then the adjoint in reverse time).
 * Sweeps layer width and drive (which sets the spike density); recurrent adds W_rec S[t-1].
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar LifBackwardBench -p neurons=256}.
 * Read the score as microseconds per call; divide T*B*N by it for neuron-steps per microsecond.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LifBackwardBench {
    @Param({"cpu"})
    public String backend;

    @Param({"100"})
    public int steps;

    @Param({"64"})
    public int batch;

    @Param({"256", "1024"})
    public int neurons;

    @Param({"0.3", "1.0"})
    public double drive;

    @Param({"false", "true"})
    public boolean recurrent;

    private Backend b;
    private LifState s;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create(backend, Integer.getInteger("spikegrad.threads", 2));
        s = new LifState(b, steps, batch, neurons, drive, recurrent, 1);
        b.lifForward(s.config, s.forward);
        System.out.printf("%n[LifBackwardBench] spike density %.4f per neuron-step%n", s.spikeDensity());
    }

    @Benchmark
    public Object backward() {
        b.lifBackward(s.config, s.forward, s.grads);
        return s.grads.gradX();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
        b.close();
    }
}
