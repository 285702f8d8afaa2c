package io.spikegrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What the built libspikegrad_cuda.so carries for the GPU, read without cuobjdump: the ELF
 * section {@code .nv_fatbin} holds one fat-binary container per translation unit (header: magic
 * 0xBA55ED50, version, header size, payload size), each a list of entries (kind 1 PTX,
 * kind 2 cubin; header size, payload size, PTX ISA or cubin version, and the architecture).
 * Every kernel file must carry sm_80 and sm_90 machine code and compute_90 PTX (CMakeLists:
 * 80-real 90-real 90-virtual); uncompressed cubins are cross-checked against their own ELF
 * header (EM_CUDA, architecture in bits 8-15 of e_flags). Skipped for the stub build.
 */
class FatBinaryTest {
    static final int FATBIN_MAGIC = 0xBA55ED50;

    record Entry(int kind, int arch, int major, int minor, long flags, int elfArch) {}

    @Test
    void cudaLibraryCarriesSm80AndSm90CubinsAndCompute90Ptx() throws IOException {
        assumeTrue(CudaRuntime.sg_cuda_compiled() == 1, "spikegrad_cuda is the stub (no nvcc at build time)");
        Path lib = Path.of(System.getProperty("user.dir"), "target", "cmake", "libspikegrad_cuda.so");
        assumeTrue(Files.exists(lib), "no CMake build output at " + lib);
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(lib)).order(ByteOrder.LITTLE_ENDIAN);
        long[] sec = section(elf, ".nv_fatbin");
        assertTrue(sec != null, ".nv_fatbin section missing from " + lib);
        List<List<Entry>> containers = parse(elf, (int) sec[0], (int) sec[1]);
        assertTrue(!containers.isEmpty(), "no fat-binary container in .nv_fatbin");
        Map<String, Integer> seen = new TreeMap<>();
        for (List<Entry> c : containers) {
            boolean sm80 = false, sm90 = false, ptx90 = false;
            for (Entry e : c) {
                String key = e.kind == 2 ? "cubin sm_" + e.arch : "PTX compute_" + e.arch + " (ISA " + e.major + "." + e.minor + ")";
                seen.merge(key, 1, Integer::sum);
                if (e.kind == 2 && e.elfArch >= 0) assertEquals(e.arch, e.elfArch, "cubin header and ELF disagree");
                sm80 |= e.kind == 2 && e.arch == 80;
                sm90 |= e.kind == 2 && e.arch == 90;
                ptx90 |= e.kind == 1 && e.arch == 90;
            }
            assertTrue(sm80 && sm90 && ptx90, "a container lacks sm_80 / sm_90 cubins or compute_90 PTX: " + c);
        }
        System.out.println("fat binary: " + containers.size() + " containers; " + seen);
    }

    /** {offset, size} of the named section of a little-endian ELF64 file, or null. */
    static long[] section(ByteBuffer b, String name) {
        assertEquals(0x464c457f, b.getInt(0), "not an ELF file");
        assertEquals(2, b.get(4), "not ELF64");
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3A) & 0xffff, shnum = b.getShort(0x3C) & 0xffff, shstrndx = b.getShort(0x3E) & 0xffff;
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize) + 0x18);
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            if (cString(b, (int) (strOff + b.getInt(h))).equals(name)) return new long[] {b.getLong(h + 0x18), b.getLong(h + 0x20)};
        }
        return null;
    }

    static List<List<Entry>> parse(ByteBuffer b, int off, int size) {
        List<List<Entry>> out = new ArrayList<>();
        int p = off, end = off + size;
        while (p + 16 <= end) {
            if (b.getInt(p) != FATBIN_MAGIC) {  // containers are 8-byte aligned, zero padding between
                p += 8;
                continue;
            }
            int headerSize = b.getShort(p + 6) & 0xffff;
            long payload = b.getLong(p + 8);
            List<Entry> entries = new ArrayList<>();
            int q = p + headerSize, stop = (int) (p + headerSize + payload);
            while (q < stop) {
                int kind = b.getShort(q) & 0xffff, ehs = b.getInt(q + 4);
                long esz = b.getLong(q + 8);
                int minor = b.getShort(q + 24) & 0xffff, major = b.getShort(q + 26) & 0xffff, arch = b.getInt(q + 28);
                long flags = b.getLong(q + 40);
                int data = q + ehs, elfArch = -1;
                if (kind == 2 && b.getInt(data) == 0x464c457f && (b.getShort(data + 0x12) & 0xffff) == 190) {
                    elfArch = (b.getInt(data + 0x30) >> 8) & 0xff;  // EM_CUDA, e_flags
                }
                entries.add(new Entry(kind, arch, major, minor, flags, elfArch));
                q = (int) (data + esz);
            }
            out.add(entries);
            p = stop;
        }
        return out;
    }

    private static String cString(ByteBuffer b, int at) {
        StringBuilder sb = new StringBuilder();
        for (int k = at; b.get(k) != 0; k++) sb.append((char) b.get(k));
        return sb.toString();
    }
}
