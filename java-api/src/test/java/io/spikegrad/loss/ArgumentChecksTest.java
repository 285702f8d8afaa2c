package io.spikegrad.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments fail fast with an IllegalArgumentException whose message names the argument. */
class ArgumentChecksTest {

    static void rejects(String argument, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(argument), "message should name '" + argument + "': " + x.getMessage());
    }

    @Test
    void penaltyWeightsMustBeFiniteAndNonNegative() {
        rejects("lambda", () -> new SpikeCountPenalty(-0.1));
        rejects("lambda", () -> new SpikeCountPenalty(Double.NaN));
        rejects("lambda", () -> new SpikeCountPenalty(Double.POSITIVE_INFINITY));
        rejects("lambda", () -> FiringRatePenalty.toTarget(-1, 0.1));
        rejects("lambda", () -> FiringRatePenalty.above(-1, 0.1));
        rejects("lambda", () -> FiringRatePenalty.below(-1, 0.1));
        rejects("lambda", () -> FiringRatePenalty.within(-1, 0.1, 0.2));
        rejects("lambda", () -> FiringRatePenalty.populationAbove(-1, 0.1));
        rejects("lambda", () -> MembranePenalty.of(-1));
        rejects("lambda", () -> MembranePenalty.above(-1, 0));
        rejects("lambda", () -> MembranePenalty.below(-1, 0));
    }

    @Test
    void ratesMustLieInZeroToOneSpikesPerStep() {
        rejects("target", () -> FiringRatePenalty.toTarget(1, 1.5));
        rejects("target", () -> FiringRatePenalty.toTarget(1, -0.01));
        rejects("target", () -> FiringRatePenalty.toTarget(1, Double.NaN));
        rejects("max", () -> FiringRatePenalty.above(1, 2));
        rejects("min", () -> FiringRatePenalty.below(1, -1));
        rejects("max", () -> FiringRatePenalty.populationAbove(1, 1.01));
        rejects("min", () -> FiringRatePenalty.within(1, 0.5, 0.4));
        rejects("hz * dt", () -> FiringRatePenalty.perStep(2000, 1e-3));
        rejects("dt", () -> FiringRatePenalty.perStep(10, 0));
    }

    @Test
    void membraneBandEdgesMustBeFinite() {
        rejects("highAboveTheta", () -> MembranePenalty.band(1, Double.NaN, 0));
        rejects("low", () -> MembranePenalty.band(1, 0, Double.NEGATIVE_INFINITY));
        rejects("theta", () -> MembranePenalty.of(1).apply(FloatBuffer.allocate(4), FloatBuffer.allocate(4), new float[1],
                2, 1, 2, FloatBuffer.allocate(4), FloatBuffer.allocate(4)));
    }

    @Test
    void shortBuffersAreNamed() {
        rejects("gradSpikes", () -> new SpikeCountPenalty(1).apply(FloatBuffer.allocate(6), null, new float[2], 3, 1, 2,
                FloatBuffer.allocate(5), null));
        rejects("u", () -> MembranePenalty.of(1).apply(FloatBuffer.allocate(6), FloatBuffer.allocate(5), new float[2], 3, 1, 2,
                FloatBuffer.allocate(6), FloatBuffer.allocate(6)));
        rejects("steps", () -> FiringRatePenalty.toTarget(1, 0.1).apply(FloatBuffer.allocate(6), null, new float[2], 0, 1, 2,
                FloatBuffer.allocate(6), null));
    }

    @Test
    void labelsOutOfRangeAreRejectedByEveryLoss() {
        Loss[] ces = {new SpikeCountCrossEntropy(), new MaxMembraneCrossEntropy(), new SumMembraneCrossEntropy()};
        for (Loss l : ces) {
            for (int bad : new int[] {-1, 3}) {
                rejects("label", () -> l.evaluate(FloatBuffer.allocate(6), 2, 1, 3, new int[] {bad}, FloatBuffer.allocate(6), null));
            }
        }
        WaveformMse mse = new WaveformMse(new float[][] {new float[6], new float[6]});
        rejects("label", () -> mse.evaluate(FloatBuffer.allocate(6), 2, 1, 3, new int[] {2}, FloatBuffer.allocate(6), null));
        rejects("label", () -> mse.evaluate(FloatBuffer.allocate(6), 2, 1, 3, new int[] {-1}, FloatBuffer.allocate(6), null));
        rejects("label", () -> mse.target(5));
    }

    @Test
    void waveformShapesMustAgree() {
        rejects("targets", () -> new WaveformMse(new float[0][]));
        rejects("targets[1]", () -> new WaveformMse(new float[][] {new float[6], new float[5]}));
        rejects("targets[0][2]", () -> new WaveformMse(new float[][] {{0, 0, Float.NaN}}));
        WaveformMse mse = new WaveformMse(new float[][] {new float[6]});
        rejects("steps*classes", () -> mse.evaluate(FloatBuffer.allocate(8), 4, 1, 2, new int[] {0}, FloatBuffer.allocate(8), null));
        rejects("tau", () -> WaveformMse.lowPass(new float[4], 1, 0, 1e-3));
        rejects("dt", () -> WaveformMse.lowPass(new float[4], 1, 0.02, -1));
        rejects("channels", () -> WaveformMse.lowPass(new float[5], 2, 0.02, 1e-3));
    }
}
