package io.spikegrad.cuda;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code native/include/spikegrad/cuda.h} (library spikegrad_cuda,
 * the real one when nvcc built it, the stub otherwise). Package-private.
 */
@Platform(include = "spikegrad/cuda.h", link = "spikegrad_cuda")
final class CudaRuntime {
    static {
        Loader.load();
    }

    private CudaRuntime() {}

    @NoException
    static native int sg_cuda_device_count(int[] count);

    @NoException
    static native int sg_cuda_compiled();

    @NoException
    static native @Cast("const char*") String sg_cuda_last_error();
}
