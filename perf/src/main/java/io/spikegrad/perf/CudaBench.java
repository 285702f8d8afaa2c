package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.Backends;
import io.spikegrad.Tensor;
import io.spikegrad.cuda.CudaBackend;
import java.util.SplittableRandom;

/**
 * What the CUDA benchmarks share: the backend (or a clear skip when there is no GPU) and tensors
 * filled from host arrays (device tensors have no host view). Every Cuda*Bench method ends with
 * {@link CudaBackend#synchronize()}, so a score is the kernel's time, not its launch's.
 *
 * <p>Without a usable GPU the trial setup throws "SKIPPED: ..." with the backend's reason; JMH
 * reports that benchmark as failed with this message and goes on with the next one (a run over
 * several classes is not stopped unless {@code -foe true} is given).
 */
final class CudaBench {
    private CudaBench() {}

    static CudaBackend open() {
        String why = Backends.status().getOrDefault("cuda", "no cuda provider registered");
        if (!why.equals("available")) {
            System.out.println("SKIPPED: cuda is not available here: " + why);
            throw new IllegalStateException("SKIPPED: cuda is not available here: " + why);
        }
        return (CudaBackend) Backends.create("cuda", 1);
    }

    /** A device tensor of uniform values in [lo, hi), zero with probability 1 - p. */
    static Tensor random(Arena a, String name, SplittableRandom r, double p, double lo, double hi, int... shape) {
        Tensor t = a.allocate(name, shape);
        float[] v = new float[Math.toIntExact(t.size())];
        for (int k = 0; k < v.length; k++) v[k] = r.nextDouble() < p ? (float) (lo + (hi - lo) * r.nextDouble()) : 0f;
        return t.copyFrom(v);
    }
}
