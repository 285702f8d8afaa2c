package io.spikegrad;

/** A native call returned a failure status. The message names the call and the status. */
public final class NativeException extends RuntimeException {
    private final String call;
    private final int status;

    public NativeException(String call, int status, String text) {
        super(call + " failed with status " + status + ": " + text);
        this.call = call;
        this.status = status;
    }

    /** The C function that failed, e.g. {@code sg_lif_forward}. */
    public String call() { return call; }

    /** The {@code sg_status} code. */
    public int status() { return status; }
}
