package io.spikegrad.diffsyn;

/**
 * Neuron dynamics {@code dv/dt = f(v, I)} of the differentiable-synapse model
 * ({@code native/include/spikegrad/diffsyn_math.h}); voltages in units of the threshold
 * distance, the input current I in 1/s.
 */
public enum DiffSynNeuron {
    /** Non-leaky integrate and fire, {@code f = I}, thresholds +1 and -1, reset 0 (paper sec. 5.1). */
    NIF(0),
    /**
     * Quadratic integrate and fire (theta neuron), {@code f = (1 + cos 2 pi v)/tau_v + (1 - cos 2 pi v) I},
     * phase v in [0, 1), threshold 1 = reset 0 (paper sec. 5.2).
     */
    QIF(1),
    /** Leaky integrate and fire, {@code f = -v/tau_v + I}, threshold 1, reset 0. */
    LIF(2);

    private final int code;

    DiffSynNeuron(int code) {
        this.code = code;
    }

    /** The {@code sg_ds_neuron} value. */
    public int code() { return code; }

    /** Whether f depends on tau_v. */
    public boolean hasTauV() { return this != NIF; }

    /** Whether v lies in the state range after a reset: NIF (-1, 1), QIF [0, 1), LIF (-inf, 1). */
    public boolean inRange(double v) {
        return switch (this) {
            case NIF -> v > -1 && v < 1;
            case QIF -> v >= 0 && v < 1;
            case LIF -> v < 1 && v > Double.NEGATIVE_INFINITY;
        };
    }

    /** The range of {@link #inRange} in words, for messages. */
    public String range() {
        return switch (this) {
            case NIF -> "(-1, 1)";
            case QIF -> "[0, 1)";
            case LIF -> "(-inf, 1)";
        };
    }
}
