package io.spikegrad.loss;

import java.nio.FloatBuffer;
import java.util.Objects;

/** Argument checks shared by the losses and regularisers; messages name the argument. */
final class LossArgs {
    private LossArgs() {}

    /** A penalty weight: finite and &gt;= 0. */
    static double lambda(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
        return lambda;
    }

    /** A rate in spikes per step: in [0, 1]. */
    static double rate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1] spikes per step, got " + rate);
        }
        return rate;
    }

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException(name + " must be finite, got " + value);
        return value;
    }

    /** Checks steps, batch and the per-step width are &gt;= 1 and returns T*B*N. */
    static int size(int steps, int batch, int width, String widthName) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (width < 1) throw new IllegalArgumentException(widthName + " must be >= 1, got " + width);
        long n = (long) steps * batch * width;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("steps*batch*" + widthName + " = " + n + " is too large");
        return (int) n;
    }

    /** The buffer is non-null and holds at least {@code need} elements below its limit. */
    static FloatBuffer buffer(String name, FloatBuffer buf, int need) {
        Objects.requireNonNull(buf, name);
        if (buf.limit() < need) {
            throw new IllegalArgumentException(name + " must hold [T][B][N] = " + need + " floats, has limit " + buf.limit());
        }
        return buf;
    }
}
