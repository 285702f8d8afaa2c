package io.spikegrad.diffsyn;

/**
 * One batch for a {@link DiffSynModel}: T steps of B samples, time-major.
 *
 * @param steps  T &gt;= 1
 * @param batch  B &gt;= 1
 * @param x      [T][B][D] the input during step k, index {@code (k*B + b)*D + m}
 * @param target [T][B][R] the desired readout after step k (o[k+1]), index {@code (k*B + b)*R + r}
 * @param v0     [B][N] initial voltages, in the neuron's reset range ({@link DiffSynNeuron#inRange})
 * @param weight [T][B][R] the weight of each squared readout error in the loss, finite and &gt;= 0, laid out
 *               as {@code target}; null for all 1 (the paper's cost: every step counts the same)
 */
public record DiffSynBatch(int steps, int batch, double[] x, double[] target, double[] v0, double[] weight) {

    /** A batch whose readout errors all weigh 1 (the paper's cost). */
    public DiffSynBatch(int steps, int batch, double[] x, double[] target, double[] v0) {
        this(steps, batch, x, target, v0, null);
    }

    public DiffSynBatch {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (x == null || target == null || v0 == null) throw new IllegalArgumentException("x, target and v0 must not be null");
    }

    /**
     * Checks shapes and values against {@code m}: lengths, finite inputs and targets, initial voltages
     * in range. Messages name the array, the index and the allowed range.
     */
    public void check(DiffSynModel m) {
        long tb = (long) steps * batch;
        if (tb * Math.max(m.neurons(), Math.max(m.inputs(), m.outputs())) > (1L << 40))
            throw new IllegalArgumentException("steps x batch x size exceeds 2^40");
        length("x", x, tb * m.inputs(), "[T][B][D] = [" + steps + "][" + batch + "][" + m.inputs() + "]");
        length("target", target, tb * m.outputs(), "[T][B][R] = [" + steps + "][" + batch + "][" + m.outputs() + "]");
        length("v0", v0, (long) batch * m.neurons(), "[B][N] = [" + batch + "][" + m.neurons() + "]");
        finite("x", x);
        finite("target", target);
        if (weight != null) {
            length("weight", weight, tb * m.outputs(), "[T][B][R] = [" + steps + "][" + batch + "][" + m.outputs() + "]");
            for (int k = 0; k < weight.length; k++)
                if (!(weight[k] >= 0) || Double.isInfinite(weight[k]))
                    throw new IllegalArgumentException("weight[" + k + "] = " + weight[k] + " must be finite and >= 0");
        }
        for (int k = 0; k < v0.length; k++)
            if (!m.neuron().inRange(v0[k]))
                throw new IllegalArgumentException("v0[" + k + "] = " + v0[k] + " must lie in the " + m.neuron()
                        + " reset range " + m.neuron().range());
    }

    private static void length(String name, double[] a, long n, String shape) {
        if (a.length != n) throw new IllegalArgumentException(name + " must have shape " + shape + " = " + n + " values, got " + a.length);
    }

    private static void finite(String name, double[] a) {
        for (int k = 0; k < a.length; k++)
            if (!Double.isFinite(a[k])) throw new IllegalArgumentException(name + "[" + k + "] = " + a[k] + " must be finite");
    }
}
