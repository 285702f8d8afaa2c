package io.spikegrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/**
 * The C-level checks of the GPU differentiable synapse, through its emulation ({@code sg_emu_diffsyn_forward}),
 * which Java's own checks ({@code DiffSynEngine.check}) never let through: the status codes of diffsyn.h for a
 * bad configuration, a missing buffer and, found by the forward kernel's validation phase, a non-finite
 * parameter (read by block 0 only), a v0 outside the reset range or a negative error weight in a later sample;
 * the diagnostics stay untouched then. And the grid: one block per sample of a warp multiple of threads, the
 * ragged rest of the last warp included.
 */
class CudaDiffSynChecksTest {
    static final int T = 5, B = 3, N = 40, D = 2, R = 2;

    CudaEmulation.DiffSynConfig cfg() {
        return new CudaEmulation.DiffSynConfig().steps(T).batch(B).neurons(N).inputs(D).outputs(R).neuron(0).gate(0).dt(2e-4)
                .tau_v(20e-3).tau_fast(2e-3).tau_slow(10e-3).width(0.3).lambda(1e-4);
    }

    int call(CudaEmulation.DiffSynConfig c, DoublePointer ws, DoublePointer u, DoublePointer i0, DoublePointer o, DoublePointer x,
             DoublePointer target, DoublePointer weight, DoublePointer v0, DoublePointer loss, IntPointer counts, DoublePointer diag) {
        return CudaEmulation.sg_emu_diffsyn_forward(c, 0, ws.address(), u.address(), i0.address(), o.address(), x.address(),
                target.address(), weight == null ? 0 : weight.address(), v0.address(), loss == null ? 0 : loss.address(), 0, 0,
                counts.address(), diag.address());
    }

    @Test
    void statusCodesAndGrid() {
        try (PointerScope scope = new PointerScope()) {
            DoublePointer ws = filled(N * N, 0.01), u = filled(N * D, 1), i0 = filled(N, 40), o = filled(R * N, 0.1);
            DoublePointer x = filled(T * B * D, 0.5), target = filled(T * B * R, 0.2), weight = filled(T * B * R, 1);
            DoublePointer v0 = filled(B * N, 0.1), loss = filled(B, 0), diag = filled(5, -7);
            IntPointer counts = new IntPointer((long) B * N);
            assertEquals(0, call(cfg(), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            assertEquals((long) B * 64, CudaEmulation.sg_emu_last_threads(), "3 blocks of 64 threads (N = 40 rounded up to warps)");
            assertEquals(1, call(cfg(), ws, u, i0, o, x, target, weight, v0, null, counts, diag), "loss is required");
            assertEquals(2, call(cfg().steps(0), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            assertEquals(3, call(cfg().gate(7), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            assertEquals(4, call(cfg().width(1.0), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            ws.put(N * N - 1, Double.NaN);   // read by block 0's validation only
            assertEquals(4, call(cfg(), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            ws.put(N * N - 1, 0.01);
            v0.put((B - 1) * N + N - 1, 1.5);   // NIF reset range is (-1, 1); the last neuron of the last sample
            assertEquals(4, call(cfg(), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            v0.put((B - 1) * N + N - 1, 0.1);
            weight.put((T - 1) * B * R + R + 1, -1.0);   // sample 1, last step
            assertEquals(4, call(cfg(), ws, u, i0, o, x, target, weight, v0, loss, counts, diag));
            weight.put((T - 1) * B * R + R + 1, 1.0);
            for (int k = 0; k < 5; k++) assertEquals(-7.0, diag.get(k), "diag untouched by a failed input check");
            assertEquals(0, call(cfg(), ws, u, i0, o, x, target, null, v0, loss, counts, diag), "no weights: all 1");
        }
    }

    static DoublePointer filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return new DoublePointer(a);
    }
}
