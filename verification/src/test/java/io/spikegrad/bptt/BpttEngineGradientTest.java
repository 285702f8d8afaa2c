package io.spikegrad.bptt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.LifParams;
import io.spikegrad.Surrogate;
import io.spikegrad.loss.FiringRatePenalty;
import io.spikegrad.loss.Loss;
import io.spikegrad.loss.MembranePenalty;
import io.spikegrad.loss.SpikeCountPenalty;
import io.spikegrad.loss.SpikeCountCrossEntropy;
import io.spikegrad.loss.SumMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine's wiring (GEMM transposes, bias, recurrent weight gradient, layer-to-layer
 * gradient, decay-to-tau conversion) checked against central differences of the whole
 * network's loss, in smooth mode so the loss is differentiable. Tensors are float32, so
 * the step is large and the tolerance loose: enough to catch a wrong transpose or a
 * missing term, which give errors of order 1. The finite differences run on the reference
 * backend, whose kernels compute in double: a float32 backend's loss is too noisy for a
 * step this small. Native backends are held to the reference's gradients instead
 * ({@link #nativeEngineMatchesReferenceEngine}).
 */
class BpttEngineGradientTest {

    static Network net(boolean recurrent, boolean spikingReadout) {
        LifParams p = LifParams.of(10e-3, 4e-3, 1.0);
        Network.Builder b = Network.builder().input(4);
        if (recurrent) b.recurrentLif("h1", 6, p).recurrentWeights(Init.normal(0, 0.4));
        else b.lif("h1", 6, p);
        b.weights(Init.normal(0.8, 0.8)).withBias();
        b.lif("h2", 5, p).weights(Init.normal(0.5, 0.8));
        if (spikingReadout) b.lif("out", 3, p).weights(Init.normal(0.5, 1.0)).withBias();
        else b.readout("out", 3, p).weights(Init.normal(0, 1)).withBias();
        return b.build(7);
    }

    @Test
    void feedForwardLiReadout() {
        check("reference", net(false, false), new SumMembraneCrossEntropy());
    }

    @Test
    void recurrentLiReadout() {
        check("reference", net(true, false), new SumMembraneCrossEntropy());
    }

    @Test
    void spikingReadoutSpikeCount() {
        check("reference", net(false, true), new SpikeCountCrossEntropy());
    }

    /** Regularisers on hidden spikes (h1) and membranes (h2) join the loss and its gradient. */
    @Test
    void regularisersFlowThroughTheEngine() {
        check("reference", net(false, false), new SumMembraneCrossEntropy(), e -> e
                .regularize("h1", new SpikeCountPenalty(0.05))
                .regularize("h2", MembranePenalty.band(0.5, 0.2, -0.3))
                .regularize("h2", FiringRatePenalty.toTarget(2.0, 0.1)));
    }

    /**
     * With the default learnable flags (weights and biases only) a LIF layer's backward does
     * not form the tau and threshold gradients: they come back zero, and every other gradient
     * has the bits of a run where all parameters are learnable (the skipped sums feed nothing
     * else). An LI readout still forms its tau gradients.
     */
    @ParameterizedTest(name = "{0} recurrent={1}")
    @CsvSource({"cpu,false", "cpu,true", "reference,false"})
    void frozenNeuronParametersAreLeftOutAndTheRestKeepsItsBits(String backendName, boolean recurrent) {
        assumeTrue(Backends.available().contains(backendName), backendName + " is not available here");
        Network frozen = net(recurrent, false), all = net(recurrent, false);
        for (Parameter p : all.parameters()) p.setLearnable(true);
        int steps = 25, batch = 3;
        SplittableRandom r = new SplittableRandom(5);
        float[] input = new float[steps * batch * frozen.inputs()];
        for (int k = 0; k < input.length; k++) input[k] = r.nextDouble() < 0.3 ? 1f : 0f;
        int[] labels = {0, 2, 1};
        BpttSettings s = BpttSettings.of(1e-3, Surrogate.fastSigmoid(5));
        for (Network n : new Network[] {frozen, all}) {
            // stale values from an earlier use must not survive a run that leaves the gradient out
            for (Parameter p : n.parameters()) Arrays.fill(p.grad(), 9f);
            try (Backend b = Backends.create(backendName, 2); BpttEngine e = new BpttEngine(n, b, s)) {
                e.run(input, steps, batch, new SumMembraneCrossEntropy(), labels, true);
            }
        }
        int skipped = 0;
        for (int l = 0; l < frozen.layers().size(); l++) {
            Layer lf = frozen.layers().get(l), la = all.layers().get(l);
            boolean lif = lf.kind() == Layer.Kind.LIF;
            List<Parameter> pf = lf.parameters(), pa = la.parameters();
            for (int i = 0; i < pf.size(); i++) {
                Parameter f = pf.get(i), a = pa.get(i);
                boolean neuron = f == lf.tauMem() || f == lf.tauSyn() || f == lf.threshold();
                if (lif && neuron) {
                    double norm = 0;
                    for (float v : a.grad()) norm += Math.abs(v);
                    assertTrue(norm > 0, a.name() + ": the learnable run's gradient is all zero, so this case checks nothing");
                    for (float v : f.grad()) assertEquals(0f, v, f.name() + " is not learnable: its gradient is left out (zero)");
                    skipped++;
                } else {
                    assertArrayEquals(a.grad(), f.grad(), f.name());
                }
            }
        }
        assertTrue(skipped >= 4, "tau and threshold gradients of both LIF layers were checked: " + skipped);
    }

    /** Whole-network gradients of a native backend against the reference backend (Heaviside forward). */
    @ParameterizedTest(name = "{0} recurrent={1} spikingReadout={2}")
    @CsvSource({"cpu,false,false", "cpu,true,false", "cpu,false,true", "cuda,true,false"})
    void nativeEngineMatchesReferenceEngine(String backendName, boolean recurrent, boolean spiking) {
        compareEngines(backendName, recurrent, spiking, BpttSettings.of(1e-3, Surrogate.fastSigmoid(5)), false);
    }

    /**
     * The sparse backward: a compact surrogate (exact) and the opt-in cut-off (approximate, but
     * the same approximation in both engines) compute dL/dS of the first hidden layer with the
     * masked product; the gradients still match the reference engine's.
     */
    @ParameterizedTest(name = "{0} {1} cutoff={2} recurrent={3}")
    @CsvSource({"cpu,TRIANGLE,0.0,false", "cpu,FAST_SIGMOID,1.5,false", "cpu,FAST_SIGMOID,1.5,true", "cuda,TRIANGLE,0.0,false"})
    void sparseBackwardMatchesReferenceEngine(String backendName, Surrogate.Kind kind, double cutoff, boolean recurrent) {
        Surrogate sur = kind == Surrogate.Kind.TRIANGLE ? new Surrogate(kind, 0.2, 1) : Surrogate.fastSigmoid(5);
        compareEngines(backendName, recurrent, false, new BpttSettings(1e-3, sur, false, false, cutoff), true);
    }

    private static void compareEngines(String backendName, boolean recurrent, boolean spiking, BpttSettings s, boolean expectMasked) {
        assumeTrue(Backends.available().contains(backendName), backendName + " is not available here");
        int steps = 25, batch = 3;
        SplittableRandom r = new SplittableRandom(11);
        Network netRef = net(recurrent, spiking), netNat = net(recurrent, spiking);
        // every parameter learnable, so the tau and threshold gradients are formed and compared too
        for (Network n : new Network[] {netRef, netNat}) for (Parameter p : n.parameters()) p.setLearnable(true);
        float[] input = new float[steps * batch * netRef.inputs()];
        for (int k = 0; k < input.length; k++) input[k] = r.nextDouble() < 0.3 ? 1f : 0f;
        int[] labels = {0, 2, 1};
        Loss loss = spiking ? new SpikeCountCrossEntropy() : new SumMembraneCrossEntropy();
        double refLoss, natLoss;
        try (Backend ref = Backends.create("reference", 1); BpttEngine e = new BpttEngine(netRef, ref, s)) {
            refLoss = e.run(input, steps, batch, loss, labels, true).loss();
        }
        try (Backend nat = Backends.create(backendName, 2); BpttEngine e = new BpttEngine(netNat, nat, s)) {
            if (expectMasked) e.maskedProduct(true);  // these layers are far below the size where it pays
            natLoss = e.run(input, steps, batch, loss, labels, true).loss();
            assertEquals(expectMasked, e.lastMasked()[0], "masked product for the first hidden layer");
            if (!expectMasked) {
                // every layer above is narrow: each LIF layer forms its dL/dS in its backward
                assertTrue(e.lastFused()[0], "h1's dL/dS inside its backward");
                assertTrue(e.lastFused()[1], "h2's dL/dS inside its backward");
            }
        }
        assertEquals(refLoss, natLoss, 1e-5 * Math.abs(refLoss), "loss");
        for (int i = 0; i < netRef.parameters().size(); i++) {
            float[] a = netRef.parameters().get(i).grad(), b = netNat.parameters().get(i).grad();
            double num = 0, den = 0;
            for (int k = 0; k < a.length; k++) {
                num += (a[k] - b[k]) * (double) (a[k] - b[k]);
                den += a[k] * (double) a[k];
            }
            String name = netRef.parameters().get(i).name();
            assertTrue(den > 0, name + ": the reference gradient is all zero, so this case checks nothing");
            assertTrue(num / den < 1e-8, name + ": normalised squared error " + num / den + " >= 1e-8");
        }
    }

    private static void check(String backendName, Network net, Loss loss) {
        check(backendName, net, loss, e -> { });
    }

    private static void check(String backendName, Network net, Loss loss, java.util.function.Consumer<BpttEngine> setup) {
        int steps = 15, batch = 2;
        SplittableRandom r = new SplittableRandom(3);
        float[] input = new float[steps * batch * net.inputs()];
        for (int k = 0; k < input.length; k++) input[k] = r.nextDouble() < 0.3 ? 1f : 0f;
        int[] labels = {0, 2};
        BpttSettings s = new BpttSettings(1e-3, Surrogate.sigmoid(4), false, true);
        for (Parameter p : net.parameters()) p.setLearnable(true);
        try (Backend backend = Backends.create(backendName, 2); BpttEngine e = new BpttEngine(net, backend, s)) {
            setup.accept(e);
            BpttEngine.Result first = e.run(input, steps, batch, loss, labels, true);
            if (first.penalty() != 0) assertTrue(first.penalty() > 1e-4, "the regularisers must contribute: " + first.penalty());
            int checked = 0;
            double worst = 0;
            for (Parameter p : net.parameters()) {
                float[] analytic = p.grad().clone();
                double scale = 0;
                for (float g : analytic) scale = Math.max(scale, Math.abs(g));
                for (int k = 0; k < p.size(); k += Math.max(1, p.size() / 7)) {
                    float[] v = p.value();
                    float old = v[k];
                    float h = Math.max(1e-3f * Math.abs(old), 1e-4f);
                    if (p.name().endsWith("tau_mem") || p.name().endsWith("tau_syn")) h = 1e-6f;
                    v[k] = old + h;
                    double up = e.run(input, steps, batch, loss, labels, false).loss();
                    v[k] = old - h;
                    double down = e.run(input, steps, batch, loss, labels, false).loss();
                    v[k] = old;
                    double fd = (up - down) / (2.0 * h);
                    double err = Math.abs(fd - analytic[k]) / Math.max(Math.abs(fd), Math.max(Math.abs(analytic[k]), 0.05 * scale + 1e-6));
                    worst = Math.max(worst, err);
                    assertTrue(err < 0.02, p.name() + "[" + k + "]: finite difference " + fd + " vs analytic " + analytic[k]);
                    checked++;
                }
            }
            assertTrue(checked > 30, "checked only " + checked + " entries");
            System.out.printf("engine FD check %s %s: %d entries, worst relative error %.2e%n", backendName, loss.name(), checked, worst);
        }
    }
}
