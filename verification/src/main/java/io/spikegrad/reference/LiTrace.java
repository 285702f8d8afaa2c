package io.spikegrad.reference;

/**
 * What the leaky-integrator readout forward computed; index {@code (t*B + b)*N + n}.
 *
 * @param u [T][B][N] readout membrane U[t]
 * @param i [T][B][N] synaptic current I[t]
 */
public record LiTrace(double[] u, double[] i) {
}
