package io.spikegrad.perf;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.LifParams;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.data.EventSample;
import io.spikegrad.data.YinYang;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import java.util.List;
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
 * The native EventProp kernel (sg_eventprop_batch: event-driven forward, event-sorted adjoint,
 * batch-mean gradients) on Yin-Yang: 5 inputs, {@code hidden} LIF neurons (feed-forward or
 * recurrent), 3 outputs, 60 ms, first-spike loss with the paper's regulariser, the weights
 * of the paper's figure 4. The work grows with the number of spikes, so {@code hiddenMean}
 * (the mean of the hidden weights' normal initialisation) sweeps the spike density; setup
 * prints spikes per sample.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar EventPropBench}; threads:
 * {@code -jvmArgsAppend -Dspikegrad.threads=N} (default 2). Score: milliseconds per batch;
 * divide by the printed spikes per sample and the batch for time per spike. A recurrent layer
 * costs far more at the same spike count: every hidden spike moves the next threshold crossing
 * of all {@code hidden} neurons, each found again by bracketing and Newton steps, so the work
 * is about spikes x hidden root searches per sample instead of spikes x fan-out updates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventPropBench {
    @Param({"32", "256"})
    public int batch;

    @Param({"200", "1000"})
    public int hidden;

    @Param({"false", "true"})
    public boolean recurrent;

    @Param({"1.5"})          // -p hiddenMean=1.5,3.0: about 150 and 750 spikes per sample at hidden 200
    public double hiddenMean;

    static final double DURATION = 60e-3;
    static final NativeEventProp.Loss LOSS = NativeEventProp.Loss.firstSpike(0.5e-3, 6.4e-3, 0.003);

    Backend cpu;          // holds the kernels' thread budget
    Network net;
    List<EventSample> samples;

    @Setup(Level.Trial)
    public void setup() {
        cpu = Backends.create("cpu", Integer.getInteger("spikegrad.threads", 2));
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network.Builder nb = Network.builder().input(YinYang.CHANNELS);
        if (recurrent) {
            // recurrent weights scaled by 1/sqrt(hidden) keep the recurrent drive comparable across sizes
            nb.recurrentLif("hidden", hidden, p).weights(Init.normal(hiddenMean, 0.78))
                    .recurrentWeights(Init.normal(0, 0.5 / Math.sqrt(hidden)));
        } else {
            nb.lif("hidden", hidden, p).weights(Init.normal(hiddenMean, 0.78));
        }
        net = nb.lif("out", 3, p).weights(Init.normal(0.93 * 200.0 / hidden, 0.1 * Math.sqrt(200.0 / hidden))).build(4);
        samples = YinYang.train().samples().subList(0, batch);
        NativeEventProp.Result r = NativeEventProp.lossAndGradient(net, samples, DURATION, LOSS);
        long spikes = 0;
        for (int s : r.spikeTotals()) spikes += s;
        System.out.printf("%nEventPropBench: %.1f spikes per sample (hidden %d, recurrent %b, hidden mean %.2f)%n",
                spikes / (double) batch, hidden, recurrent, hiddenMean);
    }

    @Benchmark
    public Object lossAndGradient() {
        return NativeEventProp.lossAndGradient(net, samples, DURATION, LOSS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (cpu != null) cpu.close();
    }
}
