package io.spikegrad.cli;

import io.spikegrad.eventprop.EventLoss;
import io.spikegrad.eventprop.EventLosses;

/**
 * The EventProp-specific settings of {@code train --method eventprop}: the loss and the
 * silent-neuron rule (EventPropTrainer). Defaults follow the EventProp authors' later Yin-Yang
 * runs (../shared/notes/calibration.md): time-to-first-spike cross-entropy with tau0 0.5 ms,
 * tau1 6.4 ms, alpha 0.003; a bump of 1e-4 to the output weights when more than 15% of the
 * output spikes of a batch are missing. Their later code leaves the hidden-layer rule off
 * (threshold 1), so our hidden default is 1 (off); the paper's first version used 0.15 hidden
 * and 0 output ({@code --missing-hidden 0.15 --missing-output 0}).
 */
final class EventPropSetup {
    private EventPropSetup() {}

    static final String DEFAULT_LOSS = "first-spike";
    static final double DEFAULT_MISSING_HIDDEN = 1.0, DEFAULT_MISSING_OUTPUT = 0.15, DEFAULT_BUMP = 1e-4;
    static final double DEFAULT_SAMPLE_CLIP = 0;

    /** The loss named on the command line (--loss). */
    static EventLoss loss(String name) {
        return switch (name == null ? DEFAULT_LOSS : name) {
            case "first-spike" -> EventLosses.firstSpikeCrossEntropy();
            case "max-voltage" -> EventLosses.maxVoltageCrossEntropy();
            case "mean-voltage" -> EventLosses.meanVoltageCrossEntropy();
            case "spike-count" -> EventLosses.spikeCountCrossEntropy();
            default -> throw new IllegalArgumentException("--loss must be first-spike, max-voltage, mean-voltage or spike-count "
                    + "(for --method eventprop), got '" + name + "'");
        };
    }

    /** Whether the loss reads a leaky-integrator readout (the voltage losses) instead of a spiking output layer. */
    static boolean readout(String name) {
        String n = name == null ? DEFAULT_LOSS : name;
        loss(n);                                                  // validates the name
        return n.endsWith("-voltage");
    }

    static double orDefault(Double v, double d) {
        return v == null ? d : v;
    }
}
