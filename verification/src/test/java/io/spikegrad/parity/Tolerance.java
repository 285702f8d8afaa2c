package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The parity rule of DESIGN.md (FlashAttention's "honest tolerance"): a native result may
 * be off the double reference by at most twice what the reference itself is off when
 * computed in float32, plus a floor of a few float32 ulps of the tensor's scale:
 *
 * <pre>|native - ref64| &lt;= 2 |ref32 - ref64| + atol,   atol = 16 eps32 max|ref64|</pre>
 *
 * On failure the first mismatches are printed with their indices (llm.c style).
 */
final class Tolerance {
    private Tolerance() {}

    static final double EPS32 = Math.ulp(1.0f);

    /** Largest |native - ref64| / tolerance seen by {@link #check} (for reports). */
    static double worstRatio;

    static void check(String what, float[] nat, double[] ref64, double[] ref32) {
        if (nat.length != ref64.length || ref32.length != ref64.length) {
            fail(what + ": lengths differ: native " + nat.length + ", ref64 " + ref64.length + ", ref32 " + ref32.length);
        }
        double scale = 0;
        for (double v : ref64) scale = Math.max(scale, Math.abs(v));
        double atol = 16 * EPS32 * Math.max(scale, 1e-30);
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int k = 0; k < nat.length; k++) {
            double err = Math.abs(nat[k] - ref64[k]);
            double tol = 2 * Math.abs(ref32[k] - ref64[k]) + atol;
            if (!(err <= tol)) {  // also catches NaN
                if (count < 5) {
                    bad.append(String.format("%n  [%d] native %.9g ref64 %.9g ref32 %.9g |err| %.3g > tol %.3g",
                            k, nat[k], ref64[k], ref32[k], err, tol));
                }
                count++;
            } else if (tol > 0) {
                worstRatio = Math.max(worstRatio, err / tol);
            }
        }
        if (count > 0) fail(what + ": " + count + " of " + nat.length + " entries out of tolerance; first ones:" + bad);
    }
}
