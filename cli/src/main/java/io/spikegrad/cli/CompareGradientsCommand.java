package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.Binning;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.EventSample;
import io.spikegrad.eventprop.EventLoss;
import io.spikegrad.eventprop.EventLosses;
import io.spikegrad.eventprop.EventProp;
import io.spikegrad.loss.Loss;
import io.spikegrad.loss.MaxMembraneCrossEntropy;
import io.spikegrad.loss.SumMembraneCrossEntropy;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.train.DatasetBatches;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikegrad compare-gradients}: for one network and batch, the exact EventProp
 * gradient (continuous time) against the surrogate-BPTT gradient of the same loss at a given
 * dt and surrogate; per weight tensor, the cosine similarity and the norm ratio. The loss is
 * cross-entropy on the leaky-integrator readout's maximum (or time average) membrane, which
 * both methods define; BPTT also rounds the input spike times onto its grid, which is part of
 * the bias being measured.
 *
 * <p>Also prints the memory each method needs per sample on this network and batch, both
 * measured: EventProp's is what the native kernel reports it kept for the backward (20 bytes per
 * spike, 36 per readout neuron, eventprop.h); BPTT's is the growth of the engine's tensors
 * ({@link BpttEngine#bytes()}) from a batch of B to one of 2B samples, divided by B, i.e. every
 * per-sample tensor the engine allocates (whatever its layout: it is measured, not derived).
 */
@Command(name = "compare-gradients", mixinStandardHelpOptions = true,
        description = "Compare exact EventProp gradients with surrogate-BPTT gradients on one batch.")
final class CompareGradientsCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "yinyang", description = "task (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--model", description = "a BPTT training output directory: compare at its trained weights")
    Path model;

    @Option(names = "--batch", defaultValue = "32", description = "samples (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--dt", defaultValue = "0.5e-3", description = "BPTT step, seconds (default: ${DEFAULT-VALUE})")
    double dt;

    @Option(names = "--surrogate", defaultValue = "fast_sigmoid:4", description = "BPTT surrogate KIND:SCALE (default: ${DEFAULT-VALUE})")
    String surrogate;

    @Option(names = "--detach-reset", description = "detach the reset in BPTT (default: off, the exact model's reset carries gradient)")
    boolean detach;

    @Option(names = "--loss", defaultValue = "max", description = "max or mean readout membrane (default: ${DEFAULT-VALUE})")
    String lossName;

    @Option(names = "--seed", defaultValue = "1", description = "seed of a fresh network (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Task t = Task.named(task, null);
        Network proto = TrainedModel.networkFor(t, model, t.defaults(), seed);
        for (Layer l : proto.layers()) {
            if (l.bias() != null || l.isRecurrent()) throw new IllegalArgumentException("compare-gradients needs a feed-forward network without bias");
        }
        boolean max = switch (lossName) {
            case "max" -> true;
            case "mean" -> false;
            default -> throw new IllegalArgumentException("--loss must be max or mean, got '" + lossName + "'");
        };
        Dataset data = t.events("train");
        int b = Math.min(batch, data.size());
        List<EventSample> samples = new ArrayList<>(data.samples().subList(0, b));

        // exact: EventProp on the continuous-time model
        Network ep = proto.copy();
        EventLoss epLoss = max ? EventLosses.maxVoltageCrossEntropy() : EventLosses.meanVoltageCrossEntropy();
        EventProp eventProp = new EventProp(t.duration());
        double lossEp = eventProp.lossAndGradient(ep, samples, epLoss);
        NativeEventProp.Result nat = NativeEventProp.evaluate(ep, samples, t.duration(), epLoss.nativeLoss());
        double epBytes = 0, epSpikes = 0;
        for (int i = 0; i < b; i++) {
            epBytes += nat.storedBytes()[i];
            epSpikes += nat.spikeTotals()[i];
        }
        epBytes /= b;
        epSpikes /= b;

        // surrogate BPTT on the grid of dt
        Network bp = proto.copy();
        int steps = Binning.stepsFor(t.duration(), dt);
        Loss loss = max ? new MaxMembraneCrossEntropy() : new SumMembraneCrossEntropy();
        BpttSettings settings = new BpttSettings(dt, Args.surrogate(surrogate), detach, false);
        double lossBp;
        long engineB, engine2B;
        try (Backend be = Backends.best()) {
            try (BpttEngine e = new BpttEngine(bp, be, settings)) {
                lossBp = run(e, data, dt, steps, b, loss);
                engineB = e.bytes();
            }
            if (2 * b > data.size()) throw new IllegalArgumentException("--batch must be at most half the training set to measure BPTT memory");
            try (BpttEngine e = new BpttEngine(proto.copy(), be, settings)) {
                run(e, data, dt, steps, 2 * b, loss);
                engine2B = e.bytes();
            }
        }
        int neurons = 0;
        for (Layer l : proto.layers()) neurons += l.size();
        double bpBytes = (engine2B - engineB) / (double) b;
        System.err.printf("stored per sample: EventProp %.0f bytes (%.1f spikes x 20 B + %d readout x 36 B, native kernel); "
                        + "BPTT at dt = %.3g s %.0f bytes (%d steps x %d neurons, the engine's tensors): %.0fx%n",
                epBytes, epSpikes, proto.outputs(), dt, bpBytes, steps, neurons, bpBytes / epBytes);

        JsonArray layers = new JsonArray();
        System.err.printf("%-14s %10s %12s%n", "tensor", "cosine", "|bptt|/|ep|");
        for (Layer l : proto.layers()) {
            float[] g1 = ep.parameter(l.weight().name()).grad(), g2 = bp.parameter(l.weight().name()).grad();
            double dot = 0, n1 = 0, n2 = 0;
            for (int k = 0; k < g1.length; k++) {
                dot += (double) g1[k] * g2[k];
                n1 += (double) g1[k] * g1[k];
                n2 += (double) g2[k] * g2[k];
            }
            double cos = dot / Math.sqrt(n1 * n2), ratio = Math.sqrt(n2 / n1);
            System.err.printf("%-14s %10.4f %12.4f%n", l.weight().name(), cos, ratio);
            JsonObject o = new JsonObject();
            o.addProperty("tensor", l.weight().name());
            o.addProperty("cosine", cos);
            o.addProperty("norm_ratio", ratio);
            layers.add(o);
        }
        JsonObject s = new JsonObject();
        s.addProperty("task", t.name());
        s.addProperty("batch", b);
        s.addProperty("dt", dt);
        s.addProperty("surrogate", surrogate);
        s.addProperty("loss_eventprop", lossEp);
        s.addProperty("loss_bptt", lossBp);
        s.add("layers", layers);
        s.addProperty("eventprop_bytes_per_sample", epBytes);
        s.addProperty("eventprop_spikes_per_sample", epSpikes);
        s.addProperty("bptt_bytes_per_sample", bpBytes);
        s.addProperty("bptt_steps", steps);
        s.addProperty("eventprop_clamped_spikes", eventProp.clampedSpikes());
        s.addProperty("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(Json.GSON.toJson(s));
        return 0;
    }

    /** One forward and backward of the first {@code n} samples on the grid of dt; returns the loss. */
    private static double run(BpttEngine e, Dataset data, double dt, int steps, int n, Loss loss) {
        DatasetBatches grid = new DatasetBatches(data, dt, steps);
        int[] idx = new int[n], labels = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        float[] input = new float[steps * n * data.channels()];
        grid.fill(idx, input, labels);
        return e.run(input, steps, n, loss, labels, true).loss();
    }
}
