package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.Backends;
import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.cuda.CudaBackend;
import io.spikegrad.cuda.CudaDiffSyn;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynGate;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.DiffSynTrainer;
import io.spikegrad.reference.DiffSynReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code spikegrad train --method diffsyn}: the differentiable synapse of Huh &amp; Sejnowski on its two
 * tasks, predictive-coding and delayed-xor ({@link DiffSynTasks}). Batches are generated afresh for
 * every gradient step from (seed, step), so a run resumed from its checkpoint (written atomically after
 * every epoch: parameters and Adam state of every network, bit-exact) ends with the same numbers as an
 * uninterrupted one. Ends with one JSON summary line, also written to summary.json, and PNG plots.
 */
final class DiffSynTraining {

    /** The settings of a run, stored in its checkpoint (method is always "diffsyn"). */
    record Config(String task, String method, long seed, int epochs, int iterations, int batch, double lr, double dt,
                  int neurons, double lambda, String gate, double width, double clip, boolean control, String backend,
                  double responseWeight, double recurrentLrScale) {

        Config withEpochs(int n) {
            return new Config(task, method, seed, n, iterations, batch, lr, dt, neurons, lambda, gate, width, clip, control, backend,
                    responseWeight, recurrentLrScale);
        }

        DiffSynGate gateKind() {
            try {
                return DiffSynGate.valueOf(gate.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--gate must be box or bump, got '" + gate + "'");
            }
        }

        JsonObject toJson() {
            return Json.GSON.toJsonTree(this).getAsJsonObject();
        }

        static Config fromJson(JsonObject o) {
            Config c = Json.GSON.fromJson(o, Config.class);
            if (o.has("responseWeight")) return c;
            // checkpoints written before these settings existed: the paper's unweighted cost, W at 0.1 lr (delayed-xor)
            return new Config(c.task, c.method, c.seed, c.epochs, c.iterations, c.batch, c.lr, c.dt, c.neurons, c.lambda, c.gate,
                    c.width, c.clip, c.control, c.backend, 1, "delayed-xor".equals(c.task) ? 0.1 : 1);
        }
    }

    /** Whether the train command's arguments ask for this method (directly or through the run to resume). */
    static boolean handles(TrainCommand c) throws IOException {
        if (c.resume != null) {
            Checkpoint.Data d = Checkpoint.read(c.resume);
            return d.config() != null && d.config().has("method") && "diffsyn".equals(d.config().get("method").getAsString());
        }
        return "diffsyn".equals(c.method);
    }

    private final TrainCommand cmd;

    DiffSynTraining(TrainCommand cmd) {
        this.cmd = cmd;
    }

    Integer call() throws IOException {
        long start = System.nanoTime();
        Config cfg;
        Checkpoint.Data saved = null;
        Path out = cmd.out;
        if (cmd.resume != null) {
            saved = Checkpoint.read(cmd.resume);
            cfg = Config.fromJson(saved.config());
            if (cmd.epochs != null) cfg = cfg.withEpochs(cmd.epochs);
            out = cmd.resume;
        } else {
            DiffSynTasks.Defaults d = DiffSynTasks.defaults(cmd.task);
            DiffSynOptions o = cmd.diffsyn;
            cfg = new Config(cmd.task, "diffsyn", cmd.seed, cmd.epochs != null ? cmd.epochs : d.epochs(),
                    o.iterations != null ? o.iterations : d.iterations(), cmd.batch != null ? cmd.batch : d.batch(),
                    cmd.lr != null ? cmd.lr : d.lr(), cmd.dt != null ? cmd.dt : d.dt(),
                    cmd.hidden != null ? cmd.hidden : d.neurons(), o.lambda != null ? o.lambda : d.lambda(),
                    o.gate != null ? o.gate : d.gate(), o.width != null ? o.width : d.width(),
                    cmd.clip != null ? cmd.clip : d.clip(), o.control != null ? o.control : d.control(), cmd.backend,
                    o.responseWeight != null ? o.responseWeight : d.responseWeight(),
                    o.recurrentLrScale != null ? o.recurrentLrScale : d.recurrentLrScale());
            cfg.gateKind();
            if (!(cfg.responseWeight() >= 1) || Double.isInfinite(cfg.responseWeight()))
                throw new IllegalArgumentException("--response-weight must be finite and >= 1, got " + cfg.responseWeight());
            if (cfg.responseWeight() != 1 && !cfg.task().equals("delayed-xor"))
                throw new IllegalArgumentException("--response-weight applies to --task delayed-xor only");
            if (!(cfg.recurrentLrScale() >= 0) || Double.isInfinite(cfg.recurrentLrScale()))
                throw new IllegalArgumentException("--recurrent-lr-scale must be finite and >= 0, got " + cfg.recurrentLrScale());
            if (cfg.epochs() < 1 || cfg.iterations() < 1 || cfg.batch() < 1)
                throw new IllegalArgumentException("--epochs, --iterations and --batch must be >= 1");
            if (out == null) {
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
                out = Path.of("runs", cfg.task() + "-diffsyn-s" + cfg.seed() + "-" + stamp);
            }
            if (Checkpoint.exists(out)) {
                throw new IllegalArgumentException(out + " already holds a run; pass --resume " + out + " to continue it, or another --out");
            }
        }
        DiffSynTasks.Setup task = DiffSynTasks.setup(cfg);
        int threads = cmd.threads != null ? cmd.threads : Backends.defaultThreads();
        // "backend 'cuda' is not available: <why>" without a usable GPU, before anything is written
        CudaBackend cuda = "cuda".equals(cfg.backend()) ? (CudaBackend) Backends.create("cuda", threads) : null;
        DiffSynEngine engine = cuda != null ? CudaDiffSyn.onDevice(cuda) : engine(cfg.backend(), threads);
        try {
            List<Net> nets = new ArrayList<>();
            for (DiffSynTasks.Network n : task.networks()) {
                nets.add(new Net(n.name(), new DiffSynTrainer(n.model(), n.params(), engine, n.options())));
            }
            List<EpochRecord> history = new ArrayList<>();
            int first = 0;
            if (saved != null) {
                for (Net n : nets) restore(n, saved);
                history.addAll(saved.history());
                first = saved.epochsDone();
            }
            Files.createDirectories(out);
            Progress progress = Progress.create(System.err, Progress.isTerminal());
            progress.message((saved != null ? "resuming " : "training ") + cfg.task() + " (diffsyn, " + engine.name() + ", "
                    + nets.size() + (nets.size() == 1 ? " network" : " networks") + ") from epoch " + (first + 1) + " of "
                    + cfg.epochs() + ", " + cfg.iterations() + " steps of " + cfg.batch() + " each; checkpoints in " + out);
            long total = (long) cfg.epochs() * cfg.iterations();
            for (int e = first; e < cfg.epochs(); e++) {
                long t0 = System.nanoTime();
                double lossSum = 0, accSum = 0, spikeSum = 0;
                // cosine over epochs (constant within one), as the other methods' schedules: the rate of an epoch
                // does not depend on how many epochs a run was first given, so --resume --epochs N extends exactly
                double factor = 0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * e / cfg.epochs()));
                for (int it = 0; it < cfg.iterations(); it++) {
                    long step = (long) e * cfg.iterations() + it;
                    DiffSynTasks.Sample s = task.train(cfg.batch(), new SplittableRandom(mix(cfg.seed(), step)));
                    double loss = 0, acc = 0;
                    for (int k = 0; k < nets.size(); k++) {
                        DiffSynResult r = nets.get(k).trainer.step(s.batch(), factor, task.scoresTraining());
                        if (k == 0) {
                            loss = r.loss();
                            acc = task.accuracy(s, r);
                            spikeSum += r.totalSpikes() / (double) (s.batch().batch() * nets.get(0).trainer.model().neurons());
                        }
                    }
                    lossSum += loss;
                    accSum += acc;
                    progress.batch(e + 1, cfg.epochs(), it + 1, cfg.iterations(), loss, acc);
                }
                DiffSynTasks.Evaluation va = task.evaluate(nets.get(0).trainer.model(), nets.get(0).trainer.params(), engine,
                        DiffSynTasks.Split.VALIDATION);
                EpochRecord rec = new EpochRecord(e + 1, lossSum / cfg.iterations(), accSum / cfg.iterations(), va.loss(),
                        va.accuracy(), spikeSum / cfg.iterations(), (System.nanoTime() - t0) / 1e9);
                history.add(rec);
                Checkpoint.write(out, checkpoint(cfg, e + 1, nets, history));
                progress.epoch(rec, cfg.epochs());
            }

            JsonObject s = new JsonObject();
            s.addProperty("task", cfg.task());
            s.addProperty("method", "diffsyn");
            s.addProperty("backend", engine.name());
            s.addProperty("epochs", cfg.epochs());
            s.addProperty("steps", total);
            s.addProperty("batch", cfg.batch());
            s.addProperty("seed", cfg.seed());
            task.summarise(nets.get(0).trainer.params(), nets.size() > 1 ? nets.get(1).trainer.params() : null, engine, s, out);
            s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
            s.addProperty("peak_rss_mb", Memory.peakRssBytes() / 1048576.0);
            s.addProperty("out", out.toString());
            Files.writeString(out.resolve("summary.json"), Json.GSON.toJson(s) + "\n");
            Plots.history(out.resolve("history.png"), history);
            System.out.println(Json.GSON.toJson(s));
            return 0;
        } finally {
            if (cuda != null) cuda.close();
        }
    }

    static DiffSynEngine engine(String backend, int threads) {
        if (backend == null || backend.equals("cpu")) return new NativeDiffSyn(threads);
        if (backend.equals("reference")) return new DiffSynReference();
        throw new IllegalArgumentException("--method diffsyn runs on backend cpu, cuda or reference, not '" + backend + "'");
    }

    private record Net(String name, DiffSynTrainer trainer) {}

    /** A seed for training step {@code step} of a run seeded {@code seed} (SplitMix64 finaliser). */
    static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- checkpoints: doubles stored exactly as four 16-bit chunks, each an exact float ----

    private static Checkpoint.Data checkpoint(Config cfg, int epochs, List<Net> nets, List<EpochRecord> history) {
        LinkedHashMap<String, float[]> params = new LinkedHashMap<>();
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> opt = new LinkedHashMap<>();
        for (Net n : nets) {
            for (DiffSynParams.Group g : n.trainer.params().groups()) {
                params.put(n.name + "/" + g.name(), encode(g.values()));
                shapes.put(n.name + "/" + g.name(), new int[] {g.values().length, 4});
            }
            for (Map.Entry<String, double[]> e : n.trainer.state().entrySet()) opt.put(n.name + "/" + e.getKey(), encode(e.getValue()));
        }
        return new Checkpoint.Data(cfg.toJson(), epochs, params, shapes, opt, history);
    }

    private static void restore(Net n, Checkpoint.Data d) throws IOException {
        for (DiffSynParams.Group g : n.trainer.params().groups()) {
            float[] f = d.params().get(n.name + "/" + g.name());
            if (f == null || f.length != 4 * g.values().length)
                throw new IOException("checkpoint lacks " + n.name + "/" + g.name() + " of " + g.values().length + " values");
            System.arraycopy(decode(f), 0, g.values(), 0, g.values().length);
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        String prefix = n.name + "/";
        for (Map.Entry<String, float[]> e : d.optimizer().entrySet())
            if (e.getKey().startsWith(prefix)) state.put(e.getKey().substring(prefix.length()), decode(e.getValue()));
        n.trainer.load(state);
    }

    static float[] encode(double[] d) {
        float[] f = new float[4 * d.length];
        for (int k = 0; k < d.length; k++) {
            long b = Double.doubleToRawLongBits(d[k]);
            for (int c = 0; c < 4; c++) f[4 * k + c] = (float) ((b >>> (48 - 16 * c)) & 0xFFFF);
        }
        return f;
    }

    static double[] decode(float[] f) {
        double[] d = new double[f.length / 4];
        for (int k = 0; k < d.length; k++) {
            long b = 0;
            for (int c = 0; c < 4; c++) b = (b << 16) | ((long) f[4 * k + c] & 0xFFFF);
            d[k] = Double.longBitsToDouble(b);
        }
        return d;
    }
}
