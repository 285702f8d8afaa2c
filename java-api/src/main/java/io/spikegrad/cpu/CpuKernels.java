package io.spikegrad.cpu;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code native/include/spikegrad/lif.h}, {@code eventprop.h} and {@code diffsyn.h} (library spikegrad_cpu).
 * Package-private: only {@link CpuBackend} calls it, after validating every argument.
 * Buffers are raw addresses ({@code @Cast("float*") long}), 0 meaning NULL.
 */
@Platform(include = {"spikegrad/lif.h", "spikegrad/eventprop.h", "spikegrad/diffsyn.h"}, link = "spikegrad_cpu")
final class CpuKernels {
    static {
        Loader.load();
    }

    private CpuKernels() {}

    /** {@code sg_lif_config} (lif_math.h). */
    @Name("sg_lif_config")
    public static final class LifConfig extends Pointer {
        static {
            Loader.load();
        }

        public LifConfig() {
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
    static native int sg_lif_forward(@Const LifConfig cfg, @Cast("const float*") long x, @Cast("const float*") long wRec,
                                     @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                     @Cast("const float*") long theta, @Cast("const float*") long i0,
                                     @Cast("const float*") long v0, @Cast("void*") long s, @Cast("float*") long iSave,
                                     @Cast("float*") long u, @Cast("float*") long vLast);

    @NoException
    static native int sg_lif_backward(@Const LifConfig cfg, @Cast("const float*") long wRec,
                                      @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                      @Cast("const float*") long theta, @Cast("const float*") long i0,
                                      @Cast("const float*") long v0, @Cast("const float*") long iSave,
                                      @Cast("const float*") long gradS, @Cast("const float*") long gradU,
                                      @Cast("float*") long gradX, @Cast("float*") long gradI0, @Cast("float*") long gradV0,
                                      @Cast("float*") long gradAlpha, @Cast("float*") long gradBeta,
                                      @Cast("float*") long gradTheta);

    @NoException
    static native int sg_lif_backward_product(@Const LifConfig cfg, @Cast("const float*") long wRec,
                                              @Cast("const float*") long alpha,
                                              @Cast("const float*") long beta, @Cast("const float*") long theta,
                                              @Cast("const float*") long i0, @Cast("const float*") long v0,
                                              @Cast("const float*") long iSave, @Cast("const float*") long gNext,
                                              @Cast("const float*") long wNext, int kNext,
                                              @Cast("const float*") long gradU, @Cast("float*") long gradX,
                                              @Cast("float*") long gradI0, @Cast("float*") long gradV0,
                                              @Cast("float*") long gradAlpha, @Cast("float*") long gradBeta,
                                              @Cast("float*") long gradTheta);

    @NoException
    static native int sg_li_forward(int steps, int batch, int neurons, @Cast("const float*") long x,
                                    @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                    @Cast("const float*") long i0, @Cast("const float*") long u0,
                                    @Cast("float*") long u, @Cast("float*") long iSave);

    @NoException
    static native int sg_li_backward(int steps, int batch, int neurons,
                                     @Cast("const float*") long alpha, @Cast("const float*") long beta,
                                     @Cast("const float*") long i0, @Cast("const float*") long u0,
                                     @Cast("const float*") long u, @Cast("const float*") long iSave,
                                     @Cast("const float*") long gradU, @Cast("float*") long gradX,
                                     @Cast("float*") long gradI0, @Cast("float*") long gradU0,
                                     @Cast("float*") long gradAlpha, @Cast("float*") long gradBeta);

    @NoException
    static native int sg_spike_matmul(int rows, int inputs, int outputs, @Cast("const void*") long x, int xDtype,
                                      @Cast("const float*") long w, float beta, @Cast("float*") long out);

    @NoException
    static native int sg_spike_matmul_weight_grad(int rows, int inputs, int outputs, @Cast("const void*") long x, int xDtype,
                                                  @Cast("const float*") long g, float beta, @Cast("float*") long dw);

    @NoException
    static native int sg_lif_surrogate_mask(@Const LifConfig cfg, @Cast("const float*") long beta, @Cast("const float*") long theta,
                                            @Cast("const float*") long v0, @Cast("const float*") long iSave,
                                            @Cast("uint8_t*") long mask, @Cast("long long*") long[] count);

    @NoException
    static native int sg_masked_matmul(int rows, int inner, int cols, @Cast("const float*") long a, @Cast("const float*") long b,
                                       @Cast("const uint8_t*") long mask, @Cast("float*") long out);

    @NoException
    static native long sg_count_nonzero(@Cast("const void*") long p, int dtype, long n);

    @NoException
    static native double sg_sum(@Cast("const void*") long p, int dtype, long n);

    /** {@code sg_eventprop_config} (eventprop.h). */
    @Name("sg_eventprop_config")
    public static final class EventPropConfig extends Pointer {
        static {
            Loader.load();
        }

        public EventPropConfig() {
            allocate();
        }

        private native void allocate();

        public native int layers(); public native EventPropConfig layers(int v);
        public native int batch(); public native EventPropConfig batch(int v);
        public native int readout(); public native EventPropConfig readout(int v);
        public native int loss(); public native EventPropConfig loss(int v);
        public native int gradients(); public native EventPropConfig gradients(int v);
        public native int max_spikes(); public native EventPropConfig max_spikes(int v);
        public native int trace_capacity(); public native EventPropConfig trace_capacity(int v);
        public native double duration(); public native EventPropConfig duration(double v);
        public native double tau0(); public native EventPropConfig tau0(double v);
        public native double tau1(); public native EventPropConfig tau1(double v);
        public native double alpha(); public native EventPropConfig alpha(double v);
        public native double vdot_floor(); public native EventPropConfig vdot_floor(double v);
        public native double sample_clip(); public native EventPropConfig sample_clip(double v);
    }

    /** eventprop.h; called by {@link NativeEventProp}, which validates every argument first. */
    @NoException
    static native int sg_eventprop_batch(@Const EventPropConfig cfg, @Cast("const int*") long sizes,
                                         @Cast("const int*") long recurrent,
                                         @Cast("const double*") long weights, @Cast("const double*") long recWeights,
                                         @Cast("const double*") long tauMem, @Cast("const double*") long tauSyn,
                                         @Cast("const double*") long theta,
                                         @Cast("const double*") long inTimes, @Cast("const int*") long inChannels,
                                         @Cast("const int*") long inOffsets, @Cast("const int*") long labels,
                                         @Cast("double*") long lossOut, @Cast("int*") long predictions,
                                         @Cast("double*") long outValues, @Cast("int*") long outCounts,
                                         @Cast("int*") long spikeTotals, @Cast("int*") long layerSilent,
                                         @Cast("long long*") long storedBytes,
                                         @Cast("double*") long traceTimes, @Cast("int*") long traceNeurons,
                                         @Cast("double*") long gradWeights, @Cast("double*") long gradRec,
                                         @Cast("double*") long gradTheta, @Cast("long long*") long clamped,
                                         @Cast("long long*") long sampleClipped);

    @NoException
    static native int sg_set_num_threads(int n);

    @NoException
    static native int sg_get_num_threads();

    @NoException
    static native long sg_count_nonfinite(@Cast("const float*") long p, long n);

    @NoException
    static native @Cast("const char*") String sg_status_string(int status);

    // ---- diffsyn.h: the differentiable synapse (Huh & Sejnowski); called by NativeDiffSyn ----

    /** {@code sg_diffsyn_config} (diffsyn.h). */
    @Name("sg_diffsyn_config")
    public static final class DiffSynConfig extends Pointer {
        static {
            Loader.load();
        }

        public DiffSynConfig() {
            allocate();
        }

        private native void allocate();

        public native int steps(); public native DiffSynConfig steps(int v);
        public native int batch(); public native DiffSynConfig batch(int v);
        public native int neurons(); public native DiffSynConfig neurons(int v);
        public native int inputs(); public native DiffSynConfig inputs(int v);
        public native int outputs(); public native DiffSynConfig outputs(int v);
        public native int neuron(); public native DiffSynConfig neuron(int v);
        public native int gate(); public native DiffSynConfig gate(int v);
        public native double dt(); public native DiffSynConfig dt(double v);
        public native double tau_v(); public native DiffSynConfig tau_v(double v);
        public native double tau_fast(); public native DiffSynConfig tau_fast(double v);
        public native double tau_slow(); public native DiffSynConfig tau_slow(double v);
        public native double width(); public native DiffSynConfig width(double v);
        public native double lambda(); public native DiffSynConfig lambda(double v);
    }

    @NoException
    static native int sg_diffsyn_forward(@Const DiffSynConfig cfg, @Cast("const double*") long wFast,
                                         @Cast("const double*") long wSlow, @Cast("const double*") long u,
                                         @Cast("const double*") long i0, @Cast("const double*") long o,
                                         @Cast("const double*") long x, @Cast("const double*") long target,
                                         @Cast("const double*") long weight, @Cast("const double*") long v0, @Cast("double*") long loss,
                                         @Cast("double*") long readout, @Cast("signed char*") long spikes,
                                         @Cast("int*") long spikeCounts, @Cast("double*") long diag);

    @NoException
    static native int sg_diffsyn_forward_backward(@Const DiffSynConfig cfg, @Cast("const double*") long wFast,
                                                  @Cast("const double*") long wSlow, @Cast("const double*") long u,
                                                  @Cast("const double*") long i0, @Cast("const double*") long o,
                                                  @Cast("const double*") long x, @Cast("const double*") long target,
                                                  @Cast("const double*") long weight, @Cast("const double*") long v0, @Cast("double*") long loss,
                                                  @Cast("double*") long readout, @Cast("signed char*") long spikes,
                                                  @Cast("int*") long spikeCounts, @Cast("double*") long gWFast,
                                                  @Cast("double*") long gWSlow, @Cast("double*") long gU,
                                                  @Cast("double*") long gI0, @Cast("double*") long gO,
                                                  @Cast("double*") long gV0, @Cast("double*") long diag);
}
