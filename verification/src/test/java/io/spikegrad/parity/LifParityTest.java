package io.spikegrad.parity;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.spikegrad.reference.LiGrads;
import io.spikegrad.reference.LiReference;
import io.spikegrad.reference.LiTrace;
import io.spikegrad.reference.LifGrads;
import io.spikegrad.reference.LifReference;
import io.spikegrad.reference.LifTrace;
import io.spikegrad.reference.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One harness, every backend (ggml's test-backend-ops): each native backend against the
 * double reference, for every surrogate x reset x detach x shape, on forward outputs and
 * every gradient, held to the tolerance rule of {@link Tolerance}. Shapes include odd sizes
 * (B=3, N=37), a single step, a single neuron, and sizes that straddle the CPU's 64-neuron
 * work chunks; two are recurrent.
 */
class LifParityTest {

    /** Backends compared with the reference; those not present here are skipped, not dropped. */
    static final List<String> BACKENDS = List.of("cpu", "cuda");

    /** steps, batch, neurons, recurrent */
    static final int[][] SHAPES = {
        {1, 1, 1, 0}, {1, 3, 37, 0}, {20, 3, 37, 0}, {30, 2, 130, 0}, {15, 3, 37, 1}, {8, 1, 70, 1},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : BACKENDS)
            for (int[] s : SHAPES)
                for (Surrogate.Kind kind : Surrogate.Kind.values())
                    for (ResetMode reset : ResetMode.values())
                        for (boolean detach : new boolean[] {false, true})
                            out.add(Arguments.of(backend, s[0], s[1], s[2], s[3] == 1, kind, reset, detach));
        return out.stream();
    }

    static Stream<Arguments> smoothCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : BACKENDS)
            for (Surrogate.Kind kind : Surrogate.Kind.values())
                if (kind.hasSmoothForm())
                    for (ResetMode reset : ResetMode.values())
                        for (boolean recurrent : new boolean[] {false, true})
                            out.add(Arguments.of(backend, kind, reset, recurrent));
        return out.stream();
    }

    static Stream<Arguments> liCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : BACKENDS)
            for (int[] s : SHAPES) out.add(Arguments.of(backend, s[0], s[1], s[2]));
        return out.stream();
    }

    @AfterAll
    static void report() {
        System.out.printf("parity: worst |native - ref64| / tolerance = %.3f%n", Tolerance.worstRatio);
    }

    @ParameterizedTest(name = "{0} T={1} B={2} N={3} rec={4} {5} {6} detach={7}")
    @MethodSource("cases")
    void lifMatchesReference(String backend, int steps, int batch, int neurons, boolean recurrent,
                             Surrogate.Kind kind, ResetMode reset, boolean detach) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        long seed = (((steps * 131L + batch) * 131 + neurons) * 17 + kind.ordinal()) * 7 + reset.ordinal() * 2 + (detach ? 1 : 0);
        compare(backend, ParityCase.draw(steps, batch, neurons, recurrent, reset, kind, detach, false, seed));
    }

    static Stream<Arguments> cutoffCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : BACKENDS)
            for (Surrogate.Kind kind : new Surrogate.Kind[] {Surrogate.Kind.FAST_SIGMOID, Surrogate.Kind.SIGMOID, Surrogate.Kind.TRIANGLE})
                for (ResetMode reset : new ResetMode[] {ResetMode.SUBTRACT, ResetMode.TO_VALUE})
                    for (boolean recurrent : new boolean[] {false, true})
                        out.add(Arguments.of(backend, kind, reset, recurrent));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} cutoff {1} {2} rec={3}")
    @MethodSource("cutoffCases")
    void sparseBackwardCutoffMatchesReference(String backend, Surrogate.Kind kind, ResetMode reset, boolean recurrent) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        // 0.2 sits between a peak of 0.7*k/2 and the tails, so both sides of the cut-off occur
        compare(backend, ParityCase.draw(20, 3, 70, recurrent, reset, kind, false, false, 0.2, kind.ordinal() * 4L + reset.ordinal()));
    }

    @ParameterizedTest(name = "{0} smooth {1} {2} rec={3}")
    @MethodSource("smoothCases")
    void smoothLifMatchesReference(String backend, Surrogate.Kind kind, ResetMode reset, boolean recurrent) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        compare(backend, ParityCase.draw(12, 3, 37, recurrent, reset, kind, false, true, kind.ordinal() * 10L + reset.ordinal()));
    }

    @ParameterizedTest(name = "{0} LI T={1} B={2} N={3}")
    @MethodSource("liCases")
    void liMatchesReference(String backend, int steps, int batch, int neurons) {
        assumeTrue(Backends.available().contains(backend), backend + " is not available here");
        Shape sh = new Shape(steps, batch, neurons);
        SplittableRandom r = new SplittableRandom(steps * 1000L + neurons);
        double[] x = rnd(r, steps * batch * neurons, -0.5, 1), alpha = rnd(r, neurons, 0.6, 0.95), beta = rnd(r, neurons, 0.8, 0.99);
        double[] i0 = rnd(r, batch * neurons, -1, 1), u0 = rnd(r, batch * neurons, -1, 1), gu = rnd(r, steps * batch * neurons, -1, 1);
        LiTrace f64 = LiReference.forward(sh, Precision.DOUBLE, x, alpha, beta, i0, u0);
        LiTrace f32 = LiReference.forward(sh, Precision.FLOAT, x, alpha, beta, i0, u0);
        LiGrads g64 = LiReference.backward(sh, Precision.DOUBLE, f64, alpha, beta, i0, u0, gu);
        LiGrads g32 = LiReference.backward(sh, Precision.FLOAT, f32, alpha, beta, i0, u0, gu);
        try (Backend b = Backends.create(backend, 2); Arena a = b.newArena()) {
            int[] tbn = {steps, batch, neurons}, bn = {batch, neurons}, n = {neurons};
            LiTensors t = new LiTensors(of(a, "x", x, tbn), of(a, "alpha", alpha, n), of(a, "beta", beta, n),
                    of(a, "i0", i0, bn), of(a, "u0", u0, bn), a.allocate("u", tbn), a.allocate("iSave", tbn));
            b.liForward(sh, t);
            LiGradTensors g = new LiGradTensors(of(a, "gradU", gu, tbn), a.allocate("gradX", tbn), a.allocate("gradI0", bn),
                    a.allocate("gradU0", bn), a.allocate("gradAlpha", n), a.allocate("gradBeta", n));
            b.liBackward(sh, t, g);
            Tolerance.check("u", t.u().toArray(), f64.u(), f32.u());
            Tolerance.check("iSave", t.iSave().toArray(), f64.i(), f32.i());
            Tolerance.check("gradX", g.gradX().toArray(), g64.gradX(), g32.gradX());
            Tolerance.check("gradI0", g.gradI0().toArray(), g64.gradI0(), g32.gradI0());
            Tolerance.check("gradU0", g.gradU0().toArray(), g64.gradU0(), g32.gradU0());
            Tolerance.check("gradAlpha", g.gradAlpha().toArray(), g64.gradAlpha(), g32.gradAlpha());
            Tolerance.check("gradBeta", g.gradBeta().toArray(), g64.gradBeta(), g32.gradBeta());
        }
    }

    private static void compare(String backend, ParityCase pc) {
        LifKernelConfig c = pc.config;
        LifTrace f64 = LifReference.forward(c, Precision.DOUBLE, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0);
        LifTrace f32 = LifReference.forward(c, Precision.FLOAT, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0);
        LifGrads g64 = LifReference.backward(c, Precision.DOUBLE, f64, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0, pc.gradS, pc.gradU);
        LifGrads g32 = LifReference.backward(c, Precision.FLOAT, f32, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0, pc.gradS, pc.gradU);
        int T = c.steps(), B = c.batch(), N = c.neurons();
        int[] tbn = {T, B, N}, bn = {B, N}, n = {N};
        try (Backend b = Backends.create(backend, 2); Arena a = b.newArena()) {
            LifTensors t = new LifTensors(of(a, "x", pc.x, tbn), pc.wRec == null ? null : of(a, "wRec", pc.wRec, new int[] {N, N}),
                    of(a, "alpha", pc.alpha, n), of(a, "beta", pc.beta, n), of(a, "theta", pc.theta, n),
                    of(a, "i0", pc.i0, bn), of(a, "v0", pc.v0, bn), a.allocate("spikes", tbn), a.allocate("iSave", tbn),
                    a.allocate("u", tbn), a.allocate("vLast", bn));
            b.lifForward(c, t);
            LifGradTensors g = new LifGradTensors(of(a, "gradS", pc.gradS, tbn), of(a, "gradU", pc.gradU, tbn),
                    a.allocate("gradX", tbn), a.allocate("gradI0", bn), a.allocate("gradV0", bn),
                    a.allocate("gradAlpha", n), a.allocate("gradBeta", n), a.allocate("gradTheta", n));
            b.lifBackward(c, t, g);
            if (c.gradCutoff() > 0 || c.surrogate().kind() == Surrogate.Kind.TRIANGLE || c.surrogate().kind() == Surrogate.Kind.BOXCAR) {
                // the sparse backward's mask: where the surrogate derivative survives, exactly
                Tensor mask = a.allocate(DType.U8, "mask", tbn);
                long count = b.lifSurrogateMask(c, t, mask);
                try (Backend ref = Backends.create("reference", 1); Arena ra = ref.newArena()) {
                    LifTensors rt = new LifTensors(of(ra, "x", pc.x, tbn), pc.wRec == null ? null : of(ra, "wRec", pc.wRec, new int[] {N, N}),
                            of(ra, "alpha", pc.alpha, n), of(ra, "beta", pc.beta, n), of(ra, "theta", pc.theta, n),
                            of(ra, "i0", pc.i0, bn), of(ra, "v0", pc.v0, bn), ra.allocate("spikes", tbn), ra.allocate("iSave", tbn), null, null);
                    Tensor rmask = ra.allocate(DType.U8, "mask", tbn);
                    long rcount = ref.lifSurrogateMask(c, rt, rmask);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(rmask.toArray(), mask.toArray(), "surrogate mask differs from the reference");
                    org.junit.jupiter.api.Assertions.assertEquals(rcount, count, "mask count");
                    if (c.stepTensorSize() >= 1000) {  // large enough to hold both values: the test is not vacuous
                        org.junit.jupiter.api.Assertions.assertTrue(count > 0 && count < c.stepTensorSize(), "a mask with both values: " + count);
                    }
                }
            }
            if (!c.smooth()) {
                // byte and bit rasters carry the same spikes, through recurrence too
                for (DType type : new DType[] {DType.U8, DType.BIT}) {
                    Tensor packed = a.allocate(type, "spikes" + type, tbn);
                    b.lifForward(c, new LifTensors(t.x(), t.wRec(), t.alpha(), t.beta(), t.theta(), t.i0(), t.v0(), packed,
                            a.allocate("iSave" + type, tbn), null, null));
                    org.junit.jupiter.api.Assertions.assertArrayEquals(t.spikes().toArray(), packed.toArray(), type + " spikes differ from F32 spikes");
                    org.junit.jupiter.api.Assertions.assertEquals(b.sum(t.spikes()), b.sum(packed), 0.0, type + " spike count");
                }
            }
            Tolerance.check("spikes", t.spikes().toArray(), f64.s(), f32.s());
            Tolerance.check("iSave", t.iSave().toArray(), f64.i(), f32.i());
            Tolerance.check("u", t.u().toArray(), f64.u(), f32.u());
            Tolerance.check("vLast", t.vLast().toArray(), f64.vLast(), f32.vLast());
            Tolerance.check("gradX", g.gradX().toArray(), g64.gradX(), g32.gradX());
            Tolerance.check("gradI0", g.gradI0().toArray(), g64.gradI0(), g32.gradI0());
            Tolerance.check("gradV0", g.gradV0().toArray(), g64.gradV0(), g32.gradV0());
            Tolerance.check("gradAlpha", g.gradAlpha().toArray(), g64.gradAlpha(), g32.gradAlpha());
            Tolerance.check("gradBeta", g.gradBeta().toArray(), g64.gradBeta(), g32.gradBeta());
            Tolerance.check("gradTheta", g.gradTheta().toArray(), g64.gradTheta(), g32.gradTheta());
            if (pc.wRec != null) {
                // dW_rec = S[0..T-2]^T gradX[1..T-1], the GEMM the caller does (lif.h)
                Tensor dW = a.allocate("gradWRec", N, N);
                if (T > 1) b.gemm(true, false, N, N, (T - 1) * B, 1f, t.spikes(), 0, g.gradX(), (long) B * N, 0f, dW, 0);
                Tolerance.check("gradWRec", dW.toArray(), g64.gradWRec(), g32.gradWRec());
            }
        }
    }

    private static Tensor of(Arena a, String name, double[] v, int[] shape) {
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) f[k] = (float) v[k];
        return a.allocate(name, shape).copyFrom(f);  // a copy, not set(): device tensors have no host view
    }

    private static double[] rnd(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = lo + (hi - lo) * r.nextDouble();
        return v;
    }
}
