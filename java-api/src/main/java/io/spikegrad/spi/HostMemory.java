package io.spikegrad.spi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** {@link Memory#HOST}: off-heap blocks from JavaCPP, 64-byte aligned, copies by memcpy. */
final class HostMemory implements Memory {

    /** Alignment of every block: a cache line, so vector loads of a row never straddle two. */
    private static final int ALIGN = 64;

    @Override
    public boolean isHost() { return true; }

    @Override
    public Block allocate(long bytes, String name) {
        BytePointer raw = new BytePointer(bytes + ALIGN);
        if (raw.isNull()) throw new OutOfMemoryError("could not allocate " + bytes + " bytes for " + name);
        long address = raw.address() + (ALIGN - (raw.address() % ALIGN)) % ALIGN;
        BytePointer aligned = new BytePointer(Memory.at(address)).capacity(bytes);
        Pointer.memset(aligned, 0, bytes);
        ByteBuffer view = aligned.asByteBuffer().order(ByteOrder.nativeOrder());
        return new Block() {
            @Override public long address() { return address; }
            @Override public long bytes() { return bytes; }
            @Override public ByteBuffer hostView() { return view.duplicate().order(ByteOrder.nativeOrder()); }
            @Override public void free() { raw.close(); }
        };
    }

    @Override
    public void copyFromHost(long dst, long src, long bytes) {
        copy(dst, src, bytes);
    }

    @Override
    public void copyToHost(long dst, long src, long bytes) {
        copy(dst, src, bytes);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        if (bytes > 0) Pointer.memcpy(Memory.at(dst), Memory.at(src), bytes);
    }
}
