package io.spikegrad.eventprop;

import io.spikegrad.Checks;
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
 * Mini-batch training of a {@link Network} with exact EventProp gradients (the double
 * reference of this package; the native kernel comes later). Samples of a batch run in
 * parallel; their gradients are summed in sample order, so results do not depend on the
 * thread count. Prediction: the output neuron that spikes first (a silent neuron counts as
 * latest, and a silent label neuron is wrong), as in the paper's Yin-Yang experiments.
 *
 * <p>Silent-neuron handling (paper, figure 4): when more than {@code silentRatio} of the
 * (sample, output neuron) pairs of a batch have no spike, {@code bump} is added to every
 * output weight before the next batch.
 */
public final class EventPropTrainer implements AutoCloseable {

    /**
     * @param batchSize   samples per step
     * @param seed        seeds the sample order
     * @param clipNorm    global gradient-norm limit, 0 for none
     * @param schedule    learning-rate factor per epoch
     * @param silentRatio allowed fraction of missing output spikes before the bump
     * @param bump        weight increase applied to the output layer when too many are missing
     */
    public record Options(int batchSize, long seed, double clipNorm, LrSchedule schedule, double silentRatio, double bump) {
        public Options {
            Checks.positive("batch size", batchSize);
        }
    }

    private final Network net;
    private final EventProp eventProp;
    private final EventLoss loss;
    private final Optimizer optimizer;
    private final Options options;
    private final ExecutorService pool;
    private final int threads;
    private final NativeLoss nativeLoss;

    /**
     * The first-spike loss constants for the native CPU kernel ({@code io.spikegrad.cpu.NativeEventProp},
     * feed-forward LIF stacks); null trains with the Java reference.
     */
    public record NativeLoss(double tau0, double tau1, double alpha) {}

    public EventPropTrainer(Network net, double duration, EventLoss loss, Optimizer optimizer, Options options, int threads) {
        this(net, duration, loss, optimizer, options, threads, null);
    }

    /** With {@code nativeLoss} non-null the gradients come from the native kernel (which must match {@code loss}). */
    public EventPropTrainer(Network net, double duration, EventLoss loss, Optimizer optimizer, Options options, int threads,
                            NativeLoss nativeLoss) {
        this.nativeLoss = nativeLoss;
        this.net = net;
        this.eventProp = new EventProp(duration);
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        this.threads = Checks.positive("threads", threads);
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "eventprop");
            t.setDaemon(true);
            return t;
        });
    }

    /** Spikes whose Vdot was clamped by the guard so far. */
    public long clampedSpikes() { return eventProp.clampedSpikes(); }

    public EventProp eventProp() { return eventProp; }

    /** One epoch; updates the parameters. */
    public Trainer.Metrics trainEpoch(Dataset data, int epoch, Trainer.BatchListener listener) {
        int bs = options.batchSize();
        int batches = data.size() / bs;
        if (batches == 0) throw new IllegalArgumentException("batch size " + bs + " exceeds the " + data.size() + " training samples");
        int[] order = Trainer.order(data.size(), options.seed(), epoch);
        double rate = optimizer.learningRate() * options.schedule().factor(epoch);
        List<Parameter> params = net.parameters();
        double lossSum = 0, spikes = 0;
        int correct = 0;
        for (int k = 0; k < batches; k++) {
            List<EventSample> batch = new ArrayList<>(bs);
            for (int b = 0; b < bs; b++) batch.add(data.get(order[k * bs + b]));
            if (nativeLoss != null) {
                io.spikegrad.cpu.NativeEventProp.Result r = nativeStep(batch);
                int batchCorrect = 0, missing = 0;
                for (int b = 0; b < bs; b++) {
                    if (r.predictions()[b] == batch.get(b).label()) batchCorrect++;
                    for (int c : r.outputCounts()[b]) if (c == 0) missing++;
                    spikes += r.spikeTotals()[b];
                }
                if (!Double.isFinite(r.loss())) throw new ArithmeticException("loss became " + r.loss() + " at epoch " + epoch + ", batch " + k);
                GradClip.clip(params, options.clipNorm());
                optimizer.step(params, rate);
                if (missing > options.silentRatio() * bs * net.outputs()) bumpOutput();
                lossSum += r.loss();
                correct += batchCorrect;
                if (listener != null) listener.batchDone(epoch, k + 1, batches, r.loss(), batchCorrect / (double) bs);
                continue;
            }
            EventPropModel model = EventPropModel.of(net);
            List<EventProp.Result> results = runAll(model, batch, true);
            Gradients sum = new Gradients(model);
            double batchLoss = 0;
            int batchCorrect = 0, missing = 0;
            for (int b = 0; b < bs; b++) {
                EventProp.Result r = results.get(b);
                batchLoss += r.loss();
                sum.addScaled(r.gradients(), 1.0 / bs);
                if (predict(model, r.trace()) == batch.get(b).label()) batchCorrect++;
                missing += missingOutputs(model, r.trace());
                spikes += r.trace().spikeCount();
            }
            if (!Double.isFinite(batchLoss)) throw new ArithmeticException("loss became " + batchLoss + " at epoch " + epoch + ", batch " + k);
            sum.writeTo(net);
            GradClip.clip(params, options.clipNorm());
            optimizer.step(params, rate);
            if (missing > options.silentRatio() * bs * model.output().size()) bumpOutput();
            lossSum += batchLoss / bs;
            correct += batchCorrect;
            if (listener != null) listener.batchDone(epoch, k + 1, batches, batchLoss / bs, batchCorrect / (double) bs);
        }
        int n = batches * bs;
        return new Trainer.Metrics(lossSum / batches, correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
    }

    private io.spikegrad.cpu.NativeEventProp.Result nativeStep(List<EventSample> batch) {
        return io.spikegrad.cpu.NativeEventProp.lossAndGradient(net, batch, eventProp.duration(),
                nativeLoss.tau0(), nativeLoss.tau1(), nativeLoss.alpha());
    }

    /** Loss and first-spike accuracy over every sample, without updates. */
    public Trainer.Metrics evaluate(Dataset data) {
        if (nativeLoss != null) {
            List<EventSample> all = data.samples();
            io.spikegrad.cpu.NativeEventProp.Result r = nativeStep(all);  // also overwrites the gradients (unused)
            int correct = 0;
            double spikes = 0;
            for (int i = 0; i < all.size(); i++) {
                if (r.predictions()[i] == all.get(i).label()) correct++;
                spikes += r.spikeTotals()[i];
            }
            int n = all.size();
            return new Trainer.Metrics(r.loss(), correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
        }
        EventPropModel model = EventPropModel.of(net);
        List<EventSample> all = data.samples();
        List<EventProp.Result> results = runAll(model, all, false);
        double lossSum = 0, spikes = 0;
        int correct = 0;
        for (int i = 0; i < all.size(); i++) {
            lossSum += results.get(i).loss();
            if (predict(model, results.get(i).trace()) == all.get(i).label()) correct++;
            spikes += results.get(i).trace().spikeCount();
        }
        int n = all.size();
        return new Trainer.Metrics(lossSum / n, correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
    }

    /** The output neuron with the earliest first spike; -1 when all are silent. */
    public static int predict(EventPropModel model, ForwardTrace tr) {
        int off = model.offset(model.layerCount() - 1), best = -1;
        double bestT = Double.POSITIVE_INFINITY;
        for (int c = 0; c < model.output().size(); c++) {
            int k = tr.firstSpike(off + c);
            if (k >= 0 && tr.spikeTime(k) < bestT) {
                bestT = tr.spikeTime(k);
                best = c;
            }
        }
        return best;
    }

    private static int missingOutputs(EventPropModel model, ForwardTrace tr) {
        int off = model.offset(model.layerCount() - 1), m = 0;
        for (int c = 0; c < model.output().size(); c++) if (tr.spikeCount(off + c) == 0) m++;
        return m;
    }

    private void bumpOutput() {
        Layer out = net.readout();
        float[] w = out.weight().value();
        for (int k = 0; k < w.length; k++) w[k] += (float) options.bump();
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
        pool.shutdownNow();
    }
}
