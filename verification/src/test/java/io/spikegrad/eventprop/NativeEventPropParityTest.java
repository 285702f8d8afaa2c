package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.EventSample;
import io.spikegrad.data.YinYang;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The native CPU EventProp kernel (eventprop.h via {@link NativeEventProp}) against the pure-Java
 * double reference ({@link EventProp} with {@link EventLosses#firstSpikeCrossEntropy}) on random
 * feed-forward LIF stacks: same spikes, same loss, same gradients to rounding.
 */
class NativeEventPropParityTest {
    static final double TAU0 = 0.5e-3, TAU1 = 6.4e-3, ALPHA = 0.003;

    /** Reference mean loss and gradients of a batch, plus per-sample traces. */
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
        int hidden = 1 + rng.nextInt(2);
        int fanIn = inputs;
        for (int h = 0; h <= hidden; h++) {
            boolean out = h == hidden;
            int size = out ? 2 + rng.nextInt(4) : 3 + rng.nextInt(40);
            double tauMem = 10e-3 + 20e-3 * rng.nextDouble();
            double tauSyn = rng.nextInt(5) == 0 ? tauMem : 2e-3 + 8e-3 * rng.nextDouble();   // equal constants sometimes
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
                t[e] = rng.nextDouble() * 1.1 * T;          // some after T: ignored by both
                ch[e] = rng.nextInt(inputs);
            }
            out.add(EventSample.of(inputs, t, ch, rng.nextInt(classes)));
        }
        return out;
    }

    @Test
    void nativeMatchesReferenceOnRandomNetworks() {
        int compared = 0, skipped = 0;
        double worstTime = 0, worstLoss = 0, worstGrad = 0;
        long totalSpikes = 0, outputSpikes = 0;
        for (int c = 0; c < 40 && compared < 30; c++) {
            SplittableRandom rng = new SplittableRandom(1000 + c);
            int inputs = 2 + rng.nextInt(7);
            double T = 30e-3 + 30e-3 * rng.nextDouble();
            Network net = randomNet(rng, c, inputs);
            List<EventSample> batch = randomBatch(rng, inputs, net.outputs(), 1 + rng.nextInt(12), T);
            Ref ref = reference(net, batch, T);
            if (ref.grad().clampedSpikes() > 0) {
                skipped++;
                continue;
            }
            NativeEventProp.Result nat = NativeEventProp.lossAndGradient(net, batch, T, TAU0, TAU1, ALPHA);
            assertEquals(0, nat.clampedSpikes(), "case " + c);
            int C = net.outputs(), off = EventPropModel.of(net).offset(net.layers().size() - 1);
            for (int b = 0; b < batch.size(); b++) {
                ForwardTrace tr = ref.traces().get(b);
                String where = "case " + c + " sample " + b;
                assertEquals(tr.spikeCount(), nat.spikeTotals()[b], where + " spike total");
                totalSpikes += tr.spikeCount();
                assertEquals(ref.predictions()[b], nat.predictions()[b], where + " prediction");
                for (int o = 0; o < C; o++) {
                    assertEquals(tr.spikeCount(off + o), nat.outputCounts()[b][o], where + " output " + o + " count");
                    outputSpikes += tr.spikeCount(off + o);
                    int k = tr.firstSpike(off + o);
                    if (k < 0) {
                        assertEquals(Double.POSITIVE_INFINITY, nat.firstTimes()[b][o], where);
                    } else {
                        double rel = Math.abs(nat.firstTimes()[b][o] - tr.spikeTime(k)) / tr.spikeTime(k);
                        worstTime = Math.max(worstTime, rel);
                        assertTrue(rel <= 1e-4, where + " first time " + tr.spikeTime(k) + " vs " + nat.firstTimes()[b][o]);
                    }
                }
            }
            double relLoss = Math.abs(nat.loss() - ref.loss()) / Math.max(1e-300, Math.abs(ref.loss()));
            worstLoss = Math.max(worstLoss, relLoss);
            assertTrue(relLoss <= 1e-6, "case " + c + " loss " + ref.loss() + " vs " + nat.loss());
            for (int l = 0; l < net.layers().size(); l++) {
                worstGrad = Math.max(worstGrad, check("case " + c + " weight " + l, ref.grad().weight(l), nat.weightGrad()[l]));
                worstGrad = Math.max(worstGrad, check("case " + c + " threshold " + l, ref.grad().threshold(l), nat.thresholdGrad()[l]));
                float[] g = net.layers().get(l).weight().grad();
                for (int k = 0; k < g.length; k++) assertEquals((float) nat.weightGrad()[l][k], g[k]);
            }
            compared++;
        }
        System.out.printf("native EventProp parity: %d cases compared (%d skipped for a reference Vdot clamp), %d spikes (%d output); "
                + "worst rel. first-spike time %.2e, loss %.2e, gradient (rel. to max) %.2e%n",
                compared, skipped, totalSpikes, outputSpikes, worstTime, worstLoss, worstGrad);
        assertTrue(compared >= 20, "compared " + compared);
        assertTrue(outputSpikes > 0, "some output spikes");
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

    /** 5-200-3 Yin-Yang, batches of 32: agreement and wall time of native vs reference. */
    @Test
    void yinYangSpeed() {
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network net = Network.builder().input(YinYang.CHANNELS)
                .lif("hidden", 200, p).weights(Init.normal(1.5, 0.78))
                .lif("out", 3, p).weights(Init.normal(0.93, 0.1))
                .build(4);
        Dataset data = YinYang.train();
        double T = 60e-3;
        int batches = 20, B = 32;
        List<List<EventSample>> bs = new ArrayList<>();
        for (int i = 0; i < batches; i++) bs.add(data.samples().subList(i * B, (i + 1) * B));
        // warm-up both
        reference(net, bs.get(0), T);
        NativeEventProp.lossAndGradient(net, bs.get(0), T, TAU0, TAU1, ALPHA);
        long t0 = System.nanoTime();
        double[] refLoss = new double[batches];
        for (int i = 0; i < batches; i++) refLoss[i] = reference(net, bs.get(i), T).loss();
        long t1 = System.nanoTime();
        double[] natLoss = new double[batches];
        for (int i = 0; i < batches; i++) natLoss[i] = NativeEventProp.lossAndGradient(net, bs.get(i), T, TAU0, TAU1, ALPHA).loss();
        long t2 = System.nanoTime();
        for (int i = 0; i < batches; i++) assertEquals(refLoss[i], natLoss[i], 1e-9 * Math.abs(refLoss[i]), "batch " + i);
        System.out.printf("EventProp 5-200-3 Yin-Yang, %d batches of %d: Java reference %.1f ms, native %.1f ms (%d cores), speed-up %.1fx%n",
                batches, B, (t1 - t0) / 1e6, (t2 - t1) / 1e6, Runtime.getRuntime().availableProcessors(), (t1 - t0) / (double) (t2 - t1));
    }
}
