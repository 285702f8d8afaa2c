package io.spikegrad.perf;

import io.spikegrad.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sg_lif_backward_product: the LIF backward of a layer under a readout of {@code kNext}
 * neurons, with dL/dS = gNext wNext^T formed inside it ({@link #fused}), against the same
 * product as a separate narrow GEMM into a [T][B][N] tensor followed by sg_lif_backward
 * ({@link #apart}). Both give the same bits.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar LifBackwardProductBench -p neurons=256 -p kNext=20}.
 * Read the scores as microseconds per call; compare the two methods within one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LifBackwardProductBench extends LifBenchState {
    /** Width of the layer above (a readout of 10 or 20). */
    @Param({"10", "20"})
    public int kNext;

    private Tensor gNext, wNext;

    @Override
    protected void afterSetup() {
        SplittableRandom r = new SplittableRandom(3);
        gNext = s.arena.allocate("gNext", steps, batch, kNext);
        wNext = s.arena.allocate("wNext", neurons, kNext);
        for (Tensor t : new Tensor[] {gNext, wNext}) {
            float[] v = new float[(int) t.size()];
            for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
            t.copyFrom(v);
        }
    }

    @Benchmark
    public Object fused() {
        b.lifBackwardProduct(s.config, s.forward, gNext, wNext, kNext, s.grads);
        return s.grads.gradX();
    }

    @Benchmark
    public Object apart() {
        b.gemm(false, true, steps * batch, neurons, kNext, 1f, gNext, 0, wNext, 0, 0f, s.grads.gradSpikes(), 0);
        b.lifBackward(s.config, s.forward, s.grads);
        return s.grads.gradX();
    }
}
