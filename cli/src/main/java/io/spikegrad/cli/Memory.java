package io.spikegrad.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from /proc (Linux); -1 where unavailable. */
final class Memory {
    private Memory() {}

    /** Current resident set size in bytes (VmRSS). */
    static long rssBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes (VmHWM). */
    static long peakRssBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] p = line.trim().split("\\s+");
                    return Long.parseLong(p[1]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
