package io.spikegrad;

import java.util.Objects;

/**
 * Continuous-time neuron parameters of a layer (DESIGN.md, model equations). A training
 * method discretises them with its own dt: alpha = exp(-dt/tauSyn), beta = exp(-dt/tauMem).
 *
 * @param tauMem    membrane time constant, seconds, &gt; 0
 * @param tauSyn    synaptic current time constant, seconds, &gt; 0
 * @param threshold firing threshold theta (membrane units), finite
 * @param reset     reset after a spike
 * @param vReset    membrane after a spike for {@link ResetMode#TO_VALUE}, finite
 */
public record LifParams(double tauMem, double tauSyn, double threshold, ResetMode reset, double vReset) {

    public LifParams {
        Checks.positive("tauMem (seconds)", tauMem);
        Checks.positive("tauSyn (seconds)", tauSyn);
        Checks.finite("threshold", threshold);
        Objects.requireNonNull(reset, "reset");
        Checks.finite("vReset", vReset);
    }

    /** Reset by subtraction. */
    public static LifParams of(double tauMem, double tauSyn, double threshold) {
        return new LifParams(tauMem, tauSyn, threshold, ResetMode.SUBTRACT, 0.0);
    }

    public LifParams withReset(ResetMode mode) { return new LifParams(tauMem, tauSyn, threshold, mode, vReset); }

    public LifParams withResetTo(double value) { return new LifParams(tauMem, tauSyn, threshold, ResetMode.TO_VALUE, value); }

    /** exp(-dt/tau) for a step dt in seconds; checks 0 &lt; dt &lt; tau so the decay is meaningful. */
    public static double decay(String what, double tau, double dt) {
        if (!(dt > 0) || !(dt < tau)) {
            throw new IllegalArgumentException("dt must satisfy 0 < dt < " + what + " = " + tau + " s, got dt = " + dt + " s");
        }
        return Math.exp(-dt / tau);
    }
}
