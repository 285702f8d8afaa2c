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
 * {@link Network}: exact event-driven forward, one of the losses of {@link Kind}, exact adjoint
 * backward, in double precision, samples in parallel. It reproduces the pure-Java reference
 * ({@code io.spikegrad.eventprop.EventProp} with the matching {@code EventLosses} loss) to
 * rounding.
 *
 * <p>Networks: LIF layers (reset by subtraction, or to 0, which is the same map at a crossing),
 * each optionally recurrent (self-connections allowed), and as the last layer either LIF or a
 * non-spiking leaky-integrator readout; no bias; time constants not learnable. Everything else
 * is refused with an {@link IllegalArgumentException} naming the layer and what to change.
 * Public (not package-private) so that the verification module's trainer and parity tests can
 * call it.
 */
public final class NativeEventProp {
    private NativeEventProp() {}

    /** The reference's default guard floor on Vdot^- (EventPropBackward.DEFAULT_VDOT_FLOOR). */
    public static final double DEFAULT_VDOT_FLOOR = 1e-6;
    /** The reference's default spike cap per sample. */
    public static final int DEFAULT_MAX_SPIKES = 5_000_000;

    /** The losses of the kernel (enum sg_ep_loss); all act on the last layer. */
    public enum Kind {
        /** Eq. (35): time-to-first-spike cross-entropy with the early-spike regulariser; spiking output. */
        FIRST_SPIKE(0, false),
        /** Cross-entropy on max over time of the LI readout's membrane. */
        MAX_VOLTAGE(1, true),
        /** Cross-entropy on the time average of the LI readout's membrane. */
        MEAN_VOLTAGE(2, true),
        /** Cross-entropy on output spike counts (exact gradient 0); spiking output. */
        SPIKE_COUNT(3, false),
        /** Sum of all output spike times (paper figure 1); spiking output. */
        SPIKE_TIME_SUM(4, false);

        final int code;
        final boolean readout;

        Kind(int code, boolean readout) {
            this.code = code;
            this.readout = readout;
        }

        /** Whether the loss reads an LI readout (true) or a spiking last layer (false). */
        public boolean needsReadout() { return readout; }
    }

    /**
     * A loss for the kernel. {@code tau0}, {@code tau1} (seconds) and {@code alpha} are eq. (35)'s
     * constants and are only read by {@link Kind#FIRST_SPIKE}.
     */
    public record Loss(Kind kind, double tau0, double tau1, double alpha) {
        public Loss {
            if (kind == null) throw new NullPointerException("kind");
            if (kind == Kind.FIRST_SPIKE && (!(tau0 > 0) || !(tau1 > 0) || !(alpha >= 0) || !Double.isFinite(tau0 + tau1 + alpha))) {
                throw new IllegalArgumentException("first-spike loss: need finite tau0 > 0 s, tau1 > 0 s and alpha >= 0, got "
                        + tau0 + ", " + tau1 + ", " + alpha);
            }
        }

        public static Loss firstSpike(double tau0, double tau1, double alpha) { return new Loss(Kind.FIRST_SPIKE, tau0, tau1, alpha); }

        /** A loss without constants. */
        public static Loss of(Kind kind) {
            if (kind == Kind.FIRST_SPIKE) throw new IllegalArgumentException("the first-spike loss needs tau0, tau1, alpha: use firstSpike");
            return new Loss(kind, 0, 0, 0);
        }
    }

    /**
     * Settings of a call beyond the loss.
     *
     * @param vdotFloor     guard floor on Vdot^- relative to theta/tau_mem, {@code > 0}
     * @param maxSpikes     spike cap per sample, {@code >= 1}
     * @param traceCapacity how many spikes of each sample to return in {@link Result#spikeTimes()}, {@code >= 0}
     * @param sampleClip    per-sample gradient-norm limit over the weights ({@code > 0}), 0 for none (eventprop.h)
     */
    public record Options(double vdotFloor, int maxSpikes, int traceCapacity, double sampleClip) {
        /** The reference's guard and cap, no trace, no per-sample limit. */
        public static final Options DEFAULT = new Options(DEFAULT_VDOT_FLOOR, DEFAULT_MAX_SPIKES, 0, 0);

        public Options {
            if (!(vdotFloor > 0) || !Double.isFinite(vdotFloor)) throw new IllegalArgumentException("vdotFloor must be finite and > 0, got " + vdotFloor);
            if (maxSpikes < 1) throw new IllegalArgumentException("maxSpikes must be >= 1, got " + maxSpikes);
                if (!(sampleClip >= 0) || !Double.isFinite(sampleClip)) {
                throw new IllegalArgumentException("sampleClip must be finite and >= 0 (0: off), got " + sampleClip);
            }
        }

        public Options withTrace(int capacity) { return new Options(vdotFloor, maxSpikes, capacity, sampleClip); }

        public Options withSampleClip(double clip) { return new Options(vdotFloor, maxSpikes, traceCapacity, clip); }
    }

    /**
     * What one batch produced.
     *
     * @param loss           mean loss over the batch
     * @param predictions    per sample: the earliest first spike (FIRST_SPIKE; -1 when every output is
     *                       silent), argmax of the readout statistic or of the counts, -1 for SPIKE_TIME_SUM
     * @param outputValues   [B][C]: what the loss reads per output neuron: first spike time
     *                       (+infinity when silent; also for SPIKE_TIME_SUM), max or mean membrane, count
     * @param outputCounts   [B][C]: spikes of each output neuron (0 for a readout)
     * @param spikeTotals    [B]: spikes of all layers
     * @param layerSilent    [B][L]: neurons of each layer without a spike (0 for a readout)
     * @param storedBytes    [B]: bytes the kernel kept for the sample's backward (spikes and readout
     *                       statistics, eventprop.h)
     * @param weightGrad     per layer dL/dweight [in][out] (batch mean), or null without gradients
     * @param recurrentGrad  per layer dL/drecurrent [N][N] or null (non-recurrent layer, or no gradients)
     * @param thresholdGrad  per layer dL/dthreshold [N] (0 for a readout), or null without gradients
     * @param clampedSpikes  spikes whose Vdot^- the guard clamped
     * @param spikeTimes     [B][min(K_b, traceCapacity)]: each sample's first spikes in processing order, or null
     * @param spikeNeurons   the global neuron index of each of them (layer 0's neurons first), or null
     * @param clippedSamples samples whose gradient the per-sample limit scaled
     */
    public record Result(double loss, int[] predictions, double[][] outputValues, int[][] outputCounts, int[] spikeTotals,
                         int[][] layerSilent, long[] storedBytes, double[][] weightGrad, double[][] recurrentGrad, double[][] thresholdGrad,
                         long clampedSpikes, double[][] spikeTimes, int[][] spikeNeurons, long clippedSamples) {
        /** {@link #outputValues()} under the name it has for the spike-time losses: [B][C] first spike times, +infinity when silent. */
        public double[][] firstTimes() { return outputValues; }
    }

    /** First-spike loss with the default guard and cap (the v1 entry point). */
    public static Result lossAndGradient(Network net, List<EventSample> batch, double duration,
                                         double tau0, double tau1, double alpha) {
        return run(net, batch, duration, Loss.firstSpike(tau0, tau1, alpha), true, Options.DEFAULT);
    }

    /** {@link #run} with gradients, the default guard and cap. */
    public static Result lossAndGradient(Network net, List<EventSample> batch, double duration, Loss loss) {
        return run(net, batch, duration, loss, true, Options.DEFAULT);
    }

    /** {@link #run} without gradients (the network's gradients are left alone). */
    public static Result evaluate(Network net, List<EventSample> batch, double duration, Loss loss) {
        return run(net, batch, duration, loss, false, Options.DEFAULT);
    }

    /**
     * Runs the batch over {@code [0, duration]} seconds. With {@code gradients} it overwrites the
     * gradients of {@code net}: weights, recurrent weights and LIF thresholds get the batch-mean
     * gradient (rounded to float), tau_mem / tau_syn (and a readout's threshold) get 0.
     *
     * @param options guard, spike cap, trace, per-sample limit
     * @throws IllegalArgumentException when the network, loss, batch or a scalar is outside the
     *     kernel's scope (the message names it)
     * @throws NativeException when the kernel reports an error (e.g. more than maxSpikes spikes in a sample)
     */
    public static Result run(Network net, List<EventSample> batch, double duration, Loss loss, boolean gradients, Options options) {
        if (batch == null || batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        if (!(duration > 0) || !Double.isFinite(duration)) throw new IllegalArgumentException("duration must be finite and > 0 s, got " + duration);
        final int maxSpikes = options.maxSpikes(), traceCapacity = options.traceCapacity();
        if (loss.kind() == Kind.FIRST_SPIKE && !(duration / loss.tau1() < 700)) {
            throw new IllegalArgumentException("first-spike loss: duration / tau1 must stay below 700 (exp(t/tau1) overflows), got "
                    + duration + " s / " + loss.tau1() + " s");
        }
        if ((long) traceCapacity * batch.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("traceCapacity x batch must stay below 2^31, got " + traceCapacity + " x " + batch.size());
        }
        List<Layer> layers = net.layers();
        int L = layers.size();
        boolean readout = layers.get(L - 1).kind() == Layer.Kind.LI;
        checkNetwork(net, loss);
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
        int B = batch.size(), C = sizes[L];
        long events = 0;
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
        if (events > Integer.MAX_VALUE) throw new IllegalArgumentException("batch holds " + events + " input events, at most " + Integer.MAX_VALUE);
        try (PointerScope scope = new PointerScope()) {
            CpuKernels.EventPropConfig cfg = new CpuKernels.EventPropConfig()
                    .layers(L).batch(B).readout(readout ? 1 : 0).loss(loss.kind().code).gradients(gradients ? 1 : 0)
                    .max_spikes(maxSpikes).trace_capacity(traceCapacity).duration(duration).tau0(loss.tau0()).tau1(loss.tau1()).alpha(loss.alpha())
                    .vdot_floor(options.vdotFloor()).sample_clip(options.sampleClip());
            IntPointer pSizes = new IntPointer(sizes), pRec = new IntPointer(rec);
            DoublePointer w = new DoublePointer(nw), rw = new DoublePointer(Math.max(1, nr));
            DoublePointer tm = new DoublePointer(n), ts = new DoublePointer(n), th = new DoublePointer(n);
            int wo = 0, ro = 0, no = 0;
            for (Layer layer : layers) {
                wo = put(w, wo, layer.weight().value());
                if (layer.recurrent() != null) ro = put(rw, ro, layer.recurrent().value());
                put(tm, no, layer.tauMem().value());
                put(ts, no, layer.tauSyn().value());
                no = put(th, no, layer.threshold().value());
            }
            int E = (int) events;
            double[] times = new double[E];
            int[] channels = new int[E], offsets = new int[B + 1], labels = new int[B];
            for (int b = 0; b < B; b++) {
                SpikeEvents ev = batch.get(b).events();
                System.arraycopy(ev.times(), 0, times, offsets[b], ev.size());
                System.arraycopy(ev.channelIds(), 0, channels, offsets[b], ev.size());
                offsets[b + 1] = offsets[b] + ev.size();
                labels[b] = batch.get(b).label();
            }
            DoublePointer pTimes = new DoublePointer(Math.max(1, E)).put(times);
            IntPointer pChannels = new IntPointer(Math.max(1, E)).put(channels);
            IntPointer pOffsets = new IntPointer(offsets), pLabels = new IntPointer(labels);
            DoublePointer pLoss = new DoublePointer(1), values = new DoublePointer((long) B * C);
            IntPointer pred = new IntPointer(B), counts = new IntPointer((long) B * C), totals = new IntPointer(B);
            IntPointer silent = new IntPointer((long) B * L);
            LongPointer bytes = new LongPointer(B), clamped = new LongPointer(1), clipped = new LongPointer(1);
            DoublePointer trT = traceCapacity > 0 ? new DoublePointer((long) B * traceCapacity) : null;
            IntPointer trN = traceCapacity > 0 ? new IntPointer((long) B * traceCapacity) : null;
            DoublePointer gw = gradients ? new DoublePointer(nw) : null;
            DoublePointer grw = gradients && nr > 0 ? new DoublePointer(nr) : null;
            DoublePointer gth = gradients ? new DoublePointer(n) : null;
            int status = CpuKernels.sg_eventprop_batch(cfg, pSizes.address(), pRec.address(), w.address(), nr > 0 ? rw.address() : 0,
                    tm.address(), ts.address(), th.address(), pTimes.address(), pChannels.address(), pOffsets.address(), pLabels.address(),
                    pLoss.address(), pred.address(), values.address(), counts.address(), totals.address(), silent.address(), bytes.address(),
                    trT == null ? 0 : trT.address(), trN == null ? 0 : trN.address(),
                    gw == null ? 0 : gw.address(), grw == null ? 0 : grw.address(), gth == null ? 0 : gth.address(), clamped.address(), clipped.address());
            if (status != 0) {
                String what = CpuKernels.sg_status_string(status);
                if (status == 4) what += " (a non-finite Vdot^-, or more than " + maxSpikes + " spikes in one sample: runaway excitation?)";
                throw new NativeException("sg_eventprop_batch", status, what);
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
            double[][] weightGrad = null, recGrad = null, thresholdGrad = null;
            if (gradients) {
                weightGrad = new double[L][];
                recGrad = new double[L][];
                thresholdGrad = new double[L][];
                wo = 0;
                ro = 0;
                no = 0;
                for (int l = 0; l < L; l++) {
                    Layer layer = layers.get(l);
                    weightGrad[l] = new double[layer.weight().size()];
                    gw.position(wo).get(weightGrad[l]);
                    wo += weightGrad[l].length;
                    copy(weightGrad[l], layer.weight());
                    if (layer.recurrent() != null) {
                        recGrad[l] = new double[layer.recurrent().size()];
                        grw.position(ro).get(recGrad[l]);
                        ro += recGrad[l].length;
                        copy(recGrad[l], layer.recurrent());
                    }
                    thresholdGrad[l] = new double[layer.size()];
                    gth.position(no).get(thresholdGrad[l]);
                    no += layer.size();
                    copy(thresholdGrad[l], layer.threshold());
                    Arrays.fill(layer.tauMem().grad(), 0f);
                    Arrays.fill(layer.tauSyn().grad(), 0f);
                }
            }
            double[][] spikeTimes = null;
            int[][] spikeNeurons = null;
            if (traceCapacity > 0) {
                spikeTimes = new double[B][];
                spikeNeurons = new int[B][];
                for (int b = 0; b < B; b++) {
                    int k = Math.min(traceCapacity, spikeTotals[b]);
                    spikeTimes[b] = new double[k];
                    spikeNeurons[b] = new int[k];
                    trT.position((long) b * traceCapacity).get(spikeTimes[b]);
                    trN.position((long) b * traceCapacity).get(spikeNeurons[b]);
                }
            }
            return new Result(pLoss.get(0), predictions, outValues, outCounts, spikeTotals, layerSilent, stored, weightGrad, recGrad,
                    thresholdGrad, clamped.get(0), spikeTimes, spikeNeurons, clipped.get(0));
        }
    }

    /**
     * Whether {@code net} with {@code loss} is inside the kernel's scope.
     *
     * @throws IllegalArgumentException naming the first layer or setting that is not, and what to change
     */
    public static void checkNetwork(Network net, Loss loss) {
        List<Layer> layers = net.layers();
        int L = layers.size();
        for (int l = 0; l < L; l++) {
            Layer layer = layers.get(l);
            String where = "native EventProp: layer '" + layer.name() + "'";
            if (layer.bias() != null) {
                throw new IllegalArgumentException(where + " has a bias; EventProp's model (paper table 1) has none: build it without withBias() "
                        + "and feed a bias as an input spike");
            }
            if (layer.tauMem().learnable() || layer.tauSyn().learnable()) {
                throw new IllegalArgumentException(where + " has learnable time constants; EventProp computes no tau_mem/tau_syn gradients "
                        + "(make them non-learnable)");
            }
            if (layer.kind() == Layer.Kind.LI) {
                if (l != L - 1) throw new IllegalArgumentException(where + " is a leaky-integrator readout but not the last layer");
                if (layer.recurrent() != null) throw new IllegalArgumentException(where + " is a leaky-integrator readout with recurrent weights; it never spikes");
            } else {
                ResetMode r = layer.params().reset();
                if (!(r == ResetMode.SUBTRACT || (r == ResetMode.TO_VALUE && layer.params().vReset() == 0.0))) {
                    throw new IllegalArgumentException(where + " resets with " + r + "; EventProp supports reset by subtraction only");
                }
                float[] th = layer.threshold().value();
                for (int j = 0; j < th.length; j++) {
                    if (!(th[j] > 0) || !Float.isFinite(th[j])) {
                        throw new IllegalArgumentException(where + ": threshold[" + j + "] must be finite and > 0, got " + th[j]);
                    }
                }
            }
            float[] tm = layer.tauMem().value(), ts = layer.tauSyn().value();
            for (int j = 0; j < tm.length; j++) {
                if (!(tm[j] > 0) || !(ts[j] > 0) || !Float.isFinite(tm[j]) || !Float.isFinite(ts[j])) {
                    throw new IllegalArgumentException(where + ": tau_mem and tau_syn must be finite and > 0 s, neuron " + j
                            + " has " + tm[j] + ", " + ts[j]);
                }
            }
        }
        boolean readout = layers.get(L - 1).kind() == Layer.Kind.LI;
        if (loss.kind().needsReadout() != readout) {
            throw new IllegalArgumentException("native EventProp: loss " + loss.kind() + " needs " + (loss.kind().needsReadout()
                    ? "a leaky-integrator readout" : "a spiking (LIF)") + " last layer, '" + layers.get(L - 1).name() + "' is "
                    + (readout ? "a leaky-integrator readout" : "LIF"));
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
