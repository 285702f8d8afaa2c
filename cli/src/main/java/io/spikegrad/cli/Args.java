package io.spikegrad.cli;

import io.spikegrad.Surrogate;
import io.spikegrad.net.Init;
import io.spikegrad.train.LrSchedule;
import java.util.Locale;

/** Parsers for compound command-line values; errors name the option and the expected form. */
final class Args {
    private Args() {}

    /** "MEAN:STD" to a normal initialiser; null stays null. */
    static Init normal(String option, String text) {
        if (text == null) return null;
        String[] p = text.split(":");
        try {
            if (p.length != 2) throw new NumberFormatException();
            return Init.normal(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be MEAN:STD, e.g. 1.5:0.78, got '" + text + "'");
        }
    }

    /**
     * A learning-rate schedule: "constant", "step:EVERY:GAMMA" (x GAMMA every EVERY epochs)
     * or "cosine" (from 1 to 0.01 over {@code epochs}).
     */
    static LrSchedule schedule(String text, int epochs) {
        String[] p = text.split(":");
        try {
            switch (p[0]) {
                case "constant": return LrSchedule.constant();
                case "cosine": return LrSchedule.cosine(epochs, 0.01);
                case "step":
                    if (p.length != 3) break;
                    return LrSchedule.step(Integer.parseInt(p[1]), Double.parseDouble(p[2]));
                default: break;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--lr-schedule must be constant, cosine or step:EVERY:GAMMA (e.g. step:1:0.95), got '" + text + "'");
    }

    /** "KIND:SCALE" (or "KIND") to a surrogate with gain 1. */
    static Surrogate surrogate(String text) {
        String[] p = text.split(":");
        Surrogate.Kind kind;
        try {
            kind = Surrogate.Kind.valueOf(p[0].toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--surrogate kind must be one of fast_sigmoid, sigmoid, arctan, triangle, boxcar, "
                    + "exponential, straight_through, got '" + p[0] + "'");
        }
        double scale = 1.0;
        if (p.length > 1) {
            try {
                scale = Double.parseDouble(p[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--surrogate scale must be a number, got '" + p[1] + "'");
            }
        }
        return new Surrogate(kind, scale, 1.0);
    }
}
