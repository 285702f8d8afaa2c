package io.spikegrad.reference;

import io.spikegrad.diffsyn.DiffSynGate;
import io.spikegrad.diffsyn.DiffSynNeuron;

/**
 * The per-neuron math of the differentiable synapse, line by line the twin of
 * {@code native/include/spikegrad/diffsyn_math.h} (which documents the model, the integrator and
 * its adjoint); double precision, the same operations in the same order, so that the native
 * kernel and {@link DiffSynReference} agree to rounding.
 */
public final class DiffSynMath {
    private DiffSynMath() {}

    static final double PI = 3.1415926535897932384626433832795, TWO_PI = 6.283185307179586476925286766559;
    /** A step that moves v by this much or more has run away (SG_DS_MAX_JUMP). */
    static final double MAX_JUMP = 1.0e6;

    /** f(v, I). */
    public static double f(DiffSynNeuron neuron, double v, double i, double tauV) {
        return switch (neuron) {
            case QIF -> {
                double c = Math.cos(TWO_PI * v);
                yield (1.0 + c) / tauV + (1.0 - c) * i;
            }
            case LIF -> -v / tauV + i;
            case NIF -> i;
        };
    }

    static double cz(double z) {
        if (Math.abs(z) < 0.1)
            return 1.0 + z * (-1.0 / 2 + z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800)))));
        return z > 0 ? Math.cos(Math.sqrt(z)) : Math.cosh(Math.sqrt(-z));
    }

    static double sz(double z) {
        if (Math.abs(z) < 0.1)
            return 1.0 + z * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800)))));
        double r = Math.sqrt(Math.abs(z));
        return z > 0 ? Math.sin(r) / r : Math.sinh(r) / r;
    }

    static double dsz(double z, double cz, double sz) {
        if (Math.abs(z) < 0.1)
            return -1.0 / 6 + z * (1.0 / 60 + z * (-1.0 / 1680 + z * (1.0 / 90720 + z * (-1.0 / 7983360 + z * (1.0 / 1037836800)))));
        return (cz - sz) / (2.0 * z);
    }

    /** One step's flow: the unwrapped end point u and the partials du/dv, du/dI; null when the step runs away. */
    record Flow(double u, double duDv, double duDi) {}

    /** The exact flow of dv/dt = f(v, I) over dt with I held (sg_ds_flow). */
    static Flow flow(DiffSynNeuron neuron, double v, double i, double dt, double tauV) {
        double u, dv = 1.0, di = dt;
        switch (neuron) {
            case QIF -> {
                double a = 1.0 / tauV;
                double z = 4.0 * PI * PI * a * i * dt * dt;
                if (!(z < PI * PI)) return null;
                double cz = cz(z), sz = sz(z);
                double beta = TWO_PI * i * dt * sz, gamma = -TWO_PI * a * dt * sz;
                double s0 = -Math.cos(PI * v), c0 = Math.sin(PI * v);
                double p1 = cz * s0 + beta * c0, p2 = gamma * s0 + cz * c0;
                double rot = Math.atan2(c0 * p1 - s0 * p2, c0 * p2 + s0 * p1);
                u = v + rot / PI;
                double r2 = p1 * p1 + p2 * p2;
                double q1 = cz * c0 - beta * s0, q2 = gamma * c0 - cz * s0;
                dv = (p2 * q1 - p1 * q2) / r2;
                double dz = 4.0 * PI * PI * a * dt * dt;
                double dcz = -0.5 * sz * dz, dszdi = dsz(z, cz, sz) * dz;
                double dbeta = TWO_PI * dt * (sz + i * dszdi), dgamma = -TWO_PI * a * dt * dszdi;
                double e1 = dcz * s0 + dbeta * c0, e2 = dgamma * s0 + dcz * c0;
                di = (p2 * e1 - p1 * e2) / r2 / PI;
            }
            case LIF -> {
                double e = Math.exp(-dt / tauV);
                u = v * e + tauV * i * (1.0 - e);
                dv = e;
                di = tauV * (1.0 - e);
            }
            default -> u = v + dt * i;
        }
        if (!(Math.abs(u - v) < MAX_JUMP)) return null;
        return new Flow(u, dv, di);
    }

    /** The signed crossings of the end point u (sg_ds_spikes). */
    static int spikes(DiffSynNeuron neuron, double u) {
        return switch (neuron) {
            case NIF -> u >= 1.0 ? (int) Math.floor(u) : (u <= -1.0 ? -(int) Math.floor(-u) : 0);
            case QIF -> (int) Math.floor(u);
            case LIF -> u >= 1.0 ? (int) Math.floor(u) : 0;
        };
    }

    static double ramp(DiffSynGate gate, double x) {
        return gate == DiffSynGate.BUMP ? x - Math.sin(TWO_PI * x) / TWO_PI : x;
    }

    static double rampSlope(DiffSynGate gate, double x) {
        return gate == DiffSynGate.BUMP ? 1.0 - Math.cos(TWO_PI * x) : 1.0;
    }

    /** G(v), the gate's cumulative from the reset value 0 (sg_ds_gate_cdf). */
    public static double gateCdf(DiffSynNeuron neuron, DiffSynGate gate, double width, double v) {
        double z = 1.0 - width;
        if (v > z) return v >= 1.0 ? 1.0 : ramp(gate, (v - z) / width);
        if (neuron == DiffSynNeuron.NIF && v < -z) return v <= -1.0 ? -1.0 : ramp(gate, (v + 1.0) / width) - 1.0;
        return 0.0;
    }

    /** g(v) (sg_ds_gate_pdf). */
    public static double gatePdf(DiffSynNeuron neuron, DiffSynGate gate, double width, double v) {
        double z = 1.0 - width;
        if (v > z && v < 1.0) return rampSlope(gate, (v - z) / width) / width;
        if (neuron == DiffSynNeuron.NIF && v < -z && v > -1.0) return rampSlope(gate, (v + 1.0) / width) / width;
        return 0.0;
    }

    /** n + G(v') - G(v) (sg_ds_charge). */
    static double charge(DiffSynNeuron neuron, DiffSynGate gate, double width, int n, double v, double vNext) {
        return (n + gateCdf(neuron, gate, width, vNext)) - gateCdf(neuron, gate, width, v);
    }
}
