package io.spikegrad.cpu;

import io.spikegrad.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/** Row-major SGEMM through bytedeco OpenBLAS (no LAPACK). */
final class Blas {
    private Blas() {}

    static void setThreads(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha, view(a, aOffset), lda, view(b, bOffset), ldb, beta, view(c, cOffset), n);
    }

    private static FloatPointer view(Tensor t, long offset) {
        return offset == 0 ? t.pointer() : new FloatPointer(t.pointer()).position(offset);
    }
}
