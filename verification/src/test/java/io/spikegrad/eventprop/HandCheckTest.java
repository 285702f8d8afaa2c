package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Network;
import org.junit.jupiter.api.Test;

/**
 * One input spike into one neuron: the first spike time solved by hand against the simulator,
 * and its derivative against EventProp.
 */
class HandCheckTest {

    /** L = first spike time of the last layer's neuron 0. */
    static final EventLoss FIRST_SPIKE_TIME = new EventLoss() {
        @Override
        public double evaluate(EventPropModel m, ForwardTrace tr, int label, LossGradient g) {
            int k = tr.firstSpike(m.offset(m.layerCount() - 1));
            g.dSpikeTime()[k] = 1.0;
            return tr.spikeTime(k);
        }

        @Override
        public String name() { return "first-spike-time"; }
    };

    /** One input, one neuron; the constants and the weight are set in double on the model (a Network holds floats). */
    static EventPropModel oneNeuron(double tauMem, double tauSyn, double theta, double w) {
        EventPropModel m = EventPropModel.of(Network.builder().input(1)
                .lif("n", 1, LifParams.of(tauMem, tauSyn, theta)).values(new float[] {(float) w}, null, null)
                .build(0));
        m.layer(0).tauMem()[0] = tauMem;
        m.layer(0).tauSyn()[0] = tauSyn;
        m.layer(0).threshold()[0] = theta;
        m.layer(0).weight()[0] = w;
        return m;
    }

    /**
     * tau_mem = 2 tau_syn = 10 ms: V(d) = w (u - u^2) with u = exp(-d/tau_mem), so V = theta is a
     * quadratic in u; the first crossing is the larger root u = (1 + sqrt(1 - 4 theta/w))/2.
     */
    @Test
    void quadraticCaseTauMemTwiceTauSyn() {
        double tm = 10e-3, ts = 5e-3, theta = 1.0, w = 5.0, tIn = 2e-3;
        EventPropModel m = oneNeuron(tm, ts, theta, w);
        double wf = w;
        SpikeEvents in = SpikeEvents.of(1, new double[] {tIn}, new int[] {0});
        double root = Math.sqrt(1 - 4 * theta / wf);
        double u = (1 + root) / 2;
        double expected = tIn - tm * Math.log(u);                     // 2 ms + 3.2350... ms
        EventProp.Result r = new EventProp(50e-3).run(m, in, 0, FIRST_SPIKE_TIME);
        double t = r.trace().spikeTime(0);
        System.out.printf("hand check: t_spike = %.17g s, analytic %.17g s, diff %.2e%n", t, expected, t - expected);
        assertEquals(expected, t, 4 * Math.ulp(expected));
        // by hand the current at the spike is w exp(-d/tau_syn) = w u^2
        assertEquals(wf * u * u, r.trace().spikeCurrent(0), 1e-14 * wf);
        // dt/dw = -tau_mem u'/u with u' = theta/(w^2 sqrt(1 - 4 theta/w)); dt/dtheta = tau_mem/(u w sqrt(...))
        double dtdw = -tm * (theta / (wf * wf * root)) / u;
        double dtdtheta = tm / (u * wf * root);
        assertEquals(dtdw, r.gradients().weight(0)[0], 1e-12 * Math.abs(dtdw));
        assertEquals(dtdtheta, r.gradients().threshold(0)[0], 1e-12 * Math.abs(dtdtheta));
    }

    /** tau_mem = tau_syn = tau: V(d) = w (d/tau) exp(-d/tau); w = 2 sqrt(e) theta puts the crossing at d = tau/2 exactly. */
    @Test
    void equalTimeConstants() {
        double tau = 5e-3, tIn = 1e-3;
        double theta = 1.0, w = 2 * Math.exp(0.5) * theta;
        EventPropModel m = oneNeuron(tau, tau, theta, w);
        SpikeEvents in = SpikeEvents.of(1, new double[] {tIn}, new int[] {0});
        ForwardTrace tr = EventPropSimulator.simulate(m, in, 30e-3);
        double expected = tIn + tau / 2;
        assertEquals(expected, tr.spikeTime(0), 1e-17 + 4 * Math.ulp(expected));
        // Vdot^- = (I - V)/tau = (w e^{-1/2} - theta)/tau = theta/tau
        assertEquals(theta / tau, (tr.spikeCurrent(0) - theta) / tau, 1e-12 * theta / tau);
    }
}
