package io.spikegrad;

import io.spikegrad.spi.Memory;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A contiguous tensor owned by an {@link Arena}: {@link DType#F32} (the default),
 * {@link DType#U8} or {@link DType#BIT} (spike rasters). Shapes are row-major; step tensors are time-major
 * {@code [T][B][N]}. A tensor is valid until its arena closes; using it afterwards throws
 * {@link IllegalStateException}.
 *
 * <p>The copy methods ({@link #copyFrom(float[])}, {@link #copyTo(float[])}, {@link #toArray()},
 * {@link #fill}) work for every backend; element access and the buffer views exist only for
 * tensors in host memory ({@link #onHost()}), and say so otherwise.
 */
public final class Tensor {
    private final Arena arena;
    private final String name;
    private final int[] shape;
    private final long size;
    private final DType dtype;
    private final Memory.Block block;
    private final ByteBuffer host;  // null for device memory

    Tensor(Arena arena, String name, int[] shape, long size, DType dtype, Memory.Block block) {
        this.arena = arena;
        this.name = name;
        this.shape = shape.clone();
        this.size = size;
        this.dtype = dtype;
        this.block = block;
        this.host = block.hostView();
    }

    /** The arena that owns this tensor. */
    public Arena arena() { return arena; }

    /** The name given at allocation, used in error messages. */
    public String name() { return name; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    /** Number of elements. */
    public long size() { return size; }

    /** Element type. */
    public DType dtype() { return dtype; }

    /** Bytes of memory the elements take. */
    public long bytes() { return dtype.storageBytes(size, rowLength()); }

    /** The last dimension: a row of a {@link DType#BIT} tensor is packed on its own words. */
    public int rowLength() { return shape[shape.length - 1]; }

    /** Word index and bit of element k of a BIT tensor. */
    private long bitWord(long k) {
        int n = rowLength();
        return k / n * DType.wordsPerRow(n) + (k % n) / 32;
    }

    /** Whether the elements live in host memory (element access and buffer views work). */
    public boolean onHost() { return host != null; }

    /** The shape as text, e.g. {@code [20][3][37]}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int d : shape) sb.append('[').append(d).append(']');
        return sb.toString();
    }

    /** Element {@code index} as a float (a U8 element reads as 0 .. 255). Host tensors only. */
    public float get(long index) {
        checkHost("get");
        int k = Math.toIntExact(index);
        return switch (dtype) {
            case F32 -> host.getFloat(4 * k);
            case U8 -> host.get(k) & 0xff;
            case BIT -> (host.getInt(Math.toIntExact(4 * bitWord(k))) >>> (int) ((k % rowLength()) % 32)) & 1;
        };
    }

    /** Sets element {@code index}; a U8 element takes {@code value} rounded to 0 .. 255. Host tensors only. */
    public void set(long index, float value) {
        checkHost("set");
        int k = Math.toIntExact(index);
        switch (dtype) {
            case F32 -> host.putFloat(4 * k, value);
            case U8 -> host.put(k, toByte(value));
            case BIT -> {
                int at = Math.toIntExact(4 * bitWord(k)), bit = (int) ((k % rowLength()) % 32);
                int w = host.getInt(at);
                host.putInt(at, toBit(value) ? w | (1 << bit) : w & ~(1 << bit));
            }
        }
    }

    /** Copies {@code values} (exactly {@link #size()} of them) into this tensor; returns this. */
    public Tensor copyFrom(float[] values) {
        checkOpen();
        Checks.length(name, values, size, shapeString());
        if (dtype == DType.F32 && host != null) {
            FloatBuffer fb = buffer();
            fb.put(values);
        } else if (dtype == DType.F32) {
            try (FloatPointer staging = new FloatPointer(values)) {
                arena.memory().copyFromHost(block.address(), staging.address(), bytes());
            }
        } else if (dtype == DType.U8) {
            byte[] b = new byte[values.length];
            for (int k = 0; k < b.length; k++) b[k] = toByte(values[k]);
            copyFrom(b);
        } else {
            int n = rowLength(), words = DType.wordsPerRow(n);
            int[] packed = new int[Math.toIntExact(size / n * words)];
            for (int k = 0; k < values.length; k++) {
                if (toBit(values[k])) packed[k / n * words + (k % n) / 32] |= 1 << ((k % n) % 32);
            }
            try (org.bytedeco.javacpp.IntPointer staging = new org.bytedeco.javacpp.IntPointer(packed)) {
                arena.memory().copyFromHost(block.address(), staging.address(), bytes());
            }
        }
        return this;
    }

    /** Copies {@code values} (exactly {@link #size()} bytes) into this U8 tensor; returns this. */
    public Tensor copyFrom(byte[] values) {
        checkOpen();
        if (dtype != DType.U8) throw new IllegalArgumentException(name + " is " + dtype + "; byte[] data needs a U8 tensor");
        if (values.length != size) {
            throw new IllegalArgumentException(name + " must have shape " + shapeString() + " = " + size + " elements, got " + values.length);
        }
        if (host != null) {
            bytesView().put(values);
            return this;
        }
        try (BytePointer staging = new BytePointer(values)) {
            arena.memory().copyFromHost(block.address(), staging.address(), bytes());
        }
        return this;
    }

    /** Copies another tensor of the same size and type and the same memory into this one; returns this. */
    public Tensor copyFrom(Tensor other) {
        checkOpen();
        other.checkOpen();
        if (other.size != size || other.dtype != dtype) {
            throw new IllegalArgumentException(name + " has " + size + " " + dtype + " elements " + shapeString()
                    + " but the source " + other.name + " has " + other.size + " " + other.dtype);
        }
        if (other.arena.memory() != arena.memory()) {
            throw new IllegalArgumentException(name + " and " + other.name + " live in different memories; copy through the host");
        }
        arena.memory().copy(block.address(), other.block.address(), bytes());
        return this;
    }

    /** Copies the contents into {@code out} (exactly {@link #size()} elements, as floats); returns out. */
    public float[] copyTo(float[] out) {
        checkOpen();
        Checks.length(name + " destination", out, size, shapeString());
        if (dtype == DType.F32 && host != null) {
            buffer().get(out);
        } else if (dtype == DType.F32) {
            try (FloatPointer staging = new FloatPointer(size)) {
                arena.memory().copyToHost(staging.address(), block.address(), bytes());
                staging.get(out);
            }
        } else if (dtype == DType.U8) {
            byte[] b = copyTo(new byte[(int) size]);
            for (int k = 0; k < out.length; k++) out[k] = b[k] & 0xff;
        } else {
            int n = rowLength(), words = DType.wordsPerRow(n);
            int[] packed = new int[Math.toIntExact(size / n * words)];
            try (org.bytedeco.javacpp.IntPointer staging = new org.bytedeco.javacpp.IntPointer(packed.length)) {
                arena.memory().copyToHost(staging.address(), block.address(), bytes());
                staging.get(packed);
            }
            for (int k = 0; k < out.length; k++) out[k] = (packed[k / n * words + (k % n) / 32] >>> ((k % n) % 32)) & 1;
        }
        return out;
    }

    /** Copies the contents of this U8 tensor into {@code out} (exactly {@link #size()} bytes); returns out. */
    public byte[] copyTo(byte[] out) {
        checkOpen();
        if (dtype != DType.U8) throw new IllegalArgumentException(name + " is " + dtype + "; byte[] copies need a U8 tensor");
        if (out.length != size) throw new IllegalArgumentException(name + " destination must have " + size + " bytes, got " + out.length);
        if (host != null) {
            bytesView().get(out);
            return out;
        }
        try (BytePointer staging = new BytePointer(size)) {
            arena.memory().copyToHost(staging.address(), block.address(), bytes());
            staging.get(out);
        }
        return out;
    }

    /** A new heap array with the contents as floats. */
    public float[] toArray() {
        return copyTo(new float[Math.toIntExact(size)]);
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(float value) {
        checkOpen();
        if (host != null && value == 0f) {  // +0.0 is all zero bits in both types
            org.bytedeco.javacpp.Pointer.memset(Memory.at(block.address()), 0, bytes());
            return this;
        }
        if (host != null && dtype != DType.BIT) {
            if (dtype == DType.F32) for (int k = 0; k < size; k++) host.putFloat(4 * k, value);
            else for (int k = 0; k < size; k++) host.put(k, toByte(value));
            return this;
        }
        float[] v = new float[Math.toIntExact(size)];
        Arrays.fill(v, value);
        return copyFrom(v);
    }

    /**
     * A tensor over the first elements of this one (same memory, same type), e.g. a [T][B][n]
     * slice of a [T][B][N] workspace with n &lt;= N. Valid as long as this tensor's arena.
     */
    public Tensor view(String viewName, int... viewShape) {
        checkOpen();
        long n = 1;
        for (int d : viewShape) {
            if (d < 1) throw new IllegalArgumentException(viewName + ": every dimension must be >= 1, got " + Arrays.toString(viewShape));
            n = Math.multiplyExact(n, d);
        }
        if (n > size) throw new IllegalArgumentException(viewName + " " + Arrays.toString(viewShape) + " needs " + n
                + " elements but " + this + " has " + size);
        if (dtype == DType.BIT && viewShape[viewShape.length - 1] != rowLength()) {
            throw new IllegalArgumentException(viewName + ": a view of a BIT tensor keeps its rows of " + rowLength() + " bits");
        }
        long viewBytes = dtype.storageBytes(n, viewShape[viewShape.length - 1]);
        Memory.Block parent = block;
        Memory.Block slice = new Memory.Block() {
            @Override public long address() { return parent.address(); }
            @Override public long bytes() { return viewBytes; }
            @Override public ByteBuffer hostView() {
                ByteBuffer h = parent.hostView();
                return h == null ? null : h.limit((int) viewBytes).slice().order(h.order());
            }
            @Override public void free() {}  // the arena frees the parent
        };
        return new Tensor(arena, viewName, viewShape, n, dtype, slice);
    }

    /** Whether the shape equals {@code dims}. */
    public boolean hasShape(int... dims) { return Arrays.equals(shape, dims); }

    /**
     * The native address of element 0 (host or device memory), for backend implementations
     * only. Never hand it to code that may outlive the arena.
     */
    public long address() {
        checkOpen();
        return block.address();
    }

    /** A JavaCPP float pointer to a host F32 tensor, for backend implementations only (e.g. BLAS calls). */
    public FloatPointer pointer() {
        checkHost("pointer");
        requireType(DType.F32, "pointer");
        return new FloatPointer(Memory.at(block.address())).capacity(size);
    }

    /** A direct view of a host F32 tensor's contents; valid until the arena closes. */
    public FloatBuffer buffer() {
        checkHost("buffer");
        requireType(DType.F32, "buffer");
        return host.duplicate().order(host.order()).asFloatBuffer();
    }

    /** A direct view of a host U8 tensor's bytes; valid until the arena closes. */
    public ByteBuffer bytesView() {
        checkHost("bytesView");
        requireType(DType.U8, "bytesView");
        return host.duplicate().order(host.order());
    }

    void checkOpen() {
        if (!arena.isOpen()) {
            throw new IllegalStateException("tensor " + name + " " + shapeString() + " belongs to an arena that is closed");
        }
    }

    private void checkHost(String what) {
        checkOpen();
        if (host == null) {
            throw new IllegalStateException(what + "() needs a tensor in host memory, but " + this + " lives on the "
                    + arena.owner().name() + " device; use copyTo/copyFrom");
        }
    }

    private void requireType(DType want, String what) {
        if (dtype != want) throw new IllegalStateException(what + "() needs a " + want + " tensor, but " + this + " is " + dtype);
    }

    private static boolean toBit(float value) {
        if (value != 0f && value != 1f) throw new IllegalArgumentException("a BIT element must be 0 or 1, got " + value);
        return value == 1f;
    }

    private static byte toByte(float value) {
        if (!(value >= 0f && value <= 255f)) {
            throw new IllegalArgumentException("a U8 element must lie in [0, 255], got " + value);
        }
        return (byte) Math.round(value);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + shapeString() + (dtype == DType.F32 ? "" : " " + dtype) + "]";
    }
}
