package io.spikegrad.diffsyn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The learnable parameters of a {@link DiffSynModel} (or their gradients), in double precision,
 * row-major as in the paper's matrix notation:
 *
 * <ul>
 *   <li>{@code wFast} [N][N]: {@code I_i += sum_j wFast[i*N + j] s_fast_j} (null without fast recurrence)
 *   <li>{@code wSlow} [N][N]: the same through s_slow (null without slow recurrence)
 *   <li>{@code u} [N][D]: {@code I_i += sum_m u[i*D + m] x_m}
 *   <li>{@code i0} [N]: tonic current, 1/s
 *   <li>{@code o} [R][N]: {@code o_r = sum_i o[r*N + i] s_slow_i}
 * </ul>
 *
 * The arrays are live (optimisers update them in place); {@link #copy()} makes an independent copy.
 */
public final class DiffSynParams {
    /** Parameter group names, in the order of {@link #groups()}. */
    public static final String W_FAST = "w_fast", W_SLOW = "w_slow", U = "u", I0 = "i0", O = "o";

    private final double[] wFast, wSlow, u, i0, o;

    /**
     * @throws IllegalArgumentException when an array's presence or length does not fit {@code m}
     */
    public DiffSynParams(DiffSynModel m, double[] wFast, double[] wSlow, double[] u, double[] i0, double[] o) {
        int N = m.neurons(), D = m.inputs(), R = m.outputs();
        this.wFast = optional("wFast", wFast, m.fastRecurrent(), (long) N * N, "[N][N] = [" + N + "][" + N + "]");
        this.wSlow = optional("wSlow", wSlow, m.slowRecurrent(), (long) N * N, "[N][N] = [" + N + "][" + N + "]");
        this.u = required("u", u, (long) N * D, "[N][D] = [" + N + "][" + D + "]");
        this.i0 = required("i0", i0, N, "[N] = [" + N + "]");
        this.o = required("o", o, (long) R * N, "[R][N] = [" + R + "][" + N + "]");
    }

    /** All zeros (the shape of a gradient). */
    public static DiffSynParams zeros(DiffSynModel m) {
        int N = m.neurons();
        return new DiffSynParams(m, m.fastRecurrent() ? new double[N * N] : null, m.slowRecurrent() ? new double[N * N] : null,
                new double[N * m.inputs()], new double[N], new double[m.outputs() * N]);
    }

    /**
     * Independent normal draws: each group's entries from N(mean, std) of its {@link Init}; diagonals of the
     * recurrent matrices get {@code diagonal} (0 removes self-connections).
     */
    public static DiffSynParams random(DiffSynModel m, Init init, SplittableRandom rng) {
        DiffSynParams p = zeros(m);
        int N = m.neurons();
        if (p.wFast != null) fillRecurrent(p.wFast, N, init.wFastStd() / Math.sqrt(N), init.wFastDiagonal(), rng);
        if (p.wSlow != null) fillRecurrent(p.wSlow, N, init.wSlowStd() / Math.sqrt(N), init.wSlowDiagonal(), rng);
        for (int k = 0; k < p.u.length; k++) p.u[k] = init.uStd() * gaussian(rng);
        for (int k = 0; k < p.i0.length; k++) p.i0[k] = init.i0Mean() + init.i0Std() * gaussian(rng);
        for (int k = 0; k < p.o.length; k++) p.o[k] = init.oStd() * gaussian(rng);
        return p;
    }

    /**
     * Scales of a random initialisation: standard deviations (the recurrent ones are multiplied by
     * 1/sqrt(N)), the tonic current's mean and the recurrent diagonals.
     */
    public record Init(double wFastStd, double wFastDiagonal, double wSlowStd, double wSlowDiagonal, double uStd,
                       double i0Mean, double i0Std, double oStd) {
        public Init {
            for (double v : new double[] {wFastStd, wSlowStd, uStd, i0Std, oStd})
                if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("init standard deviations must be finite and >= 0, got " + v);
            for (double v : new double[] {wFastDiagonal, wSlowDiagonal, i0Mean})
                if (!Double.isFinite(v)) throw new IllegalArgumentException("init means must be finite, got " + v);
        }
    }

    private static void fillRecurrent(double[] w, int n, double std, double diagonal, SplittableRandom rng) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) w[i * n + j] = i == j ? diagonal : std * gaussian(rng);
    }

    /** A standard normal draw (Box-Muller on the given generator, so results depend on the seed only). */
    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    public double[] wFast() { return wFast; }

    public double[] wSlow() { return wSlow; }

    public double[] u() { return u; }

    public double[] i0() { return i0; }

    public double[] o() { return o; }

    /** A deep copy. */
    public DiffSynParams copy() {
        return new DiffSynParams(this);
    }

    private DiffSynParams(DiffSynParams p) {
        wFast = p.wFast == null ? null : p.wFast.clone();
        wSlow = p.wSlow == null ? null : p.wSlow.clone();
        u = p.u.clone();
        i0 = p.i0.clone();
        o = p.o.clone();
    }

    /** One named array. */
    public record Group(String name, double[] values) {}

    /** The present groups in the order w_fast, w_slow, u, i0, o. */
    public List<Group> groups() {
        List<Group> g = new ArrayList<>(5);
        if (wFast != null) g.add(new Group(W_FAST, wFast));
        if (wSlow != null) g.add(new Group(W_SLOW, wSlow));
        g.add(new Group(U, u));
        g.add(new Group(I0, i0));
        g.add(new Group(O, o));
        return g;
    }

    /** The group called {@code name}, or null when it is absent. */
    public double[] group(String name) {
        return switch (name) {
            case W_FAST -> wFast;
            case W_SLOW -> wSlow;
            case U -> u;
            case I0 -> i0;
            case O -> o;
            default -> throw new IllegalArgumentException("unknown parameter group '" + name + "'; groups: "
                    + String.join(", ", W_FAST, W_SLOW, U, I0, O));
        };
    }

    /** The first non-finite entry as "group[index] = value", or null when all are finite. */
    public String firstNonFinite() {
        for (Group g : groups())
            for (int k = 0; k < g.values().length; k++)
                if (!Double.isFinite(g.values()[k])) return g.name() + "[" + k + "] = " + g.values()[k];
        return null;
    }

    private static double[] required(String name, double[] a, long n, String shape) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null (shape " + shape + ")");
        if (a.length != n) throw new IllegalArgumentException(name + " must have shape " + shape + " = " + n + " values, got " + a.length);
        return a;
    }

    private static double[] optional(String name, double[] a, boolean present, long n, String shape) {
        if (!present) {
            if (a != null) throw new IllegalArgumentException(name + " must be null: the model has no such recurrence");
            return null;
        }
        return required(name, a, n, shape);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("DiffSynParams[");
        for (Group g : groups()) s.append(g.name()).append(' ').append(g.values().length).append(", ");
        return s.substring(0, s.length() - 2) + "]";
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof DiffSynParams p)) return false;
        return Arrays.equals(wFast, p.wFast) && Arrays.equals(wSlow, p.wSlow) && Arrays.equals(u, p.u)
                && Arrays.equals(i0, p.i0) && Arrays.equals(o, p.o);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(u) * 31 + Arrays.hashCode(o);
    }
}
