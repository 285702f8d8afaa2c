package io.spikegrad.eventprop;

import io.spikegrad.data.SpikeEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Test support: Poisson inputs and central finite differences on an {@link EventPropModel}. */
final class Fd {
    private Fd() {}

    /** Independent Poisson trains, {@code rate} Hz on each of {@code channels} channels over [0, duration). */
    static SpikeEvents poisson(int channels, double rate, double duration, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> ev = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            double t = 0;
            while (true) {
                t += -Math.log(1.0 - rng.nextDouble()) / rate;
                if (t >= duration) break;
                ev.add(new double[] {t, c});
            }
        }
        double[] times = new double[ev.size()];
        int[] ids = new int[ev.size()];
        for (int k = 0; k < times.length; k++) {
            times[k] = ev.get(k)[0];
            ids[k] = (int) ev.get(k)[1];
        }
        return SpikeEvents.of(channels, times, ids);
    }

    /** {@code per} spikes per channel, uniform in [lo, hi). */
    static SpikeEvents uniform(int channels, int per, double lo, double hi, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] times = new double[channels * per];
        int[] ids = new int[channels * per];
        for (int k = 0; k < times.length; k++) {
            times[k] = lo + (hi - lo) * rng.nextDouble();
            ids[k] = k % channels;
        }
        return SpikeEvents.of(channels, times, ids);
    }

    /** One checked (or skipped) entry. */
    record Entry(String name, double eventProp, double fd, boolean sameCounts, boolean sameOrder) {
        /** Compared: the perturbation changed no spike count and no event order. */
        boolean checked() { return sameCounts && sameOrder; }

        double relDev() {
            double s = Math.max(Math.abs(eventProp), Math.abs(fd));
            return s == 0 ? 0 : Math.abs(eventProp - fd) / s;
        }
    }

    /** Summary of a finite-difference sweep. */
    record Report(List<Entry> entries) {
        long checked() { return entries.stream().filter(Entry::checked).count(); }

        long countsChanged() { return entries.stream().filter(e -> !e.sameCounts()).count(); }

        long orderChanged() { return entries.stream().filter(e -> e.sameCounts() && !e.sameOrder()).count(); }

        /** Max relative deviation over checked entries whose |gradient| is at least {@code floor} times the largest. */
        double maxRelDev(double floor) {
            double big = entries.stream().filter(Entry::checked).mapToDouble(e -> Math.abs(e.fd)).max().orElse(0);
            return entries.stream().filter(Entry::checked).filter(e -> Math.abs(e.fd) >= floor * big)
                    .mapToDouble(Entry::relDev).max().orElse(0);
        }

        /** Max |EventProp - FD| over checked entries, relative to the largest |FD|. */
        double maxAbsDevOverMax() {
            double big = entries.stream().filter(Entry::checked).mapToDouble(e -> Math.abs(e.fd)).max().orElse(0);
            double d = entries.stream().filter(Entry::checked).mapToDouble(e -> Math.abs(e.eventProp - e.fd)).max().orElse(0);
            return big == 0 ? d : d / big;
        }

        /** ||EP - FD|| / ||FD|| over checked entries (the paper's figure-1 style measure). */
        double normRelDev() {
            double num = 0, den = 0;
            for (Entry e : entries) {
                if (!e.checked()) continue;
                num += (e.eventProp - e.fd) * (e.eventProp - e.fd);
                den += e.fd * e.fd;
            }
            return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
        }

        Entry worst(double floor) {
            double big = entries.stream().filter(Entry::checked).mapToDouble(e -> Math.abs(e.fd)).max().orElse(0);
            return entries.stream().filter(Entry::checked).filter(e -> Math.abs(e.fd) >= floor * big)
                    .max((a, b) -> Double.compare(a.relDev(), b.relDev())).orElse(null);
        }
    }

    /**
     * Loss, spike counts and the event order of one forward pass. The order (which neuron fired
     * each spike, how many input spikes precede it, where each readout maximum sits) matters too:
     * when a spike time crosses another event's time on a neuron it feeds, that neuron's Vdot
     * jumps there, so the loss has a kink in its derivative although no spike appeared or
     * disappeared; a central difference straddling it measures neither one-sided derivative.
     */
    record Eval(double loss, int[] counts, long[] order) {}

    /** What an FD sweep needs: the model, the sample, the loss, the simulator settings. */
    record Problem(EventPropModel model, SpikeEvents input, int label, EventLoss loss, EventProp ep) {
        /** Loss and spike counts of one forward pass. */
        Eval eval(EventPropModel m) {
            ForwardTrace tr = EventPropSimulator.simulate(m, input, ep.duration());
            LossGradient lg = new LossGradient(tr.spikeCount(), m.output().spiking() ? 0 : m.output().size());
            long[] order = new long[tr.spikeCount() + (tr.hasReadout() ? m.output().size() : 0)];
            for (int k = 0; k < tr.spikeCount(); k++) {
                order[k] = ((long) tr.spikeNeuron(k) << 32) | inputsBefore(tr.spikeTime(k));
            }
            if (tr.hasReadout()) {
                for (int c = 0; c < m.output().size(); c++) order[tr.spikeCount() + c] = tr.argmaxSpike(c);
            }
            return new Eval(loss.evaluate(m, tr, label, lg), tr.spikeCounts(), order);
        }

        private long inputsBefore(double t) {
            int lo = 0, hi = input.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (input.time(mid) < t) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }

    /**
     * Central differences of every entry of {@code array(model)} with step h; an entry whose
     * perturbation +-h changes any neuron's spike count is marked unchecked.
     */
    static List<Entry> sweep(Problem p, String name, java.util.function.Function<EventPropModel, double[]> array,
                             double[] eventProp, double h) {
        EventPropModel m = p.model().copy();
        double[] a = array.apply(m);
        Eval base = p.eval(m);
        List<Entry> out = new ArrayList<>();
        for (int k = 0; k < a.length; k++) {
            double w = a[k];
            a[k] = w + h;
            Eval plus = p.eval(m);
            a[k] = w - h;
            Eval minus = p.eval(m);
            a[k] = w;
            boolean counts = Arrays.equals(base.counts(), plus.counts()) && Arrays.equals(base.counts(), minus.counts());
            boolean order = counts && Arrays.equals(base.order(), plus.order()) && Arrays.equals(base.order(), minus.order());
            out.add(new Entry(name + "[" + k + "]", eventProp[k], (plus.loss() - minus.loss()) / (2 * h), counts, order));
        }
        return out;
    }
}
