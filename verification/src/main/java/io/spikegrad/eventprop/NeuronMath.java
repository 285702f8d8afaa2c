package io.spikegrad.eventprop;

/**
 * Closed forms of one LIF / LI neuron between events (paper table 1, free dynamics), and the
 * root finder for its next threshold crossing. Everything is in double precision and in
 * seconds.
 *
 * <h2>Free dynamics over a gap {@code d >= 0} (no event inside)</h2>
 * <pre>
 *   tau_mem dV/dt = -V + I,   tau_syn dI/dt = -I
 *   I(d) = I0 exp(-d/tau_syn)
 *   V(d) = V0 exp(-d/tau_mem) + I0 K(d; tau_mem, tau_syn)
 * </pre>
 * with the kernel {@code K(d; ta, tb)}, the response of {@code ta dX/dt = -X + Y} with
 * {@code X(0) = 0} to {@code Y(t) = exp(-t/tb)}:
 * <pre>
 *   K(d; ta, tb) = tb/(tb - ta) (exp(-d/tb) - exp(-d/ta))            (ta != tb)
 *                = (d/ta) exp(-min(1/ta,1/tb) d) phi(|1/ta - 1/tb| d)  (every ta, tb)
 *   phi(x)       = (1 - exp(-x))/x = -expm1(-x)/x,  phi(0) = 1
 * </pre>
 * The second form is the one evaluated: it has no cancellation when the time constants are
 * close, gives the {@code tau_mem == tau_syn} limit {@code (d/tau) exp(-d/tau)} exactly, and
 * cannot overflow (every factor is bounded), so equal time constants need no special case.
 * The adjoint of table 2 uses the same kernel with the roles swapped,
 * {@code lambda_I(d) = lambda_I0 exp(-d/tau_syn) + lambda_V0 K(d; tau_syn, tau_mem)}.
 *
 * <h2>Shape of V on a gap</h2>
 * {@code V = A exp(-d/tau_mem) + B exp(-d/tau_syn)} (or {@code (A + B d) exp(-d/tau)} for
 * equal constants) has at most one critical point, so on a gap V is either monotone or has
 * one extremum, a maximum exactly when {@code Vdot(0) > 0}. {@link #peakTime} gives it in
 * closed form.
 *
 * <h2>Threshold crossings</h2>
 * {@link #crossing} finds the first {@code d} with {@code V(d) = theta}, {@code theta > 0},
 * by bracketing, never by stepping: if {@code Vdot(0) <= 0} V can only fall, or fall and
 * then rise towards its rest value 0 from below, so it never reaches {@code theta > 0}. Else V
 * rises monotonically up to {@code dm = min(peakTime, horizon)}; there is a crossing iff
 * {@code V(dm) > theta} (strictly: touching the threshold is no spike, the continuous-time
 * twin of DESIGN.md's H(0) = 0), and the root is then unique in {@code (0, dm)}, where it is
 * polished by Newton steps safeguarded by bisection (Numerical Recipes' rtsafe) until the
 * bracket or the step is a few ulps wide (about 1e-16 relative).
 */
public final class NeuronMath {
    private NeuronMath() {}

    /** Returned by {@link #crossing} and {@link #peakTime} when there is none. */
    public static final double NONE = Double.POSITIVE_INFINITY;

    /** {@code (1 - exp(-x))/x}, 1 at 0; for {@code x >= 0}. */
    static double phiMinus(double x) {
        return x == 0 ? 1.0 : -Math.expm1(-x) / x;
    }

    /** {@code log1p(x)/x}, 1 at 0; for {@code x > -1}. */
    static double psi(double x) {
        return x == 0 ? 1.0 : Math.log1p(x) / x;
    }

    /** The kernel {@code K(d; ta, tb)} of the class comment. */
    public static double kernel(double d, double ta, double tb) {
        double a = 1.0 / ta, b = 1.0 / tb;
        return d * a * Math.exp(-Math.min(a, b) * d) * phiMinus(Math.abs(a - b) * d);
    }

    /** Membrane {@code V(d)} from {@code V(0) = v0}, {@code I(0) = i0}, no event in between. */
    public static double voltage(double d, double v0, double i0, double tauMem, double tauSyn) {
        return v0 * Math.exp(-d / tauMem) + i0 * kernel(d, tauMem, tauSyn);
    }

    /** Synaptic current {@code I(d) = i0 exp(-d/tau_syn)}. */
    public static double current(double d, double i0, double tauSyn) {
        return i0 * Math.exp(-d / tauSyn);
    }

    /** {@code dV/dt = (I - V)/tau_mem}. */
    public static double vdot(double v, double i, double tauMem) {
        return (i - v) / tauMem;
    }

    /** {@code integral_0^d V}: from {@code tau_mem dV/dt = -V + I}, {@code int V = int I - tau_mem (V(d) - V0)}. */
    public static double integral(double d, double v0, double i0, double tauMem, double tauSyn) {
        double intI = -i0 * tauSyn * Math.expm1(-d / tauSyn);
        return intI - tauMem * (voltage(d, v0, i0, tauMem, tauSyn) - v0);
    }

    /**
     * The gap {@code d > 0} at which {@code Vdot(d) = 0}, or {@link #NONE}. Solving
     * {@code I(d) = V(d)} gives {@code exp(d (1/tau_mem - 1/tau_syn)) = 1 + x} with
     * {@code r = 1 - V0/I0}, {@code x = r (tau_syn - tau_mem)/tau_mem}, hence
     * <pre>  d* = tau_syn r log1p(x)/x </pre>
     * (which tends to {@code tau r} for equal constants), valid when {@code I0 != 0},
     * {@code r > 0} and {@code x > -1}; otherwise V is monotone on {@code [0, inf)}. It is a
     * maximum when {@code Vdot(0) > 0} and a minimum otherwise.
     */
    public static double peakTime(double v0, double i0, double tauMem, double tauSyn) {
        if (i0 == 0) return NONE;
        double r = 1.0 - v0 / i0;
        if (!(r > 0)) return NONE;
        double x = r * (tauSyn - tauMem) / tauMem;
        if (!(x > -1)) return NONE;
        double d = tauSyn * r * psi(x);
        return d > 0 && Double.isFinite(d) ? d : NONE;
    }

    /**
     * The first gap {@code d} in {@code [0, horizon]} at which V crosses {@code theta} upwards,
     * or {@link #NONE}. See the class comment for the bracketing argument; {@code theta} must be
     * positive. A state already above threshold (possible only through rounding when an input
     * arrives within an ulp of a crossing) fires at {@code d = 0}.
     */
    public static double crossing(double v0, double i0, double tauMem, double tauSyn, double theta, double horizon) {
        if (!(horizon >= 0)) return NONE;
        if (v0 > theta || (v0 == theta && i0 > v0)) return 0.0;
        if (!(i0 > v0)) return NONE;                       // Vdot(0) <= 0: never reaches theta > 0
        double dm = peakTime(v0, i0, tauMem, tauSyn);
        if (dm > horizon) dm = horizon;                    // NONE > horizon too
        double fhi = voltage(dm, v0, i0, tauMem, tauSyn) - theta;
        if (!(fhi > 0)) return NONE;                       // maximum on the gap does not exceed theta
        return root(v0, i0, tauMem, tauSyn, theta, 0.0, dm, v0 - theta, fhi);
    }

    /**
     * rtsafe on {@code f(d) = V(d) - theta}, increasing on {@code [lo, hi]}, {@code f(lo) < 0 < f(hi)}.
     * Returns a point of the final bracket; its {@code V} is {@code theta} to rounding.
     */
    static double root(double v0, double i0, double tauMem, double tauSyn, double theta,
                       double lo, double hi, double flo, double fhi) {
        // start from the regula-falsi point of the bracket
        double x = lo + (hi - lo) * (-flo / (fhi - flo));
        if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
        double dxOld = hi - lo, dx = dxOld;
        for (int iter = 0; iter < 200; iter++) {
            double v = voltage(x, v0, i0, tauMem, tauSyn);
            double f = v - theta;
            if (f == 0) return x;
            if (f < 0) lo = x; else hi = x;
            double df = vdot(v, current(x, i0, tauSyn), tauMem);
            double tol = 2 * Math.ulp(hi);
            if (hi - lo <= tol) return hi;
            double xn = x - f / df;
            if (!(xn > lo && xn < hi) || Math.abs(2 * (x - xn)) > Math.abs(dxOld)) {
                dxOld = dx;
                dx = 0.5 * (hi - lo);
                xn = lo + dx;                              // bisection
            } else {
                dxOld = dx;
                dx = x - xn;
            }
            if (Math.abs(dx) <= tol) return xn;
            x = xn;
        }
        return hi;
    }
}
