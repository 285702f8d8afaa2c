package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.cuda.CudaEventProp;
import io.spikegrad.data.EventSample;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GPU EventProp kernels ({@code sg_eventprop_batch_cuda}) emulated on the CPU, against the
 * exact pure-Java reference ({@link EventProp} with the matching {@link EventLosses} loss) and the
 * native CPU kernel ({@link NativeEventProp}), on random networks: feed-forward LIF stacks with
 * one to three layers (first-spike loss), stacks with recurrent layers (first-spike and
 * spike-time-sum losses), stacks with an LI readout (max- and mean-voltage cross-entropy),
 * spike-count cross-entropy, and the per-sample gradient limit: same spike counts and
 * predictions, output statistics, loss and gradients to rounding (the deviations are printed).
 * The GPU kernel is event-driven and exact, like the reference, so the judge is the same 1e-6
 * relative bound the CPU kernel is held to; against the CPU kernel it is also counted how many
 * cases agree to the last bit.
 */
class CudaEventPropEmulationTest {
    static final double TAU0 = 0.5e-3, TAU1 = 6.4e-3, ALPHA = 0.003;

    record Ref(double loss, Gradients grad, List<ForwardTrace> traces, int[] predictions) {}

    static Ref reference(Network net, List<EventSample> batch, double T) {
        EventProp ep = new EventProp(T);
        EventLoss loss = EventLosses.firstSpikeCrossEntropy(TAU0, TAU1, ALPHA);
        EventPropModel model = EventPropModel.of(net);
        Gradients sum = new Gradients(model);
        List<ForwardTrace> traces = new ArrayList<>();
        int[] pred = new int[batch.size()];
        double total = 0;
        for (int b = 0; b < batch.size(); b++) {
            EventSample s = batch.get(b);
            EventProp.Result r = ep.run(model, s.events(), s.label(), loss);
            total += r.loss();
            sum.addScaled(r.gradients(), 1.0 / batch.size());
            traces.add(r.trace());
            pred[b] = loss.predict(model, r.trace());
        }
        return new Ref(total / batch.size(), sum, traces, pred);
    }

    static Network randomNet(SplittableRandom rng, long seed, int inputs) {
        Network.Builder b = Network.builder().input(inputs);
        int hidden = rng.nextInt(3);
        int fanIn = inputs;
        for (int h = 0; h <= hidden; h++) {
            boolean out = h == hidden;
            // hidden layers wider than a 256-thread block sometimes: threads own several neurons
            int size = out ? 2 + rng.nextInt(4) : 3 + rng.nextInt(rng.nextInt(4) == 0 ? 300 : 40);
            double tauMem = 10e-3 + 20e-3 * rng.nextDouble();
            double tauSyn = rng.nextInt(5) == 0 ? tauMem : 2e-3 + 8e-3 * rng.nextDouble();
            double theta = 0.5 + rng.nextDouble();
            double mean = (0.5 + 2.5 * rng.nextDouble()) * theta * 4.0 / fanIn, std = mean * (0.3 + rng.nextDouble());
            b.lif((out ? "out" : "h" + h), size, LifParams.of(tauMem, tauSyn, theta)).weights(Init.normal(mean, std));
            fanIn = size;
        }
        return b.build(seed);
    }

    static List<EventSample> randomBatch(SplittableRandom rng, int inputs, int classes, int n, double T) {
        List<EventSample> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int events = rng.nextInt(3 * inputs + 1);
            double[] t = new double[events];
            int[] ch = new int[events];
            for (int e = 0; e < events; e++) {
                t[e] = rng.nextDouble() * 1.1 * T;          // some after T: ignored
                ch[e] = rng.nextInt(inputs);
            }
            java.util.Arrays.sort(t);
            out.add(EventSample.of(inputs, t, ch, rng.nextInt(classes)));
        }
        return out;
    }

    @Test
    void emulatedGpuKernelMatchesExactReferenceAndCpuKernel() {
        int compared = 0, skipped = 0;
        double worstTime = 0, worstLoss = 0, worstGrad = 0, worstCpu = 0;
        long totalSpikes = 0, outputSpikes = 0;
        for (int c = 0; c < 40 && compared < 30; c++) {
            SplittableRandom rng = new SplittableRandom(7000 + c);
            int inputs = 2 + rng.nextInt(7);
            double T = 30e-3 + 30e-3 * rng.nextDouble();
            Network net = randomNet(rng, c, inputs);
            List<EventSample> batch = randomBatch(rng, inputs, net.outputs(), 1 + rng.nextInt(12), T);
            Ref ref = reference(net, batch, T);
            if (ref.grad().clampedSpikes() > 0) {
                skipped++;
                continue;
            }
            NativeEventProp.Result gpu = CudaEventProp.emulated(net, batch, T, TAU0, TAU1, ALPHA);
            NativeEventProp.Result cpu = NativeEventProp.lossAndGradient(net, batch, T, TAU0, TAU1, ALPHA);
            assertEquals(0, gpu.clampedSpikes(), "case " + c);
            int C = net.outputs(), off = EventPropModel.of(net).offset(net.layers().size() - 1);
            for (int b = 0; b < batch.size(); b++) {
                ForwardTrace tr = ref.traces().get(b);
                String where = "case " + c + " sample " + b;
                assertEquals(tr.spikeCount(), gpu.spikeTotals()[b], where + " spike total");
                totalSpikes += tr.spikeCount();
                assertEquals(ref.predictions()[b], gpu.predictions()[b], where + " prediction");
                for (int o = 0; o < C; o++) {
                    assertEquals(tr.spikeCount(off + o), gpu.outputCounts()[b][o], where + " output " + o + " count");
                    outputSpikes += tr.spikeCount(off + o);
                    int k = tr.firstSpike(off + o);
                    if (k < 0) {
                        assertEquals(Double.POSITIVE_INFINITY, gpu.firstTimes()[b][o], where);
                    } else {
                        double rel = Math.abs(gpu.firstTimes()[b][o] - tr.spikeTime(k)) / tr.spikeTime(k);
                        worstTime = Math.max(worstTime, rel);
                        assertTrue(rel <= 1e-4, where + " first time " + tr.spikeTime(k) + " vs " + gpu.firstTimes()[b][o]);
                    }
                    double g = gpu.firstTimes()[b][o], h = cpu.firstTimes()[b][o];
                    if (g != h) worstCpu = Math.max(worstCpu, Math.abs(g - h));  // equal infinities: silent in both
                }
            }
            double relLoss = Math.abs(gpu.loss() - ref.loss()) / Math.max(1e-300, Math.abs(ref.loss()));
            worstLoss = Math.max(worstLoss, relLoss);
            assertTrue(relLoss <= 1e-6, "case " + c + " loss " + ref.loss() + " vs " + gpu.loss());
            worstCpu = Math.max(worstCpu, Math.abs(gpu.loss() - cpu.loss()));
            for (int l = 0; l < net.layers().size(); l++) {
                worstGrad = Math.max(worstGrad, check("case " + c + " weight " + l, ref.grad().weight(l), gpu.weightGrad()[l]));
                worstGrad = Math.max(worstGrad, check("case " + c + " threshold " + l, ref.grad().threshold(l), gpu.thresholdGrad()[l]));
                for (int k = 0; k < gpu.weightGrad()[l].length; k++) {
                    worstCpu = Math.max(worstCpu, Math.abs(gpu.weightGrad()[l][k] - cpu.weightGrad()[l][k]));
                }
            }
            compared++;
        }
        System.out.printf("GPU EventProp (emulated) vs exact reference: %d cases (%d skipped for a reference Vdot clamp), %d spikes (%d output); "
                + "worst rel. first-spike time %.2e, loss %.2e, gradient (rel. to max) %.2e; max |gpu - cpu kernel| %.2e%n",
                compared, skipped, totalSpikes, outputSpikes, worstTime, worstLoss, worstGrad, worstCpu);
        assertTrue(compared >= 20, "compared " + compared);
        assertTrue(outputSpikes > 0, "some output spikes");
    }

    /** Worst figures of one kind of network against the reference and the CPU kernel. */
    static final class Worst {
        int compared, skipped, identical;
        long spikes, outputSpikes;
        double value, loss, grad, cpu;
    }

    /**
     * Up to 25 random networks of the kind (NativeEventPropParityTest's generator and losses): the
     * emulated GPU kernel against the reference and the CPU kernel; asserts at least 20 compared.
     */
    static Worst compareKind(NativeEventPropParityTest.Kind kind, long seedBase, double sampleClip) {
        Worst w = new Worst();
        NativeEventProp.Options opt = NativeEventProp.Options.DEFAULT.withSampleClip(sampleClip);
        long clipped = 0;
        for (int c = 0; c < 40 && w.compared < 25; c++) {
            SplittableRandom rng = new SplittableRandom(seedBase + c);
            int inputs = 2 + rng.nextInt(7);
            double T = 30e-3 + 30e-3 * rng.nextDouble();
            Network net = NativeEventPropParityTest.randomNet(rng, seedBase + c, inputs, kind);
            List<EventSample> batch = NativeEventPropParityTest.randomBatch(rng, inputs, net.outputs(), 1 + rng.nextInt(12), T);
            EventLoss loss = NativeEventPropParityTest.lossFor(kind, c);
            NativeEventPropParityTest.Ref ref;
            try {
                ref = NativeEventPropParityTest.reference(net, batch, T, loss);
            } catch (IllegalStateException runaway) {
                w.skipped++;
                continue;
            }
            if (ref.grad().clampedSpikes() > 0) {
                w.skipped++;
                continue;
            }
            String where0 = kind + " case " + c + " (" + loss.name() + ")";
            NativeEventProp.Result gpu = CudaEventProp.emulated(net, batch, T, loss.nativeLoss(), true, opt);
            NativeEventProp.Result cpu = NativeEventProp.run(net, batch, T, loss.nativeLoss(), true, opt);
            assertEquals(0, gpu.clampedSpikes(), where0);
            assertEquals(cpu.clippedSamples(), gpu.clippedSamples(), where0 + " clipped samples");
            clipped += gpu.clippedSamples();
            EventPropModel model = EventPropModel.of(net);
            int C = net.outputs(), off = model.offset(model.layerCount() - 1);
            boolean readout = !model.output().spiking(), same = true;
            for (int b = 0; b < batch.size(); b++) {
                ForwardTrace tr = ref.traces().get(b);
                String where = where0 + " sample " + b;
                assertEquals(tr.spikeCount(), gpu.spikeTotals()[b], where + " spike total");
                assertEquals(tr.storedBytesForBackward(), gpu.storedBytes()[b], where + " stored bytes");
                assertEquals(java.util.Arrays.toString(cpu.layerSilent()[b]), java.util.Arrays.toString(gpu.layerSilent()[b]), where + " silent");
                w.spikes += tr.spikeCount();
                assertEquals(ref.predictions()[b], gpu.predictions()[b], where + " prediction");
                for (int o = 0; o < C; o++) {
                    assertEquals(readout ? 0 : tr.spikeCount(off + o), gpu.outputCounts()[b][o], where + " output " + o + " count");
                    if (!readout) w.outputSpikes += tr.spikeCount(off + o);
                    double r = NativeEventPropParityTest.expectedValue(loss, tr, off, o, readout), g = gpu.outputValues()[b][o];
                    if (Double.isInfinite(r)) {
                        assertEquals(r, g, where + " output " + o);
                    } else {
                        double rel = Math.abs(g - r) / Math.max(Math.abs(r), 1e-300);
                        w.value = Math.max(w.value, rel);
                        assertTrue(rel <= 1e-4 || g == r, where + " output " + o + " statistic " + r + " vs gpu " + g);
                    }
                    double h = cpu.outputValues()[b][o];
                    if (g != h) {
                        same = false;
                        w.cpu = Math.max(w.cpu, Math.abs(g - h));
                    }
                }
            }
            double relLoss = Math.abs(gpu.loss() - ref.loss()) / Math.max(1e-300, Math.abs(ref.loss()));
            w.loss = Math.max(w.loss, relLoss);
            assertTrue(relLoss <= 1e-6 || gpu.loss() == ref.loss(), where0 + " loss " + ref.loss() + " vs " + gpu.loss());
            if (gpu.loss() != cpu.loss()) {
                same = false;
                w.cpu = Math.max(w.cpu, Math.abs(gpu.loss() - cpu.loss()));
            }
            for (int l = 0; l < net.layers().size(); l++) {
                // with the per-sample limit the reference (unclipped) is no judge of the gradient: the CPU kernel is
                double[][] judge = {sampleClip > 0 ? cpu.weightGrad()[l] : ref.grad().weight(l),
                    sampleClip > 0 ? cpu.recurrentGrad()[l] : ref.grad().recurrent(l),
                    sampleClip > 0 ? cpu.thresholdGrad()[l] : ref.grad().threshold(l)};
                double[][] got = {gpu.weightGrad()[l], gpu.recurrentGrad()[l], gpu.thresholdGrad()[l]};
                double[][] other = {cpu.weightGrad()[l], cpu.recurrentGrad()[l], cpu.thresholdGrad()[l]};
                String[] what = {"weight", "recurrent", "threshold"};
                for (int k = 0; k < 3; k++) {
                    if (k == 1 && judge[k] == null) {
                        assertEquals(null, got[k], where0 + " layer " + l + " has no recurrent gradient");
                        continue;
                    }
                    // the reference has no threshold gradient for a readout; both kernels report zeros
                    if (judge[k] != null) w.grad = Math.max(w.grad, check(where0 + " " + what[k] + " " + l, judge[k], got[k]));
                    for (int q = 0; q < got[k].length; q++) {
                        if (got[k][q] != other[k][q]) {
                            same = false;
                            w.cpu = Math.max(w.cpu, Math.abs(got[k][q] - other[k][q]));
                        }
                    }
                }
            }
            if (same) w.identical++;
            w.compared++;
        }
        System.out.printf("GPU EventProp (emulated), %-12s%s: %d networks (%d skipped: reference Vdot clamp or runaway), %d spikes "
                        + "(%d output)%s; vs reference worst rel. output statistic %.2e, loss %.2e, gradient (rel. to max) %.2e; "
                        + "vs CPU kernel %d of %d bit-identical, max |gpu - cpu| %.2e%n",
                kind, sampleClip > 0 ? " clip " + sampleClip : "", w.compared, w.skipped, w.spikes, w.outputSpikes,
                sampleClip > 0 ? ", " + clipped + " samples clipped" : "", w.value, w.loss, w.grad, w.identical, w.compared, w.cpu);
        assertTrue(w.compared >= 20, kind + ": compared only " + w.compared);
        assertTrue(w.spikes > 0, kind + ": no spikes at all");
        return w;
    }

    @Test
    void recurrentLayers() {
        compareKind(NativeEventPropParityTest.Kind.RECURRENT, 27_000, 0);
    }

    @Test
    void leakyIntegratorReadoutVoltageLosses() {
        compareKind(NativeEventPropParityTest.Kind.READOUT, 23_000, 0);
    }

    @Test
    void spikeCount() {
        compareKind(NativeEventPropParityTest.Kind.SPIKE_COUNT, 25_000, 0);
    }

    @Test
    void feedForwardFirstSpike() {
        Worst w = compareKind(NativeEventPropParityTest.Kind.FEED_FORWARD, 21_000, 0);
        assertTrue(w.outputSpikes > 0, "some output spikes");
    }

    /** The per-sample gradient limit, set low enough to cut most samples, on recurrent networks. */
    @Test
    void perSampleClip() {
        compareKind(NativeEventPropParityTest.Kind.RECURRENT, 29_000, 1e-3);
    }

    /** Forward only (no gradients): the same outputs, no gradient arrays. */
    @Test
    void forwardOnly() {
        SplittableRandom rng = new SplittableRandom(31_000);
        Network net = NativeEventPropParityTest.randomNet(rng, 31_000, 4, NativeEventPropParityTest.Kind.READOUT);
        List<EventSample> batch = NativeEventPropParityTest.randomBatch(rng, 4, net.outputs(), 5, 40e-3);
        NativeEventProp.Loss loss = NativeEventProp.Loss.of(NativeEventProp.Kind.MAX_VOLTAGE);
        NativeEventProp.Result gpu = CudaEventProp.emulated(net, batch, 40e-3, loss, false, NativeEventProp.Options.DEFAULT);
        NativeEventProp.Result cpu = NativeEventProp.evaluate(net, batch, 40e-3, loss);
        assertEquals(cpu.loss(), gpu.loss());
        assertEquals(java.util.Arrays.toString(cpu.predictions()), java.util.Arrays.toString(gpu.predictions()));
        assertEquals(java.util.Arrays.deepToString(cpu.outputValues()), java.util.Arrays.deepToString(gpu.outputValues()));
        assertEquals(null, gpu.weightGrad());
    }

    /**
     * The trainer's kernel hook (what {@code train --method eventprop --backend cuda} uses) with the
     * emulated GPU kernel trains as the CPU kernel does: same metrics, same weights, with the
     * per-sample limit on.
     */
    @Test
    void trainerOnTheEmulatedGpuKernelTrainsAsOnTheCpuKernel() {
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network a = Network.builder().input(io.spikegrad.data.YinYang.CHANNELS).lif("hidden", 30, p).weights(Init.normal(1.5, 0.1))
                .lif("out", 3, p).weights(Init.normal(0.93, 0.1)).build(7), b = a.copy();
        EventPropTrainer.Options o = new EventPropTrainer.Options(32, 3, 0, io.spikegrad.train.LrSchedule.step(1, 0.9), 1.0, 0.15,
                1e-4, 0.5);
        io.spikegrad.data.Dataset data = io.spikegrad.data.YinYang.train().slice(0, 64);
        double T = 60e-3;
        try (EventPropTrainer ta = new EventPropTrainer(a, T, EventLosses.firstSpikeCrossEntropy(), io.spikegrad.train.Optimizer.adam(1e-2),
                o, 1, CudaEventProp::emulated);
             EventPropTrainer tb = new EventPropTrainer(b, T, EventLosses.firstSpikeCrossEntropy(), io.spikegrad.train.Optimizer.adam(1e-2),
                o, 1, NativeEventProp::run)) {
            io.spikegrad.train.Trainer.Metrics ma = ta.trainEpoch(data, 0, null), mb = tb.trainEpoch(data, 0, null);
            assertEquals(mb.loss(), ma.loss());
            assertEquals(mb.accuracy(), ma.accuracy());
            assertEquals(tb.lastActivity().clippedSamples(), ta.lastActivity().clippedSamples());
        }
        for (String layer : new String[] {"hidden", "out"}) {
            assertEquals(java.util.Arrays.toString(b.layer(layer).weight().value()), java.util.Arrays.toString(a.layer(layer).weight().value()),
                    layer);
        }
    }

    /** On a GPU: the device kernel against its emulation and the exact reference (deviation printed). */
    @Test
    void deviceKernelMatchesEmulationAndReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.spikegrad.Backends.available().contains("cuda"), "no usable GPU here");
        double worstRef = 0, worstEmu = 0;
        try (io.spikegrad.cuda.CudaBackend b = (io.spikegrad.cuda.CudaBackend) io.spikegrad.Backends.create("cuda", 1)) {
            for (int c = 0; c < 20; c++) {
                SplittableRandom rng = new SplittableRandom(9000 + c);
                int inputs = 2 + rng.nextInt(7);
                double T = 30e-3 + 30e-3 * rng.nextDouble();
                Network net = randomNet(rng, c, inputs);
                List<EventSample> batch = randomBatch(rng, inputs, net.outputs(), 1 + rng.nextInt(12), T);
                Ref ref = reference(net, batch, T);
                NativeEventProp.Result dev = CudaEventProp.onDevice(b, net, batch, T, TAU0, TAU1, ALPHA);
                NativeEventProp.Result emu = CudaEventProp.emulated(net, batch, T, TAU0, TAU1, ALPHA);
                assertEquals(java.util.Arrays.toString(emu.spikeTotals()), java.util.Arrays.toString(dev.spikeTotals()), "case " + c);
                for (int l = 0; l < net.layers().size(); l++) {
                    worstRef = Math.max(worstRef, check("case " + c + " weight " + l, ref.grad().weight(l), dev.weightGrad()[l]));
                    worstEmu = Math.max(worstEmu, check("case " + c + " weight " + l, emu.weightGrad()[l], dev.weightGrad()[l]));
                }
            }
        }
        System.out.printf("GPU EventProp on the device: worst gradient deviation (rel. to max) from the exact reference %.2e, "
                + "from the emulation %.2e%n", worstRef, worstEmu);
    }

    /**
     * On a GPU: the device kernel against its emulation on the v2 kinds (recurrent, readout,
     * spike count, recurrent with the per-sample limit): same spike totals and predictions,
     * gradients within 1e-6 of the largest (deviation printed; expected: libm ulps).
     */
    @Test
    void deviceKernelMatchesEmulationOnRecurrentReadoutAndCountNetworks() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.spikegrad.Backends.available().contains("cuda"), "no usable GPU here");
        double worst = 0;
        int compared = 0;
        try (io.spikegrad.cuda.CudaBackend dev = (io.spikegrad.cuda.CudaBackend) io.spikegrad.Backends.create("cuda", 1)) {
            NativeEventPropParityTest.Kind[] kinds = {NativeEventPropParityTest.Kind.RECURRENT, NativeEventPropParityTest.Kind.READOUT,
                NativeEventPropParityTest.Kind.SPIKE_COUNT, NativeEventPropParityTest.Kind.RECURRENT};
            for (int kk = 0; kk < kinds.length; kk++) {
                NativeEventProp.Options opt = NativeEventProp.Options.DEFAULT.withSampleClip(kk == 3 ? 1e-3 : 0);
                for (int c = 0; c < 8; c++) {
                    long seed = 33_000 + 100 * kk + c;
                    SplittableRandom rng = new SplittableRandom(seed);
                    int inputs = 2 + rng.nextInt(7);
                    double T = 30e-3 + 30e-3 * rng.nextDouble();
                    Network net = NativeEventPropParityTest.randomNet(rng, seed, inputs, kinds[kk]);
                    List<EventSample> batch = NativeEventPropParityTest.randomBatch(rng, inputs, net.outputs(), 1 + rng.nextInt(12), T);
                    NativeEventProp.Loss loss = NativeEventPropParityTest.lossFor(kinds[kk], c).nativeLoss();
                    NativeEventProp.Result emu;
                    try {
                        emu = CudaEventProp.emulated(net, batch, T, loss, true, opt);
                    } catch (io.spikegrad.NativeException runaway) {
                        continue;
                    }
                    NativeEventProp.Result gpu = CudaEventProp.onDevice(dev, net, batch, T, loss, true, opt);
                    String where = kinds[kk] + " case " + c;
                    assertEquals(java.util.Arrays.toString(emu.spikeTotals()), java.util.Arrays.toString(gpu.spikeTotals()), where);
                    assertEquals(java.util.Arrays.toString(emu.predictions()), java.util.Arrays.toString(gpu.predictions()), where);
                    for (int l = 0; l < net.layers().size(); l++) {
                        worst = Math.max(worst, check(where + " weight " + l, emu.weightGrad()[l], gpu.weightGrad()[l]));
                        if (emu.recurrentGrad()[l] != null) {
                            worst = Math.max(worst, check(where + " recurrent " + l, emu.recurrentGrad()[l], gpu.recurrentGrad()[l]));
                        }
                    }
                    compared++;
                }
            }
        }
        System.out.printf("GPU EventProp v2 kinds on the device: %d networks, worst gradient deviation from the emulation "
                + "(rel. to max) %.2e%n", compared, worst);
        assertTrue(compared >= 16, "compared " + compared);
    }

    /** A strongly driven layer fires more spikes than the first spike-list capacity: the launcher grows it. */
    @Test
    void spikeListGrowsPastItsFirstCapacity() {
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network net = Network.builder().input(2).lif("h", 40, p).weights(Init.normal(30, 5)).lif("out", 2, p)
                .weights(Init.normal(0.5, 0.2)).build(3);
        double T = 0.2;
        double[] t = new double[400];
        int[] ch = new int[t.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = T * k / t.length;
            ch[k] = k % 2;
        }
        List<EventSample> batch = List.of(EventSample.of(2, t, ch, 0), EventSample.of(2, new double[] {0.01}, new int[] {1}, 1));
        Ref ref = reference(net, batch, T);
        NativeEventProp.Result gpu = CudaEventProp.emulated(net, batch, T, TAU0, TAU1, ALPHA);
        int first = 4096 + 16 * 42;
        assertTrue(ref.traces().get(0).spikeCount() > first, "the case must overflow the first capacity: "
                + ref.traces().get(0).spikeCount());
        assertEquals(ref.traces().get(0).spikeCount(), gpu.spikeTotals()[0]);
        assertEquals(ref.traces().get(1).spikeCount(), gpu.spikeTotals()[1]);
        assertTrue(Math.abs(gpu.loss() - ref.loss()) <= 1e-6 * Math.abs(ref.loss()), ref.loss() + " vs " + gpu.loss());
    }

    /** max |a - b| / max |a|, asserted <= 1e-6. */
    static double check(String what, double[] ref, double[] nat) {
        assertEquals(ref.length, nat.length, what);
        double max = 0, err = 0;
        for (int k = 0; k < ref.length; k++) {
            max = Math.max(max, Math.abs(ref[k]));
            err = Math.max(err, Math.abs(ref[k] - nat[k]));
        }
        double rel = max == 0 ? err : err / max;
        assertTrue(rel <= 1e-6 || err == 0, what + ": max error " + err + " vs max |g| " + max);
        return rel;
    }
}
