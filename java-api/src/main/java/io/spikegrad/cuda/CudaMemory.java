package io.spikegrad.cuda;

import io.spikegrad.NativeException;
import io.spikegrad.spi.Memory;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Device memory of one {@link CudaBackend}: plain {@code cudaMalloc} blocks (no managed memory),
 * zero-filled, and copies on the backend's stream that return once the copy is done. Tensors in
 * it have no host view; {@link io.spikegrad.Tensor#copyFrom(float[])} and friends stage through
 * host memory.
 */
final class CudaMemory implements Memory {
    private final long ctx;
    private final Set<Long> live = new LinkedHashSet<>();
    private boolean released;

    CudaMemory(long ctx) {
        this.ctx = ctx;
    }

    /**
     * Frees every block still allocated (arenas closed after their backend) and makes later use
     * of this memory throw instead of touching a destroyed context. Called by CudaBackend.close().
     */
    void release() {
        if (released) return;
        for (long address : live) CudaRuntime.sg_cuda_free(ctx, address);
        live.clear();
        released = true;
    }

    private void checkLive(String what) {
        if (released) throw new IllegalStateException(what + ": the cuda backend that owns this memory is closed");
    }

    @Override
    public boolean isHost() { return false; }

    @Override
    public Block allocate(long bytes, String name) {
        checkLive("allocate " + name);
        long[] out = new long[1];
        int st = CudaRuntime.sg_cuda_malloc(ctx, out, bytes);
        if (st != 0) {
            String why = CudaRuntime.sg_cuda_last_error();
            if (why.contains("out of memory")) throw new OutOfMemoryError("GPU: could not allocate " + bytes + " bytes for " + name + ": " + why);
            throw new NativeException("sg_cuda_malloc (" + name + ")", st, why);
        }
        long address = out[0];
        live.add(address);
        return new Block() {
            private boolean freed;

            @Override public long address() { return address; }
            @Override public long bytes() { return bytes; }
            @Override public ByteBuffer hostView() { return null; }

            @Override
            public void free() {
                if (freed) return;
                freed = true;
                if (released) return;  // freed with the backend
                live.remove(address);
                int s = CudaRuntime.sg_cuda_free(ctx, address);
                if (s != 0) throw new NativeException("sg_cuda_free (" + name + ")", s, CudaRuntime.sg_cuda_last_error());
            }
        };
    }

    @Override
    public void copyFromHost(long dst, long src, long bytes) {
        copy("sg_cuda_copy (host to device)", dst, src, bytes, 0);
    }

    @Override
    public void copyToHost(long dst, long src, long bytes) {
        copy("sg_cuda_copy (device to host)", dst, src, bytes, 1);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        copy("sg_cuda_copy (device to device)", dst, src, bytes, 2);
    }

    private void copy(String call, long dst, long src, long bytes, int kind) {
        checkLive(call);
        int st = CudaRuntime.sg_cuda_copy(ctx, dst, src, bytes, kind);
        if (st != 0) throw new NativeException(call, st, CudaRuntime.sg_cuda_last_error());
    }
}
