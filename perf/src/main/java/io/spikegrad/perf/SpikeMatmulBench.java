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
 * Spike-sparse products (sg_spike_matmul, sg_spike_matmul_weight_grad) against the dense
 * OpenBLAS GEMMs they replace, over input density: where the two curves cross is the
 * engine's dense/sparse switch (BpttEngine.SPARSE_BELOW).
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar SpikeMatmulBench -jvmArgsAppend -Dspikegrad.threads=2}.
 * Compare sparse* with dense* at the same density; lower is better (microseconds per call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SpikeMatmulBench {
    @Param({"6400"})
    public int rows;

    @Param({"700"})
    public int inputs;

    @Param({"256"})
    public int outputs;

    @Param({"0.02", "0.05", "0.1", "0.2", "0.4"})
    public double density;

    /** The sparse operand's element type: a U8 spike raster (hidden layers) or F32 (inputs). */
    @Param({"U8", "F32"})
    public String dtype;

    private Backend b;
    private Arena a;
    private Tensor x, xf, w, g, out, dw;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create("cpu", Integer.getInteger("spikegrad.threads", 2));
        a = b.newArena();
        SplittableRandom r = new SplittableRandom(1);
        x = a.allocate(DType.valueOf(dtype), "x", rows, inputs);
        xf = a.allocate("xf", rows, inputs);  // the dense GEMMs read floats
        for (int k = 0; k < x.size(); k++) {
            if (r.nextDouble() < density) {
                x.set(k, 1f);
                xf.set(k, 1f);
            }
        }
        w = a.allocate("w", inputs, outputs);
        for (int k = 0; k < w.size(); k++) w.set(k, (float) r.nextGaussian());
        g = a.allocate("g", rows, outputs);
        for (int k = 0; k < g.size(); k++) g.set(k, (float) r.nextGaussian());
        out = a.allocate("out", rows, outputs);
        dw = a.allocate("dw", inputs, outputs);
    }

    @Benchmark
    public Object sparseForward() {
        b.spikeMatmul(rows, inputs, outputs, x, 0, w, 0f, out);
        return out;
    }

    @Benchmark
    public Object denseForward() {
        b.gemm(false, false, rows, outputs, inputs, 1f, xf, 0, w, 0, 0f, out, 0);
        return out;
    }

    @Benchmark
    public Object sparseWeightGrad() {
        b.spikeMatmulWeightGrad(rows, inputs, outputs, x, 0, g, 0, 0f, dw);
        return dw;
    }

    @Benchmark
    public Object denseWeightGrad() {
        b.gemm(true, false, inputs, outputs, rows, 1f, xf, 0, g, 0, 0f, dw, 0);
        return dw;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }
}
