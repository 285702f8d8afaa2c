package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;
import io.spikegrad.LifParams;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON network spec read by {@code spikegrad grad --spec FILE} (format in README.md).
 * Every error names the JSON path at fault.
 */
final class GradSpec {
    final Network network;
    final BpttSettings settings;
    final float[] input;   // [T][B][inputs]
    final int steps, batch;
    final int[] labels;

    private GradSpec(Network network, BpttSettings settings, float[] input, int steps, int batch, int[] labels) {
        this.network = network;
        this.settings = settings;
        this.input = input;
        this.steps = steps;
        this.batch = batch;
        this.labels = labels;
    }

    static GradSpec read(Path file) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage());
        }
        return parse(root);
    }

    static GradSpec parse(JsonObject root) {
        double dt = num(root, "dt");
        Surrogate surrogate = surrogate(obj(root, "surrogate"));
        ResetMode reset = resetMode(root.has("reset") ? str(root, "reset") : "subtract");
        double vReset = root.has("v_reset") ? num(root, "v_reset") : 0.0;
        boolean detach = root.has("detach_reset") && bool(root, "detach_reset");
        boolean smooth = root.has("smooth") && bool(root, "smooth");
        String loss = root.has("loss") ? str(root, "loss") : "spike_count_ce";
        if (!loss.equals("spike_count_ce")) {
            throw new IllegalArgumentException("loss: only \"spike_count_ce\" is supported by grad, got \"" + loss + "\"");
        }
        int inputs = (int) num(root, "inputs");
        if (inputs < 1) throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);

        JsonArray layers = arr(root, "layers");
        if (layers.isEmpty()) throw new IllegalArgumentException("layers must hold at least one layer");
        Network.Builder nb = Network.builder().input(inputs);
        List<float[][]> perNeuron = new ArrayList<>();
        int in = inputs;
        for (int l = 0; l < layers.size(); l++) {
            String at = "layers[" + l + "]";
            JsonObject lo = layers.get(l).getAsJsonObject();
            String name = lo.has("name") ? str(lo, "name") : "layer" + l;
            int size = (int) num(lo, "size", at);
            float[] tauMem = perNeuron(lo, "tau_mem", size, at);
            float[] tauSyn = perNeuron(lo, "tau_syn", size, at);
            float[] threshold = perNeuron(lo, "threshold", size, at);
            LifParams params = new LifParams(tauMem[0], tauSyn[0], threshold[0], reset, vReset);
            float[] w = matrix(lo, "weight", in, size, at);
            float[] rec = lo.has("recurrent") ? matrix(lo, "recurrent", size, size, at) : null;
            float[] bias = lo.has("bias") ? vector(lo.getAsJsonArray("bias"), size, at + ".bias") : null;
            if (rec != null) nb.recurrentLif(name, size, params);
            else nb.lif(name, size, params);
            nb.values(w, rec, bias);
            perNeuron.add(new float[][] {tauMem, tauSyn, threshold});
            in = size;
        }
        Network net = nb.build(0);
        for (int l = 0; l < net.layers().size(); l++) {
            Layer layer = net.layers().get(l);
            float[][] p = perNeuron.get(l);
            System.arraycopy(p[0], 0, layer.tauMem().value(), 0, layer.size());
            System.arraycopy(p[1], 0, layer.tauSyn().value(), 0, layer.size());
            System.arraycopy(p[2], 0, layer.threshold().value(), 0, layer.size());
        }

        // input: [T][B][inputs] with labels [B], or [T][inputs] with label
        JsonArray x = arr(root, "input");
        int steps = x.size();
        if (steps < 1) throw new IllegalArgumentException("input must hold at least one time step");
        boolean batched = x.get(0).isJsonArray() && x.get(0).getAsJsonArray().size() > 0
                && x.get(0).getAsJsonArray().get(0).isJsonArray();
        int batch = batched ? x.get(0).getAsJsonArray().size() : 1;
        float[] input = new float[steps * batch * inputs];
        for (int t = 0; t < steps; t++) {
            JsonArray step = x.get(t).getAsJsonArray();
            if (!batched) {
                float[] row = vector(step, inputs, "input[" + t + "]");
                System.arraycopy(row, 0, input, t * inputs, inputs);
                continue;
            }
            if (step.size() != batch) {
                throw new IllegalArgumentException("input[" + t + "] must hold " + batch + " samples, got " + step.size());
            }
            for (int b = 0; b < batch; b++) {
                float[] row = vector(step.get(b).getAsJsonArray(), inputs, "input[" + t + "][" + b + "]");
                System.arraycopy(row, 0, input, (t * batch + b) * inputs, inputs);
            }
        }
        int[] labels = new int[batch];
        if (batched) {
            JsonArray la = arr(root, "labels");
            if (la.size() != batch) throw new IllegalArgumentException("labels must hold " + batch + " entries, got " + la.size());
            for (int b = 0; b < batch; b++) labels[b] = la.get(b).getAsInt();
        } else {
            labels[0] = (int) num(root, "label");
        }
        int classes = net.outputs();
        for (int b = 0; b < batch; b++) {
            if (labels[b] < 0 || labels[b] >= classes) {
                throw new IllegalArgumentException("label " + labels[b] + " must lie in [0, " + classes + ") (the last layer's size)");
            }
        }
        return new GradSpec(net, new BpttSettings(dt, surrogate, detach, smooth), input, steps, batch, labels);
    }

    private static Surrogate surrogate(JsonObject o) {
        String kind = str(o, "kind").toUpperCase(Locale.ROOT).replace('-', '_');
        Surrogate.Kind k;
        try {
            k = Surrogate.Kind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("surrogate.kind must be one of " + java.util.Arrays.toString(Surrogate.Kind.values())
                    + " (lower case accepted), got \"" + str(o, "kind") + "\"");
        }
        double scale = o.has("scale") ? num(o, "scale", "surrogate") : 1.0;
        double gain = o.has("gain") ? num(o, "gain", "surrogate") : 1.0;
        return new Surrogate(k, scale, gain);
    }

    private static ResetMode resetMode(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "subtract": return ResetMode.SUBTRACT;
            case "to_value": case "zero": return ResetMode.TO_VALUE;
            case "none": return ResetMode.NONE;
            default: throw new IllegalArgumentException("reset must be \"subtract\", \"to_value\" or \"none\", got \"" + s + "\"");
        }
    }

    private static float[] perNeuron(JsonObject o, String key, int size, String at) {
        if (!o.has(key)) throw new IllegalArgumentException(at + "." + key + " is required (a number or " + size + " numbers)");
        JsonElement e = o.get(key);
        if (e.isJsonArray()) return vector(e.getAsJsonArray(), size, at + "." + key);
        float[] v = new float[size];
        java.util.Arrays.fill(v, (float) num(o, key, at));
        return v;
    }

    private static float[] matrix(JsonObject o, String key, int rows, int cols, String at) {
        JsonArray a = arr(o, key, at);
        if (a.size() != rows) {
            throw new IllegalArgumentException(at + "." + key + " must have shape [" + rows + "][" + cols + "] ([in][out]), got "
                    + a.size() + " rows");
        }
        float[] m = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            float[] row = vector(a.get(r).getAsJsonArray(), cols, at + "." + key + "[" + r + "]");
            System.arraycopy(row, 0, m, r * cols, cols);
        }
        return m;
    }

    private static float[] vector(JsonArray a, int n, String at) {
        if (a.size() != n) throw new IllegalArgumentException(at + " must hold " + n + " numbers, got " + a.size());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double d = a.get(i).getAsDouble();
            if (!Double.isFinite(d)) throw new IllegalArgumentException(at + "[" + i + "] must be finite, got " + d);
            v[i] = (float) d;
        }
        return v;
    }

    private static JsonObject obj(JsonObject o, String key) {
        if (!o.has(key) || !o.get(key).isJsonObject()) throw new IllegalArgumentException(key + " is required (a JSON object)");
        return o.getAsJsonObject(key);
    }

    private static JsonArray arr(JsonObject o, String key) {
        return arr(o, key, null);
    }

    private static JsonArray arr(JsonObject o, String key, String at) {
        String path = at == null ? key : at + "." + key;
        if (!o.has(key) || !o.get(key).isJsonArray()) throw new IllegalArgumentException(path + " is required (a JSON array)");
        return o.getAsJsonArray(key);
    }

    private static String str(JsonObject o, String key) {
        if (!o.has(key) || !o.get(key).isJsonPrimitive()) throw new IllegalArgumentException(key + " is required (a string)");
        return o.get(key).getAsString();
    }

    private static boolean bool(JsonObject o, String key) {
        return o.get(key).getAsBoolean();
    }

    private static double num(JsonObject o, String key) {
        return num(o, key, null);
    }

    private static double num(JsonObject o, String key, String at) {
        String path = at == null ? key : at + "." + key;
        if (!o.has(key) || !o.get(key).isJsonPrimitive() || !o.get(key).getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(path + " is required (a number)");
        }
        double d = o.get(key).getAsDouble();
        if (!Double.isFinite(d)) throw new IllegalArgumentException(path + " must be finite, got " + d);
        return d;
    }
}
