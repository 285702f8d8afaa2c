package io.spikegrad.train;

import io.spikegrad.net.Parameter;
import java.util.List;

/** Global-norm gradient clipping over the learnable parameters. */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all learnable gradients together. */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            if (!p.learnable()) continue;
            for (float g : p.grad()) s += (double) g * g;
        }
        return Math.sqrt(s);
    }

    /**
     * Scales every learnable gradient by min(1, maxNorm / norm); returns the norm before
     * clipping. A non-finite norm throws: it means the forward or backward pass produced
     * NaN or infinity, and training on would silently corrupt the weights.
     */
    public static double clip(List<Parameter> params, double maxNorm) {
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + ": a NaN or infinite gradient (check inputs, dt and tau)");
        }
        if (maxNorm > 0 && norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (Parameter p : params) {
                if (!p.learnable()) continue;
                float[] g = p.grad();
                for (int k = 0; k < g.length; k++) g[k] *= f;
            }
        }
        return norm;
    }
}
