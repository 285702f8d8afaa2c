package io.spikegrad.eventprop;

import java.util.Arrays;

/**
 * What the exact forward pass of one sample keeps: every spike, and per LI readout neuron the
 * few numbers the voltage losses need. This is all the backward pass reads besides the input
 * spikes (which are given, not produced), so {@link #storedBytesForBackward()} is the memory
 * EventProp needs per sample.
 *
 * <h2>Spikes</h2>
 * In processing order (non-decreasing time; simultaneous spikes by neuron index), spike
 * {@code k} has its time {@code t_k}, its neuron's global index, and {@code I^-}, the firing
 * neuron's synaptic current at {@code t_k} (paper algorithm 1). Since {@code V^- = theta} at
 * a crossing, {@code Vdot^- = (I^- - theta)/tau_mem} needs nothing else.
 *
 * <h2>Readout neurons (LI last layer), per neuron c</h2>
 * <ul>
 *   <li>{@code maxV[c]} = max over {@code [0, T]} of {@code V_c}, attained first at {@code argmaxTime[c]};
 *       {@code argmaxSpike[c]} says where: {@link #AT_START} (V never rose above its initial 0:
 *       no gradient), {@link #SMOOTH} (an interior maximum with {@code Vdot = 0}, or the end
 *       {@code T}, or an input-spike arrival, whose time is fixed), or the index {@code k >= 0} of
 *       the hidden spike whose arrival made a kink there (V rising before, falling after), in
 *       which case {@code argmaxVdotMinus[c]} is {@code Vdot_c} just before that arrival;</li>
 *   <li>{@code meanV[c]} = {@code (1/T) integral_0^T V_c dt}, in closed form.</li>
 * </ul>
 */
public final class ForwardTrace {
    /** {@code argmaxSpike} code: the maximum is the initial value V(0) = 0. */
    public static final int AT_START = -2;
    /** {@code argmaxSpike} code: the maximum lies inside a gap (Vdot = 0), at T, or at a fixed-time input arrival. */
    public static final int SMOOTH = -1;

    private final double duration;
    private final int neurons;
    private final int spikes;
    private final double[] spikeTime;
    private final int[] spikeNeuron;
    private final double[] spikeCurrent;
    private final int[] counts;
    private final double[] maxV, argmaxTime, argmaxVdotMinus, meanV;
    private final int[] argmaxSpike;

    ForwardTrace(double duration, int neurons, int spikes, double[] spikeTime, int[] spikeNeuron, double[] spikeCurrent,
                 double[] maxV, double[] argmaxTime, int[] argmaxSpike, double[] argmaxVdotMinus, double[] meanV) {
        this.duration = duration;
        this.neurons = neurons;
        this.spikes = spikes;
        this.spikeTime = Arrays.copyOf(spikeTime, spikes);
        this.spikeNeuron = Arrays.copyOf(spikeNeuron, spikes);
        this.spikeCurrent = Arrays.copyOf(spikeCurrent, spikes);
        this.counts = new int[neurons];
        for (int k = 0; k < spikes; k++) counts[spikeNeuron[k]]++;
        this.maxV = maxV;
        this.argmaxTime = argmaxTime;
        this.argmaxSpike = argmaxSpike;
        this.argmaxVdotMinus = argmaxVdotMinus;
        this.meanV = meanV;
    }

    /** The simulated interval is {@code [0, duration]}, seconds. */
    public double duration() { return duration; }

    /** Total number of spikes of all layers. */
    public int spikeCount() { return spikes; }

    /** Time of spike {@code k}, seconds. */
    public double spikeTime(int k) { return spikeTime[k]; }

    /** Global neuron index of spike {@code k}. */
    public int spikeNeuron(int k) { return spikeNeuron[k]; }

    /** The firing neuron's synaptic current just before spike {@code k}. */
    public double spikeCurrent(int k) { return spikeCurrent[k]; }

    /** Spikes of global neuron {@code n}. */
    public int spikeCount(int n) { return counts[n]; }

    /** A copy of the spike counts of every neuron, by global index. */
    public int[] spikeCounts() { return counts.clone(); }

    /** Spike times of global neuron {@code n}, in order. */
    public double[] spikeTimes(int n) {
        double[] t = new double[counts[n]];
        int c = 0;
        for (int k = 0; k < spikes; k++) if (spikeNeuron[k] == n) t[c++] = spikeTime[k];
        return t;
    }

    /** Index {@code k} of neuron {@code n}'s first spike, or -1 when it is silent. */
    public int firstSpike(int n) {
        for (int k = 0; k < spikes; k++) if (spikeNeuron[k] == n) return k;
        return -1;
    }

    /** Readout neuron {@code c}'s maximum membrane over [0, T]. */
    public double maxV(int c) { return readout(maxV)[c]; }

    /** Where the maximum is attained first. */
    public double argmaxTime(int c) { return readout(argmaxTime)[c]; }

    /** {@link #AT_START}, {@link #SMOOTH} or the index of the spike whose arrival made the kink. */
    public int argmaxSpike(int c) {
        readout(maxV);
        return argmaxSpike[c];
    }

    /** Vdot of readout neuron c just before the kink arrival (meaningful when {@code argmaxSpike(c) >= 0}). */
    public double argmaxVdotMinus(int c) { return readout(argmaxVdotMinus)[c]; }

    /** Readout neuron {@code c}'s time-averaged membrane {@code (1/T) int_0^T V dt}. */
    public double meanV(int c) { return readout(meanV)[c]; }

    private static double[] readout(double[] a) {
        if (a == null) throw new IllegalStateException("the last layer spikes: there are no LI readout statistics");
        return a;
    }

    /** Whether the last layer is an LI readout (so the readout statistics exist). */
    public boolean hasReadout() { return maxV != null; }

    /**
     * Bytes this forward keeps for the backward, counted at their natural width: per spike a
     * time (8), a neuron index (4) and {@code I^-} (8), i.e. 20 bytes; per LI readout neuron the
     * argmax time (8), kink spike index (4), {@code Vdot^-} at the kink (8), the maximum (8) and
     * the mean (8), i.e. 36 bytes, independent of T. (BPTT keeps {@code T/dt x neurons} states
     * per stored tensor.)
     */
    public long storedBytesForBackward() {
        long perSpike = 8 + 4 + 8;
        long perReadout = 8 + 4 + 8 + 8 + 8;
        return spikes * perSpike + (maxV == null ? 0 : maxV.length * perReadout);
    }
}
