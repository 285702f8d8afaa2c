package io.spikegrad.perf;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.DType;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import java.util.SplittableRandom;

/** Tensors of one LIF layer with input currents tuned to a target spike density. */
final class LifState implements AutoCloseable {
    final LifKernelConfig config;
    final Arena arena;
    final LifTensors forward;
    final LifGradTensors grads;

    LifState(Backend backend, int steps, int batch, int neurons, double drive, boolean recurrent, DType spikes, double cutoff,
             long seed) {
        config = new LifKernelConfig(steps, batch, neurons, ResetMode.SUBTRACT, 0, Surrogate.fastSigmoid(10), false, false, cutoff);
        arena = backend.newArena();
        SplittableRandom r = new SplittableRandom(seed);
        int[] tbn = {steps, batch, neurons}, bn = {batch, neurons};
        float alpha = (float) Math.exp(-1.0 / 5), beta = (float) Math.exp(-1.0 / 20);
        var x = arena.allocate("x", tbn);
        // mean drive sets the firing rate; Bernoulli-like bursts make it irregular
        for (int k = 0; k < x.size(); k++) x.set(k, (float) (r.nextDouble() < 0.2 ? 5 * drive * r.nextDouble() : 0));
        var w = recurrent ? arena.allocate("wRec", neurons, neurons) : null;
        if (w != null) for (int k = 0; k < w.size(); k++) w.set(k, (float) ((r.nextDouble() - 0.5) * 0.2 / Math.sqrt(neurons)));
        forward = new LifTensors(x, w, arena.allocate("alpha", neurons).fill(alpha), arena.allocate("beta", neurons).fill(beta),
                arena.allocate("theta", neurons).fill(1f), arena.allocate("i0", bn), arena.allocate("v0", bn),
                arena.allocate(spikes, "spikes", tbn), arena.allocate("iSave", tbn), null, null);
        var gs = arena.allocate("gradS", tbn);
        for (int k = 0; k < gs.size(); k++) gs.set(k, (float) (r.nextDouble() - 0.5));
        grads = new LifGradTensors(gs, null, arena.allocate("gradX", tbn), arena.allocate("gradI0", bn), arena.allocate("gradV0", bn),
                arena.allocate("gradAlpha", neurons), arena.allocate("gradBeta", neurons), arena.allocate("gradTheta", neurons));
    }

    /** Fraction of neuron-steps that spiked in the last forward pass. */
    double spikeDensity() {
        return forward.spikes().arena().owner().sum(forward.spikes()) / forward.spikes().size();
    }

    @Override
    public void close() {
        arena.close();
    }
}
