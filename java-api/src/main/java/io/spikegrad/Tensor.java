package io.spikegrad;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A contiguous float32 tensor in host memory, owned by an {@link Arena}. Shapes are
 * row-major; step tensors are time-major {@code [T][B][N]}. A tensor is valid until its
 * arena closes; using it afterwards throws {@link IllegalStateException}.
 */
public final class Tensor {
    private final Arena arena;
    private final String name;
    private final int[] shape;
    private final long size;
    private final FloatPointer pointer;
    private final FloatBuffer buffer;

    Tensor(Arena arena, String name, int[] shape, long size, FloatPointer pointer) {
        this.arena = arena;
        this.name = name;
        this.shape = shape.clone();
        this.size = size;
        this.pointer = pointer;
        this.buffer = pointer.capacity(size).asBuffer();
    }

    /** The arena that owns this tensor. */
    public Arena arena() { return arena; }

    /** The name given at allocation, used in error messages. */
    public String name() { return name; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    /** Number of elements. */
    public long size() { return size; }

    /** The shape as text, e.g. {@code [20][3][37]}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int d : shape) sb.append('[').append(d).append(']');
        return sb.toString();
    }

    public float get(long index) {
        checkOpen();
        return buffer.get(Math.toIntExact(index));
    }

    public void set(long index, float value) {
        checkOpen();
        buffer.put(Math.toIntExact(index), value);
    }

    /** Copies {@code values} (exactly {@link #size()} of them) into this tensor; returns this. */
    public Tensor copyFrom(float[] values) {
        checkOpen();
        Checks.length(name, values, size, shapeString());
        buffer.position(0);
        buffer.put(values);
        buffer.position(0);
        return this;
    }

    /** Copies another tensor of the same size into this one; returns this. */
    public Tensor copyFrom(Tensor other) {
        checkOpen();
        other.checkOpen();
        if (other.size != size) {
            throw new IllegalArgumentException(name + " has " + size + " elements " + shapeString()
                    + " but the source " + other.name + " has " + other.size);
        }
        FloatBuffer src = other.buffer.duplicate();
        src.position(0);
        FloatBuffer dst = buffer.duplicate();
        dst.position(0);
        dst.put(src);
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(float value) {
        checkOpen();
        for (int k = 0; k < size; k++) buffer.put(k, value);
        return this;
    }

    /** A new heap array with the contents. */
    public float[] toArray() {
        checkOpen();
        float[] out = new float[Math.toIntExact(size)];
        FloatBuffer src = buffer.duplicate();
        src.position(0);
        src.get(out);
        return out;
    }

    /** Whether the shape equals {@code dims}. */
    public boolean hasShape(int... dims) { return Arrays.equals(shape, dims); }

    /**
     * The native address of element 0, for backend implementations only. Never hand it
     * to code that may outlive the arena.
     */
    public long address() {
        checkOpen();
        return pointer.address();
    }

    /** The JavaCPP pointer, for backend implementations only (e.g. BLAS calls). */
    public FloatPointer pointer() {
        checkOpen();
        return pointer;
    }

    /** A direct view of the contents; valid until the arena closes. */
    public FloatBuffer buffer() {
        checkOpen();
        FloatBuffer view = buffer.duplicate();
        view.position(0);
        return view;
    }

    void checkOpen() {
        if (!arena.isOpen()) {
            throw new IllegalStateException("tensor " + name + " " + shapeString() + " belongs to an arena that is closed");
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + shapeString() + "]";
    }
}
