package io.spikegrad.diffsyn;

/**
 * The gate function g(v) of the differentiable synapse: non-negative, unit integral, supported
 * on an active zone of width Delta just below the threshold (and, for the NIF, just above -1).
 * With x = (v - zone start)/Delta in [0, 1]:
 */
public enum DiffSynGate {
    /** {@code g = 1/Delta} on the zone (the paper's figure 1). */
    BOX(0),
    /** Raised cosine {@code g = (1 - cos 2 pi x)/Delta}: smooth (C^1), zero at the zone's edges. */
    BUMP(1);

    private final int code;

    DiffSynGate(int code) {
        this.code = code;
    }

    /** The {@code sg_ds_gate} value. */
    public int code() { return code; }
}
