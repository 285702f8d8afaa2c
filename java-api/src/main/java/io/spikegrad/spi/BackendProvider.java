package io.spikegrad.spi;

import io.spikegrad.Backend;
import java.util.Optional;

/**
 * Service-provider interface for backends, found with {@link java.util.ServiceLoader}
 * (register in {@code META-INF/services/io.spikegrad.spi.BackendProvider}).
 */
public interface BackendProvider {

    /** The backend's name: "cpu", "reference", "cuda". */
    String name();

    /** Higher is preferred by {@code Backends.best()}: cuda 300, cpu 200, reference 100. */
    int priority();

    /** Empty when usable here, otherwise a sentence saying why not. */
    Optional<String> unavailableReason();

    /** A new backend instance; only called when {@link #unavailableReason()} is empty. */
    Backend create(int threads);
}
