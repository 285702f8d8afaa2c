package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import io.spikegrad.reference.Precision;
import io.spikegrad.reference.ReferenceBackend;
import io.spikegrad.train.BatchSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikegrad verify}: the same network and batch on every available backend and on
 * the reference; per gradient tensor, the largest deviation from the double reference and
 * the tolerance it is held to: max|native - ref64| &lt;= 2 max|ref32 - ref64| + 1e-5 max|ref64|,
 * where ref32 is the reference computed in emulated float32 (DESIGN.md's rule, per tensor).
 * Exits 1 when a tensor is out of tolerance.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Cross-check every backend's gradients against the double-precision reference on one batch.")
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "yinyang", description = "task whose network and first training batch are used (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--model", description = "a training output directory: verify its trained weights instead of fresh ones")
    Path model;

    @Option(names = "--method", defaultValue = "bptt", description = "bptt (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--batch", defaultValue = "8", description = "samples in the batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "seed of a fresh network (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", description = "data directory (Fashion-MNIST IDX files)")
    Path data;

    @Override
    public Integer call() throws Exception {
        if (!method.equals("bptt")) throw new IllegalArgumentException("--method must be bptt, got '" + method + "'");
        long start = System.nanoTime();
        if (model != null && !RunConfig.fromJson(Checkpoint.read(model).config()).method().equals("bptt")) {
            throw new IllegalArgumentException("verify compares BPTT gradients across backends; " + model
                    + " holds an EventProp model (EventProp's native kernel is checked by NativeEventPropParityTest)");
        }
        Task t = Task.named(task, data);
        Task.Defaults d = t.defaults();
        BpttSettings settings = TrainedModel.settingsFor(model, d);
        double dt = settings.dt();
        Network proto = TrainedModel.networkFor(t, model, d, seed);
        BatchSource src = t.train(dt);
        int b = Math.min(batch, src.size());
        int[] idx = new int[b], labels = new int[b];
        for (int i = 0; i < b; i++) idx[i] = i;
        float[] input = new float[src.steps() * b * src.channels()];
        src.fill(idx, input, labels);

        List<float[]> ref64 = grads(new ReferenceBackend(Precision.DOUBLE), proto, settings, t, input, src.steps(), b, labels);
        List<float[]> ref32 = grads(new ReferenceBackend(Precision.FLOAT), proto, settings, t, input, src.steps(), b, labels);
        List<Parameter> params = proto.parameters();
        boolean ok = true;
        double worst = 0;
        JsonArray checked = new JsonArray();
        for (String name : Backends.available()) {
            if (name.equals("reference")) continue;
            List<float[]> nat;
            try (Backend be = Backends.create(name)) {
                nat = grads(be, proto, settings, t, input, src.steps(), b, labels);
            }
            checked.add(name);
            System.err.printf("%-10s %-22s %14s %14s%n", name, "tensor", "max |dev|", "tolerance");
            for (int i = 0; i < params.size(); i++) {
                double scale = maxAbs(ref64.get(i));
                double dev = maxDiff(nat.get(i), ref64.get(i));
                double tol = 2 * maxDiff(ref32.get(i), ref64.get(i)) + 1e-5 * scale;
                boolean pass = dev <= tol;
                ok &= pass;
                if (tol > 0) worst = Math.max(worst, dev / tol);
                System.err.printf("%-10s %-22s %14.3e %14.3e %s (relative %.2e)%n", name, params.get(i).name(), dev, tol,
                        pass ? "ok" : "EXCEEDED", scale > 0 ? dev / scale : 0.0);
            }
        }
        JsonObject s = new JsonObject();
        s.addProperty("task", t.name());
        s.addProperty("method", method);
        s.add("backends", checked);
        s.addProperty("batch", b);
        s.addProperty("worst_ratio_to_tolerance", worst);
        s.addProperty("passed", ok);
        s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(Json.GSON.toJson(s));
        return ok ? 0 : 1;
    }

    private static List<float[]> grads(Backend be, Network proto, BpttSettings s, Task t, float[] input, int steps, int batch, int[] labels) {
        Network net = TrainedModel.copy(proto);
        // every gradient is compared, also those of parameters training keeps fixed
        for (Parameter p : net.parameters()) p.setLearnable(true);
        try (be; BpttEngine e = new BpttEngine(net, be, s)) {
            e.run(input, steps, batch, t.loss(), labels, true);
        }
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.parameters()) out.add(p.grad().clone());
        return out;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int k = 0; k < a.length; k++) m = Math.max(m, Math.abs((double) a[k] - b[k]));
        return m;
    }
}
