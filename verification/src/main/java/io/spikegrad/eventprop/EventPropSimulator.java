package io.spikegrad.eventprop;

import io.spikegrad.data.SpikeEvents;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Exact event-driven forward pass of one sample over {@code [0, T]} (paper table 1; section 3:
 * "an event queue and root-bracketing").
 *
 * <p>Each neuron keeps its state {@code (V, I)} at the time it was last touched; between events
 * it evolves by the closed forms of {@link NeuronMath}. One global priority queue, ordered by
 * time, holds the input spikes and each LIF neuron's predicted next threshold crossing (found as
 * a root by {@link NeuronMath#crossing}, never by stepping). Popping a crossing fires the neuron:
 * it is advanced to the spike time, its {@code I^-} recorded, {@code V -> V - theta}, and every
 * target (the next layer through {@code weight[j][m]}, its own layer through
 * {@code recurrent[j][m]}, the neuron itself included if the diagonal is non-zero) is advanced
 * and gets {@code I_m += w}. A neuron whose current changed has its crossing predicted again;
 * the old prediction stays in the queue but is skipped (a version number per neuron).
 *
 * <p>Ties: at equal times input spikes are processed before crossings, crossings by neuron
 * index. Input spikes after T are ignored. The recorded spikes are in processing order, which
 * {@link EventPropBackward} walks backwards.
 */
public final class EventPropSimulator {
    private EventPropSimulator() {}

    /** Default cap on the number of spikes of one sample, against runaway recurrent excitation. */
    public static final int DEFAULT_MAX_SPIKES = 5_000_000;

    /** Simulates one sample over {@code [0, duration]}. */
    public static ForwardTrace simulate(EventPropModel model, SpikeEvents input, double duration) {
        return simulate(model, input, duration, DEFAULT_MAX_SPIKES);
    }

    /**
     * Simulates one sample over {@code [0, duration]}.
     *
     * @throws IllegalArgumentException when the input has the wrong number of channels or the duration is not positive
     * @throws IllegalStateException when more than {@code maxSpikes} spikes occur
     */
    public static ForwardTrace simulate(EventPropModel model, SpikeEvents input, double duration, int maxSpikes) {
        if (input.channels() != model.inputs()) {
            throw new IllegalArgumentException("input has " + input.channels() + " channels, the network " + model.inputs());
        }
        if (!(duration > 0) || !Double.isFinite(duration)) {
            throw new IllegalArgumentException("duration must be finite and > 0 s, got " + duration);
        }
        return new Run(model, duration, maxSpikes).run(input);
    }

    /** A queued event: an input spike (kind 0, index = event number) or a predicted crossing (kind 1, index = neuron). */
    private record Event(double time, int kind, int index, int version) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Double.compare(time, o.time);
            if (c != 0) return c;
            c = Integer.compare(kind, o.kind);
            return c != 0 ? c : Integer.compare(index, o.index);
        }
    }

    private static final class Run {
        final EventPropModel m;
        final double T;
        final int maxSpikes;
        final int N;
        final int[] layerOf, local;
        final double[] v, i, tLast, tauMem, tauSyn, theta;
        final int[] version;
        final PriorityQueue<Event> queue = new PriorityQueue<>();
        // spikes
        int spikes;
        double[] spikeTime = new double[64], spikeCurrent = new double[64];
        int[] spikeNeuron = new int[64];
        // readout statistics (last layer LI), indexed by readout neuron
        final int readoutOffset;
        final double[] maxV, argmaxTime, argmaxVdotMinus, integral;
        final int[] argmaxSpike;

        Run(EventPropModel m, double T, int maxSpikes) {
            this.m = m;
            this.T = T;
            this.maxSpikes = maxSpikes;
            this.N = m.neurons();
            layerOf = new int[N];
            local = new int[N];
            v = new double[N];
            i = new double[N];
            tLast = new double[N];
            tauMem = new double[N];
            tauSyn = new double[N];
            theta = new double[N];
            version = new int[N];
            for (int l = 0; l < m.layerCount(); l++) {
                EventPropModel.LayerModel lm = m.layer(l);
                for (int j = 0; j < lm.size(); j++) {
                    int n = m.offset(l) + j;
                    layerOf[n] = l;
                    local[n] = j;
                    tauMem[n] = lm.tauMem()[j];
                    tauSyn[n] = lm.tauSyn()[j];
                    theta[n] = lm.threshold()[j];
                }
            }
            EventPropModel.LayerModel out = m.output();
            readoutOffset = m.offset(m.layerCount() - 1);
            if (!out.spiking()) {
                int C = out.size();
                maxV = new double[C];                      // V(0) = 0 is the first candidate
                argmaxTime = new double[C];
                argmaxVdotMinus = new double[C];
                integral = new double[C];
                argmaxSpike = new int[C];
                Arrays.fill(argmaxSpike, ForwardTrace.AT_START);
            } else {
                maxV = argmaxTime = argmaxVdotMinus = integral = null;
                argmaxSpike = null;
            }
        }

        ForwardTrace run(SpikeEvents input) {
            for (int e = 0; e < input.size(); e++) {
                if (input.time(e) <= T) queue.add(new Event(input.time(e), 0, e, 0));
            }
            Event ev;
            while ((ev = queue.poll()) != null) {
                if (ev.kind == 0) {
                    deliverInput(input.channel(ev.index), ev.time);
                } else if (ev.version == version[ev.index]) {
                    fire(ev.index, ev.time);
                }
            }
            for (int n = 0; n < N; n++) advance(n, T, ForwardTrace.SMOOTH);
            double[] meanV = null;
            if (integral != null) {
                meanV = new double[integral.length];
                for (int c = 0; c < meanV.length; c++) meanV[c] = integral[c] / T;
            }
            return new ForwardTrace(T, N, spikes, spikeTime, spikeNeuron, spikeCurrent,
                    maxV, argmaxTime, argmaxSpike, argmaxVdotMinus, meanV);
        }

        /** An input spike on {@code channel}: every neuron of layer 0 gets {@code I += weight[channel][j]}. */
        void deliverInput(int channel, double t) {
            EventPropModel.LayerModel l0 = m.layer(0);
            double[] w = l0.weight();
            int size = l0.size();
            for (int j = 0; j < size; j++) {
                int n = m.offset(0) + j;
                advance(n, t, ForwardTrace.SMOOTH);   // an input arrival is at a fixed time: no kink term
                i[n] += w[channel * size + j];
                if (l0.spiking()) predict(n);
            }
        }

        /** Neuron {@code n} crosses threshold at {@code t}. */
        void fire(int n, double t) {
            advance(n, t, ForwardTrace.SMOOTH);
            if (spikes == maxSpikes) {
                throw new IllegalStateException("more than " + maxSpikes + " spikes in one sample (runaway excitation?) at t = " + t + " s");
            }
            if (spikes == spikeTime.length) {
                spikeTime = Arrays.copyOf(spikeTime, 2 * spikes);
                spikeCurrent = Arrays.copyOf(spikeCurrent, 2 * spikes);
                spikeNeuron = Arrays.copyOf(spikeNeuron, 2 * spikes);
            }
            int k = spikes++;
            spikeTime[k] = t;
            spikeNeuron[k] = n;
            spikeCurrent[k] = i[n];
            v[n] -= theta[n];                          // reset by subtraction, V^- = theta to rounding
            int l = layerOf[n], j = local[n];
            if (l + 1 < m.layerCount()) {
                EventPropModel.LayerModel next = m.layer(l + 1);
                deliver(next.weight(), j, next.size(), m.offset(l + 1), next.spiking(), t, k);
            }
            EventPropModel.LayerModel own = m.layer(l);
            if (own.recurrent() != null) deliver(own.recurrent(), j, own.size(), m.offset(l), true, t, k);
            predict(n);
        }

        /** Row {@code j} of {@code w} ([.][size]) onto neurons {@code offset..offset+size-1}. */
        void deliver(double[] w, int j, int size, int offset, boolean spiking, double t, int spike) {
            for (int mm = 0; mm < size; mm++) {
                int n = offset + mm;
                advance(n, t, spike);
                i[n] += w[j * size + mm];
                if (spiking) predict(n);
            }
        }

        /** Schedules neuron n's next crossing from its current state (invalidating the previous one). */
        void predict(int n) {
            version[n]++;
            double d = NeuronMath.crossing(v[n], i[n], tauMem[n], tauSyn[n], theta[n], T - tLast[n]);
            if (d != NeuronMath.NONE) queue.add(new Event(tLast[n] + d, 1, n, version[n]));
        }

        /**
         * Moves neuron n's state to time t by the closed forms. For a readout neuron also
         * accumulates the integral of V and tracks the maximum: inside the gap (at Vdot = 0) and at
         * its end t, which is a kink when {@code cause >= 0} (the arrival of spike {@code cause}).
         */
        void advance(int n, double t, int cause) {
            double d = t - tLast[n];
            if (!(d > 0)) return;
            double v0 = v[n], i0 = i[n], tm = tauMem[n], ts = tauSyn[n];
            double v1 = NeuronMath.voltage(d, v0, i0, tm, ts);
            double i1 = NeuronMath.current(d, i0, ts);
            if (maxV != null && n >= readoutOffset) {
                int c = n - readoutOffset;
                integral[c] += NeuronMath.integral(d, v0, i0, tm, ts);
                if (i0 > v0) {                          // rising at the start: an interior critical point is a maximum
                    double dp = NeuronMath.peakTime(v0, i0, tm, ts);
                    if (dp < d) {
                        double vp = NeuronMath.voltage(dp, v0, i0, tm, ts);
                        if (vp > maxV[c]) {
                            maxV[c] = vp;
                            argmaxTime[c] = tLast[n] + dp;
                            argmaxSpike[c] = ForwardTrace.SMOOTH;
                        }
                    }
                }
                if (v1 > maxV[c]) {
                    maxV[c] = v1;
                    argmaxTime[c] = t;
                    argmaxSpike[c] = cause;
                    argmaxVdotMinus[c] = NeuronMath.vdot(v1, i1, tm);
                }
            }
            v[n] = v1;
            i[n] = i1;
            tLast[n] = t;
        }
    }
}
