package io.spikegrad.cuda;

import io.spikegrad.Backend;
import io.spikegrad.spi.BackendProvider;
import java.util.Optional;

/**
 * Registers "cuda" (priority 300). Until the CUDA kernels land (issue: CUDA backend),
 * this provider reports why CUDA cannot be used here: no library, a stub build, no
 * driver or no device, or kernels not yet built into this version.
 */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public String name() { return "cuda"; }

    @Override
    public int priority() { return 300; }

    @Override
    public Optional<String> unavailableReason() {
        try {
            if (CudaRuntime.sg_cuda_compiled() == 0) return Optional.of(CudaRuntime.sg_cuda_last_error());
            int[] count = new int[1];
            int status = CudaRuntime.sg_cuda_device_count(count);
            if (status != 0 || count[0] == 0) {
                return Optional.of("no GPU is available: " + CudaRuntime.sg_cuda_last_error());
            }
            return Optional.of(count[0] + " GPU(s) found, but this version has no CUDA kernels yet");
        } catch (Throwable e) {
            return Optional.of("the native library spikegrad_cuda could not be loaded (" + e + ")");
        }
    }

    @Override
    public Backend create(int threads) {
        throw new IllegalStateException("backend 'cuda' is not available: " + unavailableReason().orElse("unknown"));
    }
}
