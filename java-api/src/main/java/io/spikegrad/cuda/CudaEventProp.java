package io.spikegrad.cuda;

import io.spikegrad.Arena;
import io.spikegrad.NativeException;
import io.spikegrad.ResetMode;
import io.spikegrad.Tensor;
import io.spikegrad.data.EventSample;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Exact EventProp on the GPU ({@code sg_eventprop_batch_cuda}, cuda.h; bodies in
 * native/include/spikegrad/cuda/eventprop_kernels.h) for a {@link Network}: event-driven forward,
 * time-to-first-spike cross-entropy, exact adjoint backward, in double precision, the neurons of
 * each layer in parallel, one thread block per sample. {@link #emulated} runs the same kernels on
 * the CPU (tests without a GPU). Scope: the CPU kernel's v1 (feed-forward LIF stacks, reset by
 * subtraction, no bias, weight and threshold gradients).
 */
public final class CudaEventProp {
    private CudaEventProp() {}

    /** The reference's default guard floor on Vdot^-. */
    public static final double DEFAULT_VDOT_FLOOR = 1e-6;
    /** The reference's default spike cap per sample. */
    public static final int DEFAULT_MAX_SPIKES = 5_000_000;

    /**
     * What one batch produced (as the CPU kernel's result).
     *
     * @param loss          mean loss over the batch
     * @param predictions   per sample: output neuron with the earliest first spike, -1 when all are silent
     * @param firstTimes    [B][C]: first spike time of each output neuron, +infinity when silent
     * @param outputCounts  [B][C]: spikes of each output neuron
     * @param spikeTotals   [B]: spikes of all layers
     * @param weightGrad    per layer, dL/dweight [in][out] (mean over the batch)
     * @param thresholdGrad per layer, dL/dthreshold [size] (mean over the batch)
     * @param clampedSpikes spikes whose Vdot^- was clamped by the guard
     */
    public record Result(double loss, int[] predictions, double[][] firstTimes, int[][] outputCounts, int[] spikeTotals,
                         double[][] weightGrad, double[][] thresholdGrad, long clampedSpikes) {}

    /** The kernels emulated on the CPU (every thread of every launch, one after the other). */
    public static Result emulated(Network net, List<EventSample> batch, double duration, double tau0, double tau1, double alpha) {
        return run(null, net, batch, duration, tau0, tau1, alpha);
    }

    /** On the backend's GPU: inputs copied to the device once, results copied back once. */
    public static Result onDevice(CudaBackend backend, Network net, List<EventSample> batch, double duration,
                                  double tau0, double tau1, double alpha) {
        return run(backend, net, batch, duration, tau0, tau1, alpha);
    }

    private static Result run(CudaBackend backend, Network net, List<EventSample> batch, double duration,
                              double tau0, double tau1, double alpha) {
        if (batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        List<Layer> layers = net.layers();
        int L = layers.size();
        if (L > 16) throw new IllegalArgumentException("GPU EventProp: at most 16 layers, got " + L);
        int[] sizes = new int[L + 1];
        sizes[0] = net.inputs();
        int nw = 0, n = 0;
        for (int l = 0; l < L; l++) {
            Layer layer = layers.get(l);
            String where = "GPU EventProp: layer '" + layer.name() + "'";
            if (layer.kind() != Layer.Kind.LIF) throw new IllegalArgumentException(where + " is not LIF; only LIF stacks are supported");
            if (layer.bias() != null) throw new IllegalArgumentException(where + " has a bias; EventProp's model has none");
            if (layer.recurrent() != null) throw new IllegalArgumentException(where + " is recurrent; the GPU kernel is feed-forward only");
            ResetMode r = layer.params().reset();
            if (!(r == ResetMode.SUBTRACT || (r == ResetMode.TO_VALUE && layer.params().vReset() == 0.0))) {
                throw new IllegalArgumentException(where + " resets with " + r + "; EventProp supports reset by subtraction only");
            }
            sizes[l + 1] = layer.size();
            nw += layer.weight().size();
            n += layer.size();
        }
        int B = batch.size(), C = sizes[L], events = 0;
        for (EventSample s : batch) {
            if (s.events().channels() != net.inputs()) {
                throw new IllegalArgumentException("input has " + s.events().channels() + " channels, the network " + net.inputs());
            }
            events += s.events().size();
        }
        try (PointerScope scope = new PointerScope()) {
            double[] w = new double[nw], tm = new double[n], ts = new double[n], th = new double[n];
            int wo = 0, no = 0;
            for (Layer layer : layers) {
                for (float v : layer.weight().value()) w[wo++] = v;
                float[] a = layer.tauMem().value(), b = layer.tauSyn().value(), c = layer.threshold().value();
                for (int k = 0; k < a.length; k++, no++) {
                    tm[no] = a[k];
                    ts[no] = b[k];
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
            Pointer[] in = {new IntPointer(sizes), new DoublePointer(w), new DoublePointer(tm), new DoublePointer(ts),
                new DoublePointer(th), new DoublePointer(times), new IntPointer(channels), new IntPointer(offsets), new IntPointer(labels)};
            DoublePointer loss = new DoublePointer(1), first = new DoublePointer((long) B * C), gw = new DoublePointer(nw),
                    gth = new DoublePointer(n);
            IntPointer pred = new IntPointer(B), counts = new IntPointer((long) B * C), totals = new IntPointer(B);
            LongPointer clamped = new LongPointer(1);
            Pointer[] out = {loss, pred, first, counts, totals, gw, gth, clamped};
            if (backend == null) {
                int st = CudaEmulation.sg_emu_eventprop_batch(L, in[0].address(), in[1].address(), in[2].address(), in[3].address(),
                        in[4].address(), B, in[5].address(), in[6].address(), in[7].address(), in[8].address(),
                        duration, tau0, tau1, alpha, DEFAULT_VDOT_FLOOR, DEFAULT_MAX_SPIKES,
                        loss.address(), pred.address(), first.address(), counts.address(), totals.address(),
                        gw.address(), gth.address(), clamped.address());
                if (st != 0) throw new NativeException("sg_emu_eventprop_batch", st, Status.text(st));
            } else {
                try (Arena arena = backend.newArena()) {
                    long[] din = new long[in.length], dout = new long[out.length];
                    for (int k = 0; k < in.length; k++) din[k] = upload(arena, "eventprop input " + k, in[k]);
                    for (int k = 0; k < out.length; k++) dout[k] = arena.allocate(io.spikegrad.DType.U8, "eventprop output " + k,
                            (int) bytes(out[k])).address();
                    int st = CudaRuntime.sg_eventprop_batch_cuda(backendContext(backend), L, din[0], din[1], din[2], din[3], din[4],
                            B, din[5], din[6], din[7], din[8], duration, tau0, tau1, alpha, DEFAULT_VDOT_FLOOR, DEFAULT_MAX_SPIKES,
                            dout[0], dout[1], dout[2], dout[3], dout[4], dout[5], dout[6], dout[7]);
                    if (st != 0) {
                        throw new NativeException("sg_eventprop_batch_cuda", st,
                                st == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(st));
                    }
                    for (int k = 0; k < out.length; k++) arena.memory().copyToHost(out[k].address(), dout[k], bytes(out[k]));
                }
            }
            int[] predictions = new int[B], spikeTotals = new int[B];
            pred.get(predictions);
            totals.get(spikeTotals);
            double[][] firstTimes = new double[B][C];
            int[][] outCounts = new int[B][C];
            for (int b = 0; b < B; b++) {
                first.position((long) b * C).get(firstTimes[b]);
                counts.position((long) b * C).get(outCounts[b]);
            }
            double[][] wg = new double[L][], tg = new double[L][];
            int go = 0, to = 0;
            for (int l = 0; l < L; l++) {
                Layer layer = layers.get(l);
                wg[l] = new double[layer.weight().size()];
                gw.position(go).get(wg[l]);
                go += wg[l].length;
                tg[l] = new double[layer.size()];
                gth.position(to).get(tg[l]);
                to += tg[l].length;
            }
            return new Result(loss.get(0), predictions, firstTimes, outCounts, spikeTotals, wg, tg, clamped.get(0));
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

    private static long backendContext(CudaBackend backend) {
        return backend.context();
    }
}
