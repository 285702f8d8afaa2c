package io.spikegrad.cuda;

import io.spikegrad.Arena;
import io.spikegrad.DType;
import io.spikegrad.NativeException;
import io.spikegrad.Tensor;
import io.spikegrad.cpu.DiffSynBuffers;
import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;
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
        try (PointerScope scope = new PointerScope()) {
            DiffSynBuffers d = new DiffSynBuffers(m, p, b, req);
            cfg.steps(b.steps()).batch(b.batch()).neurons(m.neurons()).inputs(m.inputs()).outputs(m.outputs())
                    .neuron(m.neuron().code()).gate(m.gate().code()).dt(m.dt()).tau_v(m.tauV()).tau_fast(m.tauFast())
                    .tau_slow(m.tauSlow()).width(m.width()).lambda(m.lambda());
            // host buffers, in the order of the C call; on a GPU each is mirrored in device memory
            Pointer[] in = d.inputs(), out = d.outputs();
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
                    st = d.gradients()
                            ? CudaEmulation.sg_emu_diffsyn_forward_backward(cfg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                                    o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10])
                            : CudaEmulation.sg_emu_diffsyn_forward(cfg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                                    o[0], o[1], o[2], o[3], o[10]);
                } else {
                    long c = backend.context();
                    st = d.gradients()
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
            if (st != 0) {
                SimulationDivergedException diverged = d.diverged(name(), st);
                if (diverged != null) throw diverged;
                String call = backend == null ? "sg_emu_diffsyn" : "sg_diffsyn_cuda";
                throw new NativeException(call, st, st == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(st));
            }
            return d.collect();
        }
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
