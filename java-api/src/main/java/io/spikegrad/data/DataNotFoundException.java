package io.spikegrad.data;

import java.io.FileNotFoundException;

/**
 * A data set's files are not where they were looked for. The message says where the library
 * looked and exactly how to get the data.
 */
public class DataNotFoundException extends FileNotFoundException {

    private static final long serialVersionUID = 1L;

    /** With the full message (where it looked, how to get the data). */
    public DataNotFoundException(String message) {
        super(message);
    }
}
