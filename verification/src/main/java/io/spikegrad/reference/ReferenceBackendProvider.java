package io.spikegrad.reference;

import io.spikegrad.Backend;
import io.spikegrad.spi.BackendProvider;
import java.util.Optional;

/** Registers the pure-Java reference as "reference" (priority 100, always available). */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() { return "reference"; }

    @Override
    public int priority() { return 100; }

    @Override
    public Optional<String> unavailableReason() { return Optional.empty(); }

    @Override
    public Backend create(int threads) { return new ReferenceBackend(); }
}
