package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.Backends;
import io.spikegrad.net.Network;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikegrad train}: trains a task end to end. After every epoch a checkpoint is
 * written atomically into the output directory, so an interrupted run loses at most the
 * epoch in progress and {@code --resume DIR} continues it with the same numbers an
 * uninterrupted run gives. The epoch with the best validation accuracy is also kept (in
 * {@value #BEST}/), and the summary reports its test accuracy next to the final one. Ends with
 * one JSON summary line on stdout.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a spiking network on a task (default: Yin-Yang, surrogate BPTT, best backend).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "yinyang", description = "yinyang or fashion-mnist; with --method diffsyn "
            + "predictive-coding or delayed-xor (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--method", defaultValue = "bptt", description = "bptt, eventprop (exact gradients, Yin-Yang) or diffsyn "
            + "(differentiable synapse, Huh & Sejnowski) (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--backend", description = "cpu, reference or cuda (default: the best available)")
    String backend;

    @Option(names = "--epochs", description = "total epochs (default: the task's; with --resume, extends the run)")
    Integer epochs;

    @Option(names = "--batch", description = "samples per batch (default: the task's)")
    Integer batch;

    @Option(names = "--lr", description = "Adam learning rate (default: the task's)")
    Double lr;

    @Option(names = "--dt", description = "BPTT time step in seconds (default: the task's)")
    Double dt;

    @Option(names = "--hidden", description = "hidden neurons (default: the task's)")
    Integer hidden;

    @Option(names = "--hidden-init", description = "hidden weights as MEAN:STD of a normal (default: the task's)")
    String hiddenInit;

    @Option(names = "--readout-init", description = "readout weights as MEAN:STD of a normal (default: the task's)")
    String readoutInit;

    @Option(names = "--surrogate", description = "surrogate as KIND:SCALE, KIND one of fast_sigmoid, sigmoid, arctan, "
            + "triangle, boxcar, exponential, straight_through (default: the task's)")
    String surrogate;

    @Option(names = "--lr-schedule", description = "constant, cosine, or step:EVERY:GAMMA (default: the task's)")
    String schedule;

    @Option(names = "--reg-spikes", description = "spike-count penalty lambda on every hidden LIF layer (default: 0, off)")
    Double regSpikes;

    @Option(names = "--reg-rate", description = "homeostatic penalty LAMBDA:HZ pulling each hidden neuron's rate to HZ (default: off)")
    String regRate;

    @Option(names = "--detach-reset", negatable = true,
            description = "cut the gradient through the reset's spike; --no-detach-reset keeps it (default: the task's)")
    Boolean detachReset;

    @Option(names = "--clip", description = "global gradient-norm limit, 0 for none (default: the task's)")
    Double clip;

    @Option(names = "--seed", defaultValue = "1", description = "seed for weights and sample order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", description = "train on the first N training samples only (smoke tests)")
    Integer limit;

    @Option(names = "--threads", description = "threads (default: all cores)")
    Integer threads;

    @Option(names = "--data", description = "data directory (Fashion-MNIST IDX files)")
    Path data;

    @Option(names = "--out", description = "output directory: checkpoint (the model), summary.json, plots "
            + "(default: runs/TASK-METHOD-sSEED-TIME)")
    Path out;

    @Option(names = "--memory-report", description = "print resident memory at iterations 200, 1000, 2000, ... (leak checks)")
    boolean memoryReport;

    @Option(names = "--loss", description = "EventProp loss: first-spike, max-voltage (LI readout), mean-voltage (LI readout) "
            + "or spike-count (default: first-spike; --method eventprop only)")
    String loss;

    @Option(names = "--missing-hidden", description = "EventProp silent-neuron rule: allowed fraction of missing spikes in a hidden "
            + "layer before its weights are bumped, 1 = off (default: 1)")
    Double missingHidden;

    @Option(names = "--missing-output", description = "EventProp silent-neuron rule for the spiking output layer, 1 = off (default: 1)")
    Double missingOutput;

    @Option(names = "--bump", description = "EventProp silent-neuron weight bump (default: 1e-4)")
    Double bump;

    @Option(names = "--sample-clip", description = "EventProp per-sample gradient-norm limit, 0 = off (default: 1)")
    Double sampleClip;

    @Option(names = "--resume", description = "continue the run saved in this directory (its settings win over the options)")
    Path resume;

    @picocli.CommandLine.Mixin
    DiffSynOptions diffsyn = new DiffSynOptions();

    private long iteration;

    /** Subdirectory holding the checkpoint of the epoch with the best validation accuracy. */
    static final String BEST = "best-validation";

    @Override
    public Integer call() throws IOException {
        if (DiffSynTraining.handles(this)) return new DiffSynTraining(this).call();
        long start = System.nanoTime();
        RunConfig cfg;
        Checkpoint.Data saved = null;
        if (resume != null) {
            saved = Checkpoint.read(resume);
            cfg = RunConfig.fromJson(saved.config());
            if (epochs != null) cfg = cfg.withEpochs(epochs);
            out = resume;
        } else {
            Task t = Task.named(task, data);
            Task.Defaults d = t.defaults(method);
            if (!method.equals("eventprop") && (loss != null || missingHidden != null || missingOutput != null || bump != null
                    || sampleClip != null)) {
                throw new IllegalArgumentException("--loss, --missing-hidden, --missing-output, --bump and --sample-clip apply to --method eventprop only");
            }
            if (method.equals("eventprop")) EventPropSetup.loss(loss);          // validates the name now
            cfg = new RunConfig(t.name(), method, hidden != null ? hidden : d.hidden(), seed,
                    dt != null ? dt : d.dt(), lr != null ? lr : d.lr(), batch != null ? batch : d.batch(),
                    epochs != null ? epochs : d.epochs(), surrogate != null ? surrogate : d.surrogate(),
                    schedule != null ? schedule : d.schedule(), regSpikes == null ? 0 : regSpikes, regRate,
                    detachReset != null ? detachReset : d.detachReset(), clip != null ? clip : d.clip(), hiddenInit, readoutInit, limit == null ? 0 : limit, data == null ? null : data.toString(),
                    loss, missingHidden, missingOutput, bump, sampleClip);
            if (out == null) {
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
                out = Path.of("runs", t.name() + "-" + method + "-s" + seed + "-" + stamp);
            }
            if (Checkpoint.exists(out)) {
                throw new IllegalArgumentException(out + " already holds a run; pass --resume " + out + " to continue it, or another --out");
            }
        }
        Task t = Task.named(cfg.task(), cfg.data() == null ? null : Path.of(cfg.data()));
        Network net = cfg.method().equals("eventprop")
                ? t.eventPropNetwork(cfg.hidden(), Args.normal("--hidden-init", cfg.hiddenInit()), Args.normal("--readout-init", cfg.readoutInit()),
                        EventPropSetup.readout(cfg.loss()), cfg.seed())
                : t.network(cfg.hidden(), Args.normal("--hidden-init", cfg.hiddenInit()), Args.normal("--readout-init", cfg.readoutInit()), cfg.seed());
        Optimizer opt = Optimizer.adam(cfg.lr());
        List<EpochRecord> history = new ArrayList<>();
        int first = 0;
        if (saved != null) {
            TrainedModel.load(net, saved.params(), resume);
            opt.load(saved.optimizer());
            history.addAll(saved.history());
            first = saved.epochsDone();
        }
        Files.createDirectories(out);
        Progress progress = Progress.create(System.err, Progress.isTerminal());
        progress.message((saved != null ? "resuming " : "training ") + cfg.task() + " (" + cfg.method() + ") from epoch "
                + (first + 1) + " of " + cfg.epochs() + "; checkpoints in " + out);
        int nThreads = threads != null ? threads : Backends.defaultThreads();
        try (MethodRun run = cfg.method().equals("eventprop") ? new MethodRun.EventProp(t, cfg, net, opt, nThreads, backend)
                : new MethodRun.Bptt(t, cfg, net, opt, backend == null ? Backends.best(nThreads) : Backends.create(backend, nThreads))) {
            double bestValid = Double.NEGATIVE_INFINITY;       // the run's best validation accuracy so far
            for (EpochRecord r : history) if (r.validAccuracy() > bestValid) bestValid = r.validAccuracy();
            for (int e = first; e < cfg.epochs(); e++) {
                long t0 = System.nanoTime();
                final int epoch = e, total = cfg.epochs();
                Trainer.Metrics tr = run.trainEpoch(e, (ep, b, n, loss, acc) -> {
                    progress.batch(epoch + 1, total, b, n, loss, acc);
                    iteration++;
                    if (memoryReport && (iteration == 200 || iteration % 1000 == 0)) {
                        progress.message(String.format("rss at iteration %d: %.1f MB (peak %.1f MB; JavaCPP native %.1f MB; Java heap used %.1f MB)",
                                iteration, Memory.rssBytes() / 1048576.0, Memory.peakRssBytes() / 1048576.0,
                                org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0,
                                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0));
                    }
                });
                Trainer.Metrics va = run.evaluate("validation");
                EpochRecord rec = new EpochRecord(e + 1, tr.loss(), tr.accuracy(), va.loss(), va.accuracy(),
                        tr.spikesPerNeuron(), (System.nanoTime() - t0) / 1e9);
                history.add(rec);
                Checkpoint.Data ck = new Checkpoint.Data(cfg.toJson(), e + 1, TrainedModel.values(net), TrainedModel.shapes(net),
                        opt.state(), history);
                if (rec.validAccuracy() > bestValid) {                // the model selected on validation accuracy
                    bestValid = rec.validAccuracy();
                    Checkpoint.write(out.resolve(BEST), ck);
                }
                Checkpoint.write(out, ck);
                progress.epoch(rec, cfg.epochs());
                String note = run.epochNote();
                if (note != null) progress.message(note);
            }
            Trainer.Metrics te = run.evaluate("test");
            Trainer.Metrics teBest = null;
            int bestEpoch = -1;
            if (Checkpoint.exists(out.resolve(BEST))) {               // test accuracy of the best-validation epoch
                Checkpoint.Data best = Checkpoint.read(out.resolve(BEST));
                bestEpoch = best.epochsDone();
                java.util.LinkedHashMap<String, float[]> now = TrainedModel.values(net);
                TrainedModel.load(net, best.params(), out.resolve(BEST));
                teBest = run.evaluate("test");
                TrainedModel.load(net, now, out);
            }
            EpochRecord last = history.isEmpty() ? null : history.get(history.size() - 1);
            JsonObject s = new JsonObject();
            s.addProperty("task", cfg.task());
            s.addProperty("method", cfg.method());
            s.addProperty("backend", run.backendName());
            s.addProperty("epochs", cfg.epochs());
            s.addProperty("seed", cfg.seed());
            s.addProperty("train_accuracy", last == null ? Double.NaN : last.trainAccuracy());
            s.addProperty("test_accuracy", te.accuracy());
            s.addProperty("test_loss", te.loss());
            if (teBest != null) {
                s.addProperty("best_validation_epoch", bestEpoch);
                s.addProperty("test_accuracy_at_best_validation", teBest.accuracy());
            }
            s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
            s.addProperty("spikes_per_neuron", te.spikesPerNeuron());
            s.addProperty("peak_rss_mb", Memory.peakRssBytes() / 1048576.0);
            s.addProperty("out", out.toString());
            run.summarize(s);
            Files.writeString(out.resolve("summary.json"), Json.GSON.toJson(s) + "\n");
            Plots.history(out.resolve("history.png"), history);
            run.plots(out);
            System.out.println(Json.GSON.toJson(s));
        }
        return 0;
    }

}
