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
 * The masked product (masked_matmul.h) against the same product in double: entries where the
 * mask is set equal the full dot product, all others are exactly 0. Sizes straddle the
 * 64-column blocks and the 32-float vector steps of the dot product.
 */
class MaskedMatmulParityTest {

    @ParameterizedTest(name = "{0} R={1} K={2} N={3} p={4}")
    @CsvSource({"cpu,1,1,1,1.0", "cpu,37,13,5,0.3", "cpu,200,70,129,0.1", "cpu,64,1024,256,0.05", "cpu,33,20,256,0.5",
                "cuda,200,70,129,0.1"})
    void matchesDoubleProduct(String backend, int rows, int inner, int cols, double p) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        SplittableRandom r = new SplittableRandom(rows * 7L + inner);
        float[] a = new float[rows * inner], b = new float[cols * inner], m = new float[rows * cols];
        for (int k = 0; k < a.length; k++) a[k] = (float) r.nextGaussian();
        for (int k = 0; k < b.length; k++) b[k] = (float) r.nextGaussian();
        for (int k = 0; k < m.length; k++) m[k] = r.nextDouble() < p ? 1 : 0;
        try (Backend be = Backends.create(backend, 2); Arena ar = be.newArena()) {
            Tensor ta = ar.of("a", a, rows, inner), tb = ar.of("b", b, cols, inner);
            Tensor tm = ar.allocate(DType.U8, "mask", rows, cols).copyFrom(m);
            Tensor out = ar.allocate("out", rows, cols).fill(7f);  // overwritten everywhere
            be.maskedMatmul(rows, inner, cols, ta, tb, tm, out);
            float[] o = out.toArray();
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) {
                    double ref = 0, mag = 0;
                    for (int c = 0; c < inner; c++) {
                        ref += (double) a[i * inner + c] * b[j * inner + c];
                        mag += Math.abs((double) a[i * inner + c] * b[j * inner + c]);
                    }
                    if (m[i * cols + j] == 0) ref = 0;
                    // float32 accumulation over K terms: |error| <= K eps32 sum |terms|
                    double tol = m[i * cols + j] == 0 ? 0 : inner * 6e-8 * mag + 1e-30;
                    assertEquals(ref, o[i * cols + j], tol, "out[" + i + "][" + j + "] (mask " + m[i * cols + j] + ")");
                }
        }
    }

    /**
     * C = A B^T with a narrow inner size takes sg_masked_matmul's whole-row path without a mask
     * on the CPU backend (K <= 64, alpha 1, beta 0), a GEMM otherwise: both against double,
     * with offsets into all three operands and the rows of C outside the product untouched.
     */
    @ParameterizedTest(name = "gemm NT M={0} K={1} N={2}")
    @CsvSource({"1,1,1", "37,20,256", "200,10,1024", "130,64,129", "70,65,33", "6,3,70"})
    void narrowGemmMatchesDoubleProduct(int m, int k, int n) {
        SplittableRandom r = new SplittableRandom(m * 31L + k * 7L + n);
        int aOff = 3, bOff = 5, cOff = 2 * n;
        float[] a = new float[aOff + m * k], b = new float[bOff + n * k];
        for (int q = 0; q < a.length; q++) a[q] = (float) r.nextGaussian();
        for (int q = 0; q < b.length; q++) b[q] = (float) r.nextGaussian();
        try (Backend be = Backends.create("cpu", 2); Arena ar = be.newArena()) {
            Tensor ta = ar.of("a", a, a.length), tb = ar.of("b", b, b.length);
            Tensor out = ar.allocate("out", cOff + m * n + n).fill(7f);
            be.gemm(false, true, m, n, k, 1f, ta, aOff, tb, bOff, 0f, out, cOff);
            float[] o = out.toArray();
            for (int q = 0; q < cOff; q++) assertEquals(7f, o[q], 0f, "out[" + q + "] before C");
            for (int q = cOff + m * n; q < o.length; q++) assertEquals(7f, o[q], 0f, "out[" + q + "] after C");
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double ref = 0, mag = 0;
                    for (int c = 0; c < k; c++) {
                        double t = (double) a[aOff + i * k + c] * b[bOff + j * k + c];
                        ref += t;
                        mag += Math.abs(t);
                    }
                    assertEquals(ref, o[cOff + i * n + j], k * 6e-8 * mag + 1e-30, "C[" + i + "][" + j + "]");
                }
        }
    }
}
