package io.spikegrad.diffsyn;

import java.util.Objects;

/**
 * The differentiable-synapse network of Huh &amp; Sejnowski (2018) and its discretisation:
 *
 * <pre>
 *   tau ds/dt = -s + g(v) dv/dt          (eq. 2; a fast synapse, tau_fast, and a slow one, tau_slow)
 *   dv/dt     = f(v, I)                  (eq. 3; {@link DiffSynNeuron})
 *   I = W_fast s_fast + W_slow s_slow + U i + I_0     (eq. 4)
 *   o = O s_slow,   l = (|o - o_d|^2 + lambda |s_slow|^2) / 2
 * </pre>
 *
 * integrated with a fixed step {@code dt} as {@code native/include/spikegrad/diffsyn_math.h}
 * describes (exact flow of v with the input held over the step, exact gate charge per step,
 * exponential Euler on the synapses). Immutable; the constructor checks every field.
 *
 * @param neuron        the neuron model
 * @param gate          the gate function
 * @param width         the gate's zone width Delta, in (0, 1) (threshold units)
 * @param tauV          membrane time constant tau_v, seconds, &gt; 0 (QIF, LIF; any value &gt; 0 for NIF)
 * @param tauFast       fast synapse time constant, seconds, &gt; 0
 * @param tauSlow       slow (readout) synapse time constant, seconds, &gt; 0
 * @param dt            time step, seconds, &gt; 0
 * @param lambda        activity penalty on s_slow, &gt;= 0
 * @param neurons       N &gt;= 1
 * @param inputs        input channels D &gt;= 1
 * @param outputs       readouts R &gt;= 1
 * @param fastRecurrent whether W_fast exists
 * @param slowRecurrent whether W_slow exists
 */
public record DiffSynModel(DiffSynNeuron neuron, DiffSynGate gate, double width, double tauV, double tauFast,
                           double tauSlow, double dt, double lambda, int neurons, int inputs, int outputs,
                           boolean fastRecurrent, boolean slowRecurrent) {

    /** The native kernel indexes N*N in int. */
    public static final int MAX_NEURONS = 46_340;

    public DiffSynModel {
        Objects.requireNonNull(neuron, "neuron");
        Objects.requireNonNull(gate, "gate");
        if (!(width > 0 && width < 1)) throw new IllegalArgumentException("width (gate zone Delta) must lie in (0, 1), got " + width);
        positive("tauV", tauV);
        positive("tauFast", tauFast);
        positive("tauSlow", tauSlow);
        positive("dt", dt);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        if (neurons < 1 || neurons > MAX_NEURONS) throw new IllegalArgumentException("neurons must lie in [1, " + MAX_NEURONS + "], got " + neurons);
        if (inputs < 1) throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
        if (outputs < 1) throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be finite and > 0 (seconds), got " + v);
    }

    /** Steps covering {@code duration} seconds: round(duration/dt), at least 1. */
    public int steps(double duration) {
        if (!(duration > 0) || Double.isInfinite(duration)) throw new IllegalArgumentException("duration must be finite and > 0, got " + duration);
        return (int) Math.max(1, Math.round(duration / dt));
    }

    public DiffSynModel withLambda(double l) {
        return new DiffSynModel(neuron, gate, width, tauV, tauFast, tauSlow, dt, l, neurons, inputs, outputs, fastRecurrent, slowRecurrent);
    }

    public DiffSynModel withRecurrence(boolean fast, boolean slow) {
        return new DiffSynModel(neuron, gate, width, tauV, tauFast, tauSlow, dt, lambda, neurons, inputs, outputs, fast, slow);
    }
}
