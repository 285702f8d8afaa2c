package io.spikegrad.diffsyn;

import java.util.SplittableRandom;

/** Test support: small random differentiable-synapse problems that spike but do not run away. */
final class DiffSynCases {
    private DiffSynCases() {}

    record Case(DiffSynModel model, DiffSynParams params, DiffSynBatch batch) {}

    /**
     * A problem for {@code neuron} and {@code gate}: N neurons, 2 inputs (smooth sinusoids), 2 readouts,
     * both recurrences, lambda 1e-4, T steps, B samples. Scales are picked per model so that every
     * neuron crosses its threshold a few times and the gates open.
     */
    static Case make(DiffSynNeuron neuron, DiffSynGate gate, int N, int T, int B, boolean fast, boolean slow, long seed) {
        return make(neuron, gate, N, T, B, fast, slow, false, seed);
    }

    /**
     * {@link #make(DiffSynNeuron, DiffSynGate, int, int, int, boolean, boolean, long)}, with error weights when
     * {@code weighted}: every entry drawn from 4 u^2 (u uniform in [0, 1)), and exactly 0 over the first fifth of
     * the steps, so that both the size of a weight and a step that does not count are exercised.
     */
    static Case make(DiffSynNeuron neuron, DiffSynGate gate, int N, int T, int B, boolean fast, boolean slow, boolean weighted,
                     long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double dt = neuron == DiffSynNeuron.QIF ? 5e-4 : 2e-4;
        DiffSynModel m = new DiffSynModel(neuron, gate, 0.3, 20e-3, 2e-3, 10e-3, dt, 1e-4, N, 2, 2, fast, slow);
        DiffSynParams p = DiffSynParams.zeros(m);
        if (p.wFast() != null) for (int k = 0; k < p.wFast().length; k++) p.wFast()[k] = 0.1 * g(rng);
        if (p.wSlow() != null) for (int k = 0; k < p.wSlow().length; k++) p.wSlow()[k] = 0.05 * g(rng);
        for (int k = 0; k < p.u().length; k++) p.u()[k] = 50 * g(rng);
        for (int k = 0; k < N; k++) p.i0()[k] = neuron == DiffSynNeuron.QIF ? -20 + 5 * g(rng) : 40 + 20 * g(rng);
        for (int k = 0; k < p.o().length; k++) p.o()[k] = 0.1 * g(rng);
        double amp = neuron == DiffSynNeuron.QIF ? 3 : 1;
        double[] x = new double[T * B * 2], target = new double[T * B * 2], v0 = new double[B * N];
        for (int k = 0; k < T; k++)
            for (int b = 0; b < B; b++) {
                for (int c = 0; c < 2; c++) {
                    x[(k * B + b) * 2 + c] = amp * Math.sin(0.02 * k * (c + 1) + b);
                    target[(k * B + b) * 2 + c] = Math.cos(0.01 * k + c);
                }
            }
        for (int k = 0; k < B * N; k++)
            v0[k] = neuron == DiffSynNeuron.QIF ? 0.9 * rng.nextDouble() : 0.9 * (rng.nextDouble() - 0.5);
        double[] weight = null;
        if (weighted) {
            weight = new double[T * B * 2];
            for (int k = T / 5; k < T; k++)
                for (int j = 0; j < B * 2; j++) {
                    double u = rng.nextDouble();
                    weight[k * B * 2 + j] = 4 * u * u;
                }
        }
        return new Case(m, p, new DiffSynBatch(T, B, x, target, v0, weight));
    }

    static double g(SplittableRandom rng) {
        return DiffSynParams.gaussian(rng);
    }
}
