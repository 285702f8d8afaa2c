package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spikegrad train}: trains a task end to end and prints one JSON summary line. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a spiking network on a task (default: Yin-Yang, surrogate BPTT, best backend).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "yinyang", description = "yinyang or fashion-mnist (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--method", defaultValue = "bptt", description = "bptt (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--backend", description = "cpu, reference or cuda (default: the best available)")
    String backend;

    @Option(names = "--epochs", description = "epochs (default: the task's)")
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

    @Option(names = "--surrogate", defaultValue = "fast_sigmoid:10",
            description = "surrogate as KIND:SCALE, KIND one of fast_sigmoid, sigmoid, arctan, triangle, boxcar, exponential, straight_through (default: ${DEFAULT-VALUE})")
    String surrogate;

    @Option(names = "--seed", defaultValue = "1", description = "seed for weights and sample order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "threads (default: all cores)")
    Integer threads;

    @Option(names = "--data", description = "data directory (Fashion-MNIST IDX files)")
    Path data;

    @Option(names = "--out", description = "directory for the model, summary and plots")
    Path out;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        if (!method.equals("bptt")) throw new IllegalArgumentException("--method must be bptt, got '" + method + "'");
        Task t = Task.named(task, data);
        Task.Defaults d = t.defaults();
        int nEpochs = epochs != null ? epochs : d.epochs();
        int bs = batch != null ? batch : d.batch();
        double step = dt != null ? dt : d.dt();
        Network net = t.network(hidden != null ? hidden : d.hidden(), Args.normal("--hidden-init", hiddenInit),
                Args.normal("--readout-init", readoutInit), seed);
        BatchSource train = t.train(step), valid = t.validation(step), test = t.test(step);
        int nThreads = threads != null ? threads : Backends.defaultThreads();
        try (Backend be = backend == null ? Backends.best() : Backends.create(backend, nThreads);
             Trainer trainer = new Trainer(net, be, BpttSettings.of(step, Args.surrogate(surrogate)), t.loss(),
                     Optimizer.adam(lr != null ? lr : d.lr()), new Trainer.Options(bs, seed, 0, d.schedule()))) {
            Trainer.Metrics tr = null;
            for (int e = 0; e < nEpochs; e++) {
                long t0 = System.nanoTime();
                tr = trainer.trainEpoch(train, e, null);
                Trainer.Metrics va = trainer.evaluate(valid);
                System.err.printf("epoch %d/%d train loss %.4f acc %.2f%% | valid loss %.4f acc %.2f%% | %.2f spikes/neuron | %.1f s%n",
                        e + 1, nEpochs, tr.loss(), 100 * tr.accuracy(), va.loss(), 100 * va.accuracy(), tr.spikesPerNeuron(),
                        (System.nanoTime() - t0) / 1e9);
            }
            Trainer.Metrics te = trainer.evaluate(test);
            JsonObject s = new JsonObject();
            s.addProperty("task", t.name());
            s.addProperty("method", method);
            s.addProperty("backend", be.name());
            s.addProperty("epochs", nEpochs);
            s.addProperty("seed", seed);
            s.addProperty("train_accuracy", tr == null ? null : tr.accuracy());
            s.addProperty("test_accuracy", te.accuracy());
            s.addProperty("test_loss", te.loss());
            s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
            s.addProperty("spikes_per_neuron", te.spikesPerNeuron());
            System.out.println(Json.GSON.toJson(s));
        }
        return 0;
    }
}
