package io.spikegrad.cpu;

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

/**
 * One batch laid out for the EventProp kernels, the CPU's ({@code sg_eventprop_batch}) and the
 * GPU's ({@code sg_eventprop_batch_cuda}) alike: the network and the samples checked, the
 * parameters and input spikes in host buffers in eventprop.h's layout, the output buffers, and
 * {@link #collect}, which turns the outputs into a {@link NativeEventProp.Result} and writes the
 * gradients into the network. Create it inside a {@code PointerScope}: the buffers are freed
 * with the scope.
 */
public final class EventPropBatch {
    /** Layers, samples, output neurons, trace entries per sample. */
    public final int layers, batch, classes, traceCapacity;
    /** The last layer is a leaky-integrator readout; gradients are wanted; some layer is recurrent. */
    public final boolean readout, gradients, hasRecurrent;

    /** Inputs: sizes [L + 1] (inputs first), recurrent flags [L], time-sorted input events flattened, offsets [B + 1], labels [B]. */
    public final IntPointer sizes, recurrent, channels, offsets, labels;
    /** Inputs: weights, recurrent weights (at least one entry), per-neuron tau_mem, tau_syn, threshold, input event times. */
    public final DoublePointer weights, recurrentWeights, tauMem, tauSyn, thresholds, times;

    /** Outputs: mean loss [1], output statistic [B][C], gradients (batch mean; at least one recurrent entry), trace times or null. */
    public final DoublePointer meanLoss, values, weightGrad, recurrentGrad, thresholdGrad, traceTimes;
    /** Outputs: predictions [B], output spike counts [B][C], spikes per sample [B], silent neurons [B][L], trace neurons or null. */
    public final IntPointer predictions, counts, totals, silent, traceNeurons;
    /** Outputs: stored bytes [B], guard clamps [1], clipped samples [1]. */
    public final LongPointer storedBytes, clamped, clipped;

    private final Network net;

    /**
     * Checks {@code net}, {@code loss} and {@code batch} against the kernels' scope and lays them out.
     *
     * @throws IllegalArgumentException naming what is out of scope (an empty batch, a bad duration, a
     *     first-spike duration whose exp(t/tau1) overflows, a sample whose channels or label do not
     *     fit the network, a layer {@link NativeEventProp#checkNetwork} refuses)
     */
    public EventPropBatch(Network net, List<EventSample> batch, double duration, NativeEventProp.Loss loss, boolean gradients,
                          NativeEventProp.Options options) {
        if (batch == null || batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        if (!(duration > 0) || !Double.isFinite(duration)) throw new IllegalArgumentException("duration must be finite and > 0 s, got " + duration);
        this.traceCapacity = options.traceCapacity();
        if (loss.kind() == NativeEventProp.Kind.FIRST_SPIKE && !(duration / loss.tau1() < 700)) {
            throw new IllegalArgumentException("first-spike loss: duration / tau1 must stay below 700 (exp(t/tau1) overflows), got "
                    + duration + " s / " + loss.tau1() + " s");
        }
        if ((long) traceCapacity * batch.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("traceCapacity x batch must stay below 2^31, got " + traceCapacity + " x " + batch.size());
        }
        NativeEventProp.checkNetwork(net, loss);
        this.net = net;
        this.gradients = gradients;
        List<Layer> ls = net.layers();
        int L = ls.size();
        this.layers = L;
        this.readout = ls.get(L - 1).kind() == Layer.Kind.LI;
        int[] sz = new int[L + 1], rec = new int[L];
        sz[0] = net.inputs();
        int nw = 0, nr = 0, n = 0;
        for (int l = 0; l < L; l++) {
            Layer layer = ls.get(l);
            sz[l + 1] = layer.size();
            rec[l] = layer.recurrent() != null ? 1 : 0;
            nw += layer.weight().size();
            if (layer.recurrent() != null) nr += layer.recurrent().size();
            n += layer.size();
        }
        this.hasRecurrent = nr > 0;
        int B = batch.size(), C = sz[L];
        this.batch = B;
        this.classes = C;
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

        double[] w = new double[nw], rw = new double[Math.max(1, nr)], tm = new double[n], ts = new double[n], th = new double[n];
        int wo = 0, ro = 0, no = 0;
        for (Layer layer : ls) {
            for (float v : layer.weight().value()) w[wo++] = v;
            if (layer.recurrent() != null) for (float v : layer.recurrent().value()) rw[ro++] = v;
            float[] a = layer.tauMem().value(), c = layer.tauSyn().value(), t = layer.threshold().value();
            for (int k = 0; k < a.length; k++, no++) {
                tm[no] = a[k];
                ts[no] = c[k];
                th[no] = t[k];
            }
        }
        int E = (int) events;
        double[] tt = new double[Math.max(1, E)];
        int[] ch = new int[Math.max(1, E)], off = new int[B + 1], lab = new int[B];
        for (int b = 0; b < B; b++) {
            SpikeEvents ev = batch.get(b).events();
            System.arraycopy(ev.times(), 0, tt, off[b], ev.size());
            System.arraycopy(ev.channelIds(), 0, ch, off[b], ev.size());
            off[b + 1] = off[b] + ev.size();
            lab[b] = batch.get(b).label();
        }
        sizes = new IntPointer(sz);
        recurrent = new IntPointer(rec);
        weights = new DoublePointer(w);
        recurrentWeights = new DoublePointer(rw);
        tauMem = new DoublePointer(tm);
        tauSyn = new DoublePointer(ts);
        thresholds = new DoublePointer(th);
        times = new DoublePointer(tt);
        channels = new IntPointer(ch);
        offsets = new IntPointer(off);
        labels = new IntPointer(lab);

        meanLoss = new DoublePointer(1);
        values = new DoublePointer((long) B * C);
        weightGrad = new DoublePointer(nw);
        recurrentGrad = new DoublePointer(Math.max(1, nr));
        thresholdGrad = new DoublePointer(n);
        predictions = new IntPointer(B);
        counts = new IntPointer((long) B * C);
        totals = new IntPointer(B);
        silent = new IntPointer((long) B * L);
        storedBytes = new LongPointer(B);
        clamped = new LongPointer(1).put(0L);
        clipped = new LongPointer(1).put(0L);
        traceTimes = traceCapacity > 0 ? new DoublePointer((long) B * traceCapacity) : null;
        traceNeurons = traceCapacity > 0 ? new IntPointer((long) B * traceCapacity) : null;
    }

    /**
     * The outputs as a result, after a kernel call that succeeded. With gradients it overwrites the
     * network's gradients: weights, recurrent weights and LIF thresholds get the batch mean (rounded
     * to float), tau_mem / tau_syn get 0.
     */
    public NativeEventProp.Result collect() {
        final int B = batch, C = classes, L = layers;
        int[] pred = new int[B], spikeTotals = new int[B];
        long[] stored = new long[B];
        predictions.get(pred);
        totals.get(spikeTotals);
        storedBytes.get(stored);
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
            int wo = 0, ro = 0, no = 0;
            for (int l = 0; l < L; l++) {
                Layer layer = net.layers().get(l);
                wg[l] = new double[layer.weight().size()];
                weightGrad.position(wo).get(wg[l]);
                wo += wg[l].length;
                copy(wg[l], layer.weight());
                if (layer.recurrent() != null) {
                    rg[l] = new double[layer.recurrent().size()];
                    recurrentGrad.position(ro).get(rg[l]);
                    ro += rg[l].length;
                    copy(rg[l], layer.recurrent());
                }
                tg[l] = new double[layer.size()];
                thresholdGrad.position(no).get(tg[l]);
                no += tg[l].length;
                copy(tg[l], layer.threshold());
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
                traceTimes.position((long) b * traceCapacity).get(spikeTimes[b]);
                traceNeurons.position((long) b * traceCapacity).get(spikeNeurons[b]);
            }
        }
        return new NativeEventProp.Result(meanLoss.get(0), pred, outValues, outCounts, spikeTotals, layerSilent, stored, wg, rg, tg,
                clamped.get(0), spikeTimes, spikeNeurons, gradients ? clipped.get(0) : 0);
    }

    private static void copy(double[] src, Parameter p) {
        float[] g = p.grad();
        for (int k = 0; k < g.length; k++) g[k] = (float) src[k];
    }
}
