package io.spikegrad.perf;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sweep shared by the LIF kernel benchmarks: backend, shape, drive (which sets the spike
 * density, printed at setup) and recurrence. Threads: -jvmArgsAppend -Dspikegrad.threads=N.
 */
@State(Scope.Benchmark)
public abstract class LifBenchState {
    @Param({"cpu"})
    public String backend;

    @Param({"100"})
    public int steps;

    @Param({"64"})
    public int batch;

    @Param({"256", "1024"})
    public int neurons;

    @Param({"0.3", "1.0"})
    public double drive;

    @Param({"false", "true"})
    public boolean recurrent;

    /** Spike raster type: U8 as the engine keeps hidden layers, or F32. */
    @Param({"U8"})
    public String spikes;

    /** Surrogate cut-off of the opt-in sparse backward (0 = exact). */
    @Param({"0"})
    public double cutoff;

    protected Backend b;
    protected LifState s;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create(backend, Integer.getInteger("spikegrad.threads", 2));
        s = new LifState(b, steps, batch, neurons, drive, recurrent, io.spikegrad.DType.valueOf(spikes), cutoff, 1);
        b.lifForward(s.config, s.forward);
        System.out.printf("%n[%s] spike density %.4f per neuron-step%n", getClass().getSimpleName(), s.spikeDensity());
        afterSetup();
    }

    /** More set-up of a subclass, after the layer's forward ran (JMH does not order two @Setup methods). */
    protected void afterSetup() {
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
        b.close();
    }
}
