package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.DType;
import io.spikegrad.Tensor;
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
 * sg_spike_matmul_cuda and sg_spike_matmul_weight_grad_cuda against the dense cuBLAS GEMMs they
 * would replace, over input density (U8 spike rasters), synchronised inside the measured
 * methods. Skipped (setup fails with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaSpikeMatmulBench}. Compare sparse*
 * with dense* at the same density (microseconds per call); the dense ones read x as F32.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CudaSpikeMatmulBench {
    @Param({"6400"})
    public int rows;

    @Param({"700"})
    public int inputs;

    @Param({"256"})
    public int outputs;

    @Param({"0.02", "0.1", "0.4"})
    public double density;

    CudaBackend b;
    Arena a;
    Tensor x8, x32, w, g, out, dw;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        a = b.newArena();
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[rows * inputs];
        for (int k = 0; k < x.length; k++) x[k] = r.nextDouble() < density ? 1f : 0f;
        x8 = a.allocate(DType.U8, "x8", rows, inputs).copyFrom(x);
        x32 = a.allocate("x32", rows, inputs).copyFrom(x);
        w = CudaBench.random(a, "w", r, 1, -1, 1, inputs, outputs);
        g = CudaBench.random(a, "g", r, 1, -1, 1, rows, outputs);
        out = a.allocate("out", rows, outputs);
        dw = a.allocate("dw", inputs, outputs);
    }

    @Benchmark
    public Object sparseForward() {
        b.spikeMatmul(rows, inputs, outputs, x8, 0, w, 0f, out);
        b.synchronize();
        return out;
    }

    @Benchmark
    public Object sparseWeightGrad() {
        b.spikeMatmulWeightGrad(rows, inputs, outputs, x8, 0, g, 0, 0f, dw);
        b.synchronize();
        return dw;
    }

    @Benchmark
    public Object denseForward() {
        b.gemm(false, false, rows, outputs, inputs, 1f, x32, 0, w, 0, 0f, out, 0);
        b.synchronize();
        return out;
    }

    @Benchmark
    public Object denseWeightGrad() {
        b.gemm(true, false, inputs, outputs, rows, 1f, x32, 0, g, 0, 0f, dw, 0);
        b.synchronize();
        return dw;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }
}
