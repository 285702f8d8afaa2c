package io.spikegrad.cuda;

import io.spikegrad.Backend;
import io.spikegrad.spi.BackendProvider;
import java.util.Optional;

/**
 * Registers "cuda" (priority 300). Usable when spikegrad_cuda was compiled with nvcc, our own
 * {@code sg_cuda_device_count()} finds a device (it needs only the driver, libcuda.so.1), and the
 * cuBLAS runtime loads; otherwise {@link #unavailableReason()} says which of these is missing.
 * The cuBLAS libraries are probed only after a GPU was found, so machines without one never
 * load them.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static volatile Optional<String> reason;

    @Override
    public String name() { return "cuda"; }

    @Override
    public int priority() { return 300; }

    @Override
    public Optional<String> unavailableReason() {
        Optional<String> r = reason;
        if (r == null) {
            r = Optional.ofNullable(probe());
            reason = r;
        }
        return r;
    }

    /** Null when usable, else the reason (exposed for tests). */
    static String probe() {
        try {
            if (CudaRuntime.sg_cuda_compiled() == 0) return CudaRuntime.sg_cuda_last_error();
            int[] count = new int[1];
            int status = CudaRuntime.sg_cuda_device_count(count);
            if (status != 0 || count[0] == 0) {
                return "no GPU is available: " + CudaRuntime.sg_cuda_last_error();
            }
        } catch (Throwable e) {
            return "the native library spikegrad_cuda could not be loaded (" + e
                    + "); run with -Dorg.bytedeco.javacpp.logger.debug=true to see why";
        }
        return Cublas.loadFailure();
    }

    @Override
    public Backend create(int threads) {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) throw new IllegalStateException("backend 'cuda' is not available: " + why.get());
        return new CudaBackend(Integer.getInteger("spikegrad.cuda.device", 0));
    }
}
