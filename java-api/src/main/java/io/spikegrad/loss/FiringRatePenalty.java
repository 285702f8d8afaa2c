package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Homeostatic activity regulariser on firing rates. For sample b and neuron n the rate is
 * <pre>
 *   r_bn = (1/T) sum_t S[t][b][n]          (spikes per step, in [0, 1])
 * </pre>
 * and, with relu(x) = max(x, 0), the penalty is one of
 * <pre>
 *   toTarget(lambda, nu):       R = lambda/B sum_{b,n} (r_bn - nu)^2
 *   above(lambda, max):         R = lambda/B sum_{b,n} relu(r_bn - max)^2
 *   below(lambda, min):         R = lambda/B sum_{b,n} relu(min - r_bn)^2
 *   within(lambda, min, max):   R = above + below
 *   populationAbove(lambda, max): R = lambda/B sum_b relu(m_b - max)^2,  m_b = (1/N) sum_n r_bn
 * </pre>
 * so dR/dS[t][b][n] = (lambda/B) * 2 e_bn / T with e_bn the signed term inside the square
 * (for the population form, 2 relu(m_b - max) / (N T)); it is the same for every step t.
 *
 * <p>Sources. A squared deviation from a homeostatic target rate is the regulariser used with
 * surrogate gradients for recurrent waveform tasks (surrogate-gradient-applications.md:
 * "deviations from a homeostatic target firing rate"). The one-sided forms follow Zenke &amp;
 * Vogels (2021, Neural Computation 33:899), who combine a per-neuron lower bound on spike
 * counts, lambda_l/N sum_n relu(nu_l - c_n)^2, which revives silent neurons, with an upper
 * bound on the population's mean count, lambda_u relu((1/N) sum_n c_n - nu_u)^L (L = 1 or 2),
 * which keeps activity sparse (c_n: spike count of neuron n for one sample, the penalty
 * averaged over the batch; written in this class's notation). Here
 * {@link #below} is their lower bound, {@link #populationAbove} their upper bound with L = 2,
 * and {@link #above} a per-neuron upper bound.
 *
 * <p>Units and conversion. Rates and bounds are in spikes per step (a rate in Hz is
 * {@link #perStep(double, double) hz * dt}). The terms are summed, not averaged, over neurons.
 * A count c = T r, so a weight lambda_c on squared counts equals lambda = lambda_c T^2 here,
 * and a per-neuron mean (1/N) sum_n equals lambda = lambda_c T^2 / N.
 */
public final class FiringRatePenalty implements Regularizer {

    private enum Kind { TARGET, ABOVE, BELOW, WITHIN, POPULATION_ABOVE }

    private final Kind kind;
    private final double lambda, lower, upper;

    private FiringRatePenalty(Kind kind, double lambda, double lower, double upper) {
        this.kind = kind;
        this.lambda = lambda;
        this.lower = lower;
        this.upper = upper;
    }

    /**
     * R = lambda/B sum_{b,n} (r_bn - target)^2.
     *
     * @param lambda weight, finite and &gt;= 0
     * @param target rate in spikes per step, in [0, 1]
     */
    public static FiringRatePenalty toTarget(double lambda, double target) {
        LossArgs.lambda(lambda);
        LossArgs.rate("target", target);
        return new FiringRatePenalty(Kind.TARGET, lambda, target, target);
    }

    /** R = lambda/B sum_{b,n} relu(r_bn - max)^2: each neuron pays only above {@code max} spikes per step. */
    public static FiringRatePenalty above(double lambda, double max) {
        LossArgs.lambda(lambda);
        LossArgs.rate("max", max);
        return new FiringRatePenalty(Kind.ABOVE, lambda, 0, max);
    }

    /** R = lambda/B sum_{b,n} relu(min - r_bn)^2: each neuron pays only below {@code min} spikes per step. */
    public static FiringRatePenalty below(double lambda, double min) {
        LossArgs.lambda(lambda);
        LossArgs.rate("min", min);
        return new FiringRatePenalty(Kind.BELOW, lambda, min, 1);
    }

    /** R = lambda/B sum_{b,n} (relu(r_bn - max)^2 + relu(min - r_bn)^2), with 0 &lt;= min &lt;= max &lt;= 1. */
    public static FiringRatePenalty within(double lambda, double min, double max) {
        LossArgs.lambda(lambda);
        LossArgs.rate("min", min);
        LossArgs.rate("max", max);
        if (min > max) throw new IllegalArgumentException("min must be <= max, got min = " + min + ", max = " + max);
        return new FiringRatePenalty(Kind.WITHIN, lambda, min, max);
    }

    /**
     * R = lambda/B sum_b relu(m_b - max)^2 with m_b = (1/N) sum_n r_bn the layer's mean rate for
     * sample b: Zenke &amp; Vogels' population-level upper bound (L = 2).
     */
    public static FiringRatePenalty populationAbove(double lambda, double max) {
        LossArgs.lambda(lambda);
        LossArgs.rate("max", max);
        return new FiringRatePenalty(Kind.POPULATION_ABOVE, lambda, 0, max);
    }

    /**
     * Converts a rate in Hz to spikes per step for a step of {@code dt} seconds.
     *
     * @throws IllegalArgumentException if the result is not in [0, 1] (more than one spike per step)
     */
    public static double perStep(double hz, double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) throw new IllegalArgumentException("dt (seconds) must be finite and > 0, got " + dt);
        if (!(hz >= 0)) throw new IllegalArgumentException("hz must be >= 0, got " + hz);
        return LossArgs.rate("hz * dt", hz * dt);
    }

    public double lambda() { return lambda; }

    @Override
    public boolean needsMembrane() { return false; }

    @Override
    public String name() {
        return switch (kind) {
            case TARGET -> "firing-rate-target";
            case ABOVE -> "firing-rate-above";
            case BELOW -> "firing-rate-below";
            case WITHIN -> "firing-rate-within";
            case POPULATION_ABOVE -> "population-rate-above";
        };
    }

    @Override
    public double apply(FloatBuffer spikes, FloatBuffer u, float[] theta, int steps, int batch, int neurons,
                        FloatBuffer gradSpikes, FloatBuffer gradU) {
        int size = LossArgs.size(steps, batch, neurons, "neurons");
        LossArgs.buffer("spikes", spikes, size);
        LossArgs.buffer("gradSpikes", gradSpikes, size);
        int bn = batch * neurons;
        double[] d = new double[bn]; // spike counts, then dR/dS per (b, n)
        for (int t = 0; t < steps; t++) {
            int row = t * bn;
            for (int k = 0; k < bn; k++) d[k] += spikes.get(row + k);
        }
        double r = 0;
        if (kind == Kind.POPULATION_ABOVE) {
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int n = 0; n < neurons; n++) sum += d[b * neurons + n];
                double e = Math.max(sum / ((double) neurons * steps) - upper, 0);
                r += e * e;
                java.util.Arrays.fill(d, b * neurons, (b + 1) * neurons, 2 * e / ((double) neurons * steps));
            }
        } else {
            for (int k = 0; k < bn; k++) {
                double rate = d[k] / steps;
                double e = switch (kind) {
                    case TARGET -> rate - upper;
                    case ABOVE -> Math.max(rate - upper, 0);
                    case BELOW -> Math.min(rate - lower, 0);
                    default -> Math.max(rate - upper, 0) + Math.min(rate - lower, 0); // WITHIN: at most one is nonzero
                };
                r += e * e;
                d[k] = 2 * e / steps;
            }
        }
        double scale = lambda / batch;
        if (lambda != 0) {
            for (int t = 0; t < steps; t++) {
                int row = t * bn;
                for (int k = 0; k < bn; k++) {
                    if (d[k] != 0) gradSpikes.put(row + k, gradSpikes.get(row + k) + (float) (scale * d[k]));
                }
            }
        }
        return scale * r;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TARGET -> name() + "(lambda=" + lambda + ", target=" + upper + ")";
            case ABOVE, POPULATION_ABOVE -> name() + "(lambda=" + lambda + ", max=" + upper + ")";
            case BELOW -> name() + "(lambda=" + lambda + ", min=" + lower + ")";
            case WITHIN -> name() + "(lambda=" + lambda + ", min=" + lower + ", max=" + upper + ")";
        };
    }
}
