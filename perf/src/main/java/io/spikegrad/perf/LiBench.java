package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.Shape;
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
 * The leaky-integrator readout (sg_li_forward, sg_li_backward) over all T steps: a readout
 * of 10-20 neurons is small next to a hidden layer, and these two calls should stay so.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar LiBench -p neurons=20}.
 * Scores are microseconds per call over the whole [T][B][N] readout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LiBench {
    @Param({"cpu"})
    public String backend;

    @Param({"100"})
    public int steps;

    @Param({"64"})
    public int batch;

    @Param({"10", "20", "256"})
    public int neurons;

    private Backend b;
    private Arena a;
    private Shape shape;
    private LiTensors forward;
    private LiGradTensors grads;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create(backend, Integer.getInteger("spikegrad.threads", 2));
        a = b.newArena();
        shape = new Shape(steps, batch, neurons);
        int[] tbn = {steps, batch, neurons}, bn = {batch, neurons};
        SplittableRandom r = new SplittableRandom(3);
        var x = a.allocate("x", tbn);
        for (int k = 0; k < x.size(); k++) x.set(k, (float) r.nextGaussian());
        var gu = a.allocate("gradU", tbn);
        for (int k = 0; k < gu.size(); k++) gu.set(k, (float) r.nextGaussian());
        forward = new LiTensors(x, a.allocate("alpha", neurons).fill((float) Math.exp(-1.0 / 5)),
                a.allocate("beta", neurons).fill((float) Math.exp(-1.0 / 20)), a.allocate("i0", bn), a.allocate("u0", bn),
                a.allocate("u", tbn), a.allocate("iSave", tbn));
        grads = new LiGradTensors(gu, a.allocate("gradX", tbn), a.allocate("gradI0", bn), a.allocate("gradU0", bn),
                a.allocate("gradAlpha", neurons), a.allocate("gradBeta", neurons));
        b.liForward(shape, forward);
    }

    @Benchmark
    public Object forward() {
        b.liForward(shape, forward);
        return forward.u();
    }

    @Benchmark
    public Object backward() {
        b.liBackward(shape, forward, grads);
        return grads.gradX();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }
}
