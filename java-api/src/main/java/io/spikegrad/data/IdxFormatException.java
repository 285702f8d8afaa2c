package io.spikegrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file is malformed: truncated, a wrong magic number, dimensions that do not match its
 * length, labels out of range, or image and label files that disagree. The message names the file
 * and what is wrong.
 */
public class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem}. */
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** A problem with {@code file} caused by a lower-level exception (e.g. a corrupt gzip stream). */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
