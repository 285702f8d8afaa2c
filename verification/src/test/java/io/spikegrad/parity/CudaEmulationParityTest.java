package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.spikegrad.cuda.CudaEmulationBackend;
import io.spikegrad.reference.LiGrads;
import io.spikegrad.reference.LiReference;
import io.spikegrad.reference.LiTrace;
import io.spikegrad.reference.LifGrads;
import io.spikegrad.reference.LifReference;
import io.spikegrad.reference.LifTrace;
import io.spikegrad.reference.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels without a GPU: {@link CudaEmulationBackend} runs each kernel's per-thread
 * body (native/include/spikegrad/cuda/) over its whole launch grid on the CPU, out-of-range
 * threads of the last block and the stepped kernels' barriers included. Every result is held
 * to the double reference under the DESIGN.md rule ({@link Tolerance}) and compared with the
 * CPU backend (spikes identical; the largest float difference is reported). Shapes add to the
 * parity suite's: more than one 32-step recompute segment (T = 45, 70), B*N not a multiple of
 * the 256-thread block, and recurrent layers wider than a 256-thread block (a thread owns two
 * neurons).
 */
class CudaEmulationParityTest {

    /** steps, batch, neurons, recurrent */
    static final int[][] SHAPES = {
        {1, 1, 1, 0}, {20, 3, 37, 0}, {70, 2, 130, 0}, {40, 2, 300, 0}, {15, 3, 37, 1}, {45, 2, 70, 1}, {10, 2, 300, 1},
    };

    /** kernel -> {worst |emu - ref64| / tolerance, max |emu - cpu|}, printed after the class. */
    static final Map<String, double[]> REPORT = new TreeMap<>();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES)
            for (Surrogate.Kind kind : Surrogate.Kind.values())
                for (ResetMode reset : ResetMode.values())
                    for (boolean detach : new boolean[] {false, true})
                        out.add(Arguments.of(s[0], s[1], s[2], s[3] == 1, kind, reset, detach));
        return out.stream();
    }

    @AfterAll
    static void report() {
        for (Map.Entry<String, double[]> e : REPORT.entrySet()) {
            System.out.printf("cuda emulation %-28s worst |emu - ref64|/tol = %.3f   max |emu - cpu| = %.3g%n",
                    e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
    }

    @ParameterizedTest(name = "T={0} B={1} N={2} rec={3} {4} {5} detach={6}")
    @MethodSource("cases")
    void lifMatchesReferenceAndCpu(int steps, int batch, int neurons, boolean recurrent, Surrogate.Kind kind,
                                   ResetMode reset, boolean detach) {
        long seed = (((steps * 131L + batch) * 131 + neurons) * 17 + kind.ordinal()) * 7 + reset.ordinal() * 2 + (detach ? 1 : 0);
        compare(ParityCase.draw(steps, batch, neurons, recurrent, reset, kind, detach, false, seed));
    }

    static Stream<Arguments> smoothCases() {
        List<Arguments> out = new ArrayList<>();
        for (Surrogate.Kind kind : Surrogate.Kind.values())
            if (kind.hasSmoothForm())
                for (ResetMode reset : ResetMode.values())
                    for (boolean recurrent : new boolean[] {false, true})
                        out.add(Arguments.of(kind, reset, recurrent));
        return out.stream();
    }

    @ParameterizedTest(name = "smooth {0} {1} rec={2}")
    @MethodSource("smoothCases")
    void smoothLifMatchesReferenceAndCpu(Surrogate.Kind kind, ResetMode reset, boolean recurrent) {
        compare(ParityCase.draw(40, 3, 37, recurrent, reset, kind, false, true, kind.ordinal() * 10L + reset.ordinal()));
    }

    static Stream<Arguments> cutoffCases() {
        List<Arguments> out = new ArrayList<>();
        for (Surrogate.Kind kind : new Surrogate.Kind[] {Surrogate.Kind.FAST_SIGMOID, Surrogate.Kind.SIGMOID, Surrogate.Kind.TRIANGLE})
            for (ResetMode reset : new ResetMode[] {ResetMode.SUBTRACT, ResetMode.TO_VALUE})
                for (boolean recurrent : new boolean[] {false, true})
                    out.add(Arguments.of(kind, reset, recurrent));
        return out.stream();
    }

    @ParameterizedTest(name = "cutoff {0} {1} rec={2}")
    @MethodSource("cutoffCases")
    void cutoffMatchesReferenceAndCpu(Surrogate.Kind kind, ResetMode reset, boolean recurrent) {
        compare(ParityCase.draw(36, 3, 70, recurrent, reset, kind, false, false, 0.2, kind.ordinal() * 4L + reset.ordinal()));
    }

    private static void compare(ParityCase pc) {
        LifKernelConfig c = pc.config;
        boolean rec = pc.wRec != null;
        String fwd = rec ? "lif_forward (recurrent)" : "lif_forward", bwd = rec ? "lif_backward (recurrent)" : "lif_backward";
        LifTrace f64 = LifReference.forward(c, Precision.DOUBLE, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0);
        LifTrace f32 = LifReference.forward(c, Precision.FLOAT, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0);
        LifGrads g64 = LifReference.backward(c, Precision.DOUBLE, f64, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0, pc.gradS, pc.gradU);
        LifGrads g32 = LifReference.backward(c, Precision.FLOAT, f32, pc.x, pc.wRec, pc.alpha, pc.beta, pc.theta, pc.i0, pc.v0, pc.gradS, pc.gradU);
        Run emu, cpu;
        long threads;
        try (CudaEmulationBackend b = new CudaEmulationBackend()) {
            emu = run(b, pc, DType.F32);
            threads = emu.forwardThreads;
            if (!c.smooth()) {
                Run emu8 = run(b, pc, DType.U8);
                assertArrayEquals(emu.spikes, emu8.spikes, "U8 spikes differ from F32 spikes");
                assertArrayEquals(emu.gradX, emu8.gradX, "the backward after a U8 forward differs");
            }
        }
        long bn = (long) c.batch() * c.neurons();
        if (!rec) assertEquals((bn + 255) / 256 * 256, threads, "the forward grid covers B*N in 256-thread blocks");
        else assertEquals(c.batch() * (long) Math.min(256, (c.neurons() + 31) / 32 * 32), threads, "one block per sample");
        try (Backend b = Backends.create("cpu", 2)) {
            cpu = run(b, pc, DType.F32);
        }
        assertArrayEquals(cpu.spikes, emu.spikes, "emulated CUDA spikes differ from the CPU backend's");
        if (Backends.available().contains("cuda")) {
            // on a GPU: the device against its own emulation (same bodies; libm and FMA-free arithmetic)
            Run dev;
            try (Backend b = Backends.create("cuda", 1)) {
                dev = run(b, pc, DType.F32);
            }
            if (!c.smooth()) assertArrayEquals(emu.spikes, dev.spikes, "device spikes differ from the emulation's");
            check(fwd + " device", "u", dev.u, emu.u, f64.u(), f32.u());
            check(bwd + " device", "gradX", dev.gradX, emu.gradX, g64.gradX(), g32.gradX());
            check(bwd + " device", "gradTheta", dev.gradTheta, emu.gradTheta, g64.gradTheta(), g32.gradTheta());
        }
        check(fwd, "spikes", emu.spikes, cpu.spikes, f64.s(), f32.s());
        check(fwd, "iSave", emu.iSave, cpu.iSave, f64.i(), f32.i());
        check(fwd, "u", emu.u, cpu.u, f64.u(), f32.u());
        check(fwd, "vLast", emu.vLast, cpu.vLast, f64.vLast(), f32.vLast());
        check(bwd, "gradX", emu.gradX, cpu.gradX, g64.gradX(), g32.gradX());
        check(bwd, "gradI0", emu.gradI0, cpu.gradI0, g64.gradI0(), g32.gradI0());
        check(bwd, "gradV0", emu.gradV0, cpu.gradV0, g64.gradV0(), g32.gradV0());
        check(bwd, "gradAlpha", emu.gradAlpha, cpu.gradAlpha, g64.gradAlpha(), g32.gradAlpha());
        check(bwd, "gradBeta", emu.gradBeta, cpu.gradBeta, g64.gradBeta(), g32.gradBeta());
        check(bwd, "gradTheta", emu.gradTheta, cpu.gradTheta, g64.gradTheta(), g32.gradTheta());
        if (emu.gradWRec != null) check("gemm (recurrent dW)", "gradWRec", emu.gradWRec, cpu.gradWRec, g64.gradWRec(), g32.gradWRec());
    }

    /** Outputs of one forward + backward on a backend. */
    record Run(float[] spikes, float[] iSave, float[] u, float[] vLast, float[] gradX, float[] gradI0, float[] gradV0,
               float[] gradAlpha, float[] gradBeta, float[] gradTheta, long forwardThreads, float[] gradWRec) {}

    private static Run run(Backend b, ParityCase pc, DType spikeType) {
        LifKernelConfig c = pc.config;
        int T = c.steps(), B = c.batch(), N = c.neurons();
        int[] tbn = {T, B, N}, bn = {B, N}, n = {N};
        try (Arena a = b.newArena()) {
            LifTensors t = new LifTensors(of(a, "x", pc.x, tbn), pc.wRec == null ? null : of(a, "wRec", pc.wRec, new int[] {N, N}),
                    of(a, "alpha", pc.alpha, n), of(a, "beta", pc.beta, n), of(a, "theta", pc.theta, n),
                    of(a, "i0", pc.i0, bn), of(a, "v0", pc.v0, bn), a.allocate(spikeType, "spikes", tbn), a.allocate("iSave", tbn),
                    a.allocate("u", tbn), a.allocate("vLast", bn));
            b.lifForward(c, t);
            long threads = b instanceof CudaEmulationBackend e ? e.lastThreads() : 0;
            LifGradTensors g = new LifGradTensors(of(a, "gradS", pc.gradS, tbn), of(a, "gradU", pc.gradU, tbn),
                    a.allocate("gradX", tbn), a.allocate("gradI0", bn), a.allocate("gradV0", bn),
                    a.allocate("gradAlpha", n), a.allocate("gradBeta", n), a.allocate("gradTheta", n));
            b.lifBackward(c, t, g);
            float[] dWRec = null;
            if (pc.wRec != null && T > 1 && spikeType == DType.F32) {
                // dW_rec = S[0..T-2]^T gradX[1..T-1], the GEMM the caller does (lif.h)
                Tensor dW = a.allocate("gradWRec", N, N);
                b.gemm(true, false, N, N, (T - 1) * B, 1f, t.spikes(), 0, g.gradX(), (long) B * N, 0f, dW, 0);
                dWRec = dW.toArray();
            }
            return new Run(t.spikes().toArray(), t.iSave().toArray(), t.u().toArray(), t.vLast().toArray(),
                    g.gradX().toArray(), g.gradI0().toArray(), g.gradV0().toArray(), g.gradAlpha().toArray(),
                    g.gradBeta().toArray(), g.gradTheta().toArray(), threads, dWRec);
        }
    }

    /** The tolerance rule against the reference, and the largest difference from the CPU backend. */
    static void check(String kernel, String what, float[] emu, float[] cpu, double[] ref64, double[] ref32) {
        Tolerance.check(kernel + " " + what, emu, ref64, ref32);
        double scale = 0;
        for (double v : ref64) scale = Math.max(scale, Math.abs(v));
        double atol = 16 * Tolerance.EPS32 * Math.max(scale, 1e-30), worst = 0, diff = 0;
        for (int k = 0; k < emu.length; k++) {
            double tol = 2 * Math.abs(ref32[k] - ref64[k]) + atol;
            if (tol > 0) worst = Math.max(worst, Math.abs(emu[k] - ref64[k]) / tol);
            if (cpu != null) diff = Math.max(diff, Math.abs(emu[k] - cpu[k]));
        }
        double[] r = REPORT.computeIfAbsent(kernel, key -> new double[2]);
        r[0] = Math.max(r[0], worst);
        r[1] = Math.max(r[1], diff);
    }

    static Stream<Arguments> liCases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) out.add(Arguments.of(s[0], s[1], s[2]));
        return out.stream();
    }

    @ParameterizedTest(name = "LI T={0} B={1} N={2}")
    @MethodSource("liCases")
    void liMatchesReferenceAndCpu(int steps, int batch, int neurons) {
        Shape sh = new Shape(steps, batch, neurons);
        SplittableRandom r = new SplittableRandom(steps * 1000L + neurons);
        double[] x = rnd(r, steps * batch * neurons, -0.5, 1), alpha = rnd(r, neurons, 0.6, 0.95), beta = rnd(r, neurons, 0.8, 0.99);
        double[] i0 = rnd(r, batch * neurons, -1, 1), u0 = rnd(r, batch * neurons, -1, 1), gu = rnd(r, steps * batch * neurons, -1, 1);
        LiTrace f64 = LiReference.forward(sh, Precision.DOUBLE, x, alpha, beta, i0, u0);
        LiTrace f32 = LiReference.forward(sh, Precision.FLOAT, x, alpha, beta, i0, u0);
        LiGrads g64 = LiReference.backward(sh, Precision.DOUBLE, f64, alpha, beta, i0, u0, gu);
        LiGrads g32 = LiReference.backward(sh, Precision.FLOAT, f32, alpha, beta, i0, u0, gu);
        float[][] emu, cpu;
        try (CudaEmulationBackend b = new CudaEmulationBackend()) {
            emu = li(b, sh, x, alpha, beta, i0, u0, gu);
        }
        try (Backend b = Backends.create("cpu", 2)) {
            cpu = li(b, sh, x, alpha, beta, i0, u0, gu);
        }
        check("li_forward", "u", emu[0], cpu[0], f64.u(), f32.u());
        check("li_forward", "iSave", emu[1], cpu[1], f64.i(), f32.i());
        check("li_backward", "gradX", emu[2], cpu[2], g64.gradX(), g32.gradX());
        check("li_backward", "gradI0", emu[3], cpu[3], g64.gradI0(), g32.gradI0());
        check("li_backward", "gradU0", emu[4], cpu[4], g64.gradU0(), g32.gradU0());
        check("li_backward", "gradAlpha", emu[5], cpu[5], g64.gradAlpha(), g32.gradAlpha());
        check("li_backward", "gradBeta", emu[6], cpu[6], g64.gradBeta(), g32.gradBeta());
    }

    private static float[][] li(Backend b, Shape sh, double[] x, double[] alpha, double[] beta, double[] i0, double[] u0, double[] gu) {
        int[] tbn = {sh.steps(), sh.batch(), sh.neurons()}, bn = {sh.batch(), sh.neurons()}, n = {sh.neurons()};
        try (Arena a = b.newArena()) {
            LiTensors t = new LiTensors(of(a, "x", x, tbn), of(a, "alpha", alpha, n), of(a, "beta", beta, n),
                    of(a, "i0", i0, bn), of(a, "u0", u0, bn), a.allocate("u", tbn), a.allocate("iSave", tbn));
            b.liForward(sh, t);
            LiGradTensors g = new LiGradTensors(of(a, "gradU", gu, tbn), a.allocate("gradX", tbn), a.allocate("gradI0", bn),
                    a.allocate("gradU0", bn), a.allocate("gradAlpha", n), a.allocate("gradBeta", n));
            b.liBackward(sh, t, g);
            return new float[][] {t.u().toArray(), t.iSave().toArray(), g.gradX().toArray(), g.gradI0().toArray(),
                g.gradU0().toArray(), g.gradAlpha().toArray(), g.gradBeta().toArray()};
        }
    }

    /**
     * The spike-sparse products against the same products in double (float32 accumulation over at
     * most K terms) and against the CPU kernels; odd sizes, offsets, beta 0 / 1 / 0.5, F32 and U8.
     */
    @ParameterizedTest(name = "spike_matmul R={0} K={1} N={2} p={3} beta={4} {5}")
    @CsvSource({"1,1,1,1.0,0,F32", "37,13,5,0.3,1,F32", "600,70,129,0.05,0,F32", "64,300,257,0.05,1,F32",
                "300,33,64,0.2,0.5,F32", "1,1,1,1.0,0,U8", "37,13,5,0.3,1,U8", "600,70,129,0.05,0,U8",
                "700,300,200,0.1,0,U8", "530,19,64,0.4,0.5,U8"})
    void spikeMatmulMatchesDoubleAndCpu(int rows, int inputs, int outputs, double p, float beta, DType dtype) {
        SplittableRandom r = new SplittableRandom(rows * 31L + inputs);
        int off = 3;
        float[] x = new float[off + rows * inputs], w = new float[inputs * outputs], g = new float[off + rows * outputs];
        for (int k = off; k < x.length; k++) {
            boolean other = r.nextDouble() >= 0.9;
            x[k] = r.nextDouble() < p ? (other ? (dtype == DType.U8 ? 2 + r.nextInt(3) : (float) r.nextGaussian()) : 1f) : 0f;
        }
        for (int k = 0; k < w.length; k++) w[k] = (float) r.nextGaussian();
        for (int k = off; k < g.length; k++) g[k] = (float) r.nextGaussian();
        float[] out0 = new float[rows * outputs], dw0 = new float[inputs * outputs];
        for (int k = 0; k < out0.length; k++) out0[k] = (float) r.nextGaussian();
        for (int k = 0; k < dw0.length; k++) dw0[k] = (float) r.nextGaussian();
        float[][] emu, cpu;
        try (CudaEmulationBackend b = new CudaEmulationBackend()) {
            emu = spmm(b, rows, inputs, outputs, x, w, g, out0, dw0, beta, dtype, off);
            assertTrue(emu[3][0] >= (double) inputs * outputs, "the weight gradient grid covers K*N");
        }
        try (Backend b = Backends.create("cpu", 2)) {
            cpu = spmm(b, rows, inputs, outputs, x, w, g, out0, dw0, beta, dtype, off);
        }
        double[] refOut = new double[rows * outputs], refDw = new double[inputs * outputs];
        double[] tolOut = new double[refOut.length], tolDw = new double[refDw.length];
        for (int i = 0; i < rows; i++)
            for (int n = 0; n < outputs; n++) {
                double ref = beta * out0[i * outputs + n], mag = Math.abs(ref);
                for (int j = 0; j < inputs; j++) {
                    double term = (double) x[off + i * inputs + j] * w[j * outputs + n];
                    ref += term;
                    mag += Math.abs(term);
                }
                refOut[i * outputs + n] = ref;
                tolOut[i * outputs + n] = inputs * Tolerance.EPS32 * mag + 1e-30;
            }
        for (int j = 0; j < inputs; j++)
            for (int n = 0; n < outputs; n++) {
                double ref = beta * dw0[j * outputs + n], mag = Math.abs(ref);
                for (int i = 0; i < rows; i++) {
                    double term = (double) x[off + i * inputs + j] * g[off + i * outputs + n];
                    ref += term;
                    mag += Math.abs(term);
                }
                refDw[j * outputs + n] = ref;
                tolDw[j * outputs + n] = rows * Tolerance.EPS32 * mag + 1e-30;
            }
        within("spike_matmul", emu[0], cpu[0], refOut, tolOut);
        within("spike_matmul_weight_grad", emu[1], cpu[1], refDw, tolDw);
        assertEquals(cpu[2][0], emu[2][0], 0.0, "density");
        assertEquals(cpu[2][1], emu[2][1], 1e-9 * Math.max(1, Math.abs(cpu[2][1])), "sum");
    }

    /** |emu - ref| within the float32 accumulation bound n eps32 sum|terms|. */
    private static void within(String kernel, float[] emu, float[] cpu, double[] ref, double[] tol) {
        double worst = 0, diff = 0;
        for (int k = 0; k < emu.length; k++) {
            double err = Math.abs(emu[k] - ref[k]);
            if (!(err <= tol[k])) throw new AssertionError(kernel + "[" + k + "]: emulated " + emu[k] + ", double " + ref[k] + ", bound " + tol[k]);
            worst = Math.max(worst, err / tol[k]);
            diff = Math.max(diff, Math.abs(emu[k] - cpu[k]));
        }
        double[] r = REPORT.computeIfAbsent(kernel, key -> new double[2]);
        r[0] = Math.max(r[0], worst);
        r[1] = Math.max(r[1], diff);
    }

    private static float[][] spmm(Backend b, int rows, int inputs, int outputs, float[] x, float[] w, float[] g,
                                  float[] out0, float[] dw0, float beta, DType dtype, int off) {
        try (Arena a = b.newArena()) {
            Tensor tx = a.allocate(dtype, "x", x.length).copyFrom(x), tw = a.of("w", w, inputs, outputs), tg = a.of("g", g, g.length);
            Tensor out = a.of("out", out0, rows, outputs), dw = a.of("dw", dw0, inputs, outputs);
            b.spikeMatmul(rows, inputs, outputs, tx, off, tw, beta, out);
            b.spikeMatmulWeightGrad(rows, inputs, outputs, tx, off, tg, off, beta, dw);
            float threads = b instanceof CudaEmulationBackend e ? e.lastThreads() : 0;
            return new float[][] {out.toArray(), dw.toArray(), {(float) b.density(tx), (float) b.sum(tx)}, {threads}};
        }
    }

    /** The sparse backward's mask (lif.h, sg_lif_surrogate_mask): the same bytes and count as the CPU's. */
    @ParameterizedTest(name = "surrogate mask {0} cutoff={1} T={2} B={3} N={4}")
    @CsvSource({"TRIANGLE,0,20,3,37", "BOXCAR,0,40,2,300", "FAST_SIGMOID,0.2,36,3,70", "SIGMOID,0.2,1,1,1", "TRIANGLE,0,70,2,130"})
    void surrogateMaskMatchesCpu(Surrogate.Kind kind, double cutoff, int steps, int batch, int neurons) {
        ParityCase pc = ParityCase.draw(steps, batch, neurons, false, ResetMode.SUBTRACT, kind, false, false, cutoff, steps * 7L + neurons);
        LifKernelConfig c = pc.config;
        byte[][] masks = new byte[2][];
        long[] counts = new long[2];
        int k = 0;
        for (Backend b : new Backend[] {new CudaEmulationBackend(), Backends.create("cpu", 2)}) {
            try (b; Arena a = b.newArena()) {
                int[] tbn = {steps, batch, neurons}, bn = {batch, neurons}, n = {neurons};
                LifTensors t = new LifTensors(of(a, "x", pc.x, tbn), null, of(a, "alpha", pc.alpha, n), of(a, "beta", pc.beta, n),
                        of(a, "theta", pc.theta, n), of(a, "i0", pc.i0, bn), of(a, "v0", pc.v0, bn),
                        a.allocate(DType.U8, "spikes", tbn), a.allocate("iSave", tbn), null, null);
                b.lifForward(c, t);
                Tensor mask = a.allocate(DType.U8, "mask", tbn);
                counts[k] = b.lifSurrogateMask(c, t, mask);
                masks[k++] = mask.copyTo(new byte[Math.toIntExact(mask.size())]);
            }
        }
        assertArrayEquals(masks[1], masks[0], "emulated mask differs from the CPU's");
        assertEquals(counts[1], counts[0], "count");
        long ones = 0;
        for (byte v : masks[0]) ones += v;
        assertEquals(ones, counts[0], "the count is the number of set entries");
    }

    /** The masked product (masked_matmul.h) against double sums and the CPU kernel; unmasked entries are exactly 0. */
    @ParameterizedTest(name = "masked_matmul R={0} K={1} N={2} p={3}")
    @CsvSource({"1,1,1,1.0", "37,13,5,0.3", "600,70,129,0.05", "300,3,257,0.5"})
    void maskedMatmulMatchesDoubleAndCpu(int rows, int inner, int cols, double p) {
        SplittableRandom r = new SplittableRandom(rows * 13L + cols);
        float[] av = new float[rows * inner], bv = new float[cols * inner], mv = new float[rows * cols];
        for (int k = 0; k < av.length; k++) av[k] = (float) r.nextGaussian();
        for (int k = 0; k < bv.length; k++) bv[k] = (float) r.nextGaussian();
        for (int k = 0; k < mv.length; k++) mv[k] = r.nextDouble() < p ? 1f : 0f;
        float[][] res = new float[2][];
        int k = 0;
        for (Backend b : new Backend[] {new CudaEmulationBackend(), Backends.create("cpu", 2)}) {
            try (b; Arena a = b.newArena()) {
                Tensor out = a.allocate("out", rows, cols).fill(7f);  // overwritten everywhere
                b.maskedMatmul(rows, inner, cols, a.of("a", av, rows, inner), a.of("b", bv, cols, inner),
                        a.allocate(DType.U8, "mask", rows, cols).copyFrom(mv), out);
                res[k++] = out.toArray();
            }
        }
        double[] ref = new double[rows * cols], tol = new double[ref.length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                if (mv[i * cols + j] == 0f) continue;
                double s = 0, mag = 0;
                for (int c = 0; c < inner; c++) {
                    double term = (double) av[i * inner + c] * bv[j * inner + c];
                    s += term;
                    mag += Math.abs(term);
                }
                ref[i * cols + j] = s;
                tol[i * cols + j] = inner * Tolerance.EPS32 * mag;
            }
        for (int e = 0; e < ref.length; e++) tol[e] += 1e-30;  // unmasked entries: exactly 0
        within("masked_matmul", res[0], res[1], ref, tol);
    }

    @Test
    void reductionsCountAndSumLikeTheCpu() {
        try (CudaEmulationBackend b = new CudaEmulationBackend(); Arena a = b.newArena()) {
            // more elements than the 64 x 256 reduction grid, so threads visit several
            int n = 64 * 256 * 3 + 17;
            float[] v = new float[n];
            SplittableRandom r = new SplittableRandom(5);
            double sum = 0;
            long nz = 0;
            for (int k = 0; k < n; k++) {
                v[k] = r.nextDouble() < 0.1 ? (float) r.nextGaussian() : 0f;
                sum += v[k];
                if (v[k] != 0f) nz++;
            }
            Tensor t = a.of("v", v, n);
            assertEquals(nz / (double) n, b.density(t), 0.0);
            assertEquals(sum, b.sum(t), 1e-9);
            // the validation's NaN scan runs on the emulated reduction kernel too
            Tensor ok = a.of("ok", new float[] {0.5f, 0.5f, 0.5f}, 3);
            Tensor bad = a.of("bad", new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY}, 3);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> b.liForward(new Shape(1, 1, 3), new LiTensors(bad, ok, ok, ok, ok, a.allocate("u", 3), a.allocate("i", 3))));
            assertTrue(e.getMessage().contains("2 NaN or infinite"), e.getMessage());
        }
    }

    private static Tensor of(Arena a, String name, double[] v, int[] shape) {
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) f[k] = (float) v[k];
        return a.allocate(name, shape).copyFrom(f);
    }

    private static double[] rnd(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = lo + (hi - lo) * r.nextDouble();
        return v;
    }
}
