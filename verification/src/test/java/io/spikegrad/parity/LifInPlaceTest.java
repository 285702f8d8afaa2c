package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.DType;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.ResetMode;
import io.spikegrad.Shape;
import io.spikegrad.Surrogate;
import io.spikegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cpu LIF kernels in place ({@link Backend#lifInPlace()}): the forward writing I[t] over
 * X[t] and the backward writing dL/dX[t] over I[t] give the same bits as with a buffer each, for
 * every path of the kernels (feed-forward in neuron groups, recurrent in sample blocks; with and
 * without the tau and threshold gradients, whose beta term reads I[t] where dL/dX[t] goes; with
 * a membrane gradient; dL/dS given or formed from a readout inside the backward; smooth mode).
 * Backends that do not run in place refuse the call, naming the tensor; the LI readout's kernels
 * never run in place.
 */
class LifInPlaceTest {

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        for (boolean recurrent : new boolean[] {false, true})
            for (boolean params : new boolean[] {true, false})
                for (boolean gradU : new boolean[] {false, true})
                    for (boolean product : new boolean[] {false, true}) c.add(Arguments.of(recurrent, params, gradU, product, false));
        c.add(Arguments.of(false, true, false, false, true));
        c.add(Arguments.of(true, true, true, true, true));
        return c.stream();
    }

    /**
     * Forward and backward of one layer (N = 150: two full 64-neuron groups and a partial one;
     * B = 5 on 2 threads splits samples unevenly); returns every output, separate buffers or in place.
     */
    private static List<float[]> run(boolean inPlace, boolean recurrent, boolean params, boolean gradU, boolean product,
                                      boolean smooth) {
        List<float[]> out = new ArrayList<>();
        try (Backend b = Backends.create("cpu", 2); Arena a = b.newArena()) {
            SplittableRandom r = new SplittableRandom(11);
            int T = 40, B = 5, N = 150, K = 20;
            int[] tbn = {T, B, N}, bn = {B, N};
            LifKernelConfig c = new LifKernelConfig(T, B, N, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(8), false, smooth);
            Tensor x = ThreadDeterminismTest.rnd(a, r, "x", 0.6, tbn);
            float[] xv = x.toArray();
            for (int k = 0; k < xv.length; k++) xv[k] += 0.25f;  // a drive that makes the layer fire
            x.copyFrom(xv);
            Tensor w = recurrent ? ThreadDeterminismTest.rnd(a, r, "w", 0.05, N, N) : null;
            Tensor iSave = inPlace ? x : a.allocate("iSave", tbn);
            LifTensors f = new LifTensors(x, w, a.allocate("alpha", N).fill(0.8f), a.allocate("beta", N).fill(0.95f),
                    a.allocate("theta", N).fill(1f), ThreadDeterminismTest.rnd(a, r, "i0", 0.1, bn),
                    ThreadDeterminismTest.rnd(a, r, "v0", 0.3, bn),
                    smooth ? a.allocate("spikes", tbn) : a.allocate(DType.BIT, "spikes", tbn), iSave, null, null);
            b.lifForward(c, f);
            out.add(f.spikes().toArray());
            out.add(iSave.toArray());
            Tensor gs = ThreadDeterminismTest.rnd(a, r, "gs", 1, tbn);
            Tensor gu = gradU ? ThreadDeterminismTest.rnd(a, r, "gu", 0.1, tbn) : null;
            Tensor gNext = ThreadDeterminismTest.rnd(a, r, "gNext", 1, T, B, K), wNext = ThreadDeterminismTest.rnd(a, r, "wNext", 0.3, N, K);
            Tensor gx = inPlace ? iSave : a.allocate("gx", tbn);
            LifGradTensors g = new LifGradTensors(gs, gu, gx, a.allocate("gi0", bn), a.allocate("gv0", bn),
                    params ? a.allocate("ga", N) : null, params ? a.allocate("gb", N) : null, params ? a.allocate("gt", N) : null);
            if (product) b.lifBackwardProduct(c, f, gNext, wNext, K, g);
            else b.lifBackward(c, f, g);
            out.add(gx.toArray());
            out.add(g.gradI0().toArray());
            out.add(g.gradV0().toArray());
            if (params) {
                out.add(g.gradAlpha().toArray());
                out.add(g.gradBeta().toArray());
                out.add(g.gradTheta().toArray());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "recurrent={0} params={1} gradU={2} product={3} smooth={4}")
    @MethodSource("cases")
    void inPlaceGivesTheBitsOfSeparateBuffers(boolean recurrent, boolean params, boolean gradU, boolean product, boolean smooth) {
        List<float[]> apart = run(false, recurrent, params, gradU, product, smooth);
        List<float[]> inPlace = run(true, recurrent, params, gradU, product, smooth);
        String[] names = {"spikes", "I", "dL/dX", "dL/dI0", "dL/dV0", "dL/dalpha", "dL/dbeta", "dL/dtheta"};
        boolean fired = false;
        for (float v : apart.get(0)) fired |= v != 0f;
        assertTrue(fired, "the layer must fire, or the reset terms go untested");
        for (int k = 0; k < apart.size(); k++) {
            assertArrayEquals(apart.get(k), inPlace.get(k), names[k] + " differs in place");
        }
    }

    @Test
    void cpuSaysInPlaceAndTheReferenceRefusesIt() {
        try (Backend cpu = Backends.create("cpu", 1)) {
            assertTrue(cpu.lifInPlace());
        }
        try (Backend ref = Backends.create("reference", 1); Arena a = ref.newArena()) {
            assertFalse(ref.lifInPlace());
            int T = 4, B = 2, N = 3;
            LifKernelConfig c = new LifKernelConfig(T, B, N, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(8), false, false);
            Tensor x = a.allocate("x", T, B, N).fill(0.5f);
            LifTensors f = new LifTensors(x, null, a.allocate("alpha", N).fill(0.8f), a.allocate("beta", N).fill(0.95f),
                    a.allocate("theta", N).fill(1f), a.allocate("i0", B, N), a.allocate("v0", B, N),
                    a.allocate("spikes", T, B, N), x, null, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ref.lifForward(c, f));
            assertTrue(e.getMessage().contains("iSave") && e.getMessage().contains("lifInPlace"), e.getMessage());
            LifTensors apart = new LifTensors(x, null, f.alpha(), f.beta(), f.theta(), f.i0(), f.v0(), f.spikes(),
                    a.allocate("iSave", T, B, N), null, null);
            ref.lifForward(c, apart);
            LifGradTensors g = new LifGradTensors(a.allocate("gs", T, B, N).fill(1f), null, apart.iSave(), a.allocate("gi0", B, N),
                    a.allocate("gv0", B, N), null, null, null);
            e = assertThrows(IllegalArgumentException.class, () -> ref.lifBackward(c, apart, g));
            assertTrue(e.getMessage().contains("gradX") && e.getMessage().contains("lifInPlace"), e.getMessage());
        }
    }

    @Test
    void theLiReadoutNeverRunsInPlace() {
        try (Backend cpu = Backends.create("cpu", 1); Arena a = cpu.newArena()) {
            int T = 4, B = 2, N = 3;
            Shape sh = new Shape(T, B, N);
            Tensor x = a.allocate("x", T, B, N).fill(0.5f);
            LiTensors inPlace = new LiTensors(x, a.allocate("alpha", N).fill(0.8f), a.allocate("beta", N).fill(0.95f),
                    a.allocate("i0", B, N), a.allocate("u0", B, N), a.allocate("u", T, B, N), x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.liForward(sh, inPlace));
            assertTrue(e.getMessage().contains("iSave") && e.getMessage().contains("LI readout"), e.getMessage());
            LiTensors apart = new LiTensors(x, inPlace.alpha(), inPlace.beta(), inPlace.i0(), inPlace.u0(), inPlace.u(),
                    a.allocate("iSave", T, B, N));
            cpu.liForward(sh, apart);
            LiGradTensors g = new LiGradTensors(a.allocate("gu", T, B, N).fill(1f), apart.iSave(), a.allocate("gi0", B, N),
                    a.allocate("gu0", B, N), a.allocate("ga", N), a.allocate("gb", N));
            e = assertThrows(IllegalArgumentException.class, () -> cpu.liBackward(sh, apart, g));
            assertTrue(e.getMessage().contains("gradX") && e.getMessage().contains("LI readout"), e.getMessage());
        }
    }
}
