package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.diffsyn.DelayedXor;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.DiffSynTrainer;
import io.spikegrad.diffsyn.PredictiveCoding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The two tasks of {@code train --method diffsyn}: their networks, initialisation, data, scores,
 * summary figures and plots. The defaults are the settings measured to work (README, "differentiable
 * synapse").
 */
final class DiffSynTasks {
    private DiffSynTasks() {}

    /** What a task chooses by default and the command line may override. */
    record Defaults(int epochs, int iterations, int batch, double lr, double dt, int neurons, double lambda, String gate,
                    double width, double clip, boolean control, double responseWeight, double recurrentLrScale) {}

    static Defaults defaults(String task) {
        return switch (task) {
            case "predictive-coding" -> PredictiveCodingSetup.DEFAULTS;
            case "delayed-xor" -> XorSetup.DEFAULTS;
            default -> throw new IllegalArgumentException("--method diffsyn trains the tasks predictive-coding and delayed-xor, not '"
                    + task + "'");
        };
    }

    static Setup setup(DiffSynTraining.Config cfg) {
        return switch (cfg.task()) {
            case "predictive-coding" -> new PredictiveCodingSetup(cfg);
            case "delayed-xor" -> new XorSetup(cfg);
            default -> throw new IllegalArgumentException("--method diffsyn trains the tasks predictive-coding and delayed-xor, not '"
                    + cfg.task() + "'");
        };
    }

    /** One network to train: name (checkpoint key), model, initial parameters, optimiser settings. */
    record Network(String name, DiffSynModel model, DiffSynParams params, DiffSynTrainer.Options options) {}

    /** A training or evaluation batch; trials is set for delayed-xor. */
    record Sample(DiffSynBatch batch, DelayedXor.Trials trials) {}

    /** Loss and accuracy of a fixed evaluation set (accuracy NaN where the task has none). */
    record Evaluation(double loss, double accuracy) {}

    enum Split { VALIDATION, TEST }

    interface Setup {
        /** The networks trained side by side on the same batches; the first is the task's network. */
        List<Network> networks();

        Sample train(int size, SplittableRandom rng);

        /** Whether training steps need the readout (to score them). */
        boolean scoresTraining();

        /** The score of a training batch (NaN where the task has none). */
        double accuracy(Sample s, DiffSynResult r);

        Evaluation evaluate(DiffSynModel m, DiffSynParams p, DiffSynEngine engine, Split split);

        /** Test figures into {@code json}, plots into {@code out}. */
        void summarise(DiffSynParams trained, DiffSynParams control, DiffSynEngine engine, JsonObject json, Path out) throws IOException;
    }

    /** The recurrent weights' learning-rate multiple into {@code scale}, or, when 0, both into {@code frozen}. */
    static void recurrentRate(double multiple, Map<String, Double> scale, Set<String> frozen) {
        for (String w : new String[] {DiffSynParams.W_FAST, DiffSynParams.W_SLOW}) {
            if (multiple > 0) scale.put(w, multiple);
            else frozen.add(w);
        }
    }

    /** Spikes per neuron per second of a run over {@code duration} seconds. */
    static double rate(DiffSynResult r, int neurons, double duration) {
        return r.totalSpikes() / (double) r.sampleLoss().length / neurons / duration;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Section 5.1: 30 NIF neurons, fast recurrent synapses (1 ms), slow readout (10 ms), 2 inputs
     * (sums of 3 sinusoids, period 1.2 s, rms 25/s), trained on 0.6 s windows, tested on whole periods.
     * The diagonal of W is kept at 0 (the paper's figure 3E). With --control the same network without
     * W (same initial U, O) is trained on the same batches.
     */
    static final class PredictiveCodingSetup implements Setup {
        static final Defaults DEFAULTS = new Defaults(20, 40, 8, 1e-2, 2e-4, 30, 3e-3, "bump", 0.2, 0, true, 1, 1);
        static final double TRAIN_SECONDS = 0.6, TEST_SECONDS = 1.2, RMS = 25;
        static final int HARMONICS = 3, VALIDATION = 4, TEST = 8;
        static final long VALIDATION_SEED = 7_000_001L, TEST_SEED = 7_000_002L;
        private final PredictiveCoding.Settings settings;
        private final DiffSynModel model, controlModel;
        private final List<Network> nets = new ArrayList<>();

        PredictiveCodingSetup(DiffSynTraining.Config cfg) {
            settings = new PredictiveCoding.Settings(cfg.neurons(), cfg.dt(), RMS, HARMONICS, 1.2);
            model = PredictiveCoding.model(settings, cfg.gateKind(), cfg.width(), cfg.lambda(), true);
            controlModel = PredictiveCoding.model(settings, cfg.gateKind(), cfg.width(), cfg.lambda(), false);
            DiffSynParams p = DiffSynParams.random(model, new DiffSynParams.Init(0, 0, 0, 0, 5, 0, 0, 0.05),
                    new SplittableRandom(cfg.seed()));
            Map<String, Double> scale = new HashMap<>(Map.of(DiffSynParams.U, 2.0));
            Set<String> frozen = new HashSet<>();
            recurrentRate(cfg.recurrentLrScale(), scale, frozen);
            DiffSynTrainer.Options opt = new DiffSynTrainer.Options(cfg.lr(), scale, cfg.clip(), true, frozen);
            nets.add(new Network("net", model, p, opt));
            if (cfg.control()) {
                DiffSynParams c = new DiffSynParams(controlModel, null, null, p.u().clone(), p.i0().clone(), p.o().clone());
                nets.add(new Network("control", controlModel, c, opt));
            }
        }

        @Override public List<Network> networks() { return nets; }

        @Override
        public Sample train(int size, SplittableRandom rng) {
            return new Sample(PredictiveCoding.batch(settings, model, size, TRAIN_SECONDS, rng), null);
        }

        @Override public boolean scoresTraining() { return false; }

        @Override public double accuracy(Sample s, DiffSynResult r) { return Double.NaN; }

        private DiffSynBatch fixed(Split split) {
            return split == Split.TEST ? PredictiveCoding.batch(settings, model, TEST, TEST_SECONDS, new SplittableRandom(TEST_SEED))
                    : PredictiveCoding.batch(settings, model, VALIDATION, TEST_SECONDS, new SplittableRandom(VALIDATION_SEED));
        }

        @Override
        public Evaluation evaluate(DiffSynModel m, DiffSynParams p, DiffSynEngine engine, Split split) {
            return new Evaluation(engine.run(m, p, fixed(split), DiffSynEngine.Request.LOSS).loss(), Double.NaN);
        }

        @Override
        public void summarise(DiffSynParams trained, DiffSynParams control, DiffSynEngine engine, JsonObject json, Path out)
                throws IOException {
            DiffSynBatch test = fixed(Split.TEST);
            int N = model.neurons();
            DiffSynEngine.Request all = new DiffSynEngine.Request(false, true, true);
            DiffSynResult r = engine.run(model, trained, test, all);
            DiffSynParams cut = trained.copy();
            Arrays.fill(cut.wFast(), 0);
            DiffSynResult noRec = engine.run(model, cut, test, all);
            json.addProperty("neurons", N);
            json.addProperty("test_samples", TEST);
            json.addProperty("test_seconds_per_sample", TEST_SECONDS);
            json.addProperty("test_loss", r.loss());
            json.addProperty("test_nmse", PredictiveCoding.nmse(r.readout(), test.target()));
            json.addProperty("spikes_per_second", rate(r, N, TEST_SECONDS) * N);
            json.addProperty("spikes_per_neuron_per_second", rate(r, N, TEST_SECONDS));
            json.addProperty("no_recurrence_test_nmse", PredictiveCoding.nmse(noRec.readout(), test.target()));
            json.addProperty("no_recurrence_spikes_per_neuron_per_second", rate(noRec, N, TEST_SECONDS));
            if (control != null) {
                DiffSynResult c = engine.run(controlModel, control, test, all);
                json.addProperty("control_test_nmse", PredictiveCoding.nmse(c.readout(), test.target()));
                json.addProperty("control_spikes_per_neuron_per_second", rate(c, N, TEST_SECONDS));
            }
            json.addProperty("corr_u_ot", PredictiveCoding.corrUOt(model, trained));
            json.addProperty("corr_w_minus_uo", PredictiveCoding.corrWminusUO(model, trained));

            int T = test.steps(), B = test.batch();
            double[] time = new double[T];
            List<double[]> series = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                double[] o = new double[T], d = new double[T];
                for (int k = 0; k < T; k++) {
                    time[k] = (k + 1) * model.dt() * 1000;
                    o[k] = r.readout()[(k * B) * 2 + c];
                    d[k] = test.target()[(k * B) * 2 + c];
                }
                series.add(o);
                series.add(d);
            }
            Plots.traces(out.resolve("readout.png"), "predictive coding, test sample 0: readout o vs target o_d", time,
                    List.of("o_1", "o_d,1", "o_2", "o_d,2"), series);
            Plots.raster(out.resolve("raster.png"), "spikes of test sample 0 (+ and - crossings)", DiffSynPlots.sample(r.spikes(), T, B, N, 0),
                    T, N, model.dt(), N);
            Plots.raster(out.resolve("raster-no-recurrence.png"), "the same network with W removed, test sample 0",
                    DiffSynPlots.sample(noRec.spikes(), T, B, N, 0), T, N, model.dt(), N);
            DiffSynPlots.weights(out.resolve("weights.png"), model, trained);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Section 5.2: 80 QIF neurons (tau_v 25 ms), fast (5 ms) and slow (20 ms) recurrent synapses, the
     * readout on the slow ones; pulses and go-cues of {@link DelayedXor} with variable delays.
     */
    static final class XorSetup implements Setup {
        // response weight 30, W kept at its initialisation: the tuning runs of the README
        static final Defaults DEFAULTS = new Defaults(30, 50, 16, 1e-3, 2e-3, 80, 1e-7, "bump", 0.3, 0, false, 30, 0);
        static final double TAU_V = 25e-3, TAU_FAST = 5e-3, TAU_SLOW = 20e-3, V0_MAX = 0.5;
        static final int VALIDATION = 120, TEST = 600;
        static final long VALIDATION_SEED = 8_000_001L, TEST_SEED = 8_000_002L;
        private final DelayedXor.Settings settings;
        private final DiffSynModel model;
        private final List<Network> nets = new ArrayList<>();

        XorSetup(DiffSynTraining.Config cfg) {
            settings = new DelayedXor.Settings(cfg.neurons(), cfg.dt(), 0.02, 50, 0.05, 0.1, 0.1, 0.2, 0.1, 0.2, 0.1, 1.0,
                    cfg.responseWeight());
            model = DelayedXor.model(settings, TAU_V, TAU_FAST, TAU_SLOW, cfg.gateKind(), cfg.width(), cfg.lambda());
            // Self-excitation through the slow synapse near the QIF's bifurcation makes bistable units:
            // memory from the start, so that the gradient reaches across the delays.
            DiffSynParams p = DiffSynParams.random(model, new DiffSynParams.Init(0.2, 0, 0.5, 0.6, 1, -10, 0, 1e-4),
                    new SplittableRandom(cfg.seed()));
            // Per-group rates from the tuning runs (README): I_0 stays put (larger steps on it silence the network),
            // W moves at --recurrent-lr-scale times lr (default 0: training W made the result a lottery over seeds,
            // its exact gradients through the bistable dynamics reach norms of 1e4), U and O learn.
            Map<String, Double> scale = new HashMap<>(Map.of(DiffSynParams.U, 1.0, DiffSynParams.O, 0.3));
            Set<String> frozen = new HashSet<>(Set.of(DiffSynParams.I0));
            recurrentRate(cfg.recurrentLrScale(), scale, frozen);
            DiffSynTrainer.Options opt = new DiffSynTrainer.Options(cfg.lr(), scale, cfg.clip(), false, frozen);
            nets.add(new Network("net", model, p, opt));
        }

        @Override public List<Network> networks() { return nets; }

        @Override
        public Sample train(int size, SplittableRandom rng) {
            DelayedXor.Trials t = DelayedXor.trials(settings, model, size, false, V0_MAX, rng);
            return new Sample(t.batch(), t);
        }

        @Override public boolean scoresTraining() { return true; }

        @Override
        public double accuracy(Sample s, DiffSynResult r) {
            int ok = 0, B = s.batch().batch();
            for (int b = 0; b < B; b++) ok += DelayedXor.decide(settings, s.trials(), r.readout(), b) == s.trials().expected(b) ? 1 : 0;
            return ok / (double) B;
        }

        private DelayedXor.Trials fixed(Split split) {
            return split == Split.TEST ? DelayedXor.trials(settings, model, TEST, true, V0_MAX, new SplittableRandom(TEST_SEED))
                    : DelayedXor.trials(settings, model, VALIDATION, true, V0_MAX, new SplittableRandom(VALIDATION_SEED));
        }

        @Override
        public Evaluation evaluate(DiffSynModel m, DiffSynParams p, DiffSynEngine engine, Split split) {
            DelayedXor.Trials t = fixed(split);
            DiffSynResult r = engine.run(m, p, t.batch(), DiffSynEngine.Request.EVALUATE);
            return new Evaluation(r.loss(), accuracy(new Sample(t.batch(), t), r));
        }

        @Override
        public void summarise(DiffSynParams trained, DiffSynParams control, DiffSynEngine engine, JsonObject json, Path out)
                throws IOException {
            DelayedXor.Trials t = fixed(Split.TEST);
            DiffSynResult r = engine.run(model, trained, t.batch(), new DiffSynEngine.Request(false, true, true));
            int B = t.batch().batch(), N = model.neurons();
            int[] ok = new int[6], n = new int[6];
            for (int b = 0; b < B; b++) {
                n[t.kind()[b]]++;
                if (DelayedXor.decide(settings, t, r.readout(), b) == t.expected(b)) ok[t.kind()[b]]++;
            }
            int all = Arrays.stream(ok).sum();
            json.addProperty("neurons", N);
            json.addProperty("test_trials", B);
            json.addProperty("test_loss", r.loss());
            json.addProperty("test_fraction_correct", all / (double) B);
            JsonObject byKind = new JsonObject();
            for (int k = 0; k < 6; k++) byKind.addProperty(DelayedXor.KINDS[k], ok[k] / (double) n[k]);
            json.add("fraction_correct_by_kind", byKind);
            json.addProperty("two_pulse_fraction_correct", (ok[0] + ok[1] + ok[2] + ok[3]) / (double) (n[0] + n[1] + n[2] + n[3]));
            json.addProperty("one_pulse_null_fraction_correct", (ok[4] + ok[5]) / (double) (n[4] + n[5]));
            json.addProperty("response_weight", settings.responseWeight());
            // how quiet the readout is outside the response window, against the target's peak of output
            double before = 0;
            long steps = 0;
            for (int b = 0; b < B; b++)
                for (int k = 0; k < t.goStep()[b]; k++, steps++) before += Math.abs(r.readout()[k * B + b]);
            json.addProperty("mean_abs_readout_before_go", before / steps);
            double seconds = t.batch().steps() * model.dt();
            json.addProperty("spikes_per_neuron_per_second", rate(r, N, seconds));
            DiffSynPlots.xorTrials(out.resolve("readout.png"), settings, model, t, r);
            int T = t.batch().steps(), shown = 2;   // a "+-" trial (kind 2)
            Plots.raster(out.resolve("raster.png"), "spikes of test trial " + shown + " (" + DelayedXor.KINDS[t.kind()[shown]] + ")",
                    DiffSynPlots.sample(r.spikes(), T, B, N, shown), T, N, model.dt(), N);
        }
    }
}
