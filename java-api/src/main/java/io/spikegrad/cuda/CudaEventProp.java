package io.spikegrad.cuda;

import io.spikegrad.Arena;
import io.spikegrad.NativeException;
import io.spikegrad.Tensor;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.EventSample;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
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
        if (batch == null || batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        if (!(duration > 0) || !Double.isFinite(duration)) throw new IllegalArgumentException("duration must be finite and > 0 s, got " + duration);
        if (options.traceCapacity() != 0) throw new IllegalArgumentException("GPU EventProp returns no spike trace: traceCapacity must be 0");
        if (loss.kind() == NativeEventProp.Kind.FIRST_SPIKE && !(duration / loss.tau1() < 700)) {
            throw new IllegalArgumentException("first-spike loss: duration / tau1 must stay below 700 (exp(t/tau1) overflows), got "
                    + duration + " s / " + loss.tau1() + " s");
        }
        NativeEventProp.checkNetwork(net, loss);
        List<Layer> layers = net.layers();
        int L = layers.size();
        if (L > 16) throw new IllegalArgumentException("GPU EventProp: at most 16 layers, got " + L);
        boolean readout = layers.get(L - 1).kind() == Layer.Kind.LI;
        int[] sizes = new int[L + 1], rec = new int[L];
        sizes[0] = net.inputs();
        int nw = 0, nr = 0, n = 0;
        for (int l = 0; l < L; l++) {
            Layer layer = layers.get(l);
            sizes[l + 1] = layer.size();
            rec[l] = layer.recurrent() != null ? 1 : 0;
            nw += layer.weight().size();
            if (layer.recurrent() != null) nr += layer.recurrent().size();
            n += layer.size();
        }
        int B = batch.size(), C = sizes[L], events = 0;
        for (int b = 0; b < B; b++) {
            EventSample s = batch.get(b);
            if (s.events().channels() != net.inputs()) {
                throw new IllegalArgumentException("batch[" + b + "] has " + s.events().channels() + " input channels, the network " + net.inputs());
            }
            if (s.label() < 0 || s.label() >= C) {
                throw new IllegalArgumentException("batch[" + b + "] label must lie in [0, " + C + "), got " + s.label());
            }
            events += s.events().size();
        }
        try (PointerScope scope = new PointerScope()) {
            CudaEmulation.EventPropConfig cfg = new CudaEmulation.EventPropConfig()
                    .layers(L).batch(B).readout(readout ? 1 : 0).loss(loss.kind().code()).gradients(gradients ? 1 : 0)
                    .max_spikes(options.maxSpikes()).trace_capacity(0).duration(duration).tau0(loss.tau0()).tau1(loss.tau1())
                    .alpha(loss.alpha()).vdot_floor(options.vdotFloor()).sample_clip(options.sampleClip());
            double[] w = new double[nw], rw = new double[Math.max(1, nr)], tm = new double[n], ts = new double[n], th = new double[n];
            int wo = 0, ro = 0, no = 0;
            for (Layer layer : layers) {
                for (float v : layer.weight().value()) w[wo++] = v;
                if (layer.recurrent() != null) for (float v : layer.recurrent().value()) rw[ro++] = v;
                float[] a = layer.tauMem().value(), bb = layer.tauSyn().value(), c = layer.threshold().value();
                for (int k = 0; k < a.length; k++, no++) {
                    tm[no] = a[k];
                    ts[no] = bb[k];
                    th[no] = c[k];
                }
            }
            double[] times = new double[Math.max(1, events)];
            int[] channels = new int[Math.max(1, events)], offsets = new int[B + 1], labels = new int[B];
            for (int b = 0; b < B; b++) {
                SpikeEvents ev = batch.get(b).events();
                System.arraycopy(ev.times(), 0, times, offsets[b], ev.size());
                System.arraycopy(ev.channelIds(), 0, channels, offsets[b], ev.size());
                offsets[b + 1] = offsets[b] + ev.size();
                labels[b] = batch.get(b).label();
            }
            // host buffers; on a GPU each is mirrored in device memory
            Pointer[] in = {new IntPointer(sizes), new IntPointer(rec), new DoublePointer(w), new DoublePointer(rw),
                new DoublePointer(tm), new DoublePointer(ts), new DoublePointer(th), new DoublePointer(times),
                new IntPointer(channels), new IntPointer(offsets), new IntPointer(labels)};
            DoublePointer pLoss = new DoublePointer(1), values = new DoublePointer((long) B * C), gw = new DoublePointer(nw),
                    grw = new DoublePointer(Math.max(1, nr)), gth = new DoublePointer(n);
            IntPointer pred = new IntPointer(B), counts = new IntPointer((long) B * C), totals = new IntPointer(B),
                    silent = new IntPointer((long) B * L);
            LongPointer bytes = new LongPointer(B), clamped = new LongPointer(1), clipped = new LongPointer(1);
            Pointer[] out = {pLoss, pred, values, counts, totals, silent, bytes, gw, grw, gth, clamped, clipped};
            if (backend == null) {
                int st = CudaEmulation.sg_emu_eventprop_batch(cfg, in[0].address(), in[1].address(), in[2].address(),
                        nr > 0 ? in[3].address() : 0, in[4].address(), in[5].address(), in[6].address(), in[7].address(),
                        in[8].address(), in[9].address(), in[10].address(), pLoss.address(), pred.address(), values.address(),
                        counts.address(), totals.address(), silent.address(), bytes.address(), gradients ? gw.address() : 0,
                        gradients && nr > 0 ? grw.address() : 0, gradients ? gth.address() : 0, clamped.address(), clipped.address());
                if (st != 0) throw failure("sg_emu_eventprop_batch", st, Status.text(st), options);
            } else {
                try (Arena arena = backend.newArena()) {
                    long[] din = new long[in.length], dout = new long[out.length];
                    for (int k = 0; k < in.length; k++) din[k] = upload(arena, "eventprop input " + k, in[k]);
                    for (int k = 0; k < out.length; k++) dout[k] = arena.allocate(io.spikegrad.DType.U8, "eventprop output " + k,
                            (int) bytes(out[k])).address();
                    int st = CudaRuntime.sg_eventprop_batch_cuda(backend.context(), cfg.address(), din[0], din[1], din[2],
                            nr > 0 ? din[3] : 0, din[4], din[5], din[6], din[7], din[8], din[9], din[10],
                            dout[0], dout[1], dout[2], dout[3], dout[4], dout[5], dout[6], gradients ? dout[7] : 0,
                            gradients && nr > 0 ? dout[8] : 0, gradients ? dout[9] : 0, dout[10], dout[11]);
                    if (st != 0) {
                        throw failure("sg_eventprop_batch_cuda", st, st == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(st), options);
                    }
                    for (int k = 0; k < out.length; k++) arena.memory().copyToHost(out[k].address(), dout[k], bytes(out[k]));
                }
            }
            int[] predictions = new int[B], spikeTotals = new int[B];
            long[] stored = new long[B];
            pred.get(predictions);
            totals.get(spikeTotals);
            bytes.get(stored);
            double[][] outValues = new double[B][C];
            int[][] outCounts = new int[B][C], layerSilent = new int[B][L];
            for (int b = 0; b < B; b++) {
                values.position((long) b * C).get(outValues[b]);
                counts.position((long) b * C).get(outCounts[b]);
                silent.position((long) b * L).get(layerSilent[b]);
            }
            double[][] wg = null, rg = null, tg = null;
            if (gradients) {
                wg = new double[L][];
                rg = new double[L][];
                tg = new double[L][];
                int go = 0, gro = 0, to = 0;
                for (int l = 0; l < L; l++) {
                    Layer layer = layers.get(l);
                    wg[l] = new double[layer.weight().size()];
                    gw.position(go).get(wg[l]);
                    go += wg[l].length;
                    copy(wg[l], layer.weight());
                    if (layer.recurrent() != null) {
                        rg[l] = new double[layer.recurrent().size()];
                        grw.position(gro).get(rg[l]);
                        gro += rg[l].length;
                        copy(rg[l], layer.recurrent());
                    }
                    tg[l] = new double[layer.size()];
                    gth.position(to).get(tg[l]);
                    to += tg[l].length;
                    copy(tg[l], layer.threshold());
                    Arrays.fill(layer.tauMem().grad(), 0f);
                    Arrays.fill(layer.tauSyn().grad(), 0f);
                }
            }
            return new NativeEventProp.Result(pLoss.get(0), predictions, outValues, outCounts, spikeTotals, layerSilent, stored,
                    wg, rg, tg, clamped.get(0), null, null, gradients ? clipped.get(0) : 0);
        }
    }

    private static NativeException failure(String fn, int st, String what, NativeEventProp.Options options) {
        if (st == 4) what += " (a non-finite Vdot^-, or more than " + options.maxSpikes() + " spikes in one sample: runaway excitation?)";
        return new NativeException(fn, st, what);
    }

    private static void copy(double[] src, Parameter p) {
        float[] g = p.grad();
        for (int k = 0; k < g.length; k++) g[k] = (float) src[k];
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
