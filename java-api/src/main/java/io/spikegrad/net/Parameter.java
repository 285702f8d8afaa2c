package io.spikegrad.net;

import java.util.Arrays;

/**
 * A named, shaped float32 parameter of a {@link Network} with its gradient buffer. Values
 * are mutable (optimisers update them in place); the gradient is overwritten by each
 * backward pass. Shapes are row-major, weights are [in][out].
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] value;
    private final float[] grad;
    private boolean learnable;

    Parameter(String name, int[] shape, float[] value, boolean learnable) {
        long n = 1;
        for (int d : shape) n *= d;
        if (value.length != n) throw new IllegalArgumentException(name + ": " + value.length + " values for shape " + Arrays.toString(shape));
        this.name = name;
        this.shape = shape.clone();
        this.value = value;
        this.grad = new float[value.length];
        this.learnable = learnable;
    }

    /** e.g. "hidden.weight", "hidden.tau_mem". */
    public String name() { return name; }

    public int[] shape() { return shape.clone(); }

    public int size() { return value.length; }

    /** The live values (mutated by optimisers). */
    public float[] value() { return value; }

    /**
     * The live gradient of the last backward pass. A LIF layer's tau_mem, tau_syn and threshold
     * gradients are formed only when one of the three is learnable; otherwise the BPTT engine
     * leaves them out and writes zeros here.
     */
    public float[] grad() { return grad; }

    /** Whether optimisers update this parameter. */
    public boolean learnable() { return learnable; }

    public void setLearnable(boolean learnable) { this.learnable = learnable; }

    @Override
    public String toString() { return name + Arrays.toString(shape); }
}
