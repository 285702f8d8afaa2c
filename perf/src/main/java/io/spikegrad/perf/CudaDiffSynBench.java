package io.spikegrad.perf;

import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.cuda.CudaBackend;
import io.spikegrad.cuda.CudaDiffSyn;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynGate;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.PredictiveCoding;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step's loss and gradients of the differentiable synapse (forward + exact adjoint + batch mean)
 * on the predictive-coding task of {@code train --method diffsyn} (NIF, bump gate, fast recurrence, 0.6 s at
 * dt = 0.2 ms: T = 3000 steps), including the host/device copies of one batch. {@code engine}: "cuda"
 * ({@code sg_diffsyn_forward_backward_cuda}) or "cpu" (the native kernel on all cores, for comparison on the
 * same machine). Skipped (setup fails with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaDiffSynBench}. Score: milliseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CudaDiffSynBench {
    @Param({"8", "64"})
    public int batch;

    @Param({"30", "200"})
    public int neurons;

    @Param({"cuda", "cpu"})
    public String engine;

    CudaBackend b;
    DiffSynEngine e;
    DiffSynModel model;
    DiffSynParams params;
    DiffSynBatch data;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        e = engine.equals("cuda") ? CudaDiffSyn.onDevice(b) : new NativeDiffSyn(Runtime.getRuntime().availableProcessors());
        PredictiveCoding.Settings s = new PredictiveCoding.Settings(neurons, 2e-4, 25, 3, 1.2);
        model = PredictiveCoding.model(s, DiffSynGate.BUMP, 0.2, 3e-3, true);
        params = DiffSynParams.random(model, new DiffSynParams.Init(0.5, 0, 0, 0, 5, 0, 0, 0.05), new SplittableRandom(3));
        data = PredictiveCoding.batch(s, model, batch, 0.6, new SplittableRandom(4));
    }

    @Benchmark
    public Object lossAndGradient() {
        return e.run(model, params, data, DiffSynEngine.Request.TRAIN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (b != null) b.close();
    }
}
