package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import io.spikegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cpu thread pool under many small regions back to back, the way a training step calls
 * it: the recurrent LIF forward splits its samples over the threads (one region, one item per
 * sample), so batches of 1 to 6 give regions with fewer items than threads (some workers sit
 * a region out) and regions that start while workers still poll for the last. Every output
 * slot starts as NaN, so a region that returned before a worker finished, or a range run
 * twice with the wrong bounds, shows as a difference from the one-thread run; a lost wake-up
 * hangs, which the timeout turns into a failure. 2 threads poll between regions; on a 2-core
 * machine 3 and 5 threads are more than the cores and sleep instead, so their regions start
 * late and the caller runs the parts of workers that have not woken yet.
 */
class ThreadPoolRegionsTest {

    private static final int CALLS = 600;

    private static List<float[]> run(int threads) {
        List<float[]> out = new ArrayList<>();
        try (Backend b = Backends.create("cpu", threads); Arena a = b.newArena()) {
            SplittableRandom r = new SplittableRandom(11);
            int T = 40, N = 48;  // a sample takes tens of microseconds: a caller that did not wait reads NaN
            Tensor w = ThreadDeterminismTest.rnd(a, r, "w", 0.3, N, N);
            Tensor alpha = a.allocate("alpha", N).fill(0.8f), beta = a.allocate("beta", N).fill(0.9f);
            Tensor theta = a.allocate("theta", N).fill(1f);
            for (int call = 0; call < CALLS; call++) {
                int B = 1 + call % 6;
                LifKernelConfig c = new LifKernelConfig(T, B, N, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(8), false, false);
                Tensor x = ThreadDeterminismTest.rnd(a, r, "x" + call, 1.0, T, B, N);
                Tensor spikes = a.allocate("s" + call, T, B, N).fill(Float.NaN);
                Tensor iSave = a.allocate("i" + call, T, B, N).fill(Float.NaN);
                b.lifForward(c, new LifTensors(x, w, alpha, beta, theta, a.allocate("i0" + call, B, N),
                        a.allocate("v0" + call, B, N), spikes, iSave, null, null));
                out.add(spikes.toArray());
                out.add(iSave.toArray());
            }
        }
        return out;
    }

    /**
     * The spike-sparse weight gradient builds its index in one region and reads it in the next,
     * so the index must not live in the scratch of the thread that ran a part: the caller, taking
     * a late worker's part, would overwrite its own part's index. Small row blocks (5 of 256
     * rows, one per part on 5 threads) make the caller finish first and take parts often.
     */
    private static List<float[]> weightGrads(int threads) {
        List<float[]> out = new ArrayList<>();
        try (Backend b = Backends.create("cpu", threads); Arena a = b.newArena()) {
            SplittableRandom r = new SplittableRandom(12);
            int rows = 5 * 256, inputs = 90, outputs = 200;  // 4 column blocks: the indexed path
            Tensor x = a.allocate(DType.BIT, "x", rows, inputs);
            Tensor g = ThreadDeterminismTest.rnd(a, r, "g", 1.0, rows, outputs);
            for (int call = 0; call < 200; call++) {
                float[] xv = new float[rows * inputs];
                double p = 0.02 + 0.1 * (call % 5);  // the index's size changes from call to call
                for (int k = 0; k < xv.length; k++) xv[k] = r.nextDouble() < p ? 1f : 0f;
                x.copyFrom(xv);
                Tensor dw = a.allocate("dw" + call, inputs, outputs).fill(Float.NaN);
                b.spikeMatmulWeightGrad(rows, inputs, outputs, x, 0, g, 0, 0f, dw);
                out.add(dw.toArray());
            }
        }
        return out;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void weightGradientIndexSurvivesPartsRunByTheCaller() {
        List<float[]> one = weightGrads(1);
        for (int threads : new int[] {2, 3, 5}) {
            List<float[]> many = weightGrads(threads);
            for (int k = 0; k < one.size(); k++) {
                assertArrayEquals(one.get(k), many.get(k), "weight gradient of call " + k + " on " + threads + " threads");
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void manySmallRegionsGiveTheOneThreadResults() {
        List<float[]> one = run(1);
        double fired = 0;
        for (int k = 0; k < one.size(); k += 2) for (float v : one.get(k)) fired += v;
        assertTrue(fired > 0, "the layer fires somewhere: " + fired);
        for (int threads : new int[] {2, 3, 5}) {
            List<float[]> many = run(threads);
            for (int k = 0; k < one.size(); k++) {
                assertArrayEquals(one.get(k), many.get(k), "output " + k + " (call " + k / 2 + ") on " + threads + " threads");
            }
        }
    }
}
