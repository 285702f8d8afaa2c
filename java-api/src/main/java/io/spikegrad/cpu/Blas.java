package io.spikegrad.cpu;

import io.spikegrad.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major SGEMM through bytedeco OpenBLAS (no LAPACK). OpenBLAS's thread count is a
 * process-wide setting; each call sets it from the caller's budget, and small products run
 * on one thread: for them, waking and spinning OpenBLAS workers costs more than it saves
 * and steals cores from our own kernels that run right after.
 */
final class Blas {
    /** Below this many multiply-adds a GEMM runs single-threaded. */
    static final long THREADED_MIN_FLOPS = 4_000_000L;

    private static int current = -1;

    private Blas() {}

    static synchronized void setThreads(int threads) {
        if (threads != current) {
            openblas_nolapack.blas_set_num_threads(threads);
            current = threads;
        }
    }

    static void sgemm(int budget, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        setThreads((long) m * n * k < THREADED_MIN_FLOPS ? 1 : budget);
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
