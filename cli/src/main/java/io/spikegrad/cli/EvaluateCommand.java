package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spikegrad evaluate --model DIR}: test accuracy and loss of a trained model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a trained model on its task's test split.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "a training output directory (holds checkpoint.bin)")
    Path model;

    @Option(names = "--task", description = "task (default: the one the model was trained on)")
    String task;

    @Option(names = "--backend", description = "cpu, reference or cuda (default: the best available)")
    String backend;

    @Option(names = "--split", defaultValue = "test", description = "test or validation (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--data", description = "data directory (Fashion-MNIST IDX files)")
    Path data;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Checkpoint.Data c = Checkpoint.read(model);
        RunConfig cfg = RunConfig.fromJson(c.config());
        if (!cfg.method().equals("bptt")) {
            throw new IllegalArgumentException("evaluate supports models trained with --method bptt; " + model
                    + " was trained with " + cfg.method() + " (its test accuracy is in " + model.resolve("summary.json") + ")");
        }
        Task t = Task.named(task != null ? task : cfg.task(), data != null ? data : cfg.data() == null ? null : Path.of(cfg.data()));
        Network net = TrainedModel.networkFor(t, model, t.defaults(), cfg.seed());
        BatchSource src = switch (split) {
            case "test" -> t.test(cfg.dt());
            case "validation" -> t.validation(cfg.dt());
            default -> throw new IllegalArgumentException("--split must be test or validation, got '" + split + "'");
        };
        try (Backend be = backend == null ? Backends.best() : Backends.create(backend);
             BpttEngine engine = new BpttEngine(net, be, TrainedModel.settingsFor(model, t.defaults()))) {
            Trainer.Metrics m = Trainer.evaluate(engine, net, t.loss(), src, cfg.batch());
            JsonObject s = new JsonObject();
            s.addProperty("task", t.name());
            s.addProperty("method", cfg.method());
            s.addProperty("backend", be.name());
            s.addProperty("epochs", c.epochsDone());
            s.addProperty("seed", cfg.seed());
            s.addProperty("train_accuracy", c.history().isEmpty() ? Double.NaN : c.history().get(c.history().size() - 1).trainAccuracy());
            s.addProperty(split + "_accuracy", m.accuracy());
            s.addProperty(split + "_loss", m.loss());
            s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
            s.addProperty("spikes_per_neuron", m.spikesPerNeuron());
            System.out.println(Json.GSON.toJson(s));
        }
        return 0;
    }
}
