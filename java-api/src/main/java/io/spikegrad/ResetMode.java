package io.spikegrad;

/**
 * What happens to the membrane after a spike (DESIGN.md, model equations).
 *
 * <ul>
 *   <li>{@link #SUBTRACT}: V = U - theta*S (keeps the overshoot above threshold)</li>
 *   <li>{@link #TO_VALUE}: V = U*(1-S) + v_reset*S</li>
 *   <li>{@link #NONE}: V = U (the neuron keeps integrating; useful for readouts and tests)</li>
 * </ul>
 */
public enum ResetMode {
    SUBTRACT(0), TO_VALUE(1), NONE(2);

    private final int code;

    ResetMode(int code) { this.code = code; }

    /** The value of the matching {@code sg_reset} constant in the C API. */
    public int code() { return code; }
}
