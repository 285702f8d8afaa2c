package io.spikegrad.cpu;

import io.spikegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major SGEMM through bytedeco OpenBLAS (no LAPACK), always on OpenBLAS's single-threaded
 * path. A large product is split by rows of C into slices that depend on the shape alone
 * ({@link #MAX_SLICES}), and the slices are shared out among the caller's thread budget,
 * each a single-threaded OpenBLAS call: OpenBLAS's result for a row can depend on how many
 * rows its call had, so fixed slices make the result independent of the thread count. OpenBLAS's own
 * workers are never woken: after a threaded call they spin for a long time (up to 2^28
 * cycles), and on a 2-core machine that spinning took a whole core from the kernels that run
 * right after (measured: a fifth of all samples in the shd-ff bench sat in that spin loop).
 */
final class Blas {
    /** Below this many multiply-adds a GEMM is one call on the calling thread. */
    static final long SPLIT_MIN_FLOPS = 4_000_000L;
    /**
     * A split GEMM has up to {@link #MAX_SLICES} slices of at least {@link #MIN_SLICE_ROWS} rows,
     * their boundaries multiples of 16 (every OpenBLAS register tile divides 16): few enough
     * that OpenBLAS's packing of B is not repeated much, enough to share out among threads.
     */
    static final int MIN_SLICE_ROWS = 256, MAX_SLICES = 8;

    private static ExecutorService workers;
    private static int workerCount;

    private Blas() {}

    /** Pins OpenBLAS to one thread per call (once per process; idempotent). */
    static synchronized void init() {
        openblas_nolapack.blas_set_num_threads(1);
    }

    private static synchronized ExecutorService workers(int n) {
        if (workers == null || workerCount < n) {
            if (workers != null) workers.shutdown();
            workers = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "spikegrad-blas");
                t.setDaemon(true);
                return t;
            });
            workerCount = n;
        }
        return workers;
    }

    static void sgemm(int budget, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int slices = (long) m * n * k < SPLIT_MIN_FLOPS ? 1 : Math.min(MAX_SLICES, m / MIN_SLICE_ROWS);
        if (slices <= 1) {
            call(transA, transB, 0, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset);
            return;
        }
        // rows [m0, m1) of C: rows of A, or columns of A when transposed; B is shared. Thread t
        // takes slices t, t + threads, ...; the calling thread is thread 0.
        int threads = Math.min(budget, slices);
        List<Future<?>> done = new ArrayList<>();
        ExecutorService pool = threads > 1 ? workers(threads - 1) : null;
        for (int t = 1; t < threads; t++) {
            int first = t;
            done.add(pool.submit(() -> slices(first, threads, slices, m, transA, transB, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset)));
        }
        slices(0, threads, slices, m, transA, transB, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset);
        try {
            for (Future<?> f : done) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a GEMM", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a GEMM slice failed", e.getCause());
        }
    }

    private static void slices(int first, int step, int slices, int m, boolean transA, boolean transB, int n, int k, float alpha,
                               Tensor a, long aOffset, int lda, Tensor b, long bOffset, int ldb, float beta, Tensor c, long cOffset) {
        for (int s = first; s < slices; s += step) {
            call(transA, transB, sliceStart(s, slices, m), sliceStart(s + 1, slices, m), n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                    beta, c, cOffset);
        }
    }

    /** First row of slice s of m rows in {@code slices} slices (the last ends at m). */
    private static int sliceStart(int s, int slices, int m) {
        return s >= slices ? m : (int) ((long) m * s / slices) / 16 * 16;
    }

    private static void call(boolean transA, boolean transB, int m0, int m1, int n, int k, float alpha,
                             Tensor a, long aOffset, int lda, Tensor b, long bOffset, int ldb, float beta, Tensor c, long cOffset) {
        if (m1 <= m0) return;
        long aStart = aOffset + (transA ? m0 : (long) m0 * k);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m1 - m0, n, k, alpha, view(a, aStart), lda, view(b, bOffset), ldb, beta, view(c, cOffset + (long) m0 * n), n);
    }

    private static FloatPointer view(Tensor t, long offset) {
        return offset == 0 ? t.pointer() : new FloatPointer(t.pointer()).position(offset);
    }
}
