package io.spikegrad.perf;

import io.spikegrad.LifParams;
import io.spikegrad.cpu.NativeEventProp;
import io.spikegrad.cuda.CudaBackend;
import io.spikegrad.cuda.CudaEventProp;
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
 * sg_eventprop_batch_cuda (exact EventProp, forward + adjoint + batch-mean gradients) on a
 * 5-200-3 Yin-Yang network, including the host/device copies of one batch (the call returns
 * with the results on the host, so it is synchronised). {@code network}: "feedforward" (LIF
 * hidden and output, first-spike loss), "recurrent" (the hidden layer recurrent, simulated by
 * one thread per sample) or "readout" (an LI readout, max-voltage loss). Skipped (setup fails
 * with "SKIPPED: ...") without a GPU.
 *
 * <p>How to run: {@code java -jar perf/target/benchmarks.jar CudaEventPropBench}. Score: milliseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CudaEventPropBench {
    @Param({"32", "256"})
    public int batch;

    @Param({"feedforward", "recurrent", "readout"})
    public String network;

    CudaBackend b;
    Network net;
    List<EventSample> samples;
    NativeEventProp.Loss loss;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        Network.Builder nb = Network.builder().input(YinYang.CHANNELS);
        if (network.equals("recurrent")) {
            nb.recurrentLif("hidden", 200, p).weights(Init.normal(1.5, 0.78)).recurrentWeights(Init.normal(0.0, 0.05));
        } else {
            nb.lif("hidden", 200, p).weights(Init.normal(1.5, 0.78));
        }
        if (network.equals("readout")) nb.readout("out", 3, p).weights(Init.normal(0.93, 0.1));
        else nb.lif("out", 3, p).weights(Init.normal(0.93, 0.1));
        net = nb.build(4);
        loss = network.equals("readout") ? NativeEventProp.Loss.of(NativeEventProp.Kind.MAX_VOLTAGE)
                : NativeEventProp.Loss.firstSpike(0.5e-3, 6.4e-3, 0.003);
        samples = YinYang.train().samples().subList(0, batch);
    }

    @Benchmark
    public Object lossAndGradient() {
        return CudaEventProp.onDevice(b, net, samples, 60e-3, loss, true, NativeEventProp.Options.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (b != null) b.close();
    }
}
