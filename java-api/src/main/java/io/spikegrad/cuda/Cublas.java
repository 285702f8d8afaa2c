package io.spikegrad.cuda;

import io.spikegrad.NativeException;
import io.spikegrad.spi.Memory;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * Row-major SGEMM through cuBLAS (bytedeco {@code cuda} presets), on the backend's stream.
 *
 * <p>Only the presets' Java classes and JNI glue (about 6 MB) are dependencies of spikegrad; the
 * cuBLAS runtime itself (libcublas.so.13, libcublasLt.so.13, libcudart.so.13) comes from a CUDA 13
 * toolkit on the library path or from {@code org.bytedeco:cuda-platform-redist} (gigabytes, so never
 * a default dependency). This class is loaded only when a cuda backend is created, so machines
 * without a GPU never touch those libraries.
 */
final class Cublas implements AutoCloseable {
    private final cublasContext handle = new cublasContext();
    private final FloatPointer alpha = new FloatPointer(1), beta = new FloatPointer(1);

    /** Loads the cuBLAS bindings and their runtime libraries; the reason when they cannot load. */
    static String loadFailure() {
        try {
            Loader.load(cublas.class);
            return null;
        } catch (Throwable e) {
            return "cuBLAS runtime not found (" + e.getMessage() + "): add org.bytedeco:cuda-platform-redist:"
                    + "13.1-9.19-1.5.13 to the classpath or install the CUDA 13 toolkit and put its lib64 on "
                    + "LD_LIBRARY_PATH (see README, CUDA)";
        }
    }

    /**
     * A handle on {@code device} bound to {@code stream} (a cudaStream_t of our statically linked
     * runtime: streams are driver objects of the device's primary context, which both runtimes
     * share). The presets' dynamic runtime has its own current device, so it is set first.
     */
    Cublas(int device, long stream) {
        int st = org.bytedeco.cuda.global.cudart.cudaSetDevice(device);
        if (st != 0) throw new NativeException("cudaSetDevice (for cuBLAS)", st, "CUDA error " + st);
        check("cublasCreate_v2", cublas.cublasCreate_v2(handle));
        check("cublasSetStream_v2", cublas.cublasSetStream_v2(handle, new CUstream_st(Memory.at(stream))));
        // no TF32 or reduced-precision shortcuts: float GEMMs stay IEEE float
        check("cublasSetMathMode", cublas.cublasSetMathMode(handle, cublas.CUBLAS_DEFAULT_MATH));
    }

    /** C = alpha op(A) op(B) + beta C on row-major device matrices (addresses of element 0). */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float a, long aAddr, long bAddr, float b, long cAddr) {
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
        int lda = transA ? m : k, ldb = transB ? k : n;
        alpha.put(0, a);
        beta.put(0, b);
        check("cublasSgemm_v2", cublas.cublasSgemm_v2(handle,
                transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                n, m, k, alpha, new FloatPointer(Memory.at(bAddr)), ldb, new FloatPointer(Memory.at(aAddr)), lda,
                beta, new FloatPointer(Memory.at(cAddr)), n));
    }

    @Override
    public void close() {
        cublas.cublasDestroy_v2(handle);
        alpha.close();
        beta.close();
    }

    private static void check(String call, int status) {
        if (status != 0) {
            String text;
            try {
                text = cublas.cublasGetStatusString(status).getString();
            } catch (Throwable e) {
                text = "cuBLAS status " + status;
            }
            throw new NativeException(call, status, text);
        }
    }
}
