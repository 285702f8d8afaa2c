package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

/**
 * The cpu backend's results do not depend on its thread count: every kernel and every GEMM run
 * with 1, 2 and 3 threads gives the same bits. The work splits differ (ranges of samples,
 * neuron groups, column blocks, GEMM row slices); every sum keeps an order fixed by the
 * shapes alone. Sizes are large enough that each call really splits (GEMMs above the
 * single-thread threshold, several column blocks, a narrow weight gradient with row groups).
 */
class ThreadDeterminismTest {

    /** Runs every kernel once on a backend with {@code threads}; returns all outputs in order. */
    private static List<float[]> runAll(int threads) {
        List<float[]> out = new ArrayList<>();
        try (Backend b = Backends.create("cpu", threads); Arena a = b.newArena()) {
            SplittableRandom r = new SplittableRandom(5);
            int T = 30, B = 7, N = 150, K = 200, C = 20;
            int[] tbn = {T, B, N}, bn = {B, N};
            for (boolean recurrent : new boolean[] {false, true}) {
                LifKernelConfig c = new LifKernelConfig(T, B, N, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(8), false, false);
                Tensor x = rnd(a, r, "x", 0.6, tbn);
                float[] xv = x.toArray();
                for (int k = 0; k < xv.length; k++) xv[k] += 0.25f;  // a drive that makes the layer fire
                x.copyFrom(xv);
                Tensor w = recurrent ? rnd(a, r, "w", 0.05, N, N) : null;
                LifTensors f = new LifTensors(x, w, a.allocate("alpha", N).fill(0.8f), a.allocate("beta", N).fill(0.95f),
                        a.allocate("theta", N).fill(1f), a.allocate("i0", bn), a.allocate("v0", bn),
                        a.allocate(DType.BIT, "spikes", tbn), a.allocate("iSave", tbn), null, null);
                b.lifForward(c, f);
                LifGradTensors g = new LifGradTensors(rnd(a, r, "gs", 1, tbn), null, a.allocate("gx", tbn), a.allocate("gi0", bn),
                        a.allocate("gv0", bn), a.allocate("ga", N), a.allocate("gb", N), a.allocate("gt", N));
                b.lifBackward(c, f, g);
                out.add(f.spikes().toArray());
                out.add(g.gradX().toArray());
                out.add(g.gradAlpha().toArray());
                out.add(g.gradTheta().toArray());
                // products of the spike raster: forward, a wide and a narrow weight gradient
                int rows = T * B;
                Tensor wOut = rnd(a, r, "wOut", 1, N, K), y = a.allocate("y", rows, K), dw = a.allocate("dw", N, K);
                Tensor gNarrow = rnd(a, r, "gNarrow", 1, rows, C), dwNarrow = a.allocate("dwNarrow", N, C);
                b.spikeMatmul(rows, N, K, f.spikes(), 0, wOut, 0f, y);
                b.spikeMatmulWeightGrad(rows, N, K, f.spikes(), 0, rnd(a, r, "gWide", 1, rows, K), 0, 0f, dw);
                b.spikeMatmulWeightGrad(rows, N, C, f.spikes(), 0, gNarrow, 0, 0f, dwNarrow);
                out.add(y.toArray());
                out.add(dw.toArray());
                out.add(dwNarrow.toArray());
            }
            // the LI readout: (sample, 64-neuron chunk) items, a thread's range stepping in
            // lockstep; N = 150 is three chunks, so 2 and 3 threads split samples mid-way
            Shape sh = new Shape(T, B, N);
            LiTensors li = new LiTensors(rnd(a, r, "liX", 1, tbn), a.allocate("liAlpha", N).fill(0.8f),
                    a.allocate("liBeta", N).fill(0.95f), rnd(a, r, "liI0", 1, bn), rnd(a, r, "liU0", 1, bn),
                    a.allocate("liU", tbn), a.allocate("liI", tbn));
            b.liForward(sh, li);
            LiGradTensors lg = new LiGradTensors(rnd(a, r, "liGu", 1, tbn), a.allocate("liGx", tbn), a.allocate("liGi0", bn),
                    a.allocate("liGu0", bn), a.allocate("liGa", N), a.allocate("liGb", N));
            b.liBackward(sh, li, lg);
            out.add(li.u().toArray());
            out.add(li.iSave().toArray());
            out.add(lg.gradX().toArray());
            out.add(lg.gradI0().toArray());
            out.add(lg.gradU0().toArray());
            out.add(lg.gradAlpha().toArray());
            out.add(lg.gradBeta().toArray());
            // a GEMM above the single-thread threshold, split by rows across threads
            Tensor ga = rnd(a, r, "ga", 1, 600, 300), gb = rnd(a, r, "gb", 1, 300, 200), gc = a.allocate("gc", 600, 200);
            b.gemm(false, false, 600, 200, 300, 1f, ga, 0, gb, 0, 0f, gc, 0);
            out.add(gc.toArray());
            Tensor gt = a.allocate("gt", 300, 200);
            b.gemm(true, false, 300, 200, 600, 1f, ga, 0, rnd(a, r, "gd", 1, 600, 200), 0, 0f, gt, 0);
            out.add(gt.toArray());
            // the masked product, wide and narrow inner sizes
            for (int inner : new int[] {20, 300}) {
                Tensor ma = rnd(a, r, "ma", 1, 400, inner), mb = rnd(a, r, "mb", 1, 150, inner);
                Tensor mask = a.allocate(DType.U8, "mask", 400, 150), mo = a.allocate("mo", 400, 150);
                for (int k = 0; k < mask.size(); k++) mask.set(k, r.nextDouble() < 0.2 ? 1 : 0);
                b.maskedMatmul(400, inner, 150, ma, mb, mask, mo);
                out.add(mo.toArray());
            }
        }
        return out;
    }

    /** A tensor of the given shape with normal(0, scale) entries (LifBackwardProductTest draws its inputs here too). */
    static Tensor rnd(Arena a, SplittableRandom r, String name, double scale, int... shape) {
        Tensor t = a.allocate(name, shape);
        float[] v = new float[(int) t.size()];
        for (int k = 0; k < v.length; k++) v[k] = (float) (scale * r.nextGaussian());
        return t.copyFrom(v);
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        List<float[]> one = runAll(1), two = runAll(2), three = runAll(3);
        assertTrue(one.size() > 10);
        double spikes = 0;
        for (float v : one.get(0)) spikes += v;
        assertTrue(spikes > 0 && spikes < one.get(0).length, "the layer spikes sometimes: " + spikes);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "output " + i + ": 1 vs 2 threads");
            assertArrayEquals(one.get(i), three.get(i), "output " + i + ": 1 vs 3 threads");
        }
    }
}
