package io.spikegrad.diffsyn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikegrad.Backends;
import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.cuda.CudaBackend;
import io.spikegrad.cuda.CudaDiffSyn;
import io.spikegrad.reference.DiffSynReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The GPU kernels of the differentiable synapse ({@code sg_diffsyn_forward[_backward]_cuda}) emulated on the CPU
 * ({@link CudaDiffSyn#emulated()}: every thread of every block, a stepped kernel's barrier honoured), against
 * the native CPU kernel ({@link NativeDiffSyn}) and the double reference ({@link DiffSynReference}), over every
 * neuron model x gate x (with, without error weights), twice, the recurrences cycling through fast+slow, fast,
 * slow, none, on sizes that are not multiples of the block (1, 7, 33, and 300 &gt; 256, where a thread owns two
 * neurons). The GPU kernel adds in the CPU kernel's order, so against the CPU kernel every output must agree to
 * the last bit; against the reference it is held to {@link DiffSynParityTest}'s earned tolerance (8 times what
 * a one-ulp nudge of the parameters changes, plus 1e-13 of the largest entry). Four Adam steps of
 * {@link DiffSynTrainer} on the emulation leave the CPU kernel's parameters to the last bit. A device test repeats
 * the comparison on a GPU when there is one.
 */
class CudaDiffSynEmulationTest {

    static List<DiffSynCases.Case> cases() {
        List<DiffSynCases.Case> out = new ArrayList<>();
        int[] sizes = {1, 7, 33, 300};
        boolean[][] rec = {{true, true}, {true, false}, {false, true}, {false, false}};
        int n = 0;
        for (int round = 0; round < 2; round++)
            for (DiffSynNeuron neuron : DiffSynNeuron.values())
                for (DiffSynGate gate : DiffSynGate.values())
                    for (boolean weighted : new boolean[] {false, true}) {
                        // every model meets every size; the recurrences cycle through all four
                        int N = sizes[(n + n / 4) % 4], B = 1 + 2 * (n % 3), T = N >= 300 ? 40 : (n % 3 == 0 ? 60 : 150);
                        boolean[] r = rec[(n + n / 2 + round) % 4];
                        out.add(DiffSynCases.make(neuron, gate, N, T, B, r[0], r[1], weighted, 700 + n));
                        n++;
                    }
        return out;
    }

    static String where(DiffSynCases.Case c) {
        DiffSynModel m = c.model();
        return String.format(Locale.ROOT, "%s %s fast=%b slow=%b weighted=%b N=%d B=%d T=%d", m.neuron(), m.gate(), m.fastRecurrent(),
                m.slowRecurrent(), c.batch().weight() != null, m.neurons(), c.batch().batch(), c.batch().steps());
    }

    /** max |a - b| over every output of two results (arrays that must be equal are checked first). */
    static double maxDiff(String where, DiffSynResult a, DiffSynResult b) {
        assertArrayEquals(a.spikeCounts(), b.spikeCounts(), where + ": spike counts");
        assertArrayEquals(a.spikes(), b.spikes(), where + ": spike raster");
        double d = diff(a.sampleLoss(), b.sampleLoss());
        if (a.readout() != null) d = Math.max(d, diff(a.readout(), b.readout()));
        if (a.gradient() != null) {
            for (DiffSynParams.Group g : a.gradient().groups()) d = Math.max(d, diff(g.values(), b.gradient().group(g.name())));
            d = Math.max(d, diff(a.gradV0(), b.gradV0()));
        }
        return d;
    }

    static double diff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            if (Double.doubleToLongBits(a[k]) == Double.doubleToLongBits(b[k])) continue;
            d = Math.max(d, Double.isNaN(a[k]) || Double.isNaN(b[k]) ? Double.POSITIVE_INFINITY : Math.abs(a[k] - b[k]));
            if (d == 0) d = Double.MIN_VALUE;   // +0 vs -0
        }
        return d;
    }

    /** Worst |engine - ref| / tolerance over the outputs (fails beyond 1). */
    static double againstReference(String where, DiffSynResult a, DiffSynResult e, DiffSynResult nudged) {
        List<DiffSynParityTest.Diff> diffs = new ArrayList<>();
        diffs.add(DiffSynParityTest.compare(where, "loss", e.sampleLoss(), a.sampleLoss(), nudged.sampleLoss()));
        if (e.readout() != null) diffs.add(DiffSynParityTest.compare(where, "readout", e.readout(), a.readout(), nudged.readout()));
        if (e.gradient() != null) {
            for (DiffSynParams.Group g : e.gradient().groups())
                diffs.add(DiffSynParityTest.compare(where, "d" + g.name(), g.values(), a.gradient().group(g.name()),
                        nudged.gradient().group(g.name())));
            diffs.add(DiffSynParityTest.compare(where, "dv0", e.gradV0(), a.gradV0(), nudged.gradV0()));
        }
        double worst = 0;
        for (DiffSynParityTest.Diff d : diffs) if (d.bound() > 0) worst = Math.max(worst, d.worst() / d.bound());
        return worst;
    }

    @Test
    void emulationMatchesTheCpuKernelBitForBitAndTheReferenceToRounding() {
        NativeDiffSyn nat = new NativeDiffSyn(2);
        CudaDiffSyn emu = CudaDiffSyn.emulated();
        DiffSynReference ref = new DiffSynReference();
        double worstNative = 0, worstRef = 0;
        long crossings = 0;
        int n = 0;
        for (DiffSynCases.Case c : cases()) {
            String where = where(c);
            for (DiffSynEngine.Request req : new DiffSynEngine.Request[] {DiffSynEngine.Request.EVERYTHING, DiffSynEngine.Request.EVALUATE}) {
                DiffSynResult a = emu.run(c.model(), c.params(), c.batch(), req);
                DiffSynResult cpu = nat.run(c.model(), c.params(), c.batch(), req);
                double dn = maxDiff(where + " " + req, cpu, a);
                worstNative = Math.max(worstNative, dn);
                if (req == DiffSynEngine.Request.EVERYTHING) {
                    DiffSynResult e = ref.run(c.model(), c.params(), c.batch(), req);
                    DiffSynResult nudged = ref.run(c.model(), DiffSynParityTest.nudge(c.params(), 900 + n), c.batch(), req);
                    assertArrayEquals(e.spikeCounts(), a.spikeCounts(), where + ": spike counts vs reference");
                    assertArrayEquals(e.spikes(), a.spikes(), where + ": raster vs reference");
                    double r = againstReference(where, a, e, nudged);
                    worstRef = Math.max(worstRef, r);
                    crossings += e.totalSpikes();
                    System.out.printf(Locale.ROOT, "  %s: max |emu - cpu| %.3g, |emu - ref| / tol %.3g%n", where, dn, r);
                }
            }
            n++;
        }
        System.out.printf(Locale.ROOT, "diffsyn CUDA emulation, %d cases, %d crossings: max |emu - cpu| = %.3g, worst |emu - ref| / tol = %.3g%n",
                n, crossings, worstNative, worstRef);
        assertEquals(0.0, worstNative, "the emulated GPU kernel must reproduce the CPU kernel bit for bit");
        assertTrue(crossings > 100L * n / 2, "the cases should spike");
    }

    @Test
    void trainingStepsOnTheEmulationEqualTheCpuKernelsBitForBit() {
        DiffSynTrainer.Options opt = new DiffSynTrainer.Options(1e-3, java.util.Map.of(DiffSynParams.O, 0.5), 1.0, true, java.util.Set.of());
        for (DiffSynNeuron neuron : DiffSynNeuron.values()) {
            DiffSynCases.Case c = DiffSynCases.make(neuron, DiffSynGate.BUMP, 11, 80, 4, true, true, true, 31 + neuron.ordinal());
            DiffSynTrainer cpu = new DiffSynTrainer(c.model(), c.params().copy(), new NativeDiffSyn(2), opt);
            DiffSynTrainer emu = new DiffSynTrainer(c.model(), c.params().copy(), CudaDiffSyn.emulated(), opt);
            for (int step = 0; step < 4; step++) {
                DiffSynResult a = cpu.step(c.batch(), 1.0), b = emu.step(c.batch(), 1.0);
                assertEquals(a.loss(), b.loss(), 0.0, neuron + " step " + step + ": loss");
            }
            for (DiffSynParams.Group g : cpu.params().groups())
                assertArrayEquals(g.values(), emu.params().group(g.name()), 0.0, neuron + ": " + g.name() + " after 4 Adam steps");
        }
    }

    @Test
    void aRunawayIsReportedLikeTheCpuKernel() {
        DiffSynCases.Case c = DiffSynCases.make(DiffSynNeuron.NIF, DiffSynGate.BOX, 9, 30, 3, true, true, 41);
        c.params().i0()[5] = 1e12;   // moves v by far more than SG_DS_MAX_JUMP in one step
        SimulationDivergedException cpu = assertThrows(SimulationDivergedException.class,
                () -> new NativeDiffSyn(2).run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.TRAIN));
        SimulationDivergedException emu = assertThrows(SimulationDivergedException.class,
                () -> CudaDiffSyn.emulated().run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.TRAIN));
        assertEquals(cpu.sample(), emu.sample());
        assertEquals(cpu.step(), emu.step());
        assertEquals(cpu.neuron(), emu.neuron());
        assertEquals(cpu.current(), emu.current(), 0.0);
    }

    @Test
    void onTheDeviceMatchesTheCpuKernelAndTheReference() {
        assumeTrue(Backends.available().contains("cuda"), "no usable GPU here");
        NativeDiffSyn nat = new NativeDiffSyn(2);
        DiffSynReference ref = new DiffSynReference();
        double worstNative = 0, worstRef = 0;
        int n = 0;
        try (CudaBackend b = (CudaBackend) Backends.create("cuda", 1)) {
            CudaDiffSyn dev = CudaDiffSyn.onDevice(b);
            for (DiffSynCases.Case c : cases()) {
                String where = where(c);
                DiffSynResult a = dev.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
                DiffSynResult cpu = nat.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
                DiffSynResult e = ref.run(c.model(), c.params(), c.batch(), DiffSynEngine.Request.EVERYTHING);
                DiffSynResult nudged = ref.run(c.model(), DiffSynParityTest.nudge(c.params(), 900 + n), c.batch(),
                        DiffSynEngine.Request.EVERYTHING);
                worstNative = Math.max(worstNative, maxDiff(where, cpu, a));
                worstRef = Math.max(worstRef, againstReference(where, a, e, nudged));
                n++;
            }
        }
        System.out.printf(Locale.ROOT, "diffsyn CUDA on the device, %d cases: max |gpu - cpu| = %.3g, worst |gpu - ref| / tol = %.3g%n", n,
                worstNative, worstRef);
    }
}
