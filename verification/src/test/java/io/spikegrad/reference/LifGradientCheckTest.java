package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import io.spikegrad.Surrogate.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central-difference checks of the LIF reference backward in smooth mode (the forward
 * uses sigma, so with gain 1 and detachReset = false the surrogate backward is the exact
 * gradient of the forward). Every entry of x, wRec, alpha, beta, theta, i0, v0 is
 * perturbed; the loss is L = sum(cS .* S) + sum(cU .* U) with fixed random coefficients.
 *
 * <p>Error budget: with h = 1e-6 the truncation error is ~h^2 * L''' (&lt; 1e-9 for slopes
 * up to 5) and the rounding error ~ eps * |L| / h ~ 1e-10 * |L|. An entry passes when
 * |fd - an| / max(|fd|, |an|, floor) &lt;= 1e-6 with floor = 1e-3 * max(1, sum |terms of L|),
 * i.e. entries near zero are judged by an absolute error of ~1e-9 * |L|. Over 20 seeds the
 * worst relative error seen was ~1.6e-7; the wrongly detached gradient below errs by ~1.
 *
 * <p>Piecewise surrogates: triangle's sigma' has kinks at z = -w, 0, w and boxcar's sigma
 * has kinks at z = +-w/2 (fast sigmoid and exponential have a kink of sigma' at 0). An entry
 * whose +h and -h forwards put some z = U - theta on opposite sides of a kink (or on it) is
 * skipped, since there the central difference is not a derivative; with h = 1e-6 this is
 * rare, and the test asserts that at most 5% of the entries are skipped.
 */
class LifGradientCheckTest {
    static final int T = 6, B = 2, N = 3;
    static final double TOLERANCE = 1e-6;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (!kind.hasSmoothForm()) continue;
            for (ResetMode reset : ResetMode.values()) {
                out.add(Arguments.of(kind, reset, false));
                out.add(Arguments.of(kind, reset, true));
            }
        }
        return out.stream();
    }

    /** Slope 5 for the slope kinds, width 0.8 (triangle) or 1 (boxcar). */
    static Surrogate surrogate(Kind kind) {
        double scale = switch (kind) {
            case TRIANGLE -> 0.8;
            case BOXCAR -> 1.0;
            default -> 5.0;
        };
        return new Surrogate(kind, scale, 1.0);
    }

    /** Values of z = U - theta where sigma or sigma' is not smooth. */
    static double[] kinks(Surrogate s) {
        double w = s.scale();
        return switch (s.kind()) {
            case TRIANGLE -> new double[] {-w, 0.0, w};
            case BOXCAR -> new double[] {-w / 2, w / 2};
            case FAST_SIGMOID, EXPONENTIAL -> new double[] {0.0};
            default -> new double[0];
        };
    }

    @ParameterizedTest(name = "{0} reset={1} recurrent={2}")
    @MethodSource("cases")
    void smoothBackwardMatchesCentralDifferences(Kind kind, ResetMode reset, boolean recurrent) {
        Surrogate sur = surrogate(kind);
        LifKernelConfig c = LifCase.config(T, B, N, reset, sur, false, true);
        LifCase lc = new LifCase(c, recurrent, 1000L * kind.ordinal() + 10L * reset.ordinal() + (recurrent ? 1 : 0));
        LifTrace fwd = lc.forward(Precision.DOUBLE);
        assertVisitsSupport(sur, fwd, lc.theta);

        LifGrads g = lc.backward(c, Precision.DOUBLE, fwd);
        if (!recurrent) assertNull(g.gradWRec(), "gradWRec of a feed-forward layer");
        FiniteDifference.Report report = check(lc, g, kinks(sur));
        assertTrue(report.passed(), report.toString());
        assertTrue(report.skipped <= 0.05 * (report.checked + report.skipped), report.toString());
    }

    /** The check can fail: an analytic gradient with the reset wrongly detached is caught. */
    @ParameterizedTest(name = "reset={0}")
    @MethodSource("resetsWithSpikeTerm")
    void wronglyDetachedGradientFailsTheCheck(ResetMode reset) {
        Surrogate sur = surrogate(Kind.FAST_SIGMOID);
        LifKernelConfig c = LifCase.config(T, B, N, reset, sur, false, true);
        LifCase lc = new LifCase(c, false, 7);
        LifKernelConfig wrong = LifCase.config(T, B, N, reset, sur, true, true);
        LifGrads g = lc.backward(wrong, Precision.DOUBLE, lc.forward(Precision.DOUBLE));
        FiniteDifference.Report report = check(lc, g, kinks(sur));
        assertFalse(report.passed(), "a detached gradient passed the check: " + report);
        assertTrue(report.maxError > 1e-2, report.toString());
    }

    static Stream<ResetMode> resetsWithSpikeTerm() {
        return Stream.of(ResetMode.SUBTRACT, ResetMode.TO_VALUE);
    }

    /** Compares the analytic gradient with central differences for every input entry. */
    static FiniteDifference.Report check(LifCase lc, LifGrads g, double[] kinks) {
        FiniteDifference.Eval base = lc.eval();
        double lossScale = 0.0;
        LifTrace f = lc.forward(Precision.DOUBLE);
        for (int k = 0; k < lc.cS.length; k++) {
            lossScale += Math.abs(lc.cS[k] * f.s()[k]) + Math.abs(lc.cU[k] * f.u()[k]);
        }
        FiniteDifference.Report report = new FiniteDifference.Report(TOLERANCE, 1e-3 * Math.max(1.0, lossScale));
        assertTrue(Double.isFinite(base.loss()));
        double h = 1e-6;
        compare(report, "x", lc.x, g.gradX(), h, lc, kinks);
        compare(report, "i0", lc.i0, g.gradI0(), h, lc, kinks);
        compare(report, "v0", lc.v0, g.gradV0(), h, lc, kinks);
        compare(report, "alpha", lc.alpha, g.gradAlpha(), h, lc, kinks);
        compare(report, "beta", lc.beta, g.gradBeta(), h, lc, kinks);
        compare(report, "theta", lc.theta, g.gradTheta(), h, lc, kinks);
        if (lc.wRec != null) compare(report, "wRec", lc.wRec, g.gradWRec(), h, lc, kinks);
        return report;
    }

    static void compare(FiniteDifference.Report report, String name, double[] param, double[] analytic,
                        double h, LifCase lc, double[] kinks) {
        for (int k = 0; k < param.length; k++) {
            FiniteDifference.Probe probe = FiniteDifference.central(param, k, h, lc::eval);
            if (FiniteDifference.crossesKink(probe, kinks)) {
                report.skipped++;
                continue;
            }
            report.compare(name, k, probe.derivative(), analytic[k]);
        }
    }

    /** At least a quarter of all (t, b, n) have sigma'(U - theta) above 10% of its peak. */
    static void assertVisitsSupport(Surrogate sur, LifTrace fwd, double[] theta) {
        double peak = SurrogateRef.sigmaPrime(sur.kind(), 0.0, sur.scale());
        int inside = 0;
        for (int k = 0; k < fwd.u().length; k++) {
            double z = fwd.u()[k] - theta[k % theta.length];
            if (SurrogateRef.sigmaPrime(sur.kind(), z, sur.scale()) > 0.1 * peak) inside++;
        }
        assertTrue(inside >= fwd.u().length / 4,
                "only " + inside + " of " + fwd.u().length + " membranes in the surrogate's support");
    }
}
