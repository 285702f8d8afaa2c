package io.spikegrad.parity;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import io.spikegrad.reference.LifReference;
import io.spikegrad.reference.LifTrace;
import io.spikegrad.reference.Precision;
import java.util.SplittableRandom;

/**
 * Random inputs for one parity case, drawn so that no membrane lies within {@link #MARGIN}
 * of the threshold (or of a boxcar edge) in the double reference: there a float32 kernel
 * may legitimately decide a spike differently, after which the traces are not comparable.
 * Rejected draws are redrawn from the next seed.
 */
final class ParityCase {
    static final double MARGIN = 1e-5;

    final LifKernelConfig config;
    final double[] x, wRec, alpha, beta, theta, i0, v0, gradS, gradU;

    private ParityCase(LifKernelConfig config, double[] x, double[] wRec, double[] alpha, double[] beta, double[] theta,
                       double[] i0, double[] v0, double[] gradS, double[] gradU) {
        this.config = config;
        this.x = x;
        this.wRec = wRec;
        this.alpha = alpha;
        this.beta = beta;
        this.theta = theta;
        this.i0 = i0;
        this.v0 = v0;
        this.gradS = gradS;
        this.gradU = gradU;
    }

    /** Typical scale (slope or width) per surrogate for membranes of order 1. */
    static Surrogate surrogate(Surrogate.Kind kind) {
        double scale = switch (kind) {
            case FAST_SIGMOID -> 10;
            case SIGMOID -> 5;
            case ARCTAN -> 2;
            case TRIANGLE, BOXCAR -> 0.6;
            case EXPONENTIAL -> 4;
            case STRAIGHT_THROUGH -> 1;
        };
        return new Surrogate(kind, scale, 0.7);  // a gain != 1 exercises the gain path
    }

    static ParityCase draw(int steps, int batch, int neurons, boolean recurrent, ResetMode reset, Surrogate.Kind kind,
                           boolean detach, boolean smooth, long seed) {
        return draw(steps, batch, neurons, recurrent, reset, kind, detach, smooth, 0.0, seed);
    }

    /** As above with the opt-in sparse backward's cut-off; draws also stay clear of it. */
    static ParityCase draw(int steps, int batch, int neurons, boolean recurrent, ResetMode reset, Surrogate.Kind kind,
                           boolean detach, boolean smooth, double cutoff, long seed) {
        LifKernelConfig c = new LifKernelConfig(steps, batch, neurons, reset, -0.2, surrogate(kind), detach, smooth, cutoff);
        for (long attempt = 0; ; attempt++) {
            ParityCase pc = random(c, recurrent, new SplittableRandom(seed * 1_000_003L + attempt));
            if (smooth || pc.clearOfEdges()) return pc;
            if (attempt > 200) throw new IllegalStateException("could not draw a case clear of the threshold: " + c);
        }
    }

    private static ParityCase random(LifKernelConfig c, boolean recurrent, SplittableRandom r) {
        int T = c.steps(), B = c.batch(), N = c.neurons();
        double[] x = new double[T * B * N], alpha = new double[N], beta = new double[N], theta = new double[N];
        double[] i0 = new double[B * N], v0 = new double[B * N], gs = new double[T * B * N], gu = new double[T * B * N];
        for (int n = 0; n < N; n++) {
            alpha[n] = 0.7 + 0.2 * r.nextDouble();
            beta[n] = 0.85 + 0.12 * r.nextDouble();
            theta[n] = 0.8 + 0.4 * r.nextDouble();
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = -0.25 + 0.8 * r.nextDouble();
            gs[k] = r.nextDouble() * 2 - 1;
            gu[k] = r.nextDouble() * 2 - 1;
        }
        for (int k = 0; k < B * N; k++) {
            i0[k] = r.nextDouble() - 0.3;
            v0[k] = r.nextDouble() - 0.3;
        }
        double[] w = null;
        if (recurrent) {
            w = new double[N * N];
            for (int k = 0; k < w.length; k++) w[k] = (r.nextDouble() * 2 - 1) * 0.9 / Math.sqrt(N);
        }
        return new ParityCase(c, x, w, alpha, beta, theta, i0, v0, gs, gu);
    }

    private boolean clearOfEdges() {
        LifTrace tr = LifReference.forward(config, Precision.DOUBLE, x, wRec, alpha, beta, theta, i0, v0);
        int N = config.neurons();
        double half = config.surrogate().scale() / 2;
        Surrogate sur = config.surrogate();
        for (int k = 0; k < tr.u().length; k++) {
            double d = tr.u()[k] - theta[k % N];
            if (Math.abs(d) < MARGIN) return false;
            if (config.gradCutoff() > 0) {
                // a derivative at the cut-off may fall on either side in float32
                double g = sur.gain() * io.spikegrad.reference.SurrogateRef.sigmaPrime(sur.kind(), d, sur.scale(), Precision.DOUBLE);
                if (Math.abs(g - config.gradCutoff()) < 1e-3 * config.gradCutoff()) return false;
            }
            if (config.surrogate().kind() == Surrogate.Kind.BOXCAR && Math.abs(Math.abs(d) - half) < MARGIN) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return config + (wRec != null ? " recurrent" : "");
    }
}
