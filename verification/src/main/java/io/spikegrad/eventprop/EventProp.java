package io.spikegrad.eventprop;

import io.spikegrad.data.EventSample;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The EventProp reference on a {@link Network}: exact forward ({@link EventPropSimulator}),
 * loss ({@link EventLoss}), exact backward ({@link EventPropBackward}), gradients written into
 * each {@link io.spikegrad.net.Parameter#grad()}.
 *
 * <pre>{@code
 * EventProp ep = new EventProp(60e-3);                       // simulate [0, 60 ms]
 * double loss = ep.lossAndGradient(net, batch, EventLosses.firstSpikeCrossEntropy());
 * long clamped = ep.clampedSpikes();                         // Vdot guard hits so far
 * }</pre>
 *
 * Gradients written: every layer's {@code weight} and {@code recurrent}, and the LIF layers'
 * {@code threshold}; {@code tau_mem} / {@code tau_syn} gradients are set to 0 and a network
 * whose time constants are learnable is refused. Thread-safe: runs share nothing but the
 * guard counter.
 */
public final class EventProp {
    private final double duration;
    private final double vdotFloor;
    private final AtomicLong clamped = new AtomicLong();

    /** Simulates {@code [0, duration]} seconds with the default Vdot guard. */
    public EventProp(double duration) {
        this(duration, EventPropBackward.DEFAULT_VDOT_FLOOR);
    }

    /** Simulates {@code [0, duration]} seconds; {@code vdotFloor} as in {@link EventPropBackward}. */
    public EventProp(double duration, double vdotFloor) {
        if (!(duration > 0) || !Double.isFinite(duration)) throw new IllegalArgumentException("duration must be finite and > 0 s, got " + duration);
        if (!(vdotFloor > 0)) throw new IllegalArgumentException("vdotFloor must be > 0, got " + vdotFloor);
        this.duration = duration;
        this.vdotFloor = vdotFloor;
    }

    public double duration() { return duration; }

    /** Spikes whose {@code Vdot^-} was clamped by the guard, over every backward pass of this instance. */
    public long clampedSpikes() { return clamped.get(); }

    /** Loss, trace and gradients of one sample on a model (no Network involved). */
    public record Result(double loss, ForwardTrace trace, Gradients gradients) {}

    /** Forward, loss and backward of one sample on {@code model}. */
    public Result run(EventPropModel model, SpikeEvents input, int label, EventLoss loss) {
        ForwardTrace tr = EventPropSimulator.simulate(model, input, duration);
        LossGradient lg = new LossGradient(tr.spikeCount(), model.output().spiking() ? 0 : model.output().size());
        double value = loss.evaluate(model, tr, label, lg);
        Gradients g = EventPropBackward.backward(model, tr, input, lg, vdotFloor);
        clamped.addAndGet(g.clampedSpikes());
        return new Result(value, tr, g);
    }

    /** The loss of one sample without a backward pass. */
    public double loss(EventPropModel model, SpikeEvents input, int label, EventLoss loss) {
        ForwardTrace tr = EventPropSimulator.simulate(model, input, duration);
        LossGradient lg = new LossGradient(tr.spikeCount(), model.output().spiking() ? 0 : model.output().size());
        return loss.evaluate(model, tr, label, lg);
    }

    /**
     * Mean loss over {@code batch}; overwrites every parameter gradient of {@code net} with the
     * mean gradient (see the class comment for which parameters).
     */
    public double lossAndGradient(Network net, List<EventSample> batch, EventLoss loss) {
        if (batch.isEmpty()) throw new IllegalArgumentException("batch must not be empty");
        for (Layer l : net.layers()) {
            if (l.tauMem().learnable() || l.tauSyn().learnable()) {
                throw new IllegalArgumentException("EventProp reference: layer '" + l.name()
                        + "' has learnable time constants; their gradients are not computed (make tau_mem/tau_syn non-learnable)");
            }
        }
        EventPropModel model = EventPropModel.of(net);
        Gradients sum = new Gradients(model);
        double total = 0;
        for (EventSample s : batch) {
            Result r = run(model, s.events(), s.label(), loss);
            total += r.loss();
            sum.addScaled(r.gradients(), 1.0 / batch.size());
        }
        sum.writeTo(net);
        return total / batch.size();
    }

    /** {@link #lossAndGradient(Network, List, EventLoss)} for one sample. */
    public double lossAndGradient(Network net, EventSample sample, EventLoss loss) {
        return lossAndGradient(net, List.of(sample), loss);
    }
}
