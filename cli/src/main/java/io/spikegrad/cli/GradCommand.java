package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.loss.SpikeCountCrossEntropy;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Parameter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikegrad grad --spec FILE.json}: loss, output spike counts and every gradient of a
 * network given in JSON, for number-by-number comparison with another framework.
 */
@Command(name = "grad", mixinStandardHelpOptions = true,
        description = "Print the loss, output spike counts and every gradient of a JSON network spec (format: README.md).")
final class GradCommand implements Callable<Integer> {

    @Option(names = "--spec", required = true, description = "JSON network spec")
    Path spec;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, reference or cuda (default: ${DEFAULT-VALUE})")
    String backendName;

    @Override
    public Integer call() throws Exception {
        GradSpec s = GradSpec.read(spec);
        // every gradient is printed, also those of parameters training would keep fixed
        for (Parameter p : s.network.parameters()) p.setLearnable(true);
        try (Backend backend = Backends.create(backendName);
             BpttEngine engine = new BpttEngine(s.network, backend, s.settings)) {
            BpttEngine.Result r = engine.run(s.input, s.steps, s.batch, new SpikeCountCrossEntropy(), s.labels, true);
            JsonObject out = new JsonObject();
            out.addProperty("backend", backend.name());
            out.addProperty("loss", r.loss());
            out.add("output_spike_counts", counts(engine, s));
            JsonObject grads = new JsonObject();
            for (Layer l : s.network.layers()) {
                for (Parameter p : l.parameters()) grads.add(p.name(), Json.nested(p.grad(), p.shape()));
            }
            out.add("gradients", grads);
            System.out.println(Json.GSON.toJson(out));
        }
        return 0;
    }

    /** Output spike counts per sample and class, [B][C]. */
    private static JsonArray counts(BpttEngine engine, GradSpec s) {
        FloatBuffer spikes = engine.lastReadout().buffer();
        int c = s.network.outputs();
        float[] total = new float[s.batch * c];
        for (int t = 0; t < s.steps; t++)
            for (int k = 0; k < s.batch * c; k++) total[k] += spikes.get(t * s.batch * c + k);
        return Json.nested(total, new int[] {s.batch, c});
    }
}
