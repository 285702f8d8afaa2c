package io.spikegrad.diffsyn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.reference.DiffSynReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central finite differences of the reference's loss against its exact discrete adjoint
 * ({@link DiffSynReference}), for every neuron model and gate, every parameter group and v0.
 *
 * <p>Step: the 4-point stencil (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / (12 h) with
 * h = 1e-5 max(1, |p|): its truncation error is O(h^4) (below 1e-18 here) and its rounding error
 * about 1e-16 |L| / h, i.e. 1e-11 |L|, far below the 1e-6 asked; a small h also makes it unlikely
 * that the perturbation moves a voltage sample across a threshold or a gate-zone edge, where the
 * discrete loss has kinks (the box gate's g jumps there). An entry whose stencils at h and h/2
 * disagree by more than 1e-7 (relative) plus their rounding noise (1e-14 |L| / h) straddles such a
 * kink and is not compared; at most 2% of
 * the entries (one per group) may be skipped. Relative error = |adjoint - fd| / max(|fd|, 1e-3 max|fd| of the group).
 * The cost is the paper's (every squared error weighs 1) in every model x gate, and, for two of them, with
 * per-step error weights ({@link DiffSynBatch#weight()}, as delayed-xor's response window uses).
 */
class DiffSynGradientCheckTest {

    static List<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (DiffSynNeuron n : DiffSynNeuron.values())
            for (DiffSynGate g : DiffSynGate.values()) a.add(Arguments.of(n, g, false));
        a.add(Arguments.of(DiffSynNeuron.QIF, DiffSynGate.BUMP, true));
        a.add(Arguments.of(DiffSynNeuron.NIF, DiffSynGate.BOX, true));
        return a;
    }

    interface Array {
        double[] of(DiffSynParams p, DiffSynBatch b);
    }

    @ParameterizedTest(name = "{0} {1} weighted={2}")
    @MethodSource("cases")
    void adjointMatchesFiniteDifferences(DiffSynNeuron neuron, DiffSynGate gate, boolean weighted) {
        // the weights are drawn after everything else: a weighted case runs the same trajectory as its unweighted
        // twin (same spikes, so the same few finite differences straddle a kink), only its loss differs
        DiffSynCases.Case c = DiffSynCases.make(neuron, gate, 6, 400, 2, true, true, weighted,
                11 + neuron.ordinal() * 7L + gate.ordinal());
        DiffSynReference ref = new DiffSynReference();
        DiffSynResult r = ref.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.TRAIN);
        assertTrue(r.totalSpikes() >= 2 * 6, neuron + " case should spike, got " + r.totalSpikes() + " crossings");

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "FD check %s %s%s (%d crossings, loss %.6g):%n",
                neuron, gate, weighted ? " weighted" : "", r.totalSpikes(), r.loss()));
        double worstAll = 0;
        String[] names = {"w_fast", "w_slow", "u", "i0", "o", "v0"};
        Array[] arrays = {(p, b) -> p.wFast(), (p, b) -> p.wSlow(), (p, b) -> p.u(), (p, b) -> p.i0(), (p, b) -> p.o(), (p, b) -> b.v0()};
        double[][] adj = {r.gradient().wFast(), r.gradient().wSlow(), r.gradient().u(), r.gradient().i0(), r.gradient().o(), r.gradV0()};
        for (int gi = 0; gi < names.length; gi++) {
            DiffSynParams p = c.params().copy();
            DiffSynBatch b = new DiffSynBatch(c.batch().steps(), c.batch().batch(), c.batch().x(), c.batch().target(), c.batch().v0().clone(),
                    c.batch().weight());
            double[] a = arrays[gi].of(p, b);
            double[] fd = new double[a.length], half = new double[a.length], noise = new double[a.length];
            for (int k = 0; k < a.length; k++) {
                double h = 1e-5 * Math.max(1, Math.abs(a[k]));
                fd[k] = stencil(ref, c.model(), p, b, a, k, h);
                half[k] = stencil(ref, c.model(), p, b, a, k, h / 2);
                noise[k] = 1e-14 * Math.abs(r.loss()) / h;   // rounding of the h/2 stencil, with margin
            }
            double big = 0;
            for (double v : fd) big = Math.max(big, Math.abs(v));
            boolean[] smooth = new boolean[a.length];
            int skipped = 0;
            for (int k = 0; k < a.length; k++) {
                smooth[k] = Math.abs(fd[k] - half[k]) <= 1e-7 * Math.max(Math.abs(fd[k]), 1e-3 * big) + noise[k];
                if (!smooth[k]) skipped++;
            }
            double worst = 0;
            int at = -1;
            for (int k = 0; k < a.length; k++) {
                if (!smooth[k]) continue;
                double rel = Math.abs(adj[gi][k] - fd[k]) / Math.max(Math.abs(fd[k]), 1e-3 * big);
                if (rel > worst) {
                    worst = rel;
                    at = k;
                }
            }
            table.append(String.format(Locale.ROOT, "  %-7s %3d entries, %d skipped (kink), max |g| %.3e, max rel err %.2e%s%n",
                    names[gi], a.length, skipped, big, worst,
                    at < 0 ? "" : String.format(Locale.ROOT, " at [%d]: adjoint %.12g fd %.12g", at, adj[gi][at], fd[at])));
            worstAll = Math.max(worstAll, worst);
            assertTrue(skipped <= Math.max(1, a.length / 50), table + names[gi] + ": too many entries straddle a kink");
            assertTrue(big > 0, names[gi] + " gradient is identically zero: the case does not exercise it");
        }
        System.out.print(table);
        assertTrue(worstAll <= 1e-6, table.toString());
    }

    private static double stencil(DiffSynReference ref, DiffSynModel m, DiffSynParams p, DiffSynBatch b, double[] a, int k, double h) {
        double w = a[k];
        double[] l = new double[4];
        double[] d = {h, -h, 2 * h, -2 * h};
        for (int s = 0; s < 4; s++) {
            a[k] = w + d[s];
            l[s] = ref.run(m, p, b, DiffSynEngine.Request.LOSS).loss();
        }
        a[k] = w;
        return (8 * (l[0] - l[1]) - (l[2] - l[3])) / (12 * h);
    }
}
