package io.spikegrad.cpu;

import io.spikegrad.NativeException;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The native CPU kernel of the differentiable synapse ({@code native/include/spikegrad/diffsyn.h}):
 * forward and exact discrete adjoint in double precision, samples in parallel on the kernel
 * thread pool. It reproduces the Java reference ({@code io.spikegrad.reference.DiffSynReference})
 * to rounding. Every argument is checked here first ({@link DiffSynEngine#check}); the kernel's
 * status codes become exceptions.
 */
public final class NativeDiffSyn implements DiffSynEngine {
    private final CpuKernels.DiffSynConfig cfg = new CpuKernels.DiffSynConfig();

    /** @param threads kernel threads, &gt;= 1 (the process-wide pool of {@code sg_set_num_threads}) */
    public NativeDiffSyn(int threads) {
        if (threads < 1 || threads > 4096) throw new IllegalArgumentException("threads must lie in [1, 4096], got " + threads);
        int st = CpuKernels.sg_set_num_threads(threads);
        if (st != 0) throw new NativeException("sg_set_num_threads", st, CpuKernels.sg_status_string(st));
    }

    @Override
    public String name() { return "cpu"; }

    @Override
    public synchronized DiffSynResult run(DiffSynModel m, DiffSynParams p, DiffSynBatch b, Request req) {
        DiffSynEngine.check(m, p, b);
        final int T = b.steps(), B = b.batch(), N = m.neurons(), R = m.outputs();
        cfg.steps(T).batch(B).neurons(N).inputs(m.inputs()).outputs(R).neuron(m.neuron().code()).gate(m.gate().code())
                .dt(m.dt()).tau_v(m.tauV()).tau_fast(m.tauFast()).tau_slow(m.tauSlow()).width(m.width()).lambda(m.lambda());
        try (PointerScope scope = new PointerScope()) {
            DoublePointer wf = in(p.wFast()), ws = in(p.wSlow()), u = in(p.u()), i0 = in(p.i0()), o = in(p.o());
            DoublePointer x = in(b.x()), target = in(b.target()), weight = in(b.weight()), v0 = in(b.v0());
            DoublePointer loss = new DoublePointer(B), diag = new DoublePointer(5);
            DoublePointer readout = req.readout() ? new DoublePointer((long) T * B * R) : null;
            BytePointer spikes = req.spikes() ? new BytePointer((long) T * B * N) : null;
            IntPointer counts = new IntPointer((long) B * N);
            DiffSynParams g = req.gradients() ? DiffSynParams.zeros(m) : null;
            DoublePointer gwf = null, gws = null, gu = null, gi0 = null, go = null, gv0 = null;
            int st;
            if (g != null) {
                gwf = out(g.wFast());
                gws = out(g.wSlow());
                gu = out(g.u());
                gi0 = out(g.i0());
                go = out(g.o());
                gv0 = new DoublePointer((long) B * N);
                st = CpuKernels.sg_diffsyn_forward_backward(cfg, addr(wf), addr(ws), u.address(), i0.address(), o.address(),
                        x.address(), target.address(), addr(weight), v0.address(), loss.address(), addr(readout), addr(spikes),
                        counts.address(), addr(gwf), addr(gws), gu.address(), gi0.address(), go.address(), gv0.address(),
                        diag.address());
            } else {
                st = CpuKernels.sg_diffsyn_forward(cfg, addr(wf), addr(ws), u.address(), i0.address(), o.address(),
                        x.address(), target.address(), addr(weight), v0.address(), loss.address(), addr(readout), addr(spikes),
                        counts.address(), diag.address());
            }
            if (st != 0) {
                double kind = diag.get(0);
                if (st == 4 && (kind == 1 || kind == 2)) {
                    throw new SimulationDivergedException("diffsyn (cpu)", (int) diag.get(1), (int) diag.get(2), (int) diag.get(3),
                            diag.get(4), kind == 2);
                }
                throw new NativeException("sg_diffsyn", st, CpuKernels.sg_status_string(st));
            }
            double[] sampleLoss = new double[B];
            loss.get(sampleLoss);
            double mean = 0;
            for (double l : sampleLoss) mean += l;
            mean /= B;
            double[] ro = null;
            if (readout != null) {
                ro = new double[(int) ((long) T * B * R)];
                readout.get(ro);
            }
            byte[] sp = null;
            if (spikes != null) {
                sp = new byte[(int) ((long) T * B * N)];
                spikes.get(sp);
            }
            int[] cnt = new int[B * N];
            counts.get(cnt);
            double[] gV0 = null;
            if (g != null) {
                get(gwf, g.wFast());
                get(gws, g.wSlow());
                get(gu, g.u());
                get(gi0, g.i0());
                get(go, g.o());
                gV0 = new double[B * N];
                gv0.get(gV0);
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

    private static void get(DoublePointer p, double[] a) {
        if (p != null) p.get(a);
    }

    private static long addr(org.bytedeco.javacpp.Pointer p) {
        return p == null ? 0 : p.address();
    }
}
