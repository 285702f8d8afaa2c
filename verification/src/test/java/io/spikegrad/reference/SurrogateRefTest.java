package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spikegrad.Surrogate.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** sigma' is the derivative of sigma; sigma rises from 0 to 1 through 1/2 at 0. */
class SurrogateRefTest {

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "STRAIGHT_THROUGH", mode = EnumSource.Mode.EXCLUDE)
    void sigmaPrimeIsTheDerivativeOfSigma(Kind kind) {
        double scale = kind.scaleName().equals("width") ? 0.8 : 4.0;
        // Points avoid the kinks at 0, +-w/2 and +-w (w = 0.8).
        for (double x : new double[] {-1.3, -0.7, -0.33, -0.05, 0.07, 0.29, 0.61, 1.9}) {
            double h = 1e-6;
            double fd = (SurrogateRef.sigma(kind, x + h, scale) - SurrogateRef.sigma(kind, x - h, scale)) / (2 * h);
            assertEquals(fd, SurrogateRef.sigmaPrime(kind, x, scale), 1e-8, kind + " at x = " + x);
        }
        assertEquals(0.5, SurrogateRef.sigma(kind, 0.0, scale), 1e-15);
        assertEquals(0.0, SurrogateRef.sigma(kind, -1e4, scale), 1e-3);
        assertEquals(1.0, SurrogateRef.sigma(kind, 1e4, scale), 1e-3);
    }

    @Test
    void straightThroughIsHeavisideWithUnitGradient() {
        assertEquals(0.0, SurrogateRef.sigma(Kind.STRAIGHT_THROUGH, 0.0, 1.0));  // H(0) = 0
        assertEquals(1.0, SurrogateRef.sigma(Kind.STRAIGHT_THROUGH, 1e-300, 1.0));
        assertEquals(1.0, SurrogateRef.sigmaPrime(Kind.STRAIGHT_THROUGH, 123.0, 1.0));
    }

    /** Values from the table of surrogate.h, computed by hand. */
    @Test
    void tableValues() {
        assertEquals(0.25, SurrogateRef.sigmaPrime(Kind.FAST_SIGMOID, 0.5, 2.0), 1e-15);     // (2/2)/(1+1)^2
        assertEquals(0.5, SurrogateRef.sigmaPrime(Kind.SIGMOID, 0.0, 2.0), 1e-15);          // 2*(1/2)(1/2)
        assertEquals(1 / Math.PI, SurrogateRef.sigmaPrime(Kind.ARCTAN, 0.5, 2.0), 1e-15);  // (2/pi)/(1+1)
        assertEquals(0.5 / 0.5, SurrogateRef.sigmaPrime(Kind.TRIANGLE, 0.25, 0.5), 1e-15); // (1-1/2)/(1/2)
        assertEquals(2.0, SurrogateRef.sigmaPrime(Kind.BOXCAR, 0.2, 0.5));                 // |x| < 0.25
        assertEquals(0.0, SurrogateRef.sigmaPrime(Kind.BOXCAR, 0.25, 0.5));                // |x| = w/2: outside
        assertEquals(Math.exp(-1), SurrogateRef.sigmaPrime(Kind.EXPONENTIAL, -0.5, 2.0), 1e-15);
        assertEquals(0.125, SurrogateRef.sigma(Kind.TRIANGLE, -0.25, 0.5), 1e-15);         // (1-1/2)^2/2
        assertEquals(0.75, SurrogateRef.sigma(Kind.BOXCAR, 0.125, 0.5), 1e-15);            // 1/4 + 1/2
    }
}
