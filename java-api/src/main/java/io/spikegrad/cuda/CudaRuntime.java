package io.spikegrad.cuda;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code native/include/spikegrad/cuda.h} (library spikegrad_cuda, the real
 * one when nvcc built it, the stub otherwise). Package-private: {@link CudaBackend} and
 * {@link CudaBackendProvider} call it. Buffers and the context are raw addresses
 * ({@code @Cast long}), 0 meaning NULL; buffers are device pointers.
 */
@Platform(include = "spikegrad/cuda.h", link = "spikegrad_cuda")
final class CudaRuntime {
    static {
        Loader.load();
    }

    private CudaRuntime() {}

    /** {@code sg_lif_config} (lif_math.h), a host struct passed by pointer. */
    @Name("sg_lif_config")
    static final class LifConfig extends Pointer {
        static {
            Loader.load();
        }

        LifConfig() {
            allocate();
        }

        private native void allocate();

        public native int steps(); public native LifConfig steps(int v);
        public native int batch(); public native LifConfig batch(int v);
        public native int neurons(); public native LifConfig neurons(int v);
        public native int reset(); public native LifConfig reset(int v);
        public native int surrogate(); public native LifConfig surrogate(int v);
        public native float scale(); public native LifConfig scale(float v);
        public native float gain(); public native LifConfig gain(float v);
        public native float v_reset(); public native LifConfig v_reset(float v);
        public native int detach_reset(); public native LifConfig detach_reset(int v);
        public native int smooth(); public native LifConfig smooth(int v);
        public native int spike_dtype(); public native LifConfig spike_dtype(int v);
        public native float grad_cutoff(); public native LifConfig grad_cutoff(float v);
    }

    @NoException
    static native int sg_cuda_device_count(int[] count);

    @NoException
    static native int sg_cuda_compiled();

    @NoException
    static native @Cast("const char*") String sg_cuda_last_error();

    @NoException
    static native int sg_cuda_context_create(int device, @Cast("sg_cuda_context**") long[] out);

    @NoException
    static native int sg_cuda_context_destroy(@Cast("sg_cuda_context*") long ctx);

    @NoException
    static native @Cast("intptr_t") long sg_cuda_context_stream(@Cast("sg_cuda_context*") long ctx);

    @NoException
    static native int sg_cuda_synchronize(@Cast("sg_cuda_context*") long ctx);

    @NoException
    static native int sg_cuda_malloc(@Cast("sg_cuda_context*") long ctx, @Cast("void**") long[] out, @Cast("size_t") long bytes);

    @NoException
    static native int sg_cuda_free(@Cast("sg_cuda_context*") long ctx, @Cast("void*") long p);

    @NoException
    static native int sg_cuda_copy(@Cast("sg_cuda_context*") long ctx, @Cast("void*") long dst, @Cast("const void*") long src,
                                   @Cast("size_t") long bytes, int kind);

    @NoException
    static native int sg_lif_forward_cuda(@Cast("sg_cuda_context*") long ctx, @Const LifConfig cfg,
                                          @Cast("const float*") long x, @Cast("const float*") long wRec,
                                          @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                          @Cast("const float*") long theta, @Cast("const float*") long i0,
                                          @Cast("const float*") long v0, @Cast("void*") long s, @Cast("float*") long iSave,
                                          @Cast("float*") long u, @Cast("float*") long vLast);

    @NoException
    static native int sg_lif_backward_cuda(@Cast("sg_cuda_context*") long ctx, @Const LifConfig cfg,
                                           @Cast("const float*") long wRec,
                                           @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                           @Cast("const float*") long theta, @Cast("const float*") long i0,
                                           @Cast("const float*") long v0, @Cast("const float*") long iSave,
                                           @Cast("const float*") long gradS, @Cast("const float*") long gradU,
                                           @Cast("float*") long gradX, @Cast("float*") long gradI0, @Cast("float*") long gradV0,
                                           @Cast("float*") long gradAlpha, @Cast("float*") long gradBeta,
                                           @Cast("float*") long gradTheta);

    @NoException
    static native int sg_lif_surrogate_mask_cuda(@Cast("sg_cuda_context*") long ctx, @Const LifConfig cfg,
                                                 @Cast("const float*") long beta, @Cast("const float*") long theta,
                                                 @Cast("const float*") long v0, @Cast("const float*") long iSave,
                                                 @Cast("unsigned char*") long mask, @Cast("long long*") long[] count);

    @NoException
    static native int sg_masked_matmul_cuda(@Cast("sg_cuda_context*") long ctx, int rows, int inner, int cols,
                                            @Cast("const float*") long a, @Cast("const float*") long b,
                                            @Cast("const unsigned char*") long mask, @Cast("float*") long out);

    @NoException
    static native int sg_li_forward_cuda(@Cast("sg_cuda_context*") long ctx, int steps, int batch, int neurons,
                                         @Cast("const float*") long x, @Cast("const float*") long alpha,
                                         @Cast("const float*") long beta, @Cast("const float*") long i0,
                                         @Cast("const float*") long u0, @Cast("float*") long u, @Cast("float*") long iSave);

    @NoException
    static native int sg_li_backward_cuda(@Cast("sg_cuda_context*") long ctx, int steps, int batch, int neurons,
                                          @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                          @Cast("const float*") long i0, @Cast("const float*") long u0,
                                          @Cast("const float*") long u, @Cast("const float*") long iSave,
                                          @Cast("const float*") long gradU, @Cast("float*") long gradX,
                                          @Cast("float*") long gradI0, @Cast("float*") long gradU0,
                                          @Cast("float*") long gradAlpha, @Cast("float*") long gradBeta);

    @NoException
    static native int sg_spike_matmul_cuda(@Cast("sg_cuda_context*") long ctx, int rows, int inputs, int outputs,
                                           @Cast("const void*") long x, int xDtype, @Cast("const float*") long w,
                                           float beta, @Cast("float*") long out);

    @NoException
    static native int sg_spike_matmul_weight_grad_cuda(@Cast("sg_cuda_context*") long ctx, int rows, int inputs,
                                                       int outputs, @Cast("const void*") long x, int xDtype,
                                                       @Cast("const float*") long g, float beta, @Cast("float*") long dw);

    @NoException
    static native int sg_eventprop_batch_cuda(@Cast("sg_cuda_context*") long ctx, @Cast("const sg_eventprop_config*") long cfg,
                                         @Cast("const int*") long sizes, @Cast("const int*") long recurrent,
                                         @Cast("const double*") long weights, @Cast("const double*") long recWeights,
                                         @Cast("const double*") long tauMem, @Cast("const double*") long tauSyn,
                                         @Cast("const double*") long theta, @Cast("const double*") long inTimes,
                                         @Cast("const int*") long inChannels, @Cast("const int*") long inOffsets,
                                         @Cast("const int*") long labels, @Cast("double*") long lossOut,
                                         @Cast("int*") long predictions, @Cast("double*") long outValues,
                                         @Cast("int*") long outCounts, @Cast("int*") long spikeTotals,
                                         @Cast("int*") long layerSilent, @Cast("long long*") long storedBytes,
                                         @Cast("double*") long gradWeights, @Cast("double*") long gradRec,
                                         @Cast("double*") long gradTheta, @Cast("long long*") long clamped,
                                         @Cast("long long*") long sampleClipped);

    @NoException
    static native int sg_diffsyn_forward_cuda(@Cast("sg_cuda_context*") long ctx, @Cast("const sg_diffsyn_config*") long cfg,
                                              @Cast("const double*") long wFast, @Cast("const double*") long wSlow,
                                              @Cast("const double*") long u, @Cast("const double*") long i0,
                                              @Cast("const double*") long o, @Cast("const double*") long x,
                                              @Cast("const double*") long target, @Cast("const double*") long weight,
                                              @Cast("const double*") long v0, @Cast("double*") long loss,
                                              @Cast("double*") long readout, @Cast("signed char*") long spikes,
                                              @Cast("int*") long spikeCounts, @Cast("double*") long diag);

    @NoException
    static native int sg_diffsyn_forward_backward_cuda(@Cast("sg_cuda_context*") long ctx, @Cast("const sg_diffsyn_config*") long cfg,
                                                       @Cast("const double*") long wFast, @Cast("const double*") long wSlow,
                                                       @Cast("const double*") long u, @Cast("const double*") long i0,
                                                       @Cast("const double*") long o, @Cast("const double*") long x,
                                                       @Cast("const double*") long target, @Cast("const double*") long weight,
                                                       @Cast("const double*") long v0, @Cast("double*") long loss,
                                                       @Cast("double*") long readout, @Cast("signed char*") long spikes,
                                                       @Cast("int*") long spikeCounts, @Cast("double*") long gWFast,
                                                       @Cast("double*") long gWSlow, @Cast("double*") long gU,
                                                       @Cast("double*") long gI0, @Cast("double*") long gO,
                                                       @Cast("double*") long gV0, @Cast("double*") long diag);

    @NoException
    static native int sg_reduce_cuda(@Cast("sg_cuda_context*") long ctx, @Cast("const void*") long p, int dtype, long n,
                                     int kind, double[] result);
}
