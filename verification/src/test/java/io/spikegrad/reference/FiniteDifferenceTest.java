package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The helpers of the gradient checks do what they claim. */
class FiniteDifferenceTest {

    @Test
    void centralDifferenceOfACubicRestoresTheEntry() {
        double[] a = {0.0, 2.0};
        FiniteDifference.Probe p = FiniteDifference.central(a, 1, 1e-5,
                () -> new FiniteDifference.Eval(a[1] * a[1] * a[1], new double[] {a[1]}));
        assertEquals(12.0, p.derivative(), 1e-8);   // d/da a^3 = 3a^2 at a = 2
        assertEquals(2.0, a[1]);                     // restored
    }

    @Test
    void kinkCrossingIsDetected() {
        double[] kinks = {-0.5, 0.5};
        FiniteDifference.Probe across = probe(0.5 - 1e-7, 0.5 + 1e-7);
        FiniteDifference.Probe onIt = probe(0.5, 0.5 + 1e-7);
        FiniteDifference.Probe beside = probe(0.4, 0.4 + 1e-7);
        assertTrue(FiniteDifference.crossesKink(across, kinks));
        assertTrue(FiniteDifference.crossesKink(onIt, kinks));
        assertFalse(FiniteDifference.crossesKink(beside, kinks));
    }

    @Test
    void relativeErrorUsesTheFloorNearZero() {
        assertEquals(1e-6, FiniteDifference.relativeError(1.0, 1.0 + 1e-6, 1e-3), 1e-11);
        assertEquals(1e-6, FiniteDifference.relativeError(0.0, 1e-9, 1e-3), 1e-12);
    }

    private static FiniteDifference.Probe probe(double zMinus, double zPlus) {
        return new FiniteDifference.Probe(new FiniteDifference.Eval(0, new double[] {zPlus}),
                new FiniteDifference.Eval(0, new double[] {zMinus}), 0);
    }
}
