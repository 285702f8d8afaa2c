package io.spikegrad.train;

/** Learning-rate factor per epoch (epochs count from 0). */
@FunctionalInterface
public interface LrSchedule {

    double factor(int epoch);

    static LrSchedule constant() {
        return e -> 1.0;
    }

    /** gamma^(floor(epoch / every)), e.g. x0.95 every 5 epochs. */
    static LrSchedule step(int every, double gamma) {
        if (every < 1) throw new IllegalArgumentException("every must be >= 1, got " + every);
        return e -> Math.pow(gamma, e / every);
    }

    /** Cosine decay from 1 to {@code floor} over {@code epochs}. */
    static LrSchedule cosine(int epochs, double floor) {
        return e -> floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(e, epochs) / epochs));
    }
}
