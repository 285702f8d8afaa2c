package io.spikegrad.cli;

import io.spikegrad.LifParams;
import io.spikegrad.data.Binning;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.FashionMnist;
import io.spikegrad.data.ImageSet;
import io.spikegrad.train.ImageLatencyBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.spikegrad.data.YinYang;
import io.spikegrad.loss.Loss;
import io.spikegrad.loss.MaxMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.DatasetBatches;
import java.nio.file.Path;

/**
 * A training task: its data on the grid of a given dt, its network, loss and the defaults
 * that train it well. Defaults for Yin-Yang follow ../shared/notes/calibration.md.
 */
abstract class Task {

    /** Hyperparameters a task chooses by default and the command line may override. */
    record Defaults(int epochs, int batch, double lr, double dt, int hidden, String surrogate, boolean detachReset, double clip, String schedule) {}

    abstract String name();

    abstract Defaults defaults();

    /** Defaults for a method: "bptt" (those of {@link #defaults()}) or "eventprop". */
    Defaults defaults(String method) {
        if (method.equals("bptt")) return defaults();
        if (method.equals("eventprop")) return eventPropDefaults();
        throw new IllegalArgumentException("--method must be bptt, eventprop or diffsyn, got '" + method + "'");
    }

    Defaults eventPropDefaults() {
        throw new IllegalArgumentException("task '" + name() + "' has no EventProp setup yet; use --method bptt");
    }

    /**
     * The network EventProp trains: a spiking output layer for the spike-time losses, or a
     * leaky-integrator readout ({@code readout}) for the voltage losses.
     */
    Network eventPropNetwork(int hidden, Init hiddenInit, Init outputInit, boolean readout, long seed) {
        throw new IllegalArgumentException("task '" + name() + "' has no EventProp setup yet; use --method bptt");
    }

    /** Train / validation / test samples as spike events (EventProp uses them exactly). */
    Dataset events(String split) {
        throw new IllegalArgumentException("task '" + name() + "' has no EventProp setup yet; use --method bptt");
    }

    /** Simulated duration per sample, seconds (EventProp). */
    double duration() {
        throw new IllegalArgumentException("task '" + name() + "' has no EventProp setup yet; use --method bptt");
    }

    /** The network for this task, drawn from {@code seed}; null inits mean the task's defaults. */
    abstract Network network(int hidden, Init hiddenInit, Init readoutInit, long seed);

    abstract Loss loss();

    abstract BatchSource train(double dt);

    abstract BatchSource validation(double dt);

    abstract BatchSource test(double dt);

    static Task named(String name, Path dataDir) {
        switch (name) {
            case "yinyang": return new YinYangTask();
            case "fashion-mnist": return new FashionMnistTask(dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR);
            default:
                throw new IllegalArgumentException("unknown task '" + name + "'; tasks: yinyang, fashion-mnist "
                        + "(predictive-coding and delayed-xor train with --method diffsyn)");
        }
    }

    /** Yin-Yang (Kriener et al. 2021), the published splits encoded as spike latencies 10-40 ms plus a bias spike. */
    static final class YinYangTask extends Task {
        /** Latest input spike 40 ms; 20 ms more lets the readout peak. */
        static final double WINDOW = 0.060;

        @Override
        String name() { return "yinyang"; }

        @Override
        Defaults defaults() {
            return new Defaults(30, 16, 2e-2, 0.5e-3, 200, "fast_sigmoid:4", true, 1.0, "cosine");
        }

        @Override
        Network network(int hidden, Init hiddenInit, Init readoutInit, long seed) {
            return Network.builder()
                    .input(YinYang.CHANNELS)
                    .lif("hidden", hidden, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(hiddenInit != null ? hiddenInit : Init.normal(3.0, 1.5))
                    .readout("out", YinYang.CLASSES, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(readoutInit != null ? readoutInit : Init.normal(0.0, 1.0))
                    .build(seed);
        }

        @Override
        Loss loss() { return new MaxMembraneCrossEntropy(); }

        /**
         * EventProp (calibration.md, the authors' later settings): 5-200-3 with a spiking
         * output, time-to-first-spike cross-entropy (tau0 0.5 ms, tau1 6.4 ms, alpha 0.003),
         * hidden N(1.5, 0.78), output N(0.93, 0.1), Adam lr 1e-2, batches of 256, x0.95 every
         * 5 epochs, 300 epochs, no gradient clipping (as the authors). The silent-neuron rule's
         * defaults are in EventPropSetup.
         */
        @Override
        Defaults eventPropDefaults() {
            return new Defaults(300, 256, 1e-2, 0, 200, "none", false, 0.0, "step:5:0.95");
        }

        /** With {@code readout} (voltage losses) the output is an LI readout, weights N(0, 1) as BPTT's. */
        @Override
        Network eventPropNetwork(int hidden, Init hiddenInit, Init outputInit, boolean readout, long seed) {
            Network.Builder b = Network.builder()
                    .input(YinYang.CHANNELS)
                    .lif("hidden", hidden, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(hiddenInit != null ? hiddenInit : Init.normal(1.5, 0.78));
            if (readout) {
                b.readout("out", YinYang.CLASSES, LifParams.of(20e-3, 5e-3, 1.0))
                        .weights(outputInit != null ? outputInit : Init.normal(0.0, 1.0));
            } else {
                b.lif("out", YinYang.CLASSES, LifParams.of(20e-3, 5e-3, 1.0))
                        .weights(outputInit != null ? outputInit : Init.normal(0.93, 0.1));
            }
            return b.build(seed);
        }

        @Override
        Dataset events(String split) {
            return switch (split) {
                case "train" -> YinYang.train();
                case "validation" -> YinYang.validation();
                default -> YinYang.test();
            };
        }

        @Override
        double duration() { return WINDOW; }

        private static int steps(double dt) { return Binning.stepsFor(WINDOW, dt); }

        @Override
        BatchSource train(double dt) { return new DatasetBatches(YinYang.train(), dt, steps(dt)); }

        @Override
        BatchSource validation(double dt) { return new DatasetBatches(YinYang.validation(), dt, steps(dt)); }

        @Override
        BatchSource test(double dt) { return new DatasetBatches(YinYang.test(), dt, steps(dt)); }
    }

    /**
     * Fashion-MNIST (Xiao et al. 2017) from IDX files, latency-coded: a pixel v > 0.1 spikes
     * once at 20 ms (1 - v) (bright first); 784 -> hidden LIF -> 10 LI readout, max-membrane
     * cross-entropy. Training uses the first 55 000 training images, validation the last 5 000.
     */
    static final class FashionMnistTask extends Task {
        static final double T_MAX = 0.020, WINDOW = 0.030, THRESHOLD = 0.1;
        static final int TRAIN = 55_000;
        private final Path dir;
        private ImageSet trainSet, testSet;

        FashionMnistTask(Path dir) {
            this.dir = dir;
        }

        @Override
        String name() { return "fashion-mnist"; }

        @Override
        Defaults defaults() {
            return new Defaults(15, 128, 4e-3, 1e-3, 512, "fast_sigmoid:4", true, 1.0, "cosine");
        }

        @Override
        Network network(int hidden, Init hiddenInit, Init readoutInit, long seed) {
            return Network.builder()
                    .input(28 * 28)
                    .lif("hidden", hidden, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(hiddenInit != null ? hiddenInit : Init.normal(0.01, 0.1))
                    .readout("out", FashionMnist.CLASSES, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(readoutInit != null ? readoutInit : Init.normal(0.0, 0.3))
                    .build(seed);
        }

        @Override
        Loss loss() { return new MaxMembraneCrossEntropy(); }

        private ImageSet trainSet() {
            if (trainSet == null) trainSet = load(true);
            return trainSet;
        }

        private ImageSet testSet() {
            if (testSet == null) testSet = load(false);
            return testSet;
        }

        private ImageSet load(boolean train) {
            try {
                return train ? FashionMnist.train(dir) : FashionMnist.test(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        private static int steps(double dt) { return Binning.stepsFor(WINDOW, dt); }

        @Override
        BatchSource train(double dt) {
            return new ImageLatencyBatches(trainSet(), 0, TRAIN, dt, steps(dt), 0, T_MAX, THRESHOLD);
        }

        @Override
        BatchSource validation(double dt) {
            return new ImageLatencyBatches(trainSet(), TRAIN, trainSet().size(), dt, steps(dt), 0, T_MAX, THRESHOLD);
        }

        @Override
        BatchSource test(double dt) {
            return new ImageLatencyBatches(testSet(), 0, testSet().size(), dt, steps(dt), 0, T_MAX, THRESHOLD);
        }
    }
}
