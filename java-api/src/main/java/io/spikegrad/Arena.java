package io.spikegrad;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A scope for off-heap tensors. Everything allocated from an arena is freed when it
 * closes (use try-with-resources). Allocate once per run or per batch shape and reuse
 * the tensors; never allocate per time step. Arenas are not thread-safe.
 */
public final class Arena implements AutoCloseable {
    private final Backend owner;
    private final List<FloatPointer> allocations = new ArrayList<>();
    private long bytes;
    private boolean open = true;

    /** Arenas are made by {@link Backend#newArena()}. */
    public Arena(Backend owner) {
        this.owner = owner;
    }

    /** The backend whose kernels may use this arena's tensors. */
    public Backend owner() { return owner; }

    public boolean isOpen() { return open; }

    /** Bytes currently held by this arena. */
    public long bytes() { return bytes; }

    /**
     * Allocates a zero-filled tensor.
     *
     * @param name  used in error messages (e.g. "hidden.spikes")
     * @param shape each dimension &gt;= 1
     */
    public Tensor allocate(String name, int... shape) {
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
        FloatPointer p = new FloatPointer(size);
        if (p.isNull()) throw new OutOfMemoryError("could not allocate " + (4 * size) + " bytes for " + name);
        Pointer.memset(p, 0, 4 * size);
        allocations.add(p);
        bytes += 4 * size;
        return new Tensor(this, name, shape, size, p);
    }

    /** Allocates a tensor and copies {@code values} into it. */
    public Tensor of(String name, float[] values, int... shape) {
        return allocate(name, shape).copyFrom(values);
    }

    /** Frees every tensor of this arena; later use of them throws. Idempotent. */
    @Override
    public void close() {
        if (!open) return;
        open = false;
        for (FloatPointer p : allocations) p.close();
        allocations.clear();
        bytes = 0;
    }
}
