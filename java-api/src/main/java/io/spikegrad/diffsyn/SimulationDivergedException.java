package io.spikegrad.diffsyn;

/**
 * A differentiable-synapse simulation ran away: one step drove a neuron further than the
 * integrator allows (QIF: more than one spike per step; NIF, LIF: a jump of 1e6 or a
 * non-finite voltage), or an input current became non-finite. Typically the recurrent weights
 * have grown into runaway excitation; lower the learning rate or dt.
 */
public final class SimulationDivergedException extends RuntimeException {
    private final int sample, step, neuron;
    private final double current;

    public SimulationDivergedException(String engine, int sample, int step, int neuron, double current, boolean nonFiniteCurrent) {
        super(engine + ": the simulation diverged at sample " + sample + ", step " + step + ", neuron " + neuron + ": "
                + (nonFiniteCurrent ? "the input current became " + current
                : "the input current " + current + " (1/s) drove the neuron further in one step than the integrator allows "
                + "(runaway excitation, or dt too coarse for these rates); lower the learning rate or dt"));
        this.sample = sample;
        this.step = step;
        this.neuron = neuron;
        this.current = current;
    }

    public int sample() { return sample; }

    public int step() { return step; }

    public int neuron() { return neuron; }

    public double current() { return current; }
}
