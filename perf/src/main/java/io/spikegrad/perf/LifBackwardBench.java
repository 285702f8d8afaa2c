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
 * sg_lif_backward over all T steps: recomputes U from the saved I, then the adjoint in
 * reverse time.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar LifBackwardBench -p neurons=256}.
 * Read the score as microseconds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LifBackwardBench extends LifBenchState {
    @Benchmark
    public Object backward() {
        b.lifBackward(s.config, s.forward, s.grads);
        return s.grads.gradX();
    }
}
