package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Keeps membrane potentials inside a band: with relu(x) = max(x, 0),
 * <pre>
 *   R = lambda/B sum_{t,b,n} ( relu(U[t][b][n] - high_n)^2 + relu(low - U[t][b][n])^2 ),
 *   high_n = theta_n + highAboveTheta,
 *   dR/dU[t][b][n] = (lambda/B) * 2 * ( relu(U - high_n) - relu(low - U) ),      dR/dS = 0,
 * </pre>
 * where U is the membrane before the threshold test and reset (DESIGN.md, model equations).
 * The upper edge is an offset above each neuron's own threshold (thresholds differ per
 * neuron and may be trained), the lower edge an absolute potential. Units: U, theta,
 * highAboveTheta and low are membrane units; lambda is loss per (membrane unit)^2 per step
 * and neuron. Either edge can be left out ({@link #above}, {@link #below}).
 *
 * <p>Why: membrane losses of the surrogate-gradient literature act on U directly
 * (surrogate-gradient-applications.md, "penalizes ... membrane potentials"); a two-sided band
 * stops neurons from drifting far below threshold, where every surrogate derivative
 * vanishes and the neuron stops learning, and from far above it, where a current-driven
 * neuron saturates or an analog substrate leaves its dynamic range.
 *
 * <p>Defaults ({@link #of(double)}): highAboveTheta = {@value #DEFAULT_HIGH_ABOVE_THETA},
 * low = {@value #DEFAULT_LOW}, i.e. for the usual theta = 1 the band [-1, 2], one threshold
 * unit either side of the resting-to-threshold range [0, theta]. Scale both with theta if
 * yours differs.
 *
 * <p>The penalty depends on theta, but the {@link Regularizer} contract has no dR/dtheta
 * output: thresholds receive no gradient from it (they are treated as constants).
 */
public final class MembranePenalty implements Regularizer {

    /** Default distance of the upper edge above each neuron's threshold, membrane units. */
    public static final double DEFAULT_HIGH_ABOVE_THETA = 1.0;
    /** Default lower edge, membrane units. */
    public static final double DEFAULT_LOW = -1.0;

    private final double lambda, highAboveTheta, low;

    private MembranePenalty(double lambda, double highAboveTheta, double low) {
        this.lambda = LossArgs.lambda(lambda);
        this.highAboveTheta = highAboveTheta;
        this.low = low;
    }

    /** The default band: {@code band(lambda, DEFAULT_HIGH_ABOVE_THETA, DEFAULT_LOW)}. */
    public static MembranePenalty of(double lambda) {
        return band(lambda, DEFAULT_HIGH_ABOVE_THETA, DEFAULT_LOW);
    }

    /**
     * Both edges.
     *
     * @param lambda         weight, finite and &gt;= 0
     * @param highAboveTheta upper edge minus theta_n, finite (may be negative)
     * @param low            lower edge, finite
     */
    public static MembranePenalty band(double lambda, double highAboveTheta, double low) {
        return new MembranePenalty(lambda, LossArgs.finite("highAboveTheta", highAboveTheta), LossArgs.finite("low", low));
    }

    /** Only the upper edge: R = lambda/B sum relu(U - theta_n - highAboveTheta)^2. */
    public static MembranePenalty above(double lambda, double highAboveTheta) {
        return new MembranePenalty(lambda, LossArgs.finite("highAboveTheta", highAboveTheta), Double.NEGATIVE_INFINITY);
    }

    /** Only the lower edge: R = lambda/B sum relu(low - U)^2. */
    public static MembranePenalty below(double lambda, double low) {
        return new MembranePenalty(lambda, Double.POSITIVE_INFINITY, LossArgs.finite("low", low));
    }

    public double lambda() { return lambda; }

    /** Upper edge minus theta_n; +infinity when there is no upper edge. */
    public double highAboveTheta() { return highAboveTheta; }

    /** Lower edge; -infinity when there is none. */
    public double low() { return low; }

    @Override
    public boolean needsMembrane() { return true; }

    @Override
    public String name() { return "membrane-penalty"; }

    @Override
    public double apply(FloatBuffer spikes, FloatBuffer u, float[] theta, int steps, int batch, int neurons,
                        FloatBuffer gradSpikes, FloatBuffer gradU) {
        int size = LossArgs.size(steps, batch, neurons, "neurons");
        LossArgs.buffer("u", u, size);
        LossArgs.buffer("gradU", gradU, size);
        if (theta == null) throw new NullPointerException("theta");
        if (theta.length != neurons) {
            throw new IllegalArgumentException("theta must have [N] = " + neurons + " elements, got " + theta.length);
        }
        double scale = lambda / batch, r = 0;
        for (int k = 0; k < size; k++) {
            double v = u.get(k);
            double over = v - (theta[k % neurons] + highAboveTheta);
            double under = low - v;
            double d = 0;
            if (over > 0) {
                r += over * over;
                d += 2 * over;
            }
            if (under > 0) {
                r += under * under;
                d -= 2 * under;
            }
            if (d != 0 && lambda != 0) gradU.put(k, gradU.get(k) + (float) (scale * d));
        }
        return scale * r;
    }

    @Override
    public String toString() {
        return name() + "(lambda=" + lambda + ", highAboveTheta=" + highAboveTheta + ", low=" + low + ")";
    }
}
