package io.spikegrad.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Central finite differences and the comparison used by the gradient checks. */
final class FiniteDifference {
    private FiniteDifference() {}

    /** The model evaluated at one point: the scalar loss and the surrogate arguments z = U - theta. */
    record Eval(double loss, double[] z) {}

    /** Evaluations at a+h and a-h of one entry, and the central difference. */
    record Probe(Eval plus, Eval minus, double derivative) {}

    /**
     * Perturbs {@code param[k]} to a+h and a-h, evaluates, restores it, and returns
     * (L(a+h) - L(a-h)) / ((a+h) - (a-h)) (the denominator is the step actually taken
     * after rounding, not 2h).
     */
    static Probe central(double[] param, int k, double h, Supplier<Eval> model) {
        double a = param[k];
        double up = a + h, down = a - h;
        param[k] = up;
        Eval plus = model.get();
        param[k] = down;
        Eval minus = model.get();
        param[k] = a;
        return new Probe(plus, minus, (plus.loss() - minus.loss()) / (up - down));
    }

    /**
     * Whether some z moved across a kink of the surrogate between the two evaluations
     * (or landed on one): then the central difference of a piecewise function is not a
     * derivative and the entry is skipped.
     */
    static boolean crossesKink(Probe probe, double[] kinks) {
        double[] zp = probe.plus().z(), zm = probe.minus().z();
        for (int k = 0; k < zp.length; k++) {
            for (double kink : kinks) {
                if ((zp[k] - kink) * (zm[k] - kink) <= 0.0) return true;
            }
        }
        return false;
    }

    /**
     * Relative error |fd - an| / max(|fd|, |an|, floor): the floor makes entries near
     * zero judged by absolute error (floor * tolerance).
     */
    static double relativeError(double fd, double an, double floor) {
        return Math.abs(fd - an) / Math.max(Math.max(Math.abs(fd), Math.abs(an)), floor);
    }

    /** Collects mismatches with their indices, for a readable failure message. */
    static final class Report {
        final double tolerance, floor;
        final List<String> failures = new ArrayList<>();
        double maxError;
        int checked, skipped;

        Report(double tolerance, double floor) {
            this.tolerance = tolerance;
            this.floor = floor;
        }

        void compare(String name, int k, double fd, double an) {
            double e = relativeError(fd, an, floor);
            checked++;
            maxError = Math.max(maxError, e);
            if (!(e <= tolerance) && failures.size() < 20) {
                failures.add(String.format("%s[%d]: finite difference %.12g, analytic %.12g, rel. error %.3g",
                        name, k, fd, an, e));
            }
        }

        boolean passed() { return failures.isEmpty() && checked > 0; }

        @Override
        public String toString() {
            return String.format("checked %d, skipped %d (kink), max rel. error %.3g, tolerance %.1g, floor %.1g%s",
                    checked, skipped, maxError, tolerance, floor,
                    failures.isEmpty() ? "" : "\n  " + String.join("\n  ", failures));
        }
    }
}
