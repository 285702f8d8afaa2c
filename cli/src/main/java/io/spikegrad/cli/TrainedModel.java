package io.spikegrad.cli;

import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model saved by {@code spikegrad train}: its directory holds the last checkpoint, whose
 * config rebuilds the network and whose arrays fill it.
 */
final class TrainedModel {
    private TrainedModel() {}

    /** The network of {@code modelDir}, or a fresh one of the task when {@code modelDir} is null. */
    static Network networkFor(Task task, Path modelDir, Task.Defaults d, long seed) throws IOException {
        if (modelDir == null) return task.network(d.hidden(), null, null, seed);
        Checkpoint.Data c = Checkpoint.read(modelDir);
        String savedTask = c.config().get("task").getAsString();
        if (!savedTask.equals(task.name())) {
            throw new IllegalArgumentException("the model in " + modelDir + " was trained on task '" + savedTask
                    + "', not '" + task.name() + "'; pass --task " + savedTask);
        }
        Network net = task.network(c.config().get("hidden").getAsInt(), null, null, c.config().get("seed").getAsLong());
        load(net, c.params(), modelDir);
        return net;
    }

    /** The BPTT settings the model was trained with (the task's defaults for a fresh network). */
    static BpttSettings settingsFor(Path modelDir, Task.Defaults d) throws IOException {
        if (modelDir == null) return new BpttSettings(d.dt(), Args.surrogate(d.surrogate()), d.detachReset(), false);
        RunConfig cfg = RunConfig.fromJson(Checkpoint.read(modelDir).config());
        return new BpttSettings(cfg.dt(), Args.surrogate(cfg.surrogate()), cfg.detachReset(), false);
    }

    /** Copies saved arrays into the network's parameters; every parameter must be present with its size. */
    static void load(Network net, Map<String, float[]> params, Path from) {
        for (Parameter p : net.parameters()) {
            float[] v = params.get(p.name());
            if (v == null || v.length != p.size()) {
                throw new IllegalArgumentException("checkpoint " + from + " has no parameter '" + p.name() + "' of "
                        + p.size() + " values; it belongs to another network");
            }
            System.arraycopy(v, 0, p.value(), 0, v.length);
        }
    }

    /** Parameter arrays and shapes of a network, in order. */
    static LinkedHashMap<String, float[]> values(Network net) {
        LinkedHashMap<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) m.put(p.name(), p.value().clone());
        return m;
    }

    static LinkedHashMap<String, int[]> shapes(Network net) {
        LinkedHashMap<String, int[]> m = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) m.put(p.name(), p.shape());
        return m;
    }

    static Network copy(Network net) {
        return net.copy();
    }
}
