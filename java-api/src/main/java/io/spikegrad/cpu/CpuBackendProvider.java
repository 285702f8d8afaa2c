package io.spikegrad.cpu;

import io.spikegrad.Backend;
import io.spikegrad.spi.BackendProvider;
import java.util.Optional;

/** Registers the native CPU backend as "cpu" (priority 200). */
public final class CpuBackendProvider implements BackendProvider {
    private static volatile Optional<String> reason;

    @Override
    public String name() { return "cpu"; }

    @Override
    public int priority() { return 200; }

    @Override
    public Optional<String> unavailableReason() {
        Optional<String> r = reason;
        if (r == null) {
            try {
                CpuBackend.load();
                r = Optional.empty();
            } catch (Throwable e) {
                r = Optional.of("the native library spikegrad_cpu could not be loaded (" + e
                        + "); run with -Dorg.bytedeco.javacpp.logger.debug=true to see why");
            }
            reason = r;
        }
        return r;
    }

    @Override
    public Backend create(int threads) {
        return new CpuBackend(threads);
    }
}
