package io.spikegrad.perf;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sg_lif_forward over all T steps: [T][B][N] input currents to spikes and saved I.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar LifForwardBench -p neurons=256}.
 * Read the score as microseconds per call; T*B*N divided by it is neuron-steps per microsecond.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LifForwardBench extends LifBenchState {
    @Benchmark
    public Object forward() {
        b.lifForward(s.config, s.forward);
        return s.forward.spikes();
    }
}
