package io.spikegrad.diffsyn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Gradient descent on a {@link DiffSynModel}'s parameters with Adam (beta1 0.9, beta2 0.999,
 * eps 1e-8) in double precision: one {@link #step} per batch. Each parameter group has its own
 * learning rate (the groups live on very different scales: a readout weight of 0.01 and a tonic
 * current of 40/s), the global gradient norm can be clipped, groups can be frozen and the
 * recurrent diagonals can be pinned at zero (no self-connections).
 */
public final class DiffSynTrainer {

    /**
     * @param lr           base learning rate, &gt; 0
     * @param groupScale   per-group multipliers of lr (groups not listed: 1)
     * @param clip         global gradient-norm limit, 0 for none
     * @param noSelf       keep the recurrent diagonals at 0 (their gradients are dropped)
     * @param frozen       groups left untouched
     */
    public record Options(double lr, Map<String, Double> groupScale, double clip, boolean noSelf, Set<String> frozen) {
        public Options {
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
            if (!(clip >= 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("clip must be finite and >= 0, got " + clip);
            groupScale = Map.copyOf(groupScale);
            frozen = Set.copyOf(frozen);
            for (Map.Entry<String, Double> e : groupScale.entrySet()) {
                if (!(e.getValue() > 0) || e.getValue().isInfinite())
                    throw new IllegalArgumentException("learning-rate scale of '" + e.getKey() + "' must be finite and > 0, got " + e.getValue());
            }
        }

        double rate(String group) {
            return lr * groupScale.getOrDefault(group, 1.0);
        }
    }

    private final DiffSynModel model;
    private final DiffSynParams params;
    private final DiffSynEngine engine;
    private final Options options;
    private final Map<String, double[]> m = new HashMap<>(), v = new HashMap<>();
    private long t;
    private double lastNorm;

    public DiffSynTrainer(DiffSynModel model, DiffSynParams params, DiffSynEngine engine, Options options) {
        this.model = Objects.requireNonNull(model, "model");
        this.params = Objects.requireNonNull(params, "params");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.options = Objects.requireNonNull(options, "options");
        if (options.noSelf()) pinDiagonals();
    }

    public DiffSynModel model() { return model; }

    public DiffSynParams params() { return params; }

    public DiffSynEngine engine() { return engine; }

    /** Adam steps taken. */
    public long steps() { return t; }

    /** The global gradient norm of the last step, before clipping. */
    public double lastGradientNorm() { return lastNorm; }

    /**
     * Loss and gradient of {@code batch}, then one Adam update with learning rates scaled by
     * {@code lrFactor} (a schedule's value). Returns the engine's result (the loss before the update).
     */
    public DiffSynResult step(DiffSynBatch batch, double lrFactor) {
        return step(batch, lrFactor, false);
    }

    /** {@link #step(DiffSynBatch, double)}, also returning the readout when {@code withReadout}. */
    public DiffSynResult step(DiffSynBatch batch, double lrFactor, boolean withReadout) {
        if (!(lrFactor > 0) || Double.isInfinite(lrFactor)) throw new IllegalArgumentException("lrFactor must be finite and > 0, got " + lrFactor);
        DiffSynResult r = engine.run(model, params, batch, new DiffSynEngine.Request(true, withReadout, false));
        DiffSynParams g = r.gradient();
        if (options.noSelf()) {
            int N = model.neurons();
            for (double[] w : new double[][] {g.wFast(), g.wSlow()})
                if (w != null) for (int i = 0; i < N; i++) w[i * N + i] = 0;
        }
        double sq = 0;
        for (DiffSynParams.Group gr : g.groups()) {
            if (options.frozen().contains(gr.name())) continue;
            for (double x : gr.values()) sq += x * x;
        }
        lastNorm = Math.sqrt(sq);
        if (!Double.isFinite(lastNorm)) throw new IllegalStateException("non-finite gradient (norm " + lastNorm + ") at step " + (t + 1));
        double clipScale = options.clip() > 0 && lastNorm > options.clip() ? options.clip() / lastNorm : 1.0;
        t++;
        double c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
        for (DiffSynParams.Group gr : g.groups()) {
            if (options.frozen().contains(gr.name())) continue;
            double[] p = params.group(gr.name()), gv = gr.values();
            double[] mm = m.computeIfAbsent(gr.name(), k -> new double[p.length]);
            double[] vv = v.computeIfAbsent(gr.name(), k -> new double[p.length]);
            double rate = options.rate(gr.name()) * lrFactor;
            for (int k = 0; k < p.length; k++) {
                double gk = gv[k] * clipScale;
                mm[k] = 0.9 * mm[k] + 0.1 * gk;
                vv[k] = 0.999 * vv[k] + 0.001 * gk * gk;
                p[k] -= rate * (mm[k] / c1) / (Math.sqrt(vv[k] / c2) + 1e-8);
            }
        }
        if (options.noSelf()) pinDiagonals();
        return r;
    }

    private void pinDiagonals() {
        int N = model.neurons();
        for (double[] w : new double[][] {params.wFast(), params.wSlow()})
            if (w != null) for (int i = 0; i < N; i++) w[i * N + i] = 0;
    }

    /** A copy of the optimiser state (moments by "group#m" / "group#v", the step count as "#t"). */
    public Map<String, double[]> state() {
        Map<String, double[]> s = new LinkedHashMap<>();
        for (DiffSynParams.Group g : params.groups()) {
            if (m.containsKey(g.name())) {
                s.put(g.name() + "#m", m.get(g.name()).clone());
                s.put(g.name() + "#v", v.get(g.name()).clone());
            }
        }
        s.put("#t", new double[] {t});
        return s;
    }

    /** Restores a state taken by {@link #state()}. */
    public void load(Map<String, double[]> s) {
        m.clear();
        v.clear();
        for (Map.Entry<String, double[]> e : s.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("#m")) m.put(k.substring(0, k.length() - 2), e.getValue().clone());
            else if (k.endsWith("#v")) v.put(k.substring(0, k.length() - 2), e.getValue().clone());
        }
        double[] tt = s.get("#t");
        t = tt == null ? 0 : (long) tt[0];
    }
}
