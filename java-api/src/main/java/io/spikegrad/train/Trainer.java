package io.spikegrad.train;

import io.spikegrad.Backend;
import io.spikegrad.Checks;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.loss.Loss;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mini-batch training of a {@link Network} by surrogate-gradient BPTT. Deterministic: the
 * sample order of epoch e depends only on (seed, e), so the same seed on the same backend
 * and thread count gives the same numbers, and a run resumed from an epoch checkpoint
 * continues exactly as if it had never stopped.
 */
public final class Trainer implements AutoCloseable {

    /**
     * @param batchSize samples per step, &gt;= 1 (a last partial batch of an epoch is dropped in training)
     * @param seed      seeds the sample order
     * @param clipNorm  global gradient-norm limit, 0 for none
     * @param schedule  learning-rate factor per epoch
     */
    public record Options(int batchSize, long seed, double clipNorm, LrSchedule schedule) {
        public Options {
            Checks.positive("batch size", batchSize);
            if (!(clipNorm >= 0)) throw new IllegalArgumentException("clipNorm must be >= 0 (0 = off), got " + clipNorm);
            java.util.Objects.requireNonNull(schedule, "schedule");
        }
    }

    /**
     * Mean task loss (without regularisers), accuracy and spikes per spiking neuron per sample
     * over an epoch or data set.
     */
    public record Metrics(double loss, double accuracy, double spikesPerNeuron, int samples) {}

    /** Called after every training batch (for progress bars). */
    @FunctionalInterface
    public interface BatchListener {
        void batchDone(int epoch, int batch, int batches, double loss, double accuracy);
    }

    private final Network net;
    private final BpttEngine engine;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Options options;
    private final List<Parameter> params;

    public Trainer(Network net, Backend backend, BpttSettings settings, Loss loss, Optimizer optimizer, Options options) {
        this.net = net;
        this.engine = new BpttEngine(net, backend, settings);
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        this.params = net.parameters();
    }

    public Network network() { return net; }

    public Optimizer optimizer() { return optimizer; }

    public Loss loss() { return loss; }

    public BpttEngine engine() { return engine; }

    /** The sample order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
    public static int[] order(int n, long seed, int epoch) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /** One epoch over {@code data} in the order of {@link #order}; updates the parameters. */
    public Metrics trainEpoch(BatchSource data, int epoch, BatchListener listener) {
        int bs = options.batchSize();
        int batches = data.size() / bs;
        if (batches == 0) throw new IllegalArgumentException("batch size " + bs + " exceeds the " + data.size() + " training samples");
        int[] order = order(data.size(), options.seed(), epoch);
        int[] idx = new int[bs], labels = new int[bs];
        float[] input = new float[data.steps() * bs * data.channels()];
        double rate = optimizer.learningRate() * options.schedule().factor(epoch);
        double lossSum = 0, spikes = 0;
        int correct = 0;
        for (int k = 0; k < batches; k++) {
            System.arraycopy(order, k * bs, idx, 0, bs);
            data.fill(idx, input, labels);
            BpttEngine.Result r = engine.run(input, data.steps(), bs, loss, labels, true);
            if (!Double.isFinite(r.loss())) throw new ArithmeticException("loss became " + r.loss() + " at epoch " + epoch + ", batch " + k);
            GradClip.clip(params, options.clipNorm());
            optimizer.step(params, rate);
            lossSum += r.loss() - r.penalty();
            int c = 0;
            for (int b = 0; b < bs; b++) if (r.predictions()[b] == labels[b]) c++;
            correct += c;
            for (double s : r.spikeCounts()) spikes += s;
            if (listener != null) listener.batchDone(epoch, k + 1, batches, r.loss(), c / (double) bs);
        }
        int n = batches * bs;
        return new Metrics(lossSum / batches, correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
    }

    /** Loss and accuracy over every sample of {@code data}, in order, without updates. */
    public Metrics evaluate(BatchSource data) {
        return evaluate(engine, net, loss, data, options.batchSize());
    }

    /** Evaluation with any engine (used by the evaluate command). */
    public static Metrics evaluate(BpttEngine engine, Network net, Loss loss, BatchSource data, int batchSize) {
        double lossSum = 0, spikes = 0;
        int correct = 0, done = 0;
        while (done < data.size()) {
            int bs = Math.min(batchSize, data.size() - done);
            int[] idx = new int[bs], labels = new int[bs];
            for (int b = 0; b < bs; b++) idx[b] = done + b;
            float[] input = new float[data.steps() * bs * data.channels()];
            data.fill(idx, input, labels);
            BpttEngine.Result r = engine.run(input, data.steps(), bs, loss, labels, false);
            lossSum += (r.loss() - r.penalty()) * bs;
            for (int b = 0; b < bs; b++) if (r.predictions()[b] == labels[b]) correct++;
            for (double s : r.spikeCounts()) spikes += s;
            done += bs;
        }
        int n = data.size();
        return new Metrics(lossSum / n, correct / (double) n, spikes / ((double) n * net.spikingNeurons()), n);
    }

    @Override
    public void close() {
        engine.close();
    }
}
