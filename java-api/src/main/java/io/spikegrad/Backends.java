package io.spikegrad;

import io.spikegrad.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds backends through {@link ServiceLoader} and ranks them: cuda &gt; cpu &gt; reference.
 *
 * <pre>{@code
 * try (Backend backend = Backends.best()) { ... }
 * try (Backend cpu = Backends.create("cpu", 2)) { ... }
 * }</pre>
 */
public final class Backends {
    private Backends() {}

    /** Every registered provider, highest priority first, available or not. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** Name to "available" or the reason it is not, highest priority first. */
    public static Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>();
        for (BackendProvider p : providers()) out.put(p.name(), p.unavailableReason().orElse("available"));
        return out;
    }

    /** Names of the backends usable here, highest priority first. */
    public static List<String> available() {
        List<String> out = new ArrayList<>();
        for (BackendProvider p : providers()) if (p.unavailableReason().isEmpty()) out.add(p.name());
        return out;
    }

    /** The highest-priority usable backend, with the default thread count. */
    public static Backend best() {
        return best(defaultThreads());
    }

    /** The highest-priority usable backend with {@code threads} threads (&gt;= 1). */
    public static Backend best(int threads) {
        Checks.positive("threads", threads);
        for (BackendProvider p : providers()) {
            if (p.unavailableReason().isEmpty()) return p.create(threads);
        }
        throw new IllegalStateException("no backend is available: " + status());
    }

    /** The named backend with the default thread count. */
    public static Backend create(String name) {
        return create(name, defaultThreads());
    }

    /**
     * The named backend.
     *
     * @param threads threads for its kernels and BLAS together, &gt;= 1
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     * @throws IllegalStateException    when the backend exists but cannot run here (the message says why)
     */
    public static Backend create(String name, int threads) {
        Checks.positive("threads", threads);
        for (BackendProvider p : providers()) {
            if (p.name().equals(name)) {
                Optional<String> why = p.unavailableReason();
                if (why.isPresent()) throw new IllegalStateException("backend '" + name + "' is not available: " + why.get());
                return p.create(threads);
            }
        }
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) names.add(p.name());
        throw new IllegalArgumentException("unknown backend '" + name + "'; known backends: " + names);
    }

    /** All cores of this machine. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
