package io.spikegrad.cuda;

import io.spikegrad.Arena;
import io.spikegrad.DType;
import io.spikegrad.NativeException;
import io.spikegrad.Tensor;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The differentiable synapse on the GPU ({@code sg_diffsyn_forward_cuda} /
 * {@code sg_diffsyn_forward_backward_cuda}, cuda.h; bodies in native/include/spikegrad/cuda/diffsyn_kernels.h):
 * the CPU kernel's ({@link io.spikegrad.cpu.NativeDiffSyn}) forward and exact discrete adjoint in double
 * precision, one thread block per sample and one thread per neuron, with the CPU kernel's order of
 * additions. {@link #emulated()} runs the same kernels on the CPU (every thread of every launch, one after
 * the other: for tests without a GPU; it reproduces the CPU kernel bit for bit). Scope: everything the CPU
 * kernel does (all neuron models and gates, both recurrences, error weights, readout, raster, gradients).
 */
public final class CudaDiffSyn implements DiffSynEngine {
    private final CudaBackend backend;   // null: emulated
    private final CudaEmulation.DiffSynConfig cfg = new CudaEmulation.DiffSynConfig();

    private CudaDiffSyn(CudaBackend backend) {
        this.backend = backend;
    }

    /** The GPU kernels emulated on the CPU. */
    public static CudaDiffSyn emulated() {
        return new CudaDiffSyn(null);
    }

    /** The kernels on the backend's GPU: inputs copied to the device once per call, results copied back once. */
    public static CudaDiffSyn onDevice(CudaBackend backend) {
        if (backend == null) throw new NullPointerException("backend");
        return new CudaDiffSyn(backend);
    }

    @Override
    public String name() { return backend == null ? "cuda-emulated" : "cuda"; }

    @Override
    public synchronized DiffSynResult run(DiffSynModel m, DiffSynParams p, DiffSynBatch b, Request req) {
        DiffSynEngine.check(m, p, b);
        final int T = b.steps(), B = b.batch(), N = m.neurons(), R = m.outputs();
        cfg.steps(T).batch(B).neurons(N).inputs(m.inputs()).outputs(R).neuron(m.neuron().code()).gate(m.gate().code())
                .dt(m.dt()).tau_v(m.tauV()).tau_fast(m.tauFast()).tau_slow(m.tauSlow()).width(m.width()).lambda(m.lambda());
        try (PointerScope scope = new PointerScope()) {
            // host buffers, in the order of the C call; on a GPU each is mirrored in device memory
            Pointer[] in = {in(p.wFast()), in(p.wSlow()), in(p.u()), in(p.i0()), in(p.o()), in(b.x()), in(b.target()),
                in(b.weight()), in(b.v0())};
            DiffSynParams g = req.gradients() ? DiffSynParams.zeros(m) : null;
            Pointer[] out = {new DoublePointer(B), req.readout() ? new DoublePointer((long) T * B * R) : null,
                req.spikes() ? new BytePointer((long) T * B * N) : null, new IntPointer((long) B * N),
                g == null ? null : out(g.wFast()), g == null ? null : out(g.wSlow()), g == null ? null : out(g.u()),
                g == null ? null : out(g.i0()), g == null ? null : out(g.o()), g == null ? null : new DoublePointer((long) B * N),
                new DoublePointer(new double[5])};
            long[] a = new long[in.length], o = new long[out.length];
            Arena arena = backend == null ? null : backend.newArena();
            int st;
            try {
                for (int k = 0; k < in.length; k++) a[k] = in[k] == null ? 0 : arena == null ? in[k].address() : upload(arena, k, in[k]);
                for (int k = 0; k < out.length; k++) {
                    o[k] = out[k] == null ? 0 : arena == null ? out[k].address()
                            : arena.allocate(DType.U8, "diffsyn output " + k, (int) bytes(out[k])).address();
                }
                if (arena == null) {
                    st = g != null
                            ? CudaEmulation.sg_emu_diffsyn_forward_backward(cfg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                                    o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10])
                            : CudaEmulation.sg_emu_diffsyn_forward(cfg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                                    o[0], o[1], o[2], o[3], o[10]);
                } else {
                    long c = backend.context();
                    st = g != null
                            ? CudaRuntime.sg_diffsyn_forward_backward_cuda(c, cfg.address(), a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                                    a[7], a[8], o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10])
                            : CudaRuntime.sg_diffsyn_forward_cuda(c, cfg.address(), a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                                    a[8], o[0], o[1], o[2], o[3], o[10]);
                    if (st == 0 || st == 4) {
                        for (int k = 0; k < out.length; k++)
                            if (out[k] != null) arena.memory().copyToHost(out[k].address(), o[k], bytes(out[k]));
                    }
                }
            } finally {
                if (arena != null) arena.close();
            }
            DoublePointer diag = (DoublePointer) out[10];
            if (st != 0) {
                double kind = diag.get(0);
                if (st == 4 && (kind == 1 || kind == 2)) {
                    throw new SimulationDivergedException("diffsyn (" + name() + ")", (int) diag.get(1), (int) diag.get(2),
                            (int) diag.get(3), diag.get(4), kind == 2);
                }
                String call = backend == null ? "sg_emu_diffsyn" : "sg_diffsyn_cuda";
                throw new NativeException(call, st, st == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(st));
            }
            double[] sampleLoss = new double[B];
            ((DoublePointer) out[0]).get(sampleLoss);
            double mean = 0;
            for (double l : sampleLoss) mean += l;
            mean /= B;
            double[] ro = null;
            if (out[1] != null) {
                ro = new double[(int) ((long) T * B * R)];
                ((DoublePointer) out[1]).get(ro);
            }
            byte[] sp = null;
            if (out[2] != null) {
                sp = new byte[(int) ((long) T * B * N)];
                ((BytePointer) out[2]).get(sp);
            }
            int[] cnt = new int[B * N];
            ((IntPointer) out[3]).get(cnt);
            double[] gV0 = null;
            if (g != null) {
                get(out[4], g.wFast());
                get(out[5], g.wSlow());
                get(out[6], g.u());
                get(out[7], g.i0());
                get(out[8], g.o());
                gV0 = new double[B * N];
                ((DoublePointer) out[9]).get(gV0);
            }
            return new DiffSynResult(mean, sampleLoss, ro, sp, cnt, g, gV0);
        }
    }

    private static DoublePointer in(double[] a) {
        return a == null ? null : new DoublePointer(a);
    }

    private static DoublePointer out(double[] a) {
        return a == null ? null : new DoublePointer(a.length);
    }

    private static void get(Pointer p, double[] a) {
        if (p != null) ((DoublePointer) p).get(a);
    }

    private static long bytes(Pointer p) {
        return p.capacity() * p.sizeof();
    }

    private static long upload(Arena arena, int k, Pointer host) {
        Tensor t = arena.allocate(DType.U8, "diffsyn input " + k, (int) bytes(host));
        arena.memory().copyFromHost(t.address(), host.address(), bytes(host));
        return t.address();
    }
}
