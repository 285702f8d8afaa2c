package io.spikegrad.train;

import io.spikegrad.Checks;
import io.spikegrad.net.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SGD with heavy-ball momentum: b = mu b + g, p -= lr b. */
public final class Sgd implements Optimizer {
    private final double lr, momentum;
    private final Map<String, float[]> buf = new HashMap<>();

    public Sgd(double lr, double momentum) {
        this.lr = Checks.positive("learning rate", lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        this.momentum = momentum;
    }

    @Override
    public void step(List<Parameter> params, double rate) {
        for (Parameter p : params) {
            if (!p.learnable()) continue;
            float[] w = p.value(), g = p.grad();
            float[] b = buf.computeIfAbsent(p.name(), k -> new float[w.length]);
            for (int k = 0; k < w.length; k++) {
                b[k] = (float) (momentum * b[k] + g[k]);
                w[k] -= (float) (rate * b[k]);
            }
        }
    }

    @Override
    public double learningRate() { return lr; }

    @Override
    public String name() { return "sgd"; }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new HashMap<>();
        buf.forEach((k, a) -> s.put(k + "#b", a.clone()));
        return s;
    }

    @Override
    public void load(Map<String, float[]> s) {
        buf.clear();
        s.forEach((k, a) -> {
            if (k.endsWith("#b")) buf.put(k.substring(0, k.length() - 2), a.clone());
        });
    }
}
