package io.spikegrad.eventprop;

/**
 * A loss of one sample as a function of its spike times and readout membranes (paper eq. (1)).
 * Implementations: {@link EventLosses}.
 */
public interface EventLoss {

    /**
     * The loss of one sample, writing its derivatives into {@code grad} (which arrives zeroed,
     * sized for {@code trace}).
     *
     * @throws IllegalArgumentException when the loss does not fit the network's last layer or the label is out of range
     */
    double evaluate(EventPropModel model, ForwardTrace trace, int label, LossGradient grad);

    /** The predicted class of the sample, or -1 when the loss has no notion of one. */
    default int predict(EventPropModel model, ForwardTrace trace) { return -1; }

    /** Whether the sample counts as correctly classified (default: the prediction is the label). */
    default boolean correct(EventPropModel model, ForwardTrace trace, int label) { return predict(model, trace) == label; }

    /**
     * The same loss for the native CPU kernel ({@link io.spikegrad.cpu.NativeEventProp}), or null
     * when the kernel does not implement it.
     */
    default io.spikegrad.cpu.NativeEventProp.Loss nativeLoss() { return null; }

    /** A short name for messages. */
    String name();
}
