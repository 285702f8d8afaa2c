package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.LifParams;
import io.spikegrad.Surrogate;
import io.spikegrad.Tensor;
import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.loss.SumMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import io.spikegrad.train.Optimizer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikegrad bench}: training iterations (forward, loss, backward, one Adam step) on
 * the reference configurations, timed per iteration; one JSON line with the median, min and
 * max ms, samples per second, peak RSS and the hidden layers' spike rates.
 *
 * <ul>
 *   <li>shd-ff: 700 Bernoulli inputs at p = 0.05 per step, 700 -&gt; 256 LIF -&gt; 20 LI, T = 100, B = 64</li>
 *   <li>shd-rec: as shd-ff with a recurrent 256 -&gt; 256 hidden layer</li>
 *   <li>deep: 784 inputs at p = 0.10, 784 -&gt; 1024 LIF -&gt; 1024 LIF -&gt; 10 LI, T = 50, B = 128</li>
 * </ul>
 * LIF: tau_mem 20 ms, tau_syn 5 ms, dt 1 ms, threshold 1, reset by subtraction; loss:
 * cross-entropy on the summed readout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time training iterations on a reference configuration.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "shd-ff", description = "shd-ff, shd-rec or deep (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--backend", description = "cpu, reference or cuda (default: the best available)")
    String backend;

    @Option(names = "--threads", defaultValue = "2", description = "threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--iters", defaultValue = "30", description = "timed iterations (default: ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed iterations first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--surrogate", defaultValue = "fast_sigmoid:10", description = "surrogate KIND:SCALE (default: ${DEFAULT-VALUE})")
    String surrogate;

    @Option(names = "--grad-cutoff", defaultValue = "0", description = "opt-in sparse backward: surrogate derivatives below this "
            + "count as 0 (an approximation; default ${DEFAULT-VALUE} = exact)")
    double gradCutoff;

    /** One reference configuration. */
    record Config(String name, int inputs, double p, int[] hidden, boolean recurrent, int classes, int steps, int batch,
                  double[] initMean, double[] initStd) {}

    static Config config(String name) {
        return switch (name) {
            case "shd-ff" -> new Config(name, 700, 0.05, new int[] {256}, false, 20, 100, 64,
                    new double[] {0.01, 0.0}, new double[] {0.12, 0.2});
            case "shd-rec" -> new Config(name, 700, 0.05, new int[] {256}, true, 20, 100, 64,
                    new double[] {0.01, 0.0}, new double[] {0.12, 0.2});
            case "deep" -> new Config(name, 784, 0.10, new int[] {1024, 1024}, false, 10, 50, 128,
                    new double[] {0.004, 0.003, 0.0}, new double[] {0.08, 0.06, 0.1});
            default -> throw new IllegalArgumentException("--config must be shd-ff, shd-rec or deep, got '" + name + "'");
        };
    }

    static Network network(Config c, long seed) {
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network.Builder b = Network.builder().input(c.inputs());
        for (int l = 0; l < c.hidden().length; l++) {
            if (c.recurrent()) b.recurrentLif("hidden" + l, c.hidden()[l], p).recurrentWeights(Init.normal(0, 0.5 / Math.sqrt(c.hidden()[l])));
            else b.lif("hidden" + l, c.hidden()[l], p);
            b.weights(Init.normal(c.initMean()[l], c.initStd()[l]));
        }
        b.readout("out", c.classes(), p).weights(Init.normal(c.initMean()[c.hidden().length], c.initStd()[c.hidden().length]));
        return b.build(seed);
    }

    private static double sumMs(double[] ms) {
        double t = 0;
        for (double m : ms) t += m;
        return t;
    }

    private static int spikingNeurons(Network net) {
        int n = 0;
        for (var l : net.layers()) n += l.size();
        return n;
    }

    @Override
    public Integer call() {
        Config c = config(config);
        if (iters < 1) throw new IllegalArgumentException("--iters must be >= 1, got " + iters);
        Network net = network(c, 1);
        // a few fixed input batches, cycled, so input generation is not timed
        SplittableRandom rng = new SplittableRandom(7);
        byte[][] inputs = new byte[4][c.steps() * c.batch() * c.inputs()];
        for (byte[] in : inputs) for (int k = 0; k < in.length; k++) in[k] = (byte) (rng.nextDouble() < c.p() ? 1 : 0);
        int[] labels = new int[c.batch()];
        for (int b = 0; b < labels.length; b++) labels[b] = b % c.classes();
        Optimizer adam = Optimizer.adam(1e-3);
        List<Parameter> params = net.parameters();
        double[] ms = new double[iters];
        double[] spikes = new double[c.hidden().length];
        try (Backend be = backend == null ? Backends.best(threads) : Backends.create(backend, threads);
             Arena data = be.newArena();
             BpttEngine engine = new BpttEngine(net, be, new BpttSettings(1e-3, Args.surrogate(surrogate), false, false, gradCutoff))) {
            // the batches live in the backend as spike rasters (bits where it takes them, else
            // bytes), uploaded once, as a data pipeline that keeps its batches on the device would
            DType raster = be.supports(DType.BIT) ? DType.BIT : DType.U8;
            Tensor[] batches = new Tensor[inputs.length];
            for (int k = 0; k < inputs.length; k++) {
                float[] f = new float[inputs[k].length];
                for (int q = 0; q < f.length; q++) f[q] = inputs[k][q];
                batches[k] = data.allocate(raster, "batch" + k, c.steps(), c.batch(), c.inputs()).copyFrom(f);
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            for (int it = 0; it < warmup + iters; it++) {
                if (it == warmup) {
                    engine.timings().reset();
                    cpu0 = os.getProcessCpuTime();
                }
                long t0 = System.nanoTime();
                BpttEngine.Result r = engine.run(batches[it % batches.length], c.steps(), c.batch(), new SumMembraneCrossEntropy(), labels, true);
                adam.step(params, 1e-3);
                long t1 = System.nanoTime();
                if (it >= warmup) {
                    ms[it - warmup] = (t1 - t0) / 1e6;
                    for (int l = 0; l < spikes.length; l++) spikes[l] += r.spikeCounts()[l];
                }
            }
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / iters;
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = iters % 2 == 1 ? sorted[iters / 2] : 0.5 * (sorted[iters / 2 - 1] + sorted[iters / 2]);
            JsonObject s = new JsonObject();
            s.addProperty("config", c.name());
            s.addProperty("backend", be.name());
            s.addProperty("threads", threads);
            s.addProperty("iters", iters);
            s.addProperty("median_ms", median);
            s.addProperty("min_ms", sorted[0]);
            s.addProperty("max_ms", sorted[iters - 1]);
            s.addProperty("samples_per_second", c.batch() / (median / 1e3));
            // CPU time of the whole process per iteration, all threads: on a busy machine,
            // cpu_ms / threads is closer to what an idle one would take than the wall clock
            s.addProperty("cpu_ms_per_iter", cpuMs);
            s.addProperty("peak_rss_mb", Memory.peakRssBytes() / 1048576.0);
            s.addProperty("engine_tensor_mb", engine.bytes() / 1048576.0);
            JsonArray rates = new JsonArray();
            for (int l = 0; l < spikes.length; l++) rates.add(spikes[l] / ((double) iters * c.steps() * c.batch() * c.hidden()[l]));
            s.add("hidden_spike_rates", rates);
            JsonArray kernels = new JsonArray();
            boolean[] sparse = engine.lastSparse(), sparseGrad = engine.lastSparseGrad();
            boolean[] masked = engine.lastMasked();
            double[] needed = engine.lastMaskedFraction();
            boolean[] fused = engine.lastFused();
            for (int l = 0; l < sparse.length; l++) {
                kernels.add(net.layers().get(l).name() + ": input " + (sparse[l] ? "sparse" : "dense") + ", weight grad "
                        + (sparseGrad[l] ? "sparse" : "dense") + (l < masked.length - 1 && net.layers().get(l).kind() == io.spikegrad.net.Layer.Kind.LIF
                        ? ", dL/dS " + (masked[l] ? String.format(java.util.Locale.ROOT, "masked (%.3f needed)", needed[l])
                        : fused[l] ? "dense, inside lifBackward" : "dense") : ""));
            }
            s.add("kernels", kernels);
            BpttEngine.Timings tm = engine.timings();
            JsonObject phases = new JsonObject();
            phases.addProperty("forward", tm.forwardNanos() / 1e6 / tm.runs());
            phases.addProperty("loss", tm.lossNanos() / 1e6 / tm.runs());
            phases.addProperty("backward", tm.backwardNanos() / 1e6 / tm.runs());
            phases.addProperty("optimizer", (sumMs(ms) - (tm.forwardNanos() + tm.lossNanos() + tm.backwardNanos()) / 1e6) / iters);
            s.add("mean_ms_by_phase", phases);
            JsonObject perKernel = new JsonObject();
            tm.kernelNanos().forEach((k, v) -> perKernel.addProperty(k, v / 1e6 / tm.runs()));
            s.add("mean_ms_by_kernel", perKernel);
            s.addProperty("saved_bytes_per_neuron_step", (double) engine.savedBytesPerSample() / (c.steps() * (double) spikingNeurons(net)));
            System.out.println(Json.GSON.toJson(s));
        }
        return 0;
    }
}
