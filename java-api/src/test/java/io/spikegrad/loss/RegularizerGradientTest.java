package io.spikegrad.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link Regularizer} ADDS to pre-filled, nonzero gradient buffers equals central
 * finite differences of its returned penalty with respect to each spike (as a real number)
 * and each membrane entry. The penalties are piecewise quadratic, so with h = 1e-2 the
 * differences are exact up to float rounding as long as no entry sits within h of a kink;
 * the random data are drawn so none does, and both sides of every kink are populated.
 */
class RegularizerGradientTest {

    static final int T = 7, B = 3, N = 5;
    static final double H = 1e-2;

    static Stream<Arguments> regularizers() {
        return Stream.of(
                Arguments.of(new SpikeCountPenalty(0.7)),
                Arguments.of(FiringRatePenalty.toTarget(1.3, 0.3)),
                Arguments.of(FiringRatePenalty.above(1.3, 0.45)),
                Arguments.of(FiringRatePenalty.below(1.3, 0.45)),
                Arguments.of(FiringRatePenalty.within(1.3, 0.35, 0.6)),
                Arguments.of(FiringRatePenalty.populationAbove(2.0, 0.45)),
                Arguments.of(MembranePenalty.band(0.9, 0.4, -0.5)),
                Arguments.of(MembranePenalty.above(0.9, 0.4)),
                Arguments.of(MembranePenalty.below(0.9, -0.5)),
                Arguments.of(MembranePenalty.of(0.9)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("regularizers")
    void addedGradientMatchesFiniteDifferences(Regularizer reg) {
        Random r = new Random(reg.toString().hashCode());
        int size = T * B * N;
        float[] theta = new float[N];
        for (int n = 0; n < N; n++) theta[n] = (float) (0.5 + r.nextDouble()); // thresholds differ per neuron
        float[] spikes = new float[size], u = reg.needsMembrane() ? new float[size] : null;
        do {
            for (int k = 0; k < size; k++) spikes[k] = (float) r.nextDouble();
        } while (!clearOfRateKinks(reg, spikes));
        if (u != null) {
            for (int k = 0; k < size; k++) {
                do u[k] = (float) (-2 + 5 * r.nextDouble()); while (!clearOfMembraneKinks((MembranePenalty) reg, u[k], theta[k % N]));
            }
        }

        float[] gS = new float[size], gU = u == null ? null : new float[size];
        for (int k = 0; k < size; k++) {
            gS[k] = (float) (2 * r.nextDouble() - 1);
            if (gU != null) gU[k] = (float) (2 * r.nextDouble() - 1);
        }
        float[] gS0 = gS.clone(), gU0 = gU == null ? null : gU.clone();
        double value = reg.apply(FloatBuffer.wrap(spikes), wrap(u), theta, T, B, N, FloatBuffer.wrap(gS), wrap(gU));
        assertTrue(Double.isFinite(value) && value > 0, "penalty " + value);
        // what was added, computed in double from the two floats
        double[] addedS = new double[size], addedU = new double[size];
        for (int k = 0; k < size; k++) {
            addedS[k] = (double) gS[k] - gS0[k];
            if (gU != null) addedU[k] = (double) gU[k] - gU0[k];
        }
        // float rounding of old + added: up to one ulp of values below 2
        double atol = 1e-6;
        float[] sS = new float[size], sU = new float[size];
        float[] uu = u;
        int nonzeroS = GradCheck.check("spikes", spikes, H, atol, addedS,
                x -> reg.apply(FloatBuffer.wrap(x), wrap(uu), theta, T, B, N, FloatBuffer.wrap(sS), FloatBuffer.wrap(sU)));
        if (u != null) {
            int nonzeroU = GradCheck.check("u", u, H, atol, addedU,
                    x -> reg.apply(FloatBuffer.wrap(spikes), FloatBuffer.wrap(x), theta, T, B, N, FloatBuffer.wrap(sS), FloatBuffer.wrap(sU)));
            assertEquals(0, nonzeroS, "a membrane penalty adds nothing to dR/dS");
            assertTrue(nonzeroU > 0 && nonzeroU < size, "both sides of the band edges are exercised: " + nonzeroU + " of " + size);
        } else {
            assertTrue(nonzeroS > 0, "some gradient was written");
            if (reg instanceof FiringRatePenalty f && !f.name().equals("firing-rate-target")) {
                assertTrue(nonzeroS < size, "both sides of the rate bounds are exercised: " + nonzeroS + " of " + size);
            }
        }
    }

    static FloatBuffer wrap(float[] a) { return a == null ? null : FloatBuffer.wrap(a); }

    /** No per-neuron (or population) count lies within H of a bound times T, and both sides occur. */
    static boolean clearOfRateKinks(Regularizer reg, float[] spikes) {
        if (!(reg instanceof FiringRatePenalty f)) return true;
        double[] bounds = switch (f.name()) {
            case "firing-rate-target" -> new double[0];
            case "firing-rate-within" -> new double[] {0.35, 0.6};
            default -> new double[] {0.45};
        };
        boolean population = f.name().equals("population-rate-above");
        int below = 0, above = 0;
        for (int b = 0; b < B; b++) {
            double pop = 0;
            for (int n = 0; n < N; n++) {
                double c = 0;
                for (int t = 0; t < T; t++) c += spikes[(t * B + b) * N + n];
                pop += c;
                if (!population) {
                    for (double bound : bounds) if (Math.abs(c - bound * T) < 2 * H) return false;
                    if (bounds.length > 0 && c < bounds[0] * T) below++; else above++;
                }
            }
            if (population) {
                // a perturbation of H moves the mean count by H / N
                if (Math.abs(pop / N - bounds[0] * T) < 2 * H) return false;
                if (pop / N < bounds[0] * T) below++; else above++;
            }
        }
        return bounds.length == 0 || (below > 0 && above > 0);
    }

    static boolean clearOfMembraneKinks(MembranePenalty m, float u, float theta) {
        return Math.abs(u - (theta + m.highAboveTheta())) > 2 * H && Math.abs(u - m.low()) > 2 * H;
    }
}
