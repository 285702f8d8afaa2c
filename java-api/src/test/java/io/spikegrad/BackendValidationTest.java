package io.spikegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad input is refused with a message naming the argument, before any native call. */
class BackendValidationTest {

    private static final LifKernelConfig CFG =
            new LifKernelConfig(4, 2, 3, ResetMode.SUBTRACT, 0.0, Surrogate.fastSigmoid(10), false, false);

    private static LifTensors tensors(Arena a, LifKernelConfig c) {
        int t = c.steps(), b = c.batch(), n = c.neurons();
        return new LifTensors(a.allocate("x", t, b, n).fill(0.6f), null,
                a.allocate("alpha", n).fill(0.8f), a.allocate("beta", n).fill(0.9f), a.allocate("theta", n).fill(1f),
                a.allocate("i0", b, n), a.allocate("v0", b, n),
                a.allocate("spikes", t, b, n), a.allocate("iSave", t, b, n), null, null);
    }

    @Test
    void cpuForwardRunsAndSpikes() {
        try (Backend cpu = Backends.create("cpu", 2); Arena a = cpu.newArena()) {
            LifKernelConfig c = new LifKernelConfig(50, 2, 3, ResetMode.SUBTRACT, 0.0, Surrogate.fastSigmoid(10), false, false);
            LifTensors t = tensors(a, c);
            t.x().fill(3f);
            cpu.lifForward(c, t);
            float sum = 0;
            for (float s : t.spikes().toArray()) sum += s;
            assertTrue(sum > 0, "a neuron driven well above threshold must spike");
            assertEquals(0f, t.spikes().get(0), "the first step cannot reach threshold from rest");
        }
    }

    @Test
    void shapeMismatchNamesTheArgument() {
        try (Backend cpu = Backends.create("cpu", 1); Arena a = cpu.newArena()) {
            LifTensors ok = tensors(a, CFG);
            LifTensors bad = new LifTensors(ok.x(), null, ok.alpha(), ok.beta(), ok.theta(),
                    a.allocate("i0", 3, 3), ok.v0(), ok.spikes(), ok.iSave(), null, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.lifForward(CFG, bad));
            assertTrue(e.getMessage().startsWith("i0 must have shape [B][N]"), e.getMessage());
        }
    }

    @Test
    void nanInInputIsRefused() {
        try (Backend cpu = Backends.create("cpu", 1); Arena a = cpu.newArena()) {
            LifTensors t = tensors(a, CFG);
            t.x().set(5, Float.NaN);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.lifForward(CFG, t));
            assertTrue(e.getMessage().startsWith("x holds 1 NaN"), e.getMessage());
        }
    }

    @Test
    void decayOutsideUnitIntervalIsRefused() {
        try (Backend cpu = Backends.create("cpu", 1); Arena a = cpu.newArena()) {
            LifTensors t = tensors(a, CFG);
            t.beta().set(2, 1.0f);  // tau_mem = infinity or dt = 0
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.lifForward(CFG, t));
            assertTrue(e.getMessage().startsWith("beta[2] = 1.0 must lie in (0, 1)"), e.getMessage());
        }
    }

    @Test
    void tensorFromAnotherBackendOrClosedArenaIsRefused() {
        try (Backend cpu = Backends.create("cpu", 1); Backend other = Backends.create("cpu", 1);
             Arena a = cpu.newArena(); Arena foreign = other.newArena()) {
            LifTensors ok = tensors(a, CFG);
            LifTensors bad = new LifTensors(foreign.allocate("x", 4, 2, 3), null, ok.alpha(), ok.beta(), ok.theta(),
                    ok.i0(), ok.v0(), ok.spikes(), ok.iSave(), null, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.lifForward(CFG, bad));
            assertTrue(e.getMessage().contains("comes from an arena of another backend"), e.getMessage());

            Arena closed = cpu.newArena();
            LifTensors gone = tensors(closed, CFG);
            closed.close();
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> cpu.lifForward(CFG, gone));
            assertTrue(e2.getMessage().contains("belongs to a closed arena"), e2.getMessage());
        }
    }

    @Test
    void configRejectsSmoothStraightThroughAndBadSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LifKernelConfig(
                4, 2, 3, ResetMode.SUBTRACT, 0, Surrogate.straightThrough(), false, true));
        assertTrue(e.getMessage().startsWith("smooth = true needs a surrogate with a smooth form"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> new LifKernelConfig(
                0, 2, 3, ResetMode.SUBTRACT, 0, Surrogate.sigmoid(5), false, false));
        assertEquals("steps must be >= 1, got 0", e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Surrogate.sigmoid(-1));
    }

    @Test
    void unknownAndUnavailableBackendsSayWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu", 1));
        assertTrue(e.getMessage().contains("known backends"), e.getMessage());
        if (!Backends.available().contains("cuda")) {
            IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Backends.create("cuda", 1));
            assertTrue(e2.getMessage().startsWith("backend 'cuda' is not available: "), e2.getMessage());
        }
    }

    @Test
    void gemmMatchesHandComputedProduct() {
        try (Backend cpu = Backends.create("cpu", 2); Arena a = cpu.newArena()) {
            Tensor x = a.of("x", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);   // 2x3
            Tensor w = a.of("w", new float[] {1, 0, 0, 1, 1, 1}, 3, 2);   // 3x2
            Tensor y = a.allocate("y", 2, 2);
            cpu.gemm(false, false, 2, 2, 3, 1f, x, 0, w, 0, 0f, y, 0);
            assertEquals(java.util.List.of(4f, 5f, 10f, 11f), java.util.List.of(y.get(0), y.get(1), y.get(2), y.get(3)));
            cpu.gemm(true, false, 3, 2, 2, 1f, x, 0, y, 0, 0f, a.allocate("z", 3, 2), 0);
        }
    }
}
