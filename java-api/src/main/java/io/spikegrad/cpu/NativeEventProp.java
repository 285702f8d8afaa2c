package io.spikegrad.cpu;

import io.spikegrad.NativeException;
import io.spikegrad.ResetMode;
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
import org.bytedeco.javacpp.PointerScope;

/**
 * The native CPU EventProp kernel ({@code native/include/spikegrad/eventprop.h}) on a
 * {@link Network}: exact forward, time-to-first-spike cross-entropy, exact adjoint backward,
 * in double precision, samples in parallel. It reproduces the pure-Java reference
 * ({@code io.spikegrad.eventprop.EventProp} with {@code EventLosses.firstSpikeCrossEntropy})
 * to rounding.
 *
 * <p>v1 scope: a feed-forward stack of LIF layers (reset by subtraction or to 0), no bias, no
 * recurrent weights, the last layer spiking. Public (not package-private) so that the parity
 * test of the verification module can call it.
 */
public final class NativeEventProp {
    private NativeEventProp() {}

    /** The reference's default guard floor on Vdot^- (EventPropBackward.DEFAULT_VDOT_FLOOR). */
    public static final double DEFAULT_VDOT_FLOOR = 1e-6;
    /** The reference's default spike cap per sample. */
    public static final int DEFAULT_MAX_SPIKES = 5_000_000;

    /**
     * What one batch produced.
     *
     * @param loss          mean loss over the batch
     * @param predictions   per sample: output neuron with the earliest first spike, -1 when all are silent
     * @param firstTimes    [B][C]: first spike time of each output neuron, +infinity when silent
     * @param outputCounts  [B][C]: spikes of each output neuron
     * @param spikeTotals   [B]: spikes of all layers
     * @param weightGrad    per layer, dL/dweight [in][out] in double (mean over the batch)
     * @param thresholdGrad per layer, dL/dthreshold [size] in double (mean over the batch)
     * @param clampedSpikes spikes whose Vdot^- was clamped by the guard
     */
    public record Result(double loss, int[] predictions, double[][] firstTimes, int[][] outputCounts, int[] spikeTotals,
                         double[][] weightGrad, double[][] thresholdGrad, long clampedSpikes) {}

    /** {@link #lossAndGradient(Network, List, double, double, double, double, double, int)} with the default guard and cap. */
    public static Result lossAndGradient(Network net, List<EventSample> batch, double duration,
                                         double tau0, double tau1, double alpha) {
        return lossAndGradient(net, batch, duration, tau0, tau1, alpha, DEFAULT_VDOT_FLOOR, DEFAULT_MAX_SPIKES);
    }

    /**
     * Runs the batch over {@code [0, duration]} seconds with the loss
     * {@code -log softmax(-t/tau0)[label] + alpha (exp(t_label/tau1) - 1)} and overwrites the
     * gradients of {@code net}: weights and thresholds get the batch-mean gradient (rounded to
     * float), tau_mem / tau_syn get 0.
     *
     * @throws IllegalArgumentException when the network is outside v1's scope or the batch is empty
     * @throws NativeException when the kernel reports an error (e.g. more than maxSpikes spikes in a sample)
     */
    public static Result lossAndGradient(Network net, List<EventSample> batch, double duration,
                                         double tau0, double tau1, double alpha, double vdotFloor, int maxSpikes) {
        if (batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        List<Layer> layers = net.layers();
        int L = layers.size();
        int[] sizes = new int[L + 1];
        sizes[0] = net.inputs();
        int nw = 0, n = 0;
        for (int l = 0; l < L; l++) {
            Layer layer = layers.get(l);
            String where = "native EventProp: layer '" + layer.name() + "'";
            if (layer.kind() != Layer.Kind.LIF) throw new IllegalArgumentException(where + " is not LIF; v1 supports LIF stacks only");
            if (layer.bias() != null) throw new IllegalArgumentException(where + " has a bias; EventProp's model has none");
            if (layer.recurrent() != null) throw new IllegalArgumentException(where + " is recurrent; v1 is feed-forward only");
            ResetMode r = layer.params().reset();
            if (!(r == ResetMode.SUBTRACT || (r == ResetMode.TO_VALUE && layer.params().vReset() == 0.0))) {
                throw new IllegalArgumentException(where + " resets with " + r + "; EventProp supports reset by subtraction only");
            }
            if (layer.tauMem().learnable() || layer.tauSyn().learnable()) {
                throw new IllegalArgumentException(where + " has learnable time constants; their gradients are not computed");
            }
            sizes[l + 1] = layer.size();
            nw += layer.weight().size();
            n += layer.size();
        }
        int B = batch.size(), C = sizes[L];
        int events = 0;
        for (EventSample s : batch) {
            if (s.events().channels() != net.inputs()) {
                throw new IllegalArgumentException("input has " + s.events().channels() + " channels, the network " + net.inputs());
            }
            events += s.events().size();
        }
        try (PointerScope scope = new PointerScope()) {
            IntPointer pSizes = new IntPointer(sizes);
            DoublePointer w = new DoublePointer(nw), tm = new DoublePointer(n), ts = new DoublePointer(n), th = new DoublePointer(n);
            int wo = 0, no = 0;
            for (Layer layer : layers) {
                wo = put(w, wo, layer.weight().value());
                put(tm, no, layer.tauMem().value());
                put(ts, no, layer.tauSyn().value());
                no = put(th, no, layer.threshold().value());
            }
            double[] times = new double[events];
            int[] channels = new int[events], offsets = new int[B + 1], labels = new int[B];
            for (int b = 0; b < B; b++) {
                SpikeEvents ev = batch.get(b).events();
                System.arraycopy(ev.times(), 0, times, offsets[b], ev.size());
                System.arraycopy(ev.channelIds(), 0, channels, offsets[b], ev.size());
                offsets[b + 1] = offsets[b] + ev.size();
                labels[b] = batch.get(b).label();
            }
            DoublePointer pTimes = new DoublePointer(Math.max(1, events)).put(times);
            IntPointer pChannels = new IntPointer(Math.max(1, events)).put(channels);
            IntPointer pOffsets = new IntPointer(offsets), pLabels = new IntPointer(labels);
            DoublePointer loss = new DoublePointer(1), first = new DoublePointer((long) B * C);
            IntPointer pred = new IntPointer(B), counts = new IntPointer((long) B * C), totals = new IntPointer(B);
            DoublePointer gw = new DoublePointer(nw), gth = new DoublePointer(n);
            LongPointer clamped = new LongPointer(1);
            int status = CpuKernels.sg_eventprop_batch(L, pSizes.address(), w.address(), tm.address(), ts.address(), th.address(),
                    B, pTimes.address(), pChannels.address(), pOffsets.address(), pLabels.address(),
                    duration, tau0, tau1, alpha, vdotFloor, maxSpikes,
                    loss.address(), pred.address(), first.address(), counts.address(), totals.address(),
                    gw.address(), gth.address(), clamped.address());
            if (status != 0) throw new NativeException("sg_eventprop_batch", status, CpuKernels.sg_status_string(status));

            int[] predictions = new int[B], spikeTotals = new int[B];
            pred.get(predictions);
            totals.get(spikeTotals);
            double[][] firstTimes = new double[B][C];
            int[][] outCounts = new int[B][C];
            for (int b = 0; b < B; b++) {
                first.position((long) b * C).get(firstTimes[b]);
                counts.position((long) b * C).get(outCounts[b]);
            }
            double[][] weightGrad = new double[L][], thresholdGrad = new double[L][];
            wo = 0;
            no = 0;
            for (int l = 0; l < L; l++) {
                Layer layer = layers.get(l);
                weightGrad[l] = new double[layer.weight().size()];
                gw.position(wo).get(weightGrad[l]);
                wo += weightGrad[l].length;
                thresholdGrad[l] = new double[layer.size()];
                gth.position(no).get(thresholdGrad[l]);
                no += layer.size();
                copy(weightGrad[l], layer.weight());
                copy(thresholdGrad[l], layer.threshold());
                Arrays.fill(layer.tauMem().grad(), 0f);
                Arrays.fill(layer.tauSyn().grad(), 0f);
            }
            return new Result(loss.get(0), predictions, firstTimes, outCounts, spikeTotals, weightGrad, thresholdGrad, clamped.get(0));
        }
    }

    private static int put(DoublePointer p, int at, float[] v) {
        for (int k = 0; k < v.length; k++) p.put(at + k, v[k]);
        return at + v.length;
    }

    private static void copy(double[] src, Parameter p) {
        float[] g = p.grad();
        for (int k = 0; k < g.length; k++) g[k] = (float) src[k];
    }
}
