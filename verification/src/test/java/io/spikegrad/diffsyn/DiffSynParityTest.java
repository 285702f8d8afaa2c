package io.spikegrad.diffsyn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.reference.DiffSynReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The native CPU kernel ({@link NativeDiffSyn}) against the double reference ({@link DiffSynReference})
 * over every neuron model x gate x recurrence (fast, slow, both, none) on sizes that are not
 * multiples of anything: same crossings, and loss, readout and gradients equal to rounding. Every other
 * case carries per-step error weights ({@link DiffSynBatch#weight()}).
 *
 * <p>The kernel is double precision like the reference but adds in another order (event-driven), so
 * the tolerance is earned from the reference itself: the reference is rerun with every parameter
 * nudged by one ulp in a random direction, and the kernel may differ from the reference by at most
 * 8 times what that nudge changed (per output group), plus 1e-13 of the group's largest entry.
 * That is the size of the rounding differences this trajectory amplifies; a wrong formula misses it
 * by many orders of magnitude.
 */
class DiffSynParityTest {

    record Diff(String what, double worst, double bound) {}

    @Test
    void nativeMatchesReferenceToRounding() {
        NativeDiffSyn nat = new NativeDiffSyn(2);
        DiffSynReference ref = new DiffSynReference();
        int[] sizes = {1, 7, 33};
        boolean[][] rec = {{true, true}, {true, false}, {false, true}, {false, false}};
        int cases = 0;
        long crossings = 0;
        List<String> report = new ArrayList<>();
        double worstRatio = 0;
        for (DiffSynNeuron neuron : DiffSynNeuron.values())
            for (DiffSynGate gate : DiffSynGate.values())
                for (int r = 0; r < rec.length; r++) {
                    int N = sizes[(cases + r) % 3], B = 1 + 2 * (cases % 3), T = cases % 2 == 0 ? 60 : 250;
                    boolean weighted = r % 2 == 1;
                    DiffSynCases.Case c = DiffSynCases.make(neuron, gate, N, T, B, rec[r][0], rec[r][1], weighted, 500 + cases);
                    String where = String.format(Locale.ROOT, "%s %s fast=%b slow=%b weighted=%b N=%d B=%d T=%d", neuron, gate,
                            rec[r][0], rec[r][1], weighted, N, B, T);
                    DiffSynResult a = nat.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
                    DiffSynResult e = ref.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
                    DiffSynResult nudged = ref.run(c.model(), nudge(c.params(), 900 + cases), c.batch(), DiffSynEngine.Request.EVERYTHING);
                    assertArrayEquals(e.spikeCounts(), a.spikeCounts(), where + ": spike counts");
                    assertArrayEquals(e.spikes(), a.spikes(), where + ": spike raster");
                    crossings += e.totalSpikes();
                    List<Diff> diffs = new ArrayList<>();
                    diffs.add(compare(where, "loss", e.sampleLoss(), a.sampleLoss(), nudged.sampleLoss()));
                    diffs.add(compare(where, "readout", e.readout(), a.readout(), nudged.readout()));
                    for (DiffSynParams.Group g : e.gradient().groups()) {
                        diffs.add(compare(where, "d" + g.name(), g.values(), a.gradient().group(g.name()),
                                nudged.gradient().group(g.name())));
                    }
                    diffs.add(compare(where, "dv0", e.gradV0(), a.gradV0(), nudged.gradV0()));
                    for (Diff d : diffs) if (d.bound() > 0) worstRatio = Math.max(worstRatio, d.worst() / d.bound());
                    report.add(where + ": " + diffs.stream().map(d -> String.format(Locale.ROOT, "%s %.1e/%.1e", d.what(), d.worst(), d.bound()))
                            .reduce((x, y) -> x + ", " + y).orElse(""));
                    cases++;
                }
        System.out.println("diffsyn parity, |native - ref| / tolerance per output (" + cases + " cases, " + crossings + " crossings):");
        report.forEach(s -> System.out.println("  " + s));
        System.out.printf(Locale.ROOT, "worst |native - ref| / tolerance = %.3g%n", worstRatio);
        assertTrue(crossings > 100 * cases / 2, "the cases should spike");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        DiffSynCases.Case c = DiffSynCases.make(DiffSynNeuron.QIF, DiffSynGate.BUMP, 9, 200, 7, true, true, 77);
        DiffSynResult one = new NativeDiffSyn(1).run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
        DiffSynResult three = new NativeDiffSyn(3).run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
        new NativeDiffSyn(2);
        assertEquals(one.loss(), three.loss(), 0.0);
        assertArrayEquals(one.readout(), three.readout(), 0.0);
        for (DiffSynParams.Group g : one.gradient().groups())
            assertArrayEquals(g.values(), three.gradient().group(g.name()), 0.0, g.name());
        assertArrayEquals(one.gradV0(), three.gradV0(), 0.0);
    }

    /** Every parameter moved by one ulp, up or down at random. */
    static DiffSynParams nudge(DiffSynParams p, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DiffSynParams q = p.copy();
        for (DiffSynParams.Group g : q.groups()) {
            double[] v = g.values();
            for (int k = 0; k < v.length; k++) v[k] = rng.nextBoolean() ? Math.nextUp(v[k]) : Math.nextDown(v[k]);
        }
        return q;
    }

    /** Checks |native - ref| <= 8 |nudged - ref| (group max) + 1e-13 max |ref|; prints the first mismatches. */
    static Diff compare(String where, String what, double[] ref, double[] nat, double[] nudged) {
        assertEquals(ref.length, nat.length, where + " " + what + " length");
        double big = 0, sens = 0, worst = 0;
        for (int k = 0; k < ref.length; k++) {
            big = Math.max(big, Math.abs(ref[k]));
            sens = Math.max(sens, Math.abs(nudged[k] - ref[k]));
        }
        double tol = 8 * sens + 1e-13 * big;
        StringBuilder bad = new StringBuilder();
        int shown = 0;
        for (int k = 0; k < ref.length; k++) {
            double d = Math.abs(nat[k] - ref[k]);
            worst = Math.max(worst, d);
            if (d > tol && shown < 5) {
                bad.append(String.format(Locale.ROOT, "%n  %s[%d]: native %.17g ref %.17g (|diff| %.3e > tol %.3e)", what, k, nat[k], ref[k], d, tol));
                shown++;
            }
        }
        if (shown > 0) fail(where + ": " + what + " differs beyond rounding:" + bad);
        return new Diff(what, worst, tol);
    }
}
