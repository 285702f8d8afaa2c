package io.spikegrad.spi;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * Where a backend's tensors live. The default is host memory ({@link #HOST}); a device backend
 * supplies its own (device allocations, copies to and from the host). {@link io.spikegrad.Arena}
 * allocates through it and {@link io.spikegrad.Tensor} copies through it, so the public tensor
 * API is the same for every backend, and host views exist only where the memory is on the host.
 */
public interface Memory {

    /** Host memory, allocated off-heap through JavaCPP. */
    Memory HOST = new HostMemory();

    /** One block of memory; {@link #hostView()} is null for device memory. */
    interface Block {
        long address();

        long bytes();

        /** A native-order view of the whole block, or null when the block is not in host memory. */
        ByteBuffer hostView();

        void free();
    }

    /** Whether blocks of this memory can be read and written from Java directly. */
    boolean isHost();

    /** A zero-filled block of {@code bytes} bytes; throws {@link OutOfMemoryError} when none is left. */
    Block allocate(long bytes, String name);

    /** Copies {@code bytes} bytes from host address {@code src} to {@code dst} (a block address plus offset). */
    void copyFromHost(long dst, long src, long bytes);

    /** Copies {@code bytes} bytes from {@code src} (a block address plus offset) to host address {@code dst}. */
    void copyToHost(long dst, long src, long bytes);

    /** Copies {@code bytes} bytes between two blocks of this memory. */
    void copy(long dst, long src, long bytes);

    /** A JavaCPP pointer to a raw address (host or device), for native calls. */
    static Pointer at(long addr) {
        return new Pointer() {
            {
                address = addr;  // the inherited field; the parameter has another name on purpose
            }
        };
    }
}
