package io.spikegrad.perf;

import io.spikegrad.LifParams;
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
 * with the results on the host, so it is synchronised). Skipped (setup fails with
 * "SKIPPED: ...") without a GPU.
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

    CudaBackend b;
    Network net;
    List<EventSample> samples;

    @Setup(Level.Trial)
    public void setup() {
        b = CudaBench.open();
        LifParams p = LifParams.of(20e-3, 5e-3, 1.0);
        net = Network.builder().input(YinYang.CHANNELS).lif("hidden", 200, p).weights(Init.normal(1.5, 0.78))
                .lif("out", 3, p).weights(Init.normal(0.93, 0.1)).build(4);
        samples = YinYang.train().samples().subList(0, batch);
    }

    @Benchmark
    public Object lossAndGradient() {
        return CudaEventProp.onDevice(b, net, samples, 60e-3, 0.5e-3, 6.4e-3, 0.003);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (b != null) b.close();
    }
}
