package io.spikegrad.cli;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.Tensor;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.EventSample;
import io.spikegrad.eventprop.EventPropTrainer;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One gradient method behind the train command: epochs, evaluation, plots. */
interface MethodRun extends AutoCloseable {

    String backendName();

    Trainer.Metrics trainEpoch(int epoch, Trainer.BatchListener listener);

    Trainer.Metrics evaluate(String split);

    /** Method-specific plots into {@code out} (history.png is written by the command). */
    void plots(Path out) throws IOException;

    /** A line about the last epoch beyond loss and accuracy (activity, guards), or null. */
    default String epochNote() { return null; }

    /** Method-specific fields of the summary line (after the final test evaluation). */
    default void summarize(com.google.gson.JsonObject summary) {}

    @Override
    void close();

    /** Surrogate-gradient BPTT on a backend. */
    final class Bptt implements MethodRun {
        private final Backend backend;
        private final Trainer trainer;
        private final BatchSource train, valid, test;

        Bptt(Task t, RunConfig cfg, Network net, Optimizer opt, Backend backend) {
            this.backend = backend;
            BpttSettings settings = new BpttSettings(cfg.dt(), Args.surrogate(cfg.surrogate()), cfg.detachReset(), false);
            this.trainer = new Trainer(net, backend, settings, t.loss(), opt,
                    new Trainer.Options(cfg.batch(), cfg.seed(), cfg.clip(), Args.schedule(cfg.schedule(), cfg.epochs())));
            Regularization.apply(trainer.engine(), net, cfg.regSpikes(), cfg.regRate(), cfg.dt());
            BatchSource all = t.train(cfg.dt());
            this.train = cfg.limit() > 0 ? Subset.first(all, cfg.limit()) : all;
            this.valid = t.validation(cfg.dt());
            this.test = t.test(cfg.dt());
        }

        @Override public String backendName() { return backend.name(); }

        @Override
        public Trainer.Metrics trainEpoch(int epoch, Trainer.BatchListener listener) {
            return trainer.trainEpoch(train, epoch, listener);
        }

        @Override
        public Trainer.Metrics evaluate(String split) {
            return trainer.evaluate(split.equals("test") ? test : valid);
        }

        /** The hidden-layer spike raster of test sample 0. */
        @Override
        public void plots(Path out) throws IOException {
            int[] idx = {0}, labels = new int[1];
            float[] input = new float[test.steps() * test.channels()];
            test.fill(idx, input, labels);
            trainer.engine().run(input, test.steps(), 1, trainer.loss(), labels, false);
            Tensor spikes = trainer.engine().lastSpikes(0);
            int n = trainer.network().layers().get(0).size();
            Plots.raster(out.resolve("raster.png"), "hidden spikes, test sample 0 (label " + labels[0] + ")",
                    spikes.toArray(), test.steps(), n, trainer.engine().settings().dt(), 200);
        }

        @Override
        public void close() {
            trainer.close();
            backend.close();
        }
    }

    /**
     * Exact EventProp gradients: the native CPU kernel on backend "cpu" (the default), or the
     * double-precision Java reference on backend "reference". Both are parallel over samples.
     */
    final class EventProp implements MethodRun {
        private final EventPropTrainer trainer;
        private final Dataset train, valid, test;
        private final Backend cpu;
        private final String lossName;
        private final Network net;
        private final double duration;

        EventProp(Task t, RunConfig cfg, Network net, Optimizer opt, int threads, String backend) {
            boolean useNative = backend == null || backend.equals("cpu");
            if (!useNative && !backend.equals("reference")) {
                throw new IllegalArgumentException("--method eventprop runs on --backend cpu (native kernel) or reference (Java), not '" + backend + "'");
            }
            this.lossName = cfg.loss() == null ? EventPropSetup.DEFAULT_LOSS : cfg.loss();
            this.net = net;
            this.duration = t.duration();
            EventPropTrainer.Options o = new EventPropTrainer.Options(cfg.batch(), cfg.seed(), cfg.clip(),
                    Args.schedule(cfg.schedule(), cfg.epochs()),
                    EventPropSetup.orDefault(cfg.missingHidden(), EventPropSetup.DEFAULT_MISSING_HIDDEN),
                    EventPropSetup.orDefault(cfg.missingOutput(), EventPropSetup.DEFAULT_MISSING_OUTPUT),
                    EventPropSetup.orDefault(cfg.bump(), EventPropSetup.DEFAULT_BUMP),
                    EventPropSetup.orDefault(cfg.sampleClip(), EventPropSetup.DEFAULT_SAMPLE_CLIP));
            this.cpu = useNative ? Backends.create("cpu", threads) : null;  // sets the kernels' thread budget
            try {
                this.trainer = new EventPropTrainer(net, duration, EventPropSetup.loss(cfg.loss()), opt, o, threads, useNative);
            } catch (IllegalArgumentException e) {                  // names the layer or loss and what to change
                if (cpu != null) cpu.close();
                throw e;
            }
            Dataset all = t.events("train");
            this.train = cfg.limit() > 0 ? all.slice(0, Math.min(cfg.limit(), all.size())) : all;
            this.valid = t.events("validation");
            this.test = t.events("test");
        }

        @Override public String backendName() { return cpu != null ? "cpu" : "reference"; }

        @Override
        public Trainer.Metrics trainEpoch(int epoch, Trainer.BatchListener listener) {
            return trainer.trainEpoch(train, epoch, listener);
        }

        @Override
        public Trainer.Metrics evaluate(String split) {
            return trainer.evaluate(split.equals("test") ? test : valid);
        }

        /** The hidden-layer spike raster of test sample 0 (exact spike times, drawn on a 0.1 ms grid). */
        @Override
        public void plots(Path out) throws IOException {
            if (cpu == null) return;                                 // the reference keeps its traces internal
            EventSample s = test.get(0);
            NativeEventProp.Result r = NativeEventProp.run(net, List.of(s), duration, EventPropSetup.loss(lossName).nativeLoss(), false,
                    NativeEventProp.Options.DEFAULT.withTrace(1_000_000));
            double dt = 1e-4;
            int steps = (int) Math.ceil(duration / dt) + 1, n = net.layers().get(0).size();
            float[] dense = new float[steps * n];
            for (int k = 0; k < r.spikeTimes()[0].length; k++) {
                int neuron = r.spikeNeurons()[0][k];
                if (neuron < n) dense[Math.min(steps - 1, (int) (r.spikeTimes()[0][k] / dt)) * n + neuron] = 1f;
            }
            Plots.raster(out.resolve("raster.png"), "hidden spikes, test sample 0 (label " + s.label() + "), EventProp",
                    dense, steps, n, dt, 200);
        }

        /** Missing-spike fractions per layer, bumps, silent label neurons and guard clamps of the last epoch. */
        @Override
        public String epochNote() {
            EventPropTrainer.Activity a = trainer.lastActivity();
            if (a == null) return null;
            StringBuilder sb = new StringBuilder("  missing spikes per layer");
            for (double m : a.missing()) sb.append(String.format(" %.3f", m));
            sb.append(", bumps per layer ").append(java.util.Arrays.toString(a.bumps()));
            sb.append(", silent label neurons ").append(a.silentLabels());
            sb.append(", Vdot clamps ").append(a.clampedSpikes());
            sb.append(", clipped samples ").append(a.clippedSamples());
            if (!Double.isNaN(a.latestFirstSpike())) sb.append(String.format(", latest first output spike %.1f ms", a.latestFirstSpike() * 1e3));
            return sb.toString();
        }

        /** The loss, the bytes per test sample kept for a backward pass, and the guard's clamps. */
        @Override
        public void summarize(com.google.gson.JsonObject s) {
            s.addProperty("loss", lossName);
            s.addProperty("eventprop_stored_bytes_per_sample", trainer.lastStoredBytesPerSample());
            s.addProperty("eventprop_clamped_spikes", trainer.clampedSpikes());
        }

        @Override
        public void close() {
            trainer.close();
            if (cpu != null) cpu.close();
        }
    }
}
