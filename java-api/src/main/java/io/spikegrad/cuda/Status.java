package io.spikegrad.cuda;

/** Texts of the {@code sg_status} codes (sg_defs.h), for the CUDA bindings' exceptions. */
final class Status {
    private Status() {}

    static String text(int status) {
        return switch (status) {
            case 0 -> "ok";
            case 1 -> "a required buffer was NULL";
            case 2 -> "steps, batch or neurons out of range";
            case 3 -> "unknown reset mode, surrogate kind or dtype";
            case 4 -> "a scalar parameter is out of range";
            case 5 -> "host scratch allocation failed";
            case 6 -> "CUDA is not available (built without nvcc, or no device/driver)";
            case 7 -> "a CUDA runtime call failed";
            default -> "unknown status " + status;
        };
    }
}
