package io.spikegrad.train;

import io.spikegrad.net.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Updates learnable parameters in place from their gradients. State (moments, step count)
 * is exposed for checkpoints: {@link #state()} and {@link #load(Map)} round-trip exactly.
 */
public interface Optimizer {

    /** One update with learning rate {@code lr} of every learnable parameter. */
    void step(List<Parameter> params, double lr);

    /** The base learning rate (a schedule scales it per epoch). */
    double learningRate();

    /** A copy of the internal state, keyed by parameter name and slot ("m", "v", ...). */
    Map<String, float[]> state();

    /** Restores a state taken by {@link #state()}. */
    void load(Map<String, float[]> state);

    String name();

    /** Adam (Kingma &amp; Ba 2015) with beta1 0.9, beta2 0.999, eps 1e-8. */
    static Optimizer adam(double lr) {
        return new Adam(lr, 0.9, 0.999, 1e-8);
    }

    /** SGD with (heavy-ball) momentum. */
    static Optimizer sgd(double lr, double momentum) {
        return new Sgd(lr, momentum);
    }
}
