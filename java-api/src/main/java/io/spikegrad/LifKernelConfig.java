package io.spikegrad;

import java.util.Objects;

/**
 * Everything a LIF kernel call needs besides its tensors: the shape and the
 * discrete-time settings of surrogate-gradient BPTT. Mirrors {@code sg_lif_config}
 * in {@code native/include/spikegrad/lif_math.h}.
 *
 * @param steps       T, number of time steps, &gt;= 1
 * @param batch       B, samples, &gt;= 1
 * @param neurons     N, neurons in the layer, &gt;= 1
 * @param reset       reset after a spike
 * @param vReset      membrane value after a spike for {@link ResetMode#TO_VALUE} (volts, threshold units)
 * @param surrogate   surrogate derivative used by the backward pass (and by the smooth forward)
 * @param detachReset when true the reset's S carries no gradient (theta keeps its gradient)
 * @param smooth      when true the forward uses sigma instead of the Heaviside, making
 *                    the backward the exact gradient of a smooth model when the surrogate's
 *                    gain is 1 (with gain g the surrogate path is scaled by g); not for
 *                    straight-through
 * @param gradCutoff  opt-in sparse backward: a surrogate derivative g*sigma' below this counts
 *                    as 0, so dL/dS is not needed at neuron-steps far from threshold
 *                    (Perez-Nieves &amp; Goodman 2021); 0 (the default) is exact, must be &gt;= 0
 */
public record LifKernelConfig(int steps, int batch, int neurons, ResetMode reset, double vReset,
                              Surrogate surrogate, boolean detachReset, boolean smooth, double gradCutoff) {

    /** Exact backward (no cut-off). */
    public LifKernelConfig(int steps, int batch, int neurons, ResetMode reset, double vReset,
                           Surrogate surrogate, boolean detachReset, boolean smooth) {
        this(steps, batch, neurons, reset, vReset, surrogate, detachReset, smooth, 0.0);
    }

    public LifKernelConfig {
        Checks.positive("steps", steps);
        Checks.positive("batch", batch);
        Checks.positive("neurons", neurons);
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(surrogate, "surrogate");
        Checks.finite("vReset", vReset);
        if (!(gradCutoff >= 0) || Double.isInfinite(gradCutoff)) {
            throw new IllegalArgumentException("gradCutoff must be finite and >= 0 (0 = exact backward), got " + gradCutoff);
        }
        if (smooth && !surrogate.kind().hasSmoothForm()) {
            throw new IllegalArgumentException("smooth = true needs a surrogate with a smooth form; "
                    + surrogate.kind() + " has none (use any other kind)");
        }
    }

    /** T*B*N: the element count of a [T][B][N] tensor. */
    public long stepTensorSize() { return (long) steps * batch * neurons; }

    /** B*N: the element count of a [B][N] state tensor. */
    public long stateSize() { return (long) batch * neurons; }
}
