package io.spikegrad.reference;

import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.Shape;
import io.spikegrad.Tensor;
import io.spikegrad.spi.AbstractBackend;
import java.nio.FloatBuffer;

/**
 * The pure-Java reference as a backend ("reference"): every kernel computed in double by
 * {@link LifReference} and {@link LiReference}, results rounded to float32 on output. Slow
 * and single-threaded; use it to cross-check a native backend on your own model.
 *
 * <p>The backward passes recompute the forward trace from the forward's inputs (x, state,
 * parameters), so those tensors must be unchanged between forward and backward, as they
 * are in {@code BpttEngine}.
 */
public final class ReferenceBackend extends AbstractBackend {
    private final Precision precision;

    /** The double-precision reference. */
    public ReferenceBackend() {
        this(Precision.DOUBLE);
    }

    /**
     * @param precision DOUBLE for the reference proper; FLOAT emulates float32 arithmetic and
     *                  serves to measure how far float32 alone moves a result (tolerances)
     */
    public ReferenceBackend(Precision precision) {
        this.precision = precision;
    }

    @Override
    public String name() { return precision == Precision.DOUBLE ? "reference" : "reference32"; }

    @Override
    public int threads() { return 1; }

    @Override
    public boolean supports(io.spikegrad.DType t) { return true; }  // reads and writes every type through Tensor

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        FloatBuffer A = a.buffer(), B = b.buffer(), C = c.buffer();
        int ao = (int) aOffset, bo = (int) bOffset, co = (int) cOffset;
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = A.get(ao + (transA ? p * m + i : i * k + p));
                if (aip == 0.0) continue;
                for (int j = 0; j < n; j++) row[j] = precision.r(row[j] + precision.r(aip * B.get(bo + (transB ? j * k + p : p * n + j))));
            }
            for (int j = 0; j < n; j++) {
                double old = beta == 0f ? 0.0 : (double) beta * C.get(co + i * n + j);
                C.put(co + i * n + j, (float) (alpha * row[j] + old));
            }
        }
    }

    @Override
    protected void doSpikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        double[] xv = get(x), wv = get(w);
        FloatBuffer o = out.buffer();
        double[] row = new double[outputs];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(row, 0.0);
            for (int j = 0; j < inputs; j++) {
                double xj = xv[(int) xOffset + r * inputs + j];
                if (xj == 0.0) continue;
                for (int n = 0; n < outputs; n++) row[n] = precision.r(row[n] + precision.r(xj * wv[j * outputs + n]));
            }
            for (int n = 0; n < outputs; n++) {
                double old = beta == 0f ? 0.0 : (double) beta * o.get(r * outputs + n);
                o.put(r * outputs + n, (float) (row[n] + old));
            }
        }
    }

    @Override
    protected void doSpikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                           float beta, Tensor dw) {
        double[] xv = get(x), gv = get(g);
        FloatBuffer d = dw.buffer();
        double[] acc = new double[inputs * outputs];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < inputs; j++) {
                double xj = xv[(int) xOffset + r * inputs + j];
                if (xj == 0.0) continue;
                for (int n = 0; n < outputs; n++) {
                    int k = j * outputs + n;
                    acc[k] = precision.r(acc[k] + precision.r(xj * gv[(int) gOffset + r * outputs + n]));
                }
            }
        }
        for (int k = 0; k < acc.length; k++) d.put(k, (float) (acc[k] + (beta == 0f ? 0.0 : (double) beta * d.get(k))));
    }

    @Override
    protected void doLifForward(LifKernelConfig c, LifTensors t) {
        LifTrace tr = forwardTrace(c, t);
        put(t.spikes(), tr.s());
        put(t.iSave(), tr.i());
        if (t.u() != null) put(t.u(), tr.u());
        if (t.vLast() != null) put(t.vLast(), tr.vLast());
    }

    @Override
    protected void doLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g) {
        LifTrace tr = forwardTrace(c, t);
        LifGrads r = LifReference.backward(c, precision, tr, get(t.x()), get(t.wRec()), get(t.alpha()),
                get(t.beta()), get(t.theta()), get(t.i0()), get(t.v0()), get(g.gradSpikes()), get(g.gradU()));
        put(g.gradX(), r.gradX());
        put(g.gradI0(), r.gradI0());
        put(g.gradV0(), r.gradV0());
        if (g.gradAlpha() != null) {  // all three or none (checked)
            put(g.gradAlpha(), r.gradAlpha());
            put(g.gradBeta(), r.gradBeta());
            put(g.gradTheta(), r.gradTheta());
        }
    }

    @Override
    protected long doLifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        LifTrace tr = forwardTrace(c, t);
        double[] theta = get(t.theta());
        int n = c.neurons();
        io.spikegrad.Surrogate sur = c.surrogate();
        double gain = precision.r(sur.gain()), scale = precision.r(sur.scale()), cutoff = precision.r(c.gradCutoff());
        double[] m = new double[tr.u().length];
        long count = 0;
        for (int k = 0; k < m.length; k++) {
            double d = precision.r(gain * SurrogateRef.sigmaPrime(sur.kind(), precision.r(tr.u()[k] - theta[k % n]), scale, precision));
            if (d >= cutoff && d != 0) {
                m[k] = 1;
                count++;
            }
        }
        put(mask, m);
        return count;
    }

    @Override
    protected void doMaskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        double[] av = get(a), bv = get(b), mv = get(mask);
        double[] o = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                if (mv[r * cols + j] == 0) continue;
                double s = 0;
                for (int c = 0; c < inner; c++) s = precision.r(s + precision.r(av[r * inner + c] * bv[j * inner + c]));
                o[r * cols + j] = s;
            }
        put(out, o);
    }

    @Override
    protected void doLiForward(Shape sh, LiTensors t) {
        LiTrace tr = LiReference.forward(sh, precision, get(t.x()), get(t.alpha()), get(t.beta()), get(t.i0()), get(t.u0()));
        put(t.u(), tr.u());
        put(t.iSave(), tr.i());
    }

    @Override
    protected void doLiBackward(Shape sh, LiTensors t, LiGradTensors g) {
        LiTrace tr = LiReference.forward(sh, precision, get(t.x()), get(t.alpha()), get(t.beta()), get(t.i0()), get(t.u0()));
        LiGrads r = LiReference.backward(sh, precision, tr, get(t.alpha()), get(t.beta()), get(t.i0()), get(t.u0()), get(g.gradU()));
        put(g.gradX(), r.gradX());
        put(g.gradI0(), r.gradI0());
        put(g.gradU0(), r.gradU0());
        put(g.gradAlpha(), r.gradAlpha());
        put(g.gradBeta(), r.gradBeta());
    }

    private LifTrace forwardTrace(LifKernelConfig c, LifTensors t) {
        return LifReference.forward(c, precision, get(t.x()), get(t.wRec()), get(t.alpha()), get(t.beta()),
                get(t.theta()), get(t.i0()), get(t.v0()));
    }

    private static double[] get(Tensor t) {
        if (t == null) return null;
        float[] f = t.toArray();
        double[] out = new double[f.length];
        for (int k = 0; k < out.length; k++) out[k] = f[k];
        return out;
    }

    private static void put(Tensor t, double[] v) {
        if (t.dtype() != io.spikegrad.DType.F32) {  // a U8 spike raster: 0 or 1
            for (int k = 0; k < v.length; k++) t.set(k, (float) v[k]);
            return;
        }
        FloatBuffer b = t.buffer();
        for (int k = 0; k < v.length; k++) b.put(k, (float) v[k]);
    }
}
