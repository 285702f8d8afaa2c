package io.spikegrad.cuda;

import io.spikegrad.Arena;
import io.spikegrad.Tensor;
import io.spikegrad.cpu.EventPropBatch;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.EventSample;
import io.spikegrad.net.Network;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Exact EventProp on the GPU ({@code sg_eventprop_batch_cuda}, cuda.h; bodies in
 * native/include/spikegrad/cuda/eventprop_kernels.h) for a {@link Network}: event-driven forward,
 * one of {@link NativeEventProp.Kind}'s losses, exact adjoint backward, in double precision, one
 * thread block per sample, the neurons of a feed-forward layer or readout in parallel and a
 * recurrent layer by one thread. {@link #emulated} runs the same kernels on the CPU (tests without
 * a GPU). Scope: the native CPU kernel's ({@link NativeEventProp}: LIF layers, each optionally
 * recurrent, an optional leaky-integrator readout, all five losses, the per-sample gradient limit),
 * without its spike trace ({@code Options.traceCapacity} must be 0), at most 16 layers. Results
 * come as {@link NativeEventProp.Result} with {@code spikeTimes} / {@code spikeNeurons} null; with
 * gradients, the network's gradients are overwritten as {@link NativeEventProp#run} does.
 */
public final class CudaEventProp {
    private CudaEventProp() {}

    /** The reference's default guard floor on Vdot^-. */
    public static final double DEFAULT_VDOT_FLOOR = NativeEventProp.DEFAULT_VDOT_FLOOR;
    /** The reference's default spike cap per sample. */
    public static final int DEFAULT_MAX_SPIKES = NativeEventProp.DEFAULT_MAX_SPIKES;

    /** First-spike loss with gradients, the kernels emulated on the CPU (every thread of every launch, one after the other). */
    public static NativeEventProp.Result emulated(Network net, List<EventSample> batch, double duration, double tau0, double tau1,
                                                  double alpha) {
        return run(null, net, batch, duration, NativeEventProp.Loss.firstSpike(tau0, tau1, alpha), true, NativeEventProp.Options.DEFAULT);
    }

    /** First-spike loss with gradients on the backend's GPU. */
    public static NativeEventProp.Result onDevice(CudaBackend backend, Network net, List<EventSample> batch, double duration,
                                                  double tau0, double tau1, double alpha) {
        return run(backend, net, batch, duration, NativeEventProp.Loss.firstSpike(tau0, tau1, alpha), true,
                NativeEventProp.Options.DEFAULT);
    }

    /** {@link NativeEventProp#run}'s call, the kernels emulated on the CPU. */
    public static NativeEventProp.Result emulated(Network net, List<EventSample> batch, double duration, NativeEventProp.Loss loss,
                                                  boolean gradients, NativeEventProp.Options options) {
        return run(null, net, batch, duration, loss, gradients, options);
    }

    /** {@link NativeEventProp#run}'s call on the backend's GPU: inputs copied to the device once, results copied back once. */
    public static NativeEventProp.Result onDevice(CudaBackend backend, Network net, List<EventSample> batch, double duration,
                                                  NativeEventProp.Loss loss, boolean gradients, NativeEventProp.Options options) {
        if (backend == null) throw new NullPointerException("backend");
        return run(backend, net, batch, duration, loss, gradients, options);
    }

    private static NativeEventProp.Result run(CudaBackend backend, Network net, List<EventSample> batch, double duration,
                                              NativeEventProp.Loss loss, boolean gradients, NativeEventProp.Options options) {
        if (options.traceCapacity() != 0) throw new IllegalArgumentException("GPU EventProp returns no spike trace: traceCapacity must be 0");
        if (net.layers().size() > 16) throw new IllegalArgumentException("GPU EventProp: at most 16 layers, got " + net.layers().size());
        try (PointerScope scope = new PointerScope()) {
            EventPropBatch p = new EventPropBatch(net, batch, duration, loss, gradients, options);
            CudaEmulation.EventPropConfig cfg = new CudaEmulation.EventPropConfig()
                    .layers(p.layers).batch(p.batch).readout(p.readout ? 1 : 0).loss(loss.kind().code()).gradients(gradients ? 1 : 0)
                    .max_spikes(options.maxSpikes()).trace_capacity(0).duration(duration).tau0(loss.tau0()).tau1(loss.tau1())
                    .alpha(loss.alpha()).vdot_floor(options.vdotFloor()).sample_clip(options.sampleClip());
            // host buffers; on a GPU each is mirrored in device memory
            Pointer[] in = {p.sizes, p.recurrent, p.weights, p.recurrentWeights, p.tauMem, p.tauSyn, p.thresholds, p.times,
                p.channels, p.offsets, p.labels};
            Pointer[] out = {p.meanLoss, p.predictions, p.values, p.counts, p.totals, p.silent, p.storedBytes, p.weightGrad,
                p.recurrentGrad, p.thresholdGrad, p.clamped, p.clipped};
            long[] a = new long[in.length], o = new long[out.length];
            Arena arena = backend == null ? null : backend.newArena();
            try {
                for (int k = 0; k < in.length; k++) a[k] = arena == null ? in[k].address() : upload(arena, "eventprop input " + k, in[k]);
                for (int k = 0; k < out.length; k++) {
                    o[k] = arena == null ? out[k].address()
                            : arena.allocate(io.spikegrad.DType.U8, "eventprop output " + k, (int) bytes(out[k])).address();
                }
                long rw = p.hasRecurrent ? a[3] : 0, gw = gradients ? o[7] : 0, grw = gradients && p.hasRecurrent ? o[8] : 0,
                        gth = gradients ? o[9] : 0;
                if (arena == null) {
                    int st = CudaEmulation.sg_emu_eventprop_batch(cfg, a[0], a[1], a[2], rw, a[4], a[5], a[6], a[7], a[8], a[9], a[10],
                            o[0], o[1], o[2], o[3], o[4], o[5], o[6], gw, grw, gth, o[10], o[11]);
                    if (st != 0) throw NativeEventProp.failure("sg_emu_eventprop_batch", st, Status.text(st), options);
                } else {
                    int st = CudaRuntime.sg_eventprop_batch_cuda(backend.context(), cfg.address(), a[0], a[1], a[2], rw, a[4], a[5], a[6],
                            a[7], a[8], a[9], a[10], o[0], o[1], o[2], o[3], o[4], o[5], o[6], gw, grw, gth, o[10], o[11]);
                    if (st != 0) {
                        throw NativeEventProp.failure("sg_eventprop_batch_cuda", st,
                                st == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(st), options);
                    }
                    for (int k = 0; k < out.length; k++) arena.memory().copyToHost(out[k].address(), o[k], bytes(out[k]));
                }
            } finally {
                if (arena != null) arena.close();
            }
            return p.collect();
        }
    }

    private static long bytes(Pointer p) {
        return p.capacity() * p.sizeof();
    }

    private static long upload(Arena arena, String name, Pointer host) {
        Tensor t = arena.allocate(io.spikegrad.DType.U8, name, (int) bytes(host));
        arena.memory().copyFromHost(t.address(), host.address(), bytes(host));
        return t.address();
    }
}
