package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The spike-sparse products (spike_matmul.h) against the same products in double, with
 * odd sizes, offsets into the tensors, beta 0 and 1, and inputs that are mostly 0/1 with a
 * few other values; the shapes take both weight-gradient paths (sorted index and row scatter). Tolerance: float32 accumulation over at most K terms of size ~1.
 */
class SpikeMatmulParityTest {

    @ParameterizedTest(name = "{0} R={1} K={2} N={3} p={4} beta={5} {6}")
    @CsvSource({"cpu,1,1,1,1.0,0,F32", "cpu,37,13,5,0.3,1,F32", "cpu,600,70,129,0.05,0,F32", "cpu,64,700,256,0.05,1,F32",
                "cpu,300,33,64,0.2,0.5,F32", "cpu,1,1,1,1.0,0,U8", "cpu,37,13,5,0.3,1,U8", "cpu,600,70,129,0.05,0,U8",
                "cpu,700,300,200,0.1,0,U8", "cpu,530,19,64,0.4,0.5,U8", "cpu,1,1,1,1.0,0,BIT", "cpu,37,13,5,0.3,1,BIT",
                "cpu,600,70,129,0.05,0,BIT", "cpu,700,300,200,0.1,0,BIT", "cpu,300,33,20,0.2,0.5,BIT",
                // weight gradient: dw blocks over kScatterBytes take the sorted index, smaller
                // ones the row scatter; both paths for every dtype, with values and beta
                "cpu,300,800,130,0.05,0.5,U8", "cpu,520,900,70,0.05,0,BIT", "cpu,900,1024,10,0.04,1,F32",
                "cpu,900,1024,10,0.04,0.5,U8",
                "cuda,37,13,5,0.3,0,F32", "cuda,600,70,129,0.05,0,U8", "cuda,600,70,129,0.05,0,BIT"})
    void matchesDoubleProducts(String backend, int rows, int inputs, int outputs, double p, float beta, DType dtype) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        SplittableRandom r = new SplittableRandom(rows * 31L + inputs);
        int off = 3;
        float[] x = new float[off + rows * inputs], w = new float[inputs * outputs], g = new float[off + rows * outputs];
        // mostly 0/1 with a few other values (U8: small integers), so both the add-only and the
        // multiply paths run
        for (int k = off; k < x.length; k++) {
            boolean other = r.nextDouble() >= 0.9 && dtype != DType.BIT;  // a bit is 0 or 1
            x[k] = r.nextDouble() < p ? (other ? (dtype == DType.U8 ? 2 + r.nextInt(3) : (float) r.nextGaussian()) : 1f) : 0f;
        }
        for (int k = 0; k < w.length; k++) w[k] = (float) r.nextGaussian();
        for (int k = off; k < g.length; k++) g[k] = (float) r.nextGaussian();
        float[] out0 = new float[rows * outputs], dw0 = new float[inputs * outputs];
        float[] xBits = null;
        for (int k = 0; k < out0.length; k++) out0[k] = (float) r.nextGaussian();
        for (int k = 0; k < dw0.length; k++) dw0[k] = (float) r.nextGaussian();
        try (Backend b = Backends.create(backend, 2); Arena a = b.newArena()) {
            // a BIT raster is packed per row, so it is allocated row-shaped with the offset as whole rows
            int offRows = dtype == DType.BIT ? 1 : 0;
            if (dtype == DType.BIT) {
                float[] padded = new float[(rows + 1) * inputs];
                System.arraycopy(x, off, padded, inputs, rows * inputs);
                x = new float[off + rows * inputs];
                System.arraycopy(padded, inputs, x, off, rows * inputs);
                xBits = padded;
            }
            Tensor tx = dtype == DType.BIT ? a.allocate(dtype, "x", rows + 1, inputs).copyFrom(xBits)
                    : a.allocate(dtype, "x", x.length).copyFrom(x);
            long xOff = dtype == DType.BIT ? inputs : off;
            Tensor tw = a.of("w", w, inputs, outputs), tg = a.of("g", g, g.length);
            Tensor out = a.of("out", out0, rows, outputs), dw = a.of("dw", dw0, inputs, outputs);
            b.spikeMatmul(rows, inputs, outputs, tx, xOff, tw, beta, out);
            b.spikeMatmulWeightGrad(rows, inputs, outputs, tx, xOff, tg, off, beta, dw);
            float[] o = out.toArray(), d = dw.toArray();
            double tol = 1e-5 * Math.sqrt(inputs) + 1e-6 * Math.sqrt(rows);
            for (int i = 0; i < rows; i++)
                for (int n = 0; n < outputs; n++) {
                    double ref = beta * out0[i * outputs + n];
                    for (int j = 0; j < inputs; j++) ref += (double) x[off + i * inputs + j] * w[j * outputs + n];
                    assertEquals(ref, o[i * outputs + n], tol * (1 + Math.abs(ref)), "out[" + i + "][" + n + "]");
                }
            for (int j = 0; j < inputs; j++)
                for (int n = 0; n < outputs; n++) {
                    double ref = beta * dw0[j * outputs + n];
                    for (int i = 0; i < rows; i++) ref += (double) x[off + i * inputs + j] * g[off + i * outputs + n];
                    assertEquals(ref, d[j * outputs + n], 1e-5 * Math.sqrt(rows) * (1 + Math.abs(ref)), "dw[" + j + "][" + n + "]");
                }
            assertEquals(0.5, b.density(a.of("probe", new float[] {0, -2, 1, 0}, 4)), 0.0);
            assertEquals(0.5, b.density(a.allocate(DType.U8, "probe8", 4).copyFrom(new float[] {0, 3, 1, 0})), 0.0);
            assertEquals(4.0, b.sum(a.allocate(DType.U8, "sum8", 4).copyFrom(new float[] {0, 3, 1, 0})), 0.0);
            assertEquals(-1.0, b.sum(a.of("sum32", new float[] {0, -2, 1, 0}, 4)), 0.0);
            Tensor bits = a.allocate(DType.BIT, "bits", 3, 37).copyFrom(rowsOfBits(r, 3 * 37));
            assertEquals(sumOf(bits.toArray()), b.sum(bits), 0.0, "BIT sum");
            assertEquals(sumOf(bits.toArray()) / 111.0, b.density(bits), 1e-15, "BIT density");
            // an odd number of words (3 rows of 3): the count takes words in pairs, then the last
            Tensor odd = a.allocate(DType.BIT, "odd", 3, 70).copyFrom(rowsOfBits(r, 3 * 70));
            assertEquals(sumOf(odd.toArray()), b.sum(odd), 0.0, "BIT sum, odd word count");
        }
    }

    private static float[] rowsOfBits(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = r.nextDouble() < 0.3 ? 1 : 0;
        return v;
    }

    private static double sumOf(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s;
    }
}
