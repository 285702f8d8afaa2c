package io.spikegrad.parity;

import static io.spikegrad.parity.ThreadDeterminismTest.rnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import io.spikegrad.Tensor;
import io.spikegrad.cuda.CudaEmulationBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * lifBackwardProduct (lif.h, sg_lif_backward_product): the LIF backward that forms dL/dS =
 * gNext wNext^T itself gives the bits of the product computed apart (the backend's gemm)
 * followed by lifBackward, on every backend, for neuron counts that are and are not a whole
 * number of 64-neuron groups, feed-forward and recurrent, with and without a membrane
 * gradient; the cpu backend never
 * writes the gradSpikes room; its results do not depend on the thread count; bad arguments
 * are refused by name.
 */
class LifBackwardProductTest {

    /** gradX, gradI0, gradV0, gradAlpha, gradBeta, gradTheta of one backward, fused or apart. */
    private static List<float[]> run(Backend b, int T, int B, int N, int K, boolean recurrent, boolean gradU, ResetMode reset,
                                     boolean fused, boolean checkRoomUntouched) {
        return run(b, T, B, N, K, recurrent, gradU, reset, fused, checkRoomUntouched, true);
    }

    /** As above; without {@code neuronGrads} the three parameter gradients are not asked for (null) and not returned. */
    private static List<float[]> run(Backend b, int T, int B, int N, int K, boolean recurrent, boolean gradU, ResetMode reset,
                                     boolean fused, boolean checkRoomUntouched, boolean neuronGrads) {
        try (Arena a = b.newArena()) {
            SplittableRandom r = new SplittableRandom(T * 1000L + N * 10L + K);
            LifKernelConfig c = new LifKernelConfig(T, B, N, reset, 0, Surrogate.fastSigmoid(8), false, false);
            int[] tbn = {T, B, N}, bn = {B, N};
            Tensor x = rnd(a, r, "x", 0.6, tbn);
            float[] xv = x.toArray();
            for (int k = 0; k < xv.length; k++) xv[k] += 0.3f;  // a drive that makes the layer fire
            x.copyFrom(xv);
            Tensor wRec = recurrent ? rnd(a, r, "wRec", 0.1, N, N) : null;
            LifTensors f = new LifTensors(x, wRec, a.allocate("alpha", N).fill(0.8f), a.allocate("beta", N).fill(0.95f),
                    a.allocate("theta", N).fill(1f), rnd(a, r, "i0", 0.1, bn), rnd(a, r, "v0", 0.3, bn),
                    a.allocate(b.supports(DType.BIT) ? DType.BIT : DType.U8, "spikes", tbn), a.allocate("iSave", tbn), null, null);
            b.lifForward(c, f);
            Tensor gNext = rnd(a, r, "gNext", 1, T, B, K), wNext = rnd(a, r, "wNext", 1, N, K);
            Tensor room = a.allocate("gradS", tbn).fill(7f);
            LifGradTensors g = new LifGradTensors(room, gradU ? rnd(a, r, "gu", 0.5, tbn) : null, a.allocate("gx", tbn),
                    a.allocate("gi0", bn), a.allocate("gv0", bn), neuronGrads ? a.allocate("ga", N) : null,
                    neuronGrads ? a.allocate("gb", N) : null, neuronGrads ? a.allocate("gt", N) : null);
            if (fused) {
                b.lifBackwardProduct(c, f, gNext, wNext, K, g);
            } else {
                b.gemm(false, true, T * B, N, K, 1f, gNext, 0, wNext, 0, 0f, room, 0);
                b.lifBackward(c, f, g);
            }
            if (checkRoomUntouched) {
                for (float v : room.toArray()) assertTrue(v == 7f, "the cpu backend wrote the gradSpikes room");
            }
            List<float[]> out = new ArrayList<>();
            for (Tensor t : new Tensor[] {g.gradX(), g.gradI0(), g.gradV0(), g.gradAlpha(), g.gradBeta(), g.gradTheta()}) {
                if (t != null) out.add(t.toArray());
            }
            float[] gx = out.get(0);
            double norm = 0;
            for (float v : gx) norm += v * (double) v;
            assertTrue(norm > 0, "dL/dX is all zero: the case checks nothing");
            return out;
        }
    }

    @ParameterizedTest(name = "{0} T={1} B={2} N={3} K={4} recurrent={5} gradU={6} {7}")
    @CsvSource({"cpu,30,7,150,20,false,false,SUBTRACT", "cpu,12,3,64,1,false,true,SUBTRACT", "cpu,9,4,70,64,false,false,TO_VALUE",
                "cpu,20,5,256,10,false,true,SUBTRACT", "cpu,25,9,150,20,true,false,SUBTRACT", "cpu,8,3,64,3,true,true,TO_VALUE",
                "reference,9,3,70,20,false,true,SUBTRACT", "reference,9,3,70,20,true,false,SUBTRACT",
                "cuda-emulation,9,3,70,20,false,false,SUBTRACT", "cuda,9,3,70,20,true,true,SUBTRACT"})
    void fusedEqualsProductThenBackward(String backend, int T, int B, int N, int K, boolean recurrent, boolean gradU,
                                        ResetMode reset) {
        boolean emulation = backend.equals("cuda-emulation");
        assumeTrue(emulation || Backends.available().contains(backend), backend + " is not available here");
        try (Backend b = emulation ? new CudaEmulationBackend() : Backends.create(backend, 2)) {
            List<float[]> apart = run(b, T, B, N, K, recurrent, gradU, reset, false, false);
            List<float[]> fused = run(b, T, B, N, K, recurrent, gradU, reset, true, backend.equals("cpu"));
            String[] names = {"gradX", "gradI0", "gradV0", "gradAlpha", "gradBeta", "gradTheta"};
            for (int i = 0; i < names.length; i++) assertArrayEquals(apart.get(i), fused.get(i), names[i]);
        }
    }

    /**
     * The parameter gradients not asked for (all three null): dL/dX, dL/dI0 and dL/dV0 keep
     * their bits, fused or apart, feed-forward and recurrent, with and without a membrane
     * gradient (the cpu kernel then leaves the sums and the V history out).
     */
    @ParameterizedTest(name = "{0} recurrent={1} gradU={2} fused={3}")
    @CsvSource({"cpu,false,false,false", "cpu,false,true,true", "cpu,false,false,true", "cpu,true,false,false", "cpu,true,true,true",
                "reference,false,false,false", "reference,true,false,true", "cuda-emulation,false,false,false",
                "cuda-emulation,true,true,true"})
    void withoutNeuronGradsTheOtherOutputsKeepTheirBits(String backend, boolean recurrent, boolean gradU, boolean fused) {
        boolean emulation = backend.equals("cuda-emulation");
        assumeTrue(emulation || Backends.available().contains(backend), backend + " is not available here");
        try (Backend b = emulation ? new CudaEmulationBackend() : Backends.create(backend, 2)) {
            for (int N : new int[] {150, 64}) {
                List<float[]> all = run(b, 20, 5, N, 20, recurrent, gradU, ResetMode.SUBTRACT, fused, false, true);
                List<float[]> some = run(b, 20, 5, N, 20, recurrent, gradU, ResetMode.SUBTRACT, fused, false, false);
                assertTrue(some.size() == 3, "three outputs without the parameter gradients");
                String[] names = {"gradX", "gradI0", "gradV0"};
                for (int i = 0; i < names.length; i++) assertArrayEquals(all.get(i), some.get(i), names[i] + ", N = " + N);
            }
        }
    }

    @Test
    void cpuResultsDoNotDependOnThreads() {
        assumeTrue(Backends.available().contains("cpu"));
        List<float[]> one, three, oneRec, threeRec;
        try (Backend b = Backends.create("cpu", 1)) {
            one = run(b, 20, 9, 200, 20, false, false, ResetMode.SUBTRACT, true, true);
            oneRec = run(b, 20, 9, 200, 20, true, false, ResetMode.SUBTRACT, true, true);
        }
        try (Backend b = Backends.create("cpu", 3)) {
            three = run(b, 20, 9, 200, 20, false, false, ResetMode.SUBTRACT, true, true);
            threeRec = run(b, 20, 9, 200, 20, true, false, ResetMode.SUBTRACT, true, true);
        }
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), three.get(i), "output " + i);
        for (int i = 0; i < oneRec.size(); i++) assertArrayEquals(oneRec.get(i), threeRec.get(i), "recurrent output " + i);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assumeTrue(Backends.available().contains("cpu"));
        int T = 4, B = 2, N = 10, K = 3;
        try (Backend b = Backends.create("cpu", 1); Arena a = b.newArena()) {
            LifKernelConfig c = new LifKernelConfig(T, B, N, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(8), false, false);
            int[] tbn = {T, B, N}, bn = {B, N};
            LifTensors f = new LifTensors(a.allocate("x", tbn), null, a.allocate("alpha", N).fill(0.8f),
                    a.allocate("beta", N).fill(0.9f), a.allocate("theta", N).fill(1f), a.allocate("i0", bn), a.allocate("v0", bn),
                    a.allocate("spikes", tbn), a.allocate("iSave", tbn), null, null);
            b.lifForward(c, f);
            LifGradTensors g = new LifGradTensors(a.allocate("gs", tbn), null, a.allocate("gx", tbn), a.allocate("gi0", bn),
                    a.allocate("gv0", bn), a.allocate("ga", N), a.allocate("gb", N), a.allocate("gt", N));
            Tensor gNext = a.allocate("gNext", T, B, K), wNext = a.allocate("wNext", N, K);
            for (int k : new int[] {0, Backend.LIF_PRODUCT_MAX_INNER + 1}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> b.lifBackwardProduct(c, f, gNext, wNext, k, g));
                assertTrue(e.getMessage().contains("kNext"), e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.lifBackwardProduct(c, f, a.allocate("short", T, B, K - 1), wNext, K, g));
            assertTrue(e.getMessage().contains("gNext"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.lifBackwardProduct(c, f, gNext, a.allocate("w2", K, N + 1), K, g));
            assertTrue(e.getMessage().contains("wNext"), e.getMessage());
            // the parameter gradients: all three or none
            LifGradTensors partial = new LifGradTensors(g.gradSpikes(), null, g.gradX(), g.gradI0(), g.gradV0(), g.gradAlpha(),
                    null, g.gradTheta());
            e = assertThrows(IllegalArgumentException.class, () -> b.lifBackward(c, f, partial));
            assertTrue(e.getMessage().contains("gradAlpha, gradBeta and gradTheta"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.lifBackwardProduct(c, f, gNext, wNext, K, partial));
            assertTrue(e.getMessage().contains("gradAlpha, gradBeta and gradTheta"), e.getMessage());
        }
    }
}
