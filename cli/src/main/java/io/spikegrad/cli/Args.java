package io.spikegrad.cli;

import io.spikegrad.Surrogate;
import io.spikegrad.net.Init;
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
