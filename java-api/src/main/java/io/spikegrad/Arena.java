package io.spikegrad;

import io.spikegrad.spi.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * A scope for tensors. Everything allocated from an arena is freed when it closes (use
 * try-with-resources). Allocate once per run or per batch shape and reuse the tensors; never
 * allocate per time step. The memory is the owning backend's (host memory for cpu and
 * reference, device memory for cuda). Arenas are not thread-safe.
 */
public final class Arena implements AutoCloseable {
    private final Backend owner;
    private final Memory memory;
    private final List<Memory.Block> allocations = new ArrayList<>();
    private long bytes;
    private boolean open = true;

    /** A host-memory arena; arenas are normally made by {@link Backend#newArena()}. */
    public Arena(Backend owner) {
        this(owner, Memory.HOST);
    }

    /** An arena whose tensors live in {@code memory} (for backend implementations). */
    public Arena(Backend owner, Memory memory) {
        this.owner = owner;
        this.memory = memory;
    }

    /** The backend whose kernels may use this arena's tensors. */
    public Backend owner() { return owner; }

    /** Where this arena's tensors live. */
    public Memory memory() { return memory; }

    public boolean isOpen() { return open; }

    /** Bytes currently held by this arena. */
    public long bytes() { return bytes; }

    /**
     * Allocates a zero-filled F32 tensor.
     *
     * @param name  used in error messages (e.g. "hidden.spikes")
     * @param shape each dimension &gt;= 1
     */
    public Tensor allocate(String name, int... shape) {
        return allocate(DType.F32, name, shape);
    }

    /** Allocates a zero-filled tensor of element type {@code dtype}. */
    public Tensor allocate(DType dtype, String name, int... shape) {
        if (!open) throw new IllegalStateException("arena is closed; cannot allocate " + name);
        if (shape.length == 0) throw new IllegalArgumentException(name + ": a tensor needs at least one dimension");
        long size = 1;
        for (int d : shape) {
            if (d < 1) throw new IllegalArgumentException(name + ": every dimension must be >= 1, got " + java.util.Arrays.toString(shape));
            size = Math.multiplyExact(size, d);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": at most " + Integer.MAX_VALUE + " elements per tensor, got " + size);
        }
        long storage = dtype.storageBytes(size, shape[shape.length - 1]);
        Memory.Block block = memory.allocate(storage, name);
        allocations.add(block);
        bytes += storage;
        return new Tensor(this, name, shape, size, dtype, block);
    }

    /** Allocates an F32 tensor and copies {@code values} into it. */
    public Tensor of(String name, float[] values, int... shape) {
        return allocate(name, shape).copyFrom(values);
    }

    /** Frees every tensor of this arena; later use of them throws. Idempotent. */
    @Override
    public void close() {
        if (!open) return;
        open = false;
        for (Memory.Block b : allocations) b.free();
        allocations.clear();
        bytes = 0;
    }
}
