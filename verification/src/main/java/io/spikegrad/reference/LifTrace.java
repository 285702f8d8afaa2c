package io.spikegrad.reference;

/**
 * Everything the LIF forward computed. T = steps, B = batch, N = neurons; [T][B][N]
 * arrays are time-major, index {@code (t*B + b)*N + n}.
 *
 * @param s     [T][B][N] S[t]: 0/1, or sigma(U[t]-theta) in smooth mode
 * @param i     [T][B][N] I[t], synaptic current
 * @param u     [T][B][N] U[t], membrane before the threshold test and reset
 * @param v     [T][B][N] V[t], membrane after reset
 * @param vLast [B][N] V[T-1]
 */
public record LifTrace(double[] s, double[] i, double[] u, double[] v, double[] vLast) {
}
