package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import org.junit.jupiter.api.Test;

/** FLOAT emulation rounds like float32: a small but nonzero difference from DOUBLE. */
class PrecisionTest {

    @Test
    void roundingOfOneValue() {
        assertEquals(0.1, Precision.DOUBLE.r(0.1));
        assertEquals((double) 0.1f, Precision.FLOAT.r(0.1));
        assertNotEquals(0.1, Precision.FLOAT.r(0.1));
    }

    @Test
    void floatDiffersFromDoubleByASmallNonzeroAmount() {
        LifKernelConfig c = LifCase.config(8, 3, 5, ResetMode.SUBTRACT, Surrogate.fastSigmoid(5), false, false);
        LifCase lc = new LifCase(c, true, 99);
        LifTrace f64 = lc.forward(Precision.DOUBLE), f32 = lc.forward(Precision.FLOAT);
        assertArrayEquals(f64.s(), f32.s(), "the spikes of this case are far from threshold");
        assertTrue(sum(f64.s()) > 0, "some spikes");
        assertSmallNonzero("u", f64.u(), f32.u(), 1e-5);
        assertSmallNonzero("i", f64.i(), f32.i(), 1e-5);
        assertFloats(f32.u());
        assertFloats(f32.v());

        LifGrads g64 = lc.backward(c, Precision.DOUBLE, f64), g32 = lc.backward(c, Precision.FLOAT, f32);
        assertSmallNonzero("gradX", g64.gradX(), g32.gradX(), 1e-5);
        assertSmallNonzero("gradBeta", g64.gradBeta(), g32.gradBeta(), 1e-5);
        assertSmallNonzero("gradWRec", g64.gradWRec(), g32.gradWRec(), 1e-5);
        assertFloats(g32.gradX());
        assertFloats(g32.gradTheta());
    }

    /** 0 < max |a - b| / max(1, |a|) <= bound. */
    static void assertSmallNonzero(String name, double[] a, double[] b, double bound) {
        double max = 0.0;
        for (int k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k] - b[k]) / Math.max(1.0, Math.abs(a[k])));
        assertTrue(max > 0.0 && max <= bound, name + ": max relative difference " + max);
    }

    /** Every value is a float32 value. */
    static void assertFloats(double[] a) {
        for (double v : a) assertEquals(v, (double) (float) v);
    }

    static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }
}
