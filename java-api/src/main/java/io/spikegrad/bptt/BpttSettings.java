package io.spikegrad.bptt;

import io.spikegrad.Checks;
import io.spikegrad.Surrogate;
import java.util.Objects;

/**
 * Settings of surrogate-gradient BPTT: the time step that discretises the network, the
 * surrogate, and the detach / smooth switches (DESIGN.md).
 *
 * @param dt          time step in seconds, &gt; 0 and smaller than every tau of the network
 * @param surrogate   surrogate derivative
 * @param detachReset cut the gradient through the reset's S
 * @param smooth      forward with sigma instead of the Heaviside (exact gradient of a smooth model)
 * @param gradCutoff  opt-in sparse backward (an approximation): surrogate derivatives below this
 *                    count as 0, see {@link io.spikegrad.LifKernelConfig#gradCutoff()}; 0 is exact
 */
public record BpttSettings(double dt, Surrogate surrogate, boolean detachReset, boolean smooth, double gradCutoff) {
    public BpttSettings {
        Checks.positive("dt (seconds)", dt);
        Objects.requireNonNull(surrogate, "surrogate");
        if (!(gradCutoff >= 0) || Double.isInfinite(gradCutoff)) {
            throw new IllegalArgumentException("gradCutoff must be finite and >= 0 (0 = exact backward), got " + gradCutoff);
        }
    }

    /** The exact backward (no cut-off). */
    public BpttSettings(double dt, Surrogate surrogate, boolean detachReset, boolean smooth) {
        this(dt, surrogate, detachReset, smooth, 0.0);
    }

    /** dt, the surrogate, reset not detached, Heaviside forward. */
    public static BpttSettings of(double dt, Surrogate surrogate) {
        return new BpttSettings(dt, surrogate, false, false);
    }
}
