package io.spikegrad.reference;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;

/**
 * Reference LIF layer, forward and surrogate backward, written to be checked line by line
 * against {@code native/include/spikegrad/lif_math.h} (and DESIGN.md, model equations):
 *
 * <pre>
 *   I[t] = alpha*I[t-1] + X[t] (+ sum_j S[t-1][j]*wRec[j][n], S[-1] = 0)
 *   U[t] = beta*V[t-1] + (1-beta)*I[t]
 *   S[t] = H(U[t] - theta), H(0) = 0        (sigma(U[t] - theta) in smooth mode)
 *   V[t] = U[t] - theta*S[t]                (subtract)
 *        | U[t]*(1-S[t]) + vReset*S[t]      (to value)
 *        | U[t]                             (none)
 * </pre>
 *
 * Shapes: T = steps, B = batch, N = neurons of the config; [T][B][N] is time-major,
 * index {@code (t*B + b)*N + n}; [B][N] index {@code b*N + n}; wRec [N][N] index
 * {@code j*N + n}, row j holding the weights from neuron j. Every input and every
 * arithmetic result goes through {@link Precision#r}, in the order the float kernels
 * use, so {@link Precision#FLOAT} emulates them.
 */
public final class LifReference {
    private LifReference() {}

    /**
     * Forward over all T steps.
     *
     * @param c     shape (T, B, N), reset, vReset, surrogate (smooth mode uses its sigma), smooth
     * @param p     DOUBLE for ref64, FLOAT for ref32
     * @param x     [T][B][N] input current X[t]
     * @param wRec  [N][N] recurrent weights (row j from neuron j), or null for feed-forward
     * @param alpha [N] exp(-dt/tau_syn)
     * @param beta  [N] exp(-dt/tau_mem)
     * @param theta [N] thresholds
     * @param i0    [B][N] I[-1]
     * @param v0    [B][N] V[-1]
     * @return S, I, U, V [T][B][N] and V[T-1] [B][N]
     * @throws IllegalArgumentException when an array has the wrong length (names it and its shape)
     */
    public static LifTrace forward(LifKernelConfig c, Precision p, double[] x, double[] wRec,
                                   double[] alpha, double[] beta, double[] theta, double[] i0, double[] v0) {
        final int T = c.steps(), B = c.batch(), N = c.neurons();
        x = Inputs.rounded("x", x, (long) T * B * N, Inputs.tbn(T, B, N), p);
        wRec = Inputs.roundedOrNull("wRec", wRec, (long) N * N, Inputs.nn(N), p);
        alpha = Inputs.rounded("alpha", alpha, N, Inputs.n(N), p);
        beta = Inputs.rounded("beta", beta, N, Inputs.n(N), p);
        theta = Inputs.rounded("theta", theta, N, Inputs.n(N), p);
        i0 = Inputs.rounded("i0", i0, (long) B * N, Inputs.bn(B, N), p);
        v0 = Inputs.rounded("v0", v0, (long) B * N, Inputs.bn(B, N), p);

        double[] s = new double[T * B * N], i = new double[T * B * N];
        double[] u = new double[T * B * N], v = new double[T * B * N];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                for (int n = 0; n < N; n++) {
                    int k = (t * B + b) * N + n;
                    double iPrev = t == 0 ? i0[b * N + n] : i[k - B * N];   // I[t-1]
                    double vPrev = t == 0 ? v0[b * N + n] : v[k - B * N];   // V[t-1]

                    // X[t], plus sum_j S[t-1][j]*wRec[j][n] added in order j = 0..N-1
                    double drive = x[k];
                    if (wRec != null && t > 0) {
                        for (int j = 0; j < N; j++) {
                            double sPrevJ = s[((t - 1) * B + b) * N + j];
                            drive = p.r(drive + p.r(sPrevJ * wRec[j * N + n]));
                        }
                    }
                    i[k] = p.r(p.r(alpha[n] * iPrev) + drive);
                    u[k] = p.r(p.r(beta[n] * vPrev) + p.r(p.r(1.0 - beta[n]) * i[k]));
                    s[k] = fire(c, p, u[k], theta[n]);
                    v[k] = reset(c, p, u[k], s[k], theta[n]);
                }
            }
        }
        double[] vLast = new double[B * N];
        System.arraycopy(v, (T - 1) * B * N, vLast, 0, B * N);
        return new LifTrace(s, i, u, v, vLast);
    }

    /**
     * Surrogate backward over all T steps, in reverse time, per the adjoint table of
     * lif_math.h (surrogate: dS/dU := g*sigma'(U - theta), g = the surrogate's gain):
     *
     * <pre>
     *   gV[t] = beta*gU[t+1]                         (gU[T] = 0)
     *   gS[t] = gS_ext[t] + gV[t]*dV/dS              (dV/dS dropped when detachReset)
     *   gU[t] = gU_ext[t] + gV[t]*dV/dU + gS[t]*g*sigma'(U[t]-theta)
     *   gI[t] = (1-beta)*gU[t] + alpha*gI[t+1]       (gI[T] = 0)
     *   dL/dX[t] = gI[t]
     *   dL/dalpha += gI[t]*I[t-1],  dL/dbeta += gU[t]*(V[t-1] - I[t])
     *   dL/dtheta += -gS[t]*g*sigma' + gV[t]*dV/dtheta   (dV/dtheta = -S, subtract only;
     *                                                    kept when detached)
     *   dL/dI[-1] = alpha*gI[0],  dL/dV[-1] = beta*gU[0]
     *   dV/dU = 1 (subtract, none) | 1-S (to value);  dV/dS = -theta | vReset-U | 0
     *   recurrent: gS_ext[t-1][j] = gradS[t-1][j] + sum_n wRec[j][n]*gI[t][n]
     *              dL/dwRec[j][n] = sum_{t>=1, b} S[t-1][b][j]*gI[t][b][n]
     * </pre>
     *
     * @param c     as given to the forward; also detachReset and the surrogate's kind, scale, gain
     * @param p     DOUBLE for ref64, FLOAT for ref32
     * @param fwd   the trace of {@link #forward} with the same config, precision and inputs
     * @param x     [T][B][N] as given to the forward (only its length is checked; the
     *              trace holds all forward state)
     * @param gradS [T][B][N] dL/dS[t] from outside the layer (required)
     * @param gradU [T][B][N] dL/dU[t] from a membrane loss, or null for none
     * @param wRec  [N][N] as given to the forward, or null
     * @param alpha [N] as given to the forward
     * @param beta  [N] as given to the forward
     * @param theta [N] as given to the forward
     * @param i0    [B][N] as given to the forward
     * @param v0    [B][N] as given to the forward
     * @return the gradients; gradWRec is null when wRec is null
     * @throws IllegalArgumentException when an array has the wrong length (names it and its shape)
     */
    public static LifGrads backward(LifKernelConfig c, Precision p, LifTrace fwd, double[] x, double[] wRec,
                                    double[] alpha, double[] beta, double[] theta, double[] i0, double[] v0,
                                    double[] gradS, double[] gradU) {
        final int T = c.steps(), B = c.batch(), N = c.neurons();
        final String tbn = Inputs.tbn(T, B, N);
        if (fwd == null) throw new NullPointerException("fwd must not be null");
        Inputs.checked("x", x, (long) T * B * N, tbn);
        wRec = Inputs.roundedOrNull("wRec", wRec, (long) N * N, Inputs.nn(N), p);
        alpha = Inputs.rounded("alpha", alpha, N, Inputs.n(N), p);
        beta = Inputs.rounded("beta", beta, N, Inputs.n(N), p);
        theta = Inputs.rounded("theta", theta, N, Inputs.n(N), p);
        i0 = Inputs.rounded("i0", i0, (long) B * N, Inputs.bn(B, N), p);
        v0 = Inputs.rounded("v0", v0, (long) B * N, Inputs.bn(B, N), p);
        gradS = Inputs.rounded("gradS", gradS, (long) T * B * N, tbn, p);
        gradU = Inputs.roundedOrNull("gradU", gradU, (long) T * B * N, tbn, p);
        double[] S = Inputs.rounded("fwd.s", fwd.s(), (long) T * B * N, tbn, p);
        double[] I = Inputs.rounded("fwd.i", fwd.i(), (long) T * B * N, tbn, p);
        double[] U = Inputs.rounded("fwd.u", fwd.u(), (long) T * B * N, tbn, p);
        double[] V = Inputs.rounded("fwd.v", fwd.v(), (long) T * B * N, tbn, p);

        final Surrogate sur = c.surrogate();
        final double gain = p.r(sur.gain()), scale = p.r(sur.scale()), vReset = p.r(c.vReset());
        final double cutoff = p.r(c.gradCutoff());
        final ResetMode reset = c.reset();
        final boolean detach = c.detachReset();

        double[] gradX = new double[T * B * N];
        double[] gUNext = new double[B * N];   // gU[t+1], 0 at t = T-1
        double[] gINext = new double[B * N];   // gI[t+1], 0 at t = T-1
        double[] gSRec = new double[B * N];    // sum_n wRec[j][n]*gI[t+1][n], into gS_ext[t][j]
        double[] partAlpha = new double[B * N], partBeta = new double[B * N], partTheta = new double[B * N];

        for (int t = T - 1; t >= 0; t--) {
            for (int b = 0; b < B; b++) {
                for (int n = 0; n < N; n++) {
                    int k = (t * B + b) * N + n, bn = b * N + n;
                    double u = U[k], s = S[k];
                    double gv = p.r(beta[n] * gUNext[bn]);                 // gV[t]
                    double gs = p.r(gradS[k] + gSRec[bn]);                 // gS_ext[t]
                    double gu = gradU == null ? 0.0 : gradU[k];           // gU_ext[t]
                    double gth = 0.0;                                     // this step's dL/dtheta
                    switch (reset) {
                        case SUBTRACT:                                    // V = U - theta*S
                            gu = p.r(gu + gv);                            //   dV/dU = 1
                            if (!detach) gs = p.r(gs - p.r(theta[n] * gv)); // dV/dS = -theta
                            gth = p.r(gth - p.r(s * gv));                 //   dV/dtheta = -S
                            break;
                        case TO_VALUE:                                    // V = U(1-S) + vReset*S
                            gu = p.r(gu + p.r(gv * p.r(1.0 - s)));        //   dV/dU = 1-S
                            if (!detach) gs = p.r(gs + p.r(gv * p.r(vReset - u))); // dV/dS = vReset-U
                            break;
                        case NONE:                                        // V = U
                        default:
                            gu = p.r(gu + gv);
                            break;
                    }
                    double dsdu = p.r(gain * SurrogateRef.sigmaPrime(sur.kind(), p.r(u - theta[n]), scale, p));
                    if (dsdu < cutoff) dsdu = 0;                          // opt-in sparse backward
                    gu = p.r(gu + p.r(gs * dsdu));                        // gU[t]
                    gth = p.r(gth - p.r(gs * dsdu));
                    double gi = p.r(p.r(p.r(1.0 - beta[n]) * gu) + p.r(alpha[n] * gINext[bn])); // gI[t]
                    gradX[k] = gi;

                    double iPrev = t == 0 ? i0[bn] : I[k - B * N];        // I[t-1]
                    double vPrev = t == 0 ? v0[bn] : V[k - B * N];        // V[t-1]
                    partAlpha[bn] = p.r(partAlpha[bn] + p.r(gi * iPrev));
                    partBeta[bn] = p.r(partBeta[bn] + p.r(gu * p.r(vPrev - I[k])));
                    partTheta[bn] = p.r(partTheta[bn] + gth);
                    gUNext[bn] = gu;
                    gINext[bn] = gi;
                }
            }
            // Recurrent input of step t: dL/dS[t-1][j] gains sum_n wRec[j][n]*gI[t][n].
            if (wRec != null && t > 0) {
                for (int b = 0; b < B; b++) {
                    for (int j = 0; j < N; j++) {
                        double acc = 0.0;
                        for (int n = 0; n < N; n++) acc = p.r(acc + p.r(wRec[j * N + n] * gradX[(t * B + b) * N + n]));
                        gSRec[b * N + j] = acc;
                    }
                }
            }
        }

        double[] gradI0 = new double[B * N], gradV0 = new double[B * N];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                gradI0[b * N + n] = p.r(alpha[n] * gINext[b * N + n]);   // alpha*gI[0]
                gradV0[b * N + n] = p.r(beta[n] * gUNext[b * N + n]);    // beta*gU[0]
            }
        }
        return new LifGrads(gradX, gradI0, gradV0, sumOverBatch(partAlpha, B, N, p),
                sumOverBatch(partBeta, B, N, p), sumOverBatch(partTheta, B, N, p),
                wRec == null ? null : gradWRec(S, gradX, T, B, N, p));
    }

    /** S[t]: the Heaviside of U - theta (H(0) = 0), or sigma(U - theta) in smooth mode. */
    static double fire(LifKernelConfig c, Precision p, double u, double theta) {
        double z = p.r(u - theta);
        if (c.smooth()) return SurrogateRef.sigma(c.surrogate().kind(), z, p.r(c.surrogate().scale()), p);
        return z > 0.0 ? 1.0 : 0.0;
    }

    /** V[t] from U[t] and S[t] for the config's reset mode. */
    static double reset(LifKernelConfig c, Precision p, double u, double s, double theta) {
        switch (c.reset()) {
            case SUBTRACT:
                return p.r(u - p.r(theta * s));
            case TO_VALUE:
                return p.r(p.r(u * p.r(1.0 - s)) + p.r(p.r(c.vReset()) * s));
            case NONE:
            default:
                return u;
        }
    }

    /** out[n] = sum_b part[b][n], added in order b = 0..B-1. */
    static double[] sumOverBatch(double[] part, int B, int N, Precision p) {
        double[] out = new double[N];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) out[n] = p.r(out[n] + part[b * N + n]);
        }
        return out;
    }

    /** dL/dwRec[j][n] = sum_{t>=1, b} S[t-1][b][j]*gI[t][b][n]. */
    static double[] gradWRec(double[] S, double[] gradX, int T, int B, int N, Precision p) {
        double[] g = new double[N * N];
        for (int t = 1; t < T; t++) {
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < N; j++) {
                    double sj = S[((t - 1) * B + b) * N + j];
                    for (int n = 0; n < N; n++) g[j * N + n] = p.r(g[j * N + n] + p.r(sj * gradX[(t * B + b) * N + n]));
                }
            }
        }
        return g;
    }
}
