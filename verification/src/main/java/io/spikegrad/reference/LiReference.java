package io.spikegrad.reference;

import io.spikegrad.Shape;

/**
 * Reference leaky-integrator (LI) readout: the LIF charge without fire or reset
 * (lif_math.h):
 *
 * <pre>
 *   I[t] = alpha*I[t-1] + X[t]
 *   U[t] = beta*U[t-1] + (1-beta)*I[t]
 * </pre>
 *
 * Shapes: T, B, N from the {@link Shape}; [T][B][N] index {@code (t*B + b)*N + n},
 * [B][N] index {@code b*N + n}. Every input and arithmetic result goes through
 * {@link Precision#r}.
 */
public final class LiReference {
    private LiReference() {}

    /**
     * Forward over all T steps.
     *
     * @param shape T, B, N
     * @param p     DOUBLE for ref64, FLOAT for ref32
     * @param x     [T][B][N] input current
     * @param alpha [N] exp(-dt/tau_syn)
     * @param beta  [N] exp(-dt/tau_mem)
     * @param i0    [B][N] I[-1]
     * @param u0    [B][N] U[-1]
     * @return U and I, [T][B][N]
     * @throws IllegalArgumentException when an array has the wrong length (names it and its shape)
     */
    public static LiTrace forward(Shape shape, Precision p, double[] x, double[] alpha, double[] beta,
                                  double[] i0, double[] u0) {
        final int T = shape.steps(), B = shape.batch(), N = shape.neurons();
        x = Inputs.rounded("x", x, (long) T * B * N, Inputs.tbn(T, B, N), p);
        alpha = Inputs.rounded("alpha", alpha, N, Inputs.n(N), p);
        beta = Inputs.rounded("beta", beta, N, Inputs.n(N), p);
        i0 = Inputs.rounded("i0", i0, (long) B * N, Inputs.bn(B, N), p);
        u0 = Inputs.rounded("u0", u0, (long) B * N, Inputs.bn(B, N), p);

        double[] u = new double[T * B * N], i = new double[T * B * N];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                for (int n = 0; n < N; n++) {
                    int k = (t * B + b) * N + n;
                    double iPrev = t == 0 ? i0[b * N + n] : i[k - B * N];  // I[t-1]
                    double uPrev = t == 0 ? u0[b * N + n] : u[k - B * N];  // U[t-1]
                    i[k] = p.r(p.r(alpha[n] * iPrev) + x[k]);
                    u[k] = p.r(p.r(beta[n] * uPrev) + p.r(p.r(1.0 - beta[n]) * i[k]));
                }
            }
        }
        return new LiTrace(u, i);
    }

    /**
     * Backward over all T steps, in reverse time:
     *
     * <pre>
     *   gU[t] = gU_ext[t] + beta*gU[t+1]          (gU[T] = 0)
     *   gI[t] = (1-beta)*gU[t] + alpha*gI[t+1]    (gI[T] = 0)
     *   dL/dX[t] = gI[t]
     *   dL/dalpha += gI[t]*I[t-1],  dL/dbeta += gU[t]*(U[t-1] - I[t])
     *   dL/dI[-1] = alpha*gI[0],  dL/dU[-1] = beta*gU[0]
     * </pre>
     *
     * @param shape T, B, N
     * @param p     DOUBLE for ref64, FLOAT for ref32
     * @param fwd   the trace of {@link #forward} with the same shape, precision and inputs
     * @param gradU [T][B][N] dL/dU[t] (required)
     * @param alpha [N] as given to the forward
     * @param beta  [N] as given to the forward
     * @param i0    [B][N] as given to the forward
     * @param u0    [B][N] as given to the forward
     * @return dL/dX [T][B][N], dL/dI[-1] and dL/dU[-1] [B][N], dL/dalpha and dL/dbeta [N]
     * @throws IllegalArgumentException when an array has the wrong length (names it and its shape)
     */
    public static LiGrads backward(Shape shape, Precision p, LiTrace fwd, double[] alpha, double[] beta,
                                   double[] i0, double[] u0, double[] gradU) {
        final int T = shape.steps(), B = shape.batch(), N = shape.neurons();
        final String tbn = Inputs.tbn(T, B, N);
        if (fwd == null) throw new NullPointerException("fwd must not be null");
        alpha = Inputs.rounded("alpha", alpha, N, Inputs.n(N), p);
        beta = Inputs.rounded("beta", beta, N, Inputs.n(N), p);
        i0 = Inputs.rounded("i0", i0, (long) B * N, Inputs.bn(B, N), p);
        u0 = Inputs.rounded("u0", u0, (long) B * N, Inputs.bn(B, N), p);
        gradU = Inputs.rounded("gradU", gradU, (long) T * B * N, tbn, p);
        double[] U = Inputs.rounded("fwd.u", fwd.u(), (long) T * B * N, tbn, p);
        double[] I = Inputs.rounded("fwd.i", fwd.i(), (long) T * B * N, tbn, p);

        double[] gradX = new double[T * B * N];
        double[] gUNext = new double[B * N], gINext = new double[B * N];   // gU[t+1], gI[t+1]
        double[] partAlpha = new double[B * N], partBeta = new double[B * N];
        for (int t = T - 1; t >= 0; t--) {
            for (int b = 0; b < B; b++) {
                for (int n = 0; n < N; n++) {
                    int k = (t * B + b) * N + n, bn = b * N + n;
                    double gu = p.r(gradU[k] + p.r(beta[n] * gUNext[bn]));                            // gU[t]
                    double gi = p.r(p.r(p.r(1.0 - beta[n]) * gu) + p.r(alpha[n] * gINext[bn]));      // gI[t]
                    gradX[k] = gi;
                    double iPrev = t == 0 ? i0[bn] : I[k - B * N];   // I[t-1]
                    double uPrev = t == 0 ? u0[bn] : U[k - B * N];   // U[t-1]
                    partAlpha[bn] = p.r(partAlpha[bn] + p.r(gi * iPrev));
                    partBeta[bn] = p.r(partBeta[bn] + p.r(gu * p.r(uPrev - I[k])));
                    gUNext[bn] = gu;
                    gINext[bn] = gi;
                }
            }
        }
        double[] gradI0 = new double[B * N], gradU0 = new double[B * N];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                gradI0[b * N + n] = p.r(alpha[n] * gINext[b * N + n]);  // alpha*gI[0]
                gradU0[b * N + n] = p.r(beta[n] * gUNext[b * N + n]);   // beta*gU[0]
            }
        }
        return new LiGrads(gradX, gradI0, gradU0, LifReference.sumOverBatch(partAlpha, B, N, p),
                LifReference.sumOverBatch(partBeta, B, N, p));
    }
}
