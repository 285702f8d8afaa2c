package io.spikegrad.train;

import io.spikegrad.Checks;
import io.spikegrad.net.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), computed in float as
 * p -= lr_t * m / (sqrt(v) + eps_t) with lr_t = lr sqrt(1-b2^t) / (1-b1^t) and
 * eps_t = eps sqrt(1-b2^t) (the same quantity), a loop the JIT vectorises.
 */
public final class Adam implements Optimizer {
    private final double lr, beta1, beta2, eps;
    private final Map<String, float[]> m = new HashMap<>(), v = new HashMap<>();
    private long t;

    public Adam(double lr, double beta1, double beta2, double eps) {
        this.lr = Checks.positive("learning rate", lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must lie in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must lie in [0, 1), got " + beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = Checks.positive("eps", eps);
    }

    @Override
    public void step(List<Parameter> params, double rate) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        float lrT = (float) (rate * Math.sqrt(c2) / c1), epsT = (float) (eps * Math.sqrt(c2));
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        for (Parameter p : params) {
            if (!p.learnable()) continue;
            float[] w = p.value(), g = p.grad();
            float[] mm = m.computeIfAbsent(p.name(), k -> new float[w.length]);
            float[] vv = v.computeIfAbsent(p.name(), k -> new float[w.length]);
            update(w, g, mm, vv, b1, a1, b2, a2, lrT, epsT);
        }
    }

    /** One element-wise pass; plain float arithmetic so that C2 vectorises it. */
    private static void update(float[] w, float[] g, float[] m, float[] v, float b1, float a1, float b2, float a2,
                               float lrT, float epsT) {
        for (int k = 0; k < w.length; k++) {
            float gk = g[k];
            float mk = b1 * m[k] + a1 * gk;
            float vk = b2 * v[k] + a2 * gk * gk;
            m[k] = mk;
            v[k] = vk;
            w[k] -= lrT * mk / ((float) Math.sqrt(vk) + epsT);
        }
    }

    @Override
    public double learningRate() { return lr; }

    @Override
    public String name() { return "adam"; }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new HashMap<>();
        m.forEach((k, a) -> s.put(k + "#m", a.clone()));
        v.forEach((k, a) -> s.put(k + "#v", a.clone()));
        s.put("#t", new float[] {Float.intBitsToFloat((int) (t >>> 32)), Float.intBitsToFloat((int) t)});
        return s;
    }

    @Override
    public void load(Map<String, float[]> s) {
        m.clear();
        v.clear();
        for (Map.Entry<String, float[]> e : s.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("#m")) m.put(k.substring(0, k.length() - 2), e.getValue().clone());
            else if (k.endsWith("#v")) v.put(k.substring(0, k.length() - 2), e.getValue().clone());
        }
        float[] tt = s.get("#t");
        t = tt == null ? 0 : ((long) Float.floatToRawIntBits(tt[0]) << 32) | (Float.floatToRawIntBits(tt[1]) & 0xffffffffL);
    }
}
