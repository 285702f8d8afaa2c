package io.spikegrad.eventprop;

import io.spikegrad.Checks;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.EventSample;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import io.spikegrad.train.GradClip;
import io.spikegrad.train.LrSchedule;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mini-batch training of a {@link Network} with exact EventProp gradients, from the native CPU
 * kernel ({@link NativeEventProp}, the default) or from the double-precision Java reference of
 * this package. Both are parallel over the samples of a batch and reduce in a fixed order, so
 * results do not depend on the thread count. Accuracy follows the loss's
 * {@link EventLoss#correct} rule (for the first-spike loss: the label neuron spikes and no other
 * output spikes earlier; a silent label neuron is wrong).
 *
 * <h2>Silent neurons (paper, section 3 and figure 4)</h2>
 * After each batch, for every LIF layer the fraction of missing spikes is the fraction of
 * (sample, neuron) pairs of the batch without a spike. Walking the layers from the input up,
 * the first LIF layer whose fraction exceeds its allowed ratio ({@link Options#hiddenMissing}
 * for hidden layers, {@link Options#outputMissing} for a spiking last layer) gets
 * {@link Options#bump} added to every weight feeding it, and no other layer is bumped that
 * step: the lower layers' activity is fixed first because the upper layers' depends on it.
 * A ratio {@code >= 1} switches the rule off for those layers (a fraction never exceeds 1).
 * An LI readout never spikes and is never bumped.
 *
 * <h2>Per-sample gradient limit</h2>
 * With {@link Options#sampleClip} = c &gt; 0, a sample whose gradient norm over the weights and
 * recurrent weights exceeds c is scaled to norm c before it joins the batch mean (the native
 * kernel does it in eventprop.h; the reference path here). Near-tangential threshold crossings
 * make single samples' exact gradients hundreds of times the median (the 1/Vdot of eq. (30a),
 * compounded through the layers; the paper's section 4 names gradient clipping as the remedy),
 * and without a per-sample limit one such sample sets the direction of its batch.
 */
public final class EventPropTrainer implements AutoCloseable {

    /**
     * @param batchSize     samples per step
     * @param seed          seeds the sample order
     * @param clipNorm      global gradient-norm limit, 0 for none
     * @param schedule      learning-rate factor per epoch
     * @param hiddenMissing allowed fraction of missing spikes in each hidden LIF layer, in [0, 1] (1: off)
     * @param outputMissing allowed fraction of missing spikes in a spiking output layer, in [0, 1] (1: off)
     * @param bump          weight increase of the layer that falls silent, {@code >= 0}
     * @param sampleClip    per-sample gradient-norm limit over the weights, 0 for none (see the class comment)
     */
    public record Options(int batchSize, long seed, double clipNorm, LrSchedule schedule, double hiddenMissing,
                          double outputMissing, double bump, double sampleClip) {
        public Options {
            if (!(sampleClip >= 0) || !Double.isFinite(sampleClip)) throw new IllegalArgumentException("sampleClip must be finite and >= 0 (0: off), got " + sampleClip);
            Checks.positive("batch size", batchSize);
            if (!(clipNorm >= 0)) throw new IllegalArgumentException("clipNorm must be >= 0 (0: no clipping), got " + clipNorm);
            if (!(hiddenMissing >= 0 && hiddenMissing <= 1)) throw new IllegalArgumentException("hiddenMissing must lie in [0, 1], got " + hiddenMissing);
            if (!(outputMissing >= 0 && outputMissing <= 1)) throw new IllegalArgumentException("outputMissing must lie in [0, 1], got " + outputMissing);
            if (!(bump >= 0) || !Double.isFinite(bump)) throw new IllegalArgumentException("bump must be finite and >= 0, got " + bump);
            if (schedule == null) throw new NullPointerException("schedule");
        }
    }

    /**
     * Activity of the last epoch: per layer the mean fraction of missing spikes (0 for an LI
     * readout), per layer how many batches bumped it, the number of training samples whose
     * label neuron was silent (first-spike loss), the spikes the Vdot guard clamped, and the
     * latest first output spike of any sample (seconds; NaN without a spiking output) - how close
     * the spikes come to the end of the simulated interval; and how many samples the per-sample
     * gradient limit scaled.
     */
    public record Activity(double[] missing, int[] bumps, int silentLabels, long clampedSpikes, double latestFirstSpike,
                           long clippedSamples) {}

    private final Network net;
    private final EventProp eventProp;
    private final EventLoss loss;
    private final NativeEventProp.Loss nativeLoss;
    private final Optimizer optimizer;
    private final Options options;
    private final ExecutorService pool;
    private final int threads;
    private long nativeClamped;
    private Activity activity;
    private double evalStoredBytes = Double.NaN;

    /**
     * @param duration  simulated interval [0, duration] per sample, seconds
     * @param useNative the native CPU kernel (true) or the Java reference (false)
     * @throws IllegalArgumentException when {@code useNative} and the loss or the network is outside
     *     the kernel's scope (the message says what; the reference takes the same networks)
     */
    public EventPropTrainer(Network net, double duration, EventLoss loss, Optimizer optimizer, Options options, int threads,
                            boolean useNative) {
        this.net = net;
        this.eventProp = new EventProp(duration);
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        this.threads = Checks.positive("threads", threads);
        if (useNative) {
            this.nativeLoss = loss.nativeLoss();
            if (nativeLoss == null) throw new IllegalArgumentException("loss " + loss.name() + " has no native EventProp kernel");
            NativeEventProp.checkNetwork(net, nativeLoss);
        } else {
            this.nativeLoss = null;
            EventPropModel.of(net);                                     // fails early on what the reference does not model
        }
        this.pool = useNative ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "eventprop");
            t.setDaemon(true);
            return t;
        });
    }

    /** Spikes whose Vdot was clamped by the guard so far (training and evaluation). */
    public long clampedSpikes() { return eventProp.clampedSpikes() + nativeClamped; }

    /** Whether the gradients come from the native kernel. */
    public boolean usesNative() { return nativeLoss != null; }

    /** The activity of the last training epoch, or null before the first. */
    public Activity lastActivity() { return activity; }

    /**
     * Mean bytes per sample the last {@link #evaluate} kept for a backward pass: what the native
     * kernel reports (eventprop.h), or the reference's {@link ForwardTrace#storedBytesForBackward()}
     * (the same count); NaN before the first evaluation.
     */
    public double lastStoredBytesPerSample() { return evalStoredBytes; }

    /** One epoch over {@code data} (the trailing partial batch is dropped); updates the parameters. */
    public Trainer.Metrics trainEpoch(Dataset data, int epoch, Trainer.BatchListener listener) {
        int bs = options.batchSize();
        int batches = data.size() / bs;
        if (batches == 0) throw new IllegalArgumentException("batch size " + bs + " exceeds the " + data.size() + " training samples");
        int[] order = Trainer.order(data.size(), options.seed(), epoch);
        double rate = optimizer.learningRate() * options.schedule().factor(epoch);
        List<Parameter> params = net.parameters();
        int L = net.layers().size();
        double[] missingSum = new double[L];
        int[] bumps = new int[L];
        int silentLabels = 0;
        double latest = Double.NaN;
        long clipped = 0;
        long clamped0 = clampedSpikes();
        double lossSum = 0, spikes = 0;
        int correct = 0;
        for (int k = 0; k < batches; k++) {
            List<EventSample> batch = new ArrayList<>(bs);
            for (int b = 0; b < bs; b++) batch.add(data.get(order[k * bs + b]));
            Step s = step(batch, true);
            if (!Double.isFinite(s.loss)) throw new ArithmeticException("loss became " + s.loss + " at epoch " + (epoch + 1) + ", batch " + (k + 1));
            GradClip.clip(params, options.clipNorm());
            optimizer.step(params, rate);
            int bumped = bump(s.missing);
            if (bumped >= 0) bumps[bumped]++;
            for (int l = 0; l < L; l++) missingSum[l] += s.missing[l];
            silentLabels += s.silentLabels;
            clipped += s.clipped;
            if (!Double.isNaN(s.latest) && !(s.latest <= latest)) latest = s.latest;
            lossSum += s.loss;
            correct += s.correct;
            spikes += s.spikes;
            if (listener != null) listener.batchDone(epoch, k + 1, batches, s.loss, s.correct / (double) bs);
        }
        for (int l = 0; l < L; l++) missingSum[l] /= batches;
        activity = new Activity(missingSum, bumps, silentLabels, clampedSpikes() - clamped0, latest, clipped);
        int n = batches * bs;
        return new Trainer.Metrics(lossSum / batches, correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
    }

    /** Loss and accuracy over every sample, without updates (the network's gradients are left alone). */
    public Trainer.Metrics evaluate(Dataset data) {
        Step s = step(data.samples(), false);
        int n = data.size();
        evalStoredBytes = s.bytes / n;
        return new Trainer.Metrics(s.loss, s.correct / (double) n, s.spikes / ((double) n * net.spikingNeurons()), n);
    }

    /** What one batch gave: mean loss, correct samples, total spikes, missing fraction per layer, silent label neurons. */
    private record Step(double loss, int correct, double spikes, double[] missing, int silentLabels, double bytes, double latest,
                        long clipped) {}

    /** Forward and loss of {@code batch}; with {@code backward} also the mean gradient into the network. */
    private Step step(List<EventSample> batch, boolean backward) {
        int L = net.layers().size(), B = batch.size();
        double[] missing = new double[L];
        int correct = 0, silentLabels = 0;
        double spikes = 0, bytes = 0, latest = Double.NaN;
        boolean firstSpike = nativeLoss != null ? nativeLoss.kind() == NativeEventProp.Kind.FIRST_SPIKE
                : loss.nativeLoss() != null && loss.nativeLoss().kind() == NativeEventProp.Kind.FIRST_SPIKE;
        if (nativeLoss != null) {
            NativeEventProp.Result r = NativeEventProp.run(net, batch, eventProp.duration(), nativeLoss, backward,
                    NativeEventProp.Options.DEFAULT.withSampleClip(options.sampleClip()));
            nativeClamped += r.clampedSpikes();
            for (int b = 0; b < B; b++) {
                int label = batch.get(b).label();
                boolean ok = firstSpike ? EventLosses.firstSpikeCorrect(r.outputValues()[b], label) : r.predictions()[b] == label;
                if (ok) correct++;
                if (firstSpike && r.outputCounts()[b][label] == 0) silentLabels++;
                if (firstSpike) {
                    for (double t : r.outputValues()[b]) if (t < Double.POSITIVE_INFINITY && !(t <= latest)) latest = t;
                }
                spikes += r.spikeTotals()[b];
                bytes += r.storedBytes()[b];
                for (int l = 0; l < L; l++) missing[l] += r.layerSilent()[b][l];
            }
            for (int l = 0; l < L; l++) missing[l] /= (double) B * net.layers().get(l).size();
            return new Step(r.loss(), correct, spikes, missing, silentLabels, bytes, latest, r.clippedSamples());
        }
        EventPropModel model = EventPropModel.of(net);
        List<EventProp.Result> results = runAll(model, batch, backward);
        Gradients sum = backward ? new Gradients(model) : null;
        double total = 0;
        long clipped = 0;
        for (int b = 0; b < B; b++) {
            EventProp.Result r = results.get(b);
            ForwardTrace tr = r.trace();
            int label = batch.get(b).label();
            total += r.loss();
            if (sum != null) {
                double factor = 1;
                if (options.sampleClip() > 0) {
                    double norm = r.gradients().weightNorm();
                    if (norm > options.sampleClip()) {
                        factor = options.sampleClip() / norm;
                        clipped++;
                    }
                }
                sum.addScaled(r.gradients(), factor / B);
            }
            if (loss.correct(model, tr, label)) correct++;
            if (firstSpike && tr.spikeCount(model.offset(L - 1) + label) == 0) silentLabels++;
            if (firstSpike) {
                for (int c = 0; c < model.output().size(); c++) {
                    int k = tr.firstSpike(model.offset(L - 1) + c);
                    if (k >= 0 && !(tr.spikeTime(k) <= latest)) latest = tr.spikeTime(k);
                }
            }
            spikes += tr.spikeCount();
            bytes += tr.storedBytesForBackward();
            for (int l = 0; l < L; l++) {
                if (!model.layer(l).spiking()) continue;
                for (int j = 0; j < model.layer(l).size(); j++) if (tr.spikeCount(model.offset(l) + j) == 0) missing[l]++;
            }
        }
        for (int l = 0; l < L; l++) missing[l] /= (double) B * net.layers().get(l).size();
        if (sum != null) sum.writeTo(net);
        return new Step(total / B, correct, spikes, missing, silentLabels, bytes, latest, clipped);
    }

    /** The silent-neuron rule of the class comment; returns the bumped layer or -1. */
    private int bump(double[] missing) {
        if (options.bump() == 0) return -1;
        List<Layer> layers = net.layers();
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            if (layer.kind() != Layer.Kind.LIF) continue;
            double allowed = l == layers.size() - 1 ? options.outputMissing() : options.hiddenMissing();
            if (missing[l] > allowed) {
                float[] w = layer.weight().value();
                for (int k = 0; k < w.length; k++) w[k] += (float) options.bump();
                return l;
            }
        }
        return -1;
    }

    private List<EventProp.Result> runAll(EventPropModel model, List<EventSample> samples, boolean backward) {
        int chunk = (samples.size() + threads - 1) / threads;
        List<Future<List<EventProp.Result>>> parts = new ArrayList<>();
        for (int start = 0; start < samples.size(); start += chunk) {
            final int s0 = start, s1 = Math.min(samples.size(), start + chunk);
            parts.add(pool.submit(() -> {
                List<EventProp.Result> out = new ArrayList<>(s1 - s0);
                for (int i = s0; i < s1; i++) {
                    EventSample s = samples.get(i);
                    out.add(backward ? eventProp.run(model, s.events(), s.label(), loss) : forwardOnly(model, s));
                }
                return out;
            }));
        }
        List<EventProp.Result> all = new ArrayList<>(samples.size());
        try {
            for (Future<List<EventProp.Result>> f : parts) all.addAll(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(c);
        }
        return all;
    }

    /** Loss and trace of one sample, simulated once, without the backward pass. */
    private EventProp.Result forwardOnly(EventPropModel model, EventSample s) {
        ForwardTrace tr = EventPropSimulator.simulate(model, s.events(), eventProp.duration());
        LossGradient lg = new LossGradient(tr.spikeCount(), model.output().spiking() ? 0 : model.output().size());
        return new EventProp.Result(loss.evaluate(model, tr, s.label(), lg), tr, null);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
