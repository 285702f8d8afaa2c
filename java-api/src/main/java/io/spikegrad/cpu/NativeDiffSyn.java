package io.spikegrad.cpu;

import io.spikegrad.NativeException;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;
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
        try (PointerScope scope = new PointerScope()) {
            DiffSynBuffers d = new DiffSynBuffers(m, p, b, req);
            cfg.steps(b.steps()).batch(b.batch()).neurons(m.neurons()).inputs(m.inputs()).outputs(m.outputs())
                    .neuron(m.neuron().code()).gate(m.gate().code()).dt(m.dt()).tau_v(m.tauV()).tau_fast(m.tauFast())
                    .tau_slow(m.tauSlow()).width(m.width()).lambda(m.lambda());
            int st = d.gradients()
                    ? CpuKernels.sg_diffsyn_forward_backward(cfg, addr(d.wFast), addr(d.wSlow), addr(d.u), addr(d.i0), addr(d.o),
                            addr(d.x), addr(d.target), addr(d.weight), addr(d.v0), addr(d.loss), addr(d.readout), addr(d.spikes),
                            addr(d.counts), addr(d.gWFast), addr(d.gWSlow), addr(d.gU), addr(d.gI0), addr(d.gO), addr(d.gV0),
                            addr(d.diag))
                    : CpuKernels.sg_diffsyn_forward(cfg, addr(d.wFast), addr(d.wSlow), addr(d.u), addr(d.i0), addr(d.o),
                            addr(d.x), addr(d.target), addr(d.weight), addr(d.v0), addr(d.loss), addr(d.readout), addr(d.spikes),
                            addr(d.counts), addr(d.diag));
            if (st != 0) {
                SimulationDivergedException diverged = d.diverged("cpu", st);
                if (diverged != null) throw diverged;
                throw new NativeException("sg_diffsyn", st, CpuKernels.sg_status_string(st));
            }
            return d.collect();
        }
    }

    private static long addr(org.bytedeco.javacpp.Pointer p) {
        return p == null ? 0 : p.address();
    }
}
