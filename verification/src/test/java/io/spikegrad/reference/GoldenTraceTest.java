package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Shape;
import io.spikegrad.Surrogate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Traces small enough to check by hand. All numbers are dyadic, so DOUBLE and FLOAT must
 * both give them exactly.
 */
class GoldenTraceTest {
    // One neuron, T = 4, alpha = beta = 0.5, theta = 1, i0 = v0 = 0, reset subtract.
    static final double[] X = {2, 2, -2, 0};
    static final double[] HALF = {0.5}, ONE = {1.0}, ZERO = {0.0};

    static LifKernelConfig config(ResetMode reset, boolean detach) {
        return new LifKernelConfig(4, 1, 1, reset, 0.0, Surrogate.straightThrough(), detach, false);
    }

    /*
     * t  I = 0.5*I[t-1] + X        U = 0.5*V[t-1] + 0.5*I      S = H(U-1)       V = U - 1*S
     * 0  0.5*0    + 2  =  2        0.5*0    + 0.5*2    = 1     H(0)  = 0 (!)    1
     * 1  0.5*2    + 2  =  3        0.5*1    + 0.5*3    = 2     H(1)  = 1        2 - 1 = 1
     * 2  0.5*3    - 2  = -0.5      0.5*1    + 0.5*-0.5 = 0.25  H(-.75) = 0      0.25
     * 3  0.5*-0.5 + 0  = -0.25     0.5*0.25 + 0.5*-.25 = 0     H(-1) = 0        0
     * At t = 0 U equals theta exactly and does not spike (H(0) = 0); one spike and one
     * reset at t = 1; vLast = V[3] = 0.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void forwardSubtract(Precision p) {
        LifTrace f = LifReference.forward(config(ResetMode.SUBTRACT, false), p, X, null, HALF, HALF, ONE, ZERO, ZERO);
        assertArrayEquals(new double[] {2, 3, -0.5, -0.25}, f.i());
        assertArrayEquals(new double[] {1, 2, 0.25, 0}, f.u());
        assertArrayEquals(new double[] {0, 1, 0, 0}, f.s());
        assertArrayEquals(new double[] {1, 1, 0.25, 0}, f.v());
        assertArrayEquals(new double[] {0}, f.vLast());
    }

    /*
     * Backward of L = S[1] (gradS = [0, 1, 0, 0]), straight-through (dS/dU := 1), not
     * detached, Heaviside forward as above. Reverse time, gV[t] = 0.5*gU[t+1]:
     * t=3, t=2: nothing reaches them: gU = gI = 0.
     * t=1: gV = 0, gS = 1, gU = 0 + 1*1 = 1, gI[1] = 0.5*1 + 0.5*0 = 0.5,
     *      theta: -gS*1 = -1.
     * t=0: gV = 0.5*gU[1] = 0.5, S[0] = 0.
     *      gS = 0 + gV*dV/dS = 0.5*(-theta) = -0.5
     *      gU = gV*dV/dU + gS*1 = 0.5 - 0.5 = 0   (U up => S up => V unchanged)
     *      gI[0] = 0.5*0 + 0.5*gI[1] = 0.25;  theta: -gS*1 + gV*(-S[0]) = 0.5.
     * dL/dX = [0.25, 0.5, 0, 0], dL/dI[-1] = 0.5*0.25 = 0.125, dL/dV[-1] = 0.5*0 = 0,
     * dL/dtheta = -1 + 0.5 = -0.5, dL/dalpha = gI[1]*I[0] + gI[0]*I[-1] = 0.5*2 + 0 = 1,
     * dL/dbeta = gU[1]*(V[0]-I[1]) + gU[0]*(V[-1]-I[0]) = 1*(1-3) + 0 = -2.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void backwardSubtract(Precision p) {
        LifGrads g = backward(p, false);
        assertArrayEquals(new double[] {0.25, 0.5, 0, 0}, g.gradX());
        assertArrayEquals(new double[] {0.125}, g.gradI0());
        assertArrayEquals(new double[] {0}, g.gradV0());
        assertArrayEquals(new double[] {-0.5}, g.gradTheta());
        assertArrayEquals(new double[] {1}, g.gradAlpha());
        assertArrayEquals(new double[] {-2}, g.gradBeta());
    }

    /*
     * The same with the reset detached: at t=0 gS stays 0, so gU[0] = gV = 0.5,
     * gI[0] = 0.5*0.5 + 0.5*0.5 = 0.5 and theta keeps only -S[0]*gV = 0 there.
     * dL/dX = [0.5, 0.5, 0, 0], dL/dI[-1] = 0.25, dL/dV[-1] = 0.5*0.5 = 0.25,
     * dL/dtheta = -1, dL/dalpha = 1, dL/dbeta = -2 + 0.5*(0 - 2) = -3.
     */
    @Test
    void backwardSubtractDetached() {
        LifGrads g = backward(Precision.DOUBLE, true);
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0}, g.gradX());
        assertArrayEquals(new double[] {0.25}, g.gradI0());
        assertArrayEquals(new double[] {0.25}, g.gradV0());
        assertArrayEquals(new double[] {-1}, g.gradTheta());
        assertArrayEquals(new double[] {1}, g.gradAlpha());
        assertArrayEquals(new double[] {-3}, g.gradBeta());
    }

    private static LifGrads backward(Precision p, boolean detach) {
        LifKernelConfig c = config(ResetMode.SUBTRACT, detach);
        LifTrace f = LifReference.forward(c, p, X, null, HALF, HALF, ONE, ZERO, ZERO);
        return LifReference.backward(c, p, f, X, null, HALF, HALF, ONE, ZERO, ZERO,
                new double[] {0, 1, 0, 0}, null);
    }

    /*
     * Reset to value v_reset = -0.5, same inputs: t=0,1 as above (U = 1, 2), the spike at
     * t=1 sets V = 2*(1-1) + (-0.5)*1 = -0.5; t=2: U = 0.5*-0.5 + 0.5*-0.5 = -0.5;
     * t=3: U = 0.5*-0.5 + 0.5*-0.25 = -0.375.
     */
    @Test
    void forwardToValue() {
        LifKernelConfig c = new LifKernelConfig(4, 1, 1, ResetMode.TO_VALUE, -0.5, Surrogate.straightThrough(), false, false);
        LifTrace f = LifReference.forward(c, Precision.DOUBLE, X, null, HALF, HALF, ONE, ZERO, ZERO);
        assertArrayEquals(new double[] {1, 2, -0.5, -0.375}, f.u());
        assertArrayEquals(new double[] {1, -0.5, -0.5, -0.375}, f.v());
    }

    /*
     * The gain multiplies sigma'. T = 1, fast sigmoid k = 2, gain 3, alpha = beta = 0.5,
     * theta = 0.5, x = 2: I = 2, U = 1, z = U - theta = 0.5, sigma'(z) = (k/2)/(1+k|z|)^2
     * = 1/4, dS/dU = 3/4. With L = S: gU = 0.75, dL/dX = 0.5*0.75 = 0.375,
     * dL/dtheta = -0.75, dL/dbeta = gU*(V[-1] - I) = 0.75*(0 - 2) = -1.5, dL/dV[-1] = 0.375.
     */
    @Test
    void gainScalesTheSurrogate() {
        LifKernelConfig c = new LifKernelConfig(1, 1, 1, ResetMode.SUBTRACT, 0.0,
                Surrogate.fastSigmoid(2).withGain(3), false, false);
        double[] x = {2}, theta = {0.5};
        LifTrace f = LifReference.forward(c, Precision.DOUBLE, x, null, HALF, HALF, theta, ZERO, ZERO);
        LifGrads g = LifReference.backward(c, Precision.DOUBLE, f, x, null, HALF, HALF, theta, ZERO, ZERO,
                new double[] {1}, null);
        assertArrayEquals(new double[] {0.375}, g.gradX());
        assertArrayEquals(new double[] {-0.75}, g.gradTheta());
        assertArrayEquals(new double[] {-1.5}, g.gradBeta());
        assertArrayEquals(new double[] {0.375}, g.gradV0());
    }

    /*
     * LI readout, alpha = beta = 0.5, X = [2, 2, -2, 0], i0 = u0 = 0:
     * I = [2, 3, -0.5, -0.25], U = [1, 2, 0.75, 0.25]  (U = 0.5*U[t-1] + 0.5*I).
     * L = U[3]: gU = [0.125, 0.25, 0.5, 1] (gU[t] = 0.5*gU[t+1]),
     * gI[3] = 0.5, gI[2] = 0.5*0.5 + 0.5*0.5 = 0.5, gI[1] = 0.125 + 0.25 = 0.375,
     * gI[0] = 0.0625 + 0.1875 = 0.25; dL/dI[-1] = 0.125, dL/dU[-1] = 0.0625.
     */
    @Test
    void liReadout() {
        Shape s = new Shape(4, 1, 1);
        LiTrace f = LiReference.forward(s, Precision.FLOAT, X, HALF, HALF, ZERO, ZERO);
        assertArrayEquals(new double[] {2, 3, -0.5, -0.25}, f.i());
        assertArrayEquals(new double[] {1, 2, 0.75, 0.25}, f.u());
        LiGrads g = LiReference.backward(s, Precision.FLOAT, f, HALF, HALF, ZERO, ZERO, new double[] {0, 0, 0, 1});
        assertArrayEquals(new double[] {0.25, 0.375, 0.5, 0.5}, g.gradX());
        assertArrayEquals(new double[] {0.125}, g.gradI0());
        assertArrayEquals(new double[] {0.0625}, g.gradU0());
    }
}
