package io.spikegrad.cli;

import io.spikegrad.LifParams;
import io.spikegrad.data.Binning;
import io.spikegrad.data.YinYang;
import io.spikegrad.loss.Loss;
import io.spikegrad.loss.MaxMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.DatasetBatches;
import io.spikegrad.train.LrSchedule;
import java.nio.file.Path;

/**
 * A training task: its data on the grid of a given dt, its network, loss and the defaults
 * that train it well. Defaults for Yin-Yang follow ../shared/notes/calibration.md.
 */
abstract class Task {

    /** Hyperparameters a task chooses by default and the command line may override. */
    record Defaults(int epochs, int batch, double lr, double dt, int hidden, String surrogate, LrSchedule schedule, String scheduleText) {}

    abstract String name();

    abstract Defaults defaults();

    /** The network for this task, drawn from {@code seed}; null inits mean the task's defaults. */
    abstract Network network(int hidden, Init hiddenInit, Init readoutInit, long seed);

    abstract Loss loss();

    abstract BatchSource train(double dt);

    abstract BatchSource validation(double dt);

    abstract BatchSource test(double dt);

    static Task named(String name, Path dataDir) {
        switch (name) {
            case "yinyang": return new YinYangTask();
            default:
                throw new IllegalArgumentException("unknown task '" + name + "'; tasks: yinyang, fashion-mnist");
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
            return new Defaults(30, 32, 1e-2, 0.5e-3, 200, "fast_sigmoid:10", LrSchedule.step(1, 0.95), "x0.95 per epoch");
        }

        @Override
        Network network(int hidden, Init hiddenInit, Init readoutInit, long seed) {
            return Network.builder()
                    .input(YinYang.CHANNELS)
                    .lif("hidden", hidden, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(hiddenInit != null ? hiddenInit : Init.normal(3.0, 1.5))
                    .readout("out", YinYang.CLASSES, LifParams.of(20e-3, 5e-3, 1.0))
                    .weights(readoutInit != null ? readoutInit : Init.normal(0.0, 0.5))
                    .build(seed);
        }

        @Override
        Loss loss() { return new MaxMembraneCrossEntropy(); }

        private static int steps(double dt) { return Binning.stepsFor(WINDOW, dt); }

        @Override
        BatchSource train(double dt) { return new DatasetBatches(YinYang.train(), dt, steps(dt)); }

        @Override
        BatchSource validation(double dt) { return new DatasetBatches(YinYang.validation(), dt, steps(dt)); }

        @Override
        BatchSource test(double dt) { return new DatasetBatches(YinYang.test(), dt, steps(dt)); }
    }
}
