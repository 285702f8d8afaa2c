package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.Tensor;
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
 * The sparse backward's masked product (sg_masked_matmul) against the dense GEMM it replaces,
 * dL/dS = dL/dX' W'^T, over the fraction of entries the mask asks for: where the curves cross
 * is BpttEngine.MASKED_BELOW. The default shape is the deep configuration's second layer
 * feeding the first (6400 rows, 1024 x 1024).
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar MaskedMatmulBench}. Microseconds
 * per call; compare masked with dense at the same fraction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MaskedMatmulBench {
    @Param({"6400"})
    public int rows;

    @Param({"1024"})
    public int inner;

    @Param({"1024"})
    public int cols;

    @Param({"0.05", "0.1", "0.2", "0.3", "0.5"})
    public double needed;

    private Backend b;
    private Arena a;
    private Tensor x, w, mask, out;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create("cpu", Integer.getInteger("spikegrad.threads", 2));
        a = b.newArena();
        SplittableRandom r = new SplittableRandom(2);
        x = a.allocate("gradX", rows, inner);
        w = a.allocate("w", cols, inner);
        float[] v = new float[rows * inner];
        for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
        x.copyFrom(v);
        v = new float[cols * inner];
        for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
        w.copyFrom(v);
        mask = a.allocate(DType.U8, "mask", rows, cols);
        float[] m = new float[rows * cols];
        for (int k = 0; k < m.length; k++) m[k] = r.nextDouble() < needed ? 1 : 0;
        mask.copyFrom(m);
        out = a.allocate("gradS", rows, cols);
    }

    @Benchmark
    public Object masked() {
        b.maskedMatmul(rows, inner, cols, x, w, mask, out);
        return out;
    }

    @Benchmark
    public Object dense() {
        b.gemm(false, true, rows, cols, inner, 1f, x, 0, w, 0, 0f, out, 0);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }
}
