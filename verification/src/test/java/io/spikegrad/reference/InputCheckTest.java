package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Shape;
import io.spikegrad.Surrogate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Wrong lengths are rejected with a message that names the argument and its shape. */
class InputCheckTest {
    static final int T = 2, B = 1, N = 3;
    final LifKernelConfig c = LifCase.config(T, B, N, ResetMode.SUBTRACT, Surrogate.sigmoid(5), false, false);
    final LifCase lc = new LifCase(c, true, 1);
    final double[] tbn = new double[T * B * N], bn = new double[B * N], n = new double[N];
    final double[] shortArray = new double[5];

    static void assertRejected(String expectedMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void lifForward() {
        assertRejected("x must have shape [T][B][N] = [2][1][3] = 6 elements, got 5", () ->
                LifReference.forward(c, Precision.DOUBLE, shortArray, null, n, n, n, bn, bn));
        assertRejected("wRec must have shape [N][N] = [3][3] = 9 elements, got 5", () ->
                LifReference.forward(c, Precision.DOUBLE, tbn, shortArray, n, n, n, bn, bn));
        assertRejected("beta must have shape [N] = [3] = 3 elements, got 5", () ->
                LifReference.forward(c, Precision.DOUBLE, tbn, null, n, shortArray, n, bn, bn));
        assertRejected("v0 must have shape [B][N] = [1][3] = 3 elements, got 5", () ->
                LifReference.forward(c, Precision.FLOAT, tbn, null, n, n, n, bn, shortArray));
        NullPointerException e = assertThrows(NullPointerException.class, () ->
                LifReference.forward(c, Precision.DOUBLE, tbn, null, n, n, null, bn, bn));
        assertTrue(e.getMessage().startsWith("theta"), e.getMessage());
    }

    @Test
    void lifBackward() {
        LifTrace f = lc.forward(Precision.DOUBLE);
        assertRejected("gradS must have shape [T][B][N] = [2][1][3] = 6 elements, got 5", () ->
                LifReference.backward(c, Precision.DOUBLE, f, tbn, null, n, n, n, bn, bn, shortArray, null));
        assertRejected("gradU must have shape [T][B][N] = [2][1][3] = 6 elements, got 5", () ->
                LifReference.backward(c, Precision.DOUBLE, f, tbn, null, n, n, n, bn, bn, tbn, shortArray));
        assertRejected("i0 must have shape [B][N] = [1][3] = 3 elements, got 5", () ->
                LifReference.backward(c, Precision.DOUBLE, f, tbn, null, n, n, n, shortArray, bn, tbn, null));
        LifTrace bad = new LifTrace(shortArray, f.i(), f.u(), f.v(), f.vLast());
        assertRejected("fwd.s must have shape [T][B][N] = [2][1][3] = 6 elements, got 5", () ->
                LifReference.backward(c, Precision.DOUBLE, bad, tbn, null, n, n, n, bn, bn, tbn, null));
        assertThrows(NullPointerException.class, () ->
                LifReference.backward(c, Precision.DOUBLE, f, tbn, null, n, n, n, bn, bn, null, null));
    }

    @Test
    void li() {
        Shape s = new Shape(T, B, N);
        assertRejected("u0 must have shape [B][N] = [1][3] = 3 elements, got 5", () ->
                LiReference.forward(s, Precision.DOUBLE, tbn, n, n, bn, shortArray));
        LiTrace f = LiReference.forward(s, Precision.DOUBLE, tbn, n, n, bn, bn);
        assertRejected("gradU must have shape [T][B][N] = [2][1][3] = 6 elements, got 5", () ->
                LiReference.backward(s, Precision.DOUBLE, f, n, n, bn, bn, shortArray));
        assertRejected("alpha must have shape [N] = [3] = 3 elements, got 5", () ->
                LiReference.backward(s, Precision.DOUBLE, f, shortArray, n, bn, bn, tbn));
    }
}
