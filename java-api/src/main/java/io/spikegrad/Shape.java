package io.spikegrad;

/**
 * The dimensions of a layer's step tensors: T steps, B samples, N neurons.
 *
 * @param steps   T &gt;= 1
 * @param batch   B &gt;= 1
 * @param neurons N &gt;= 1
 */
public record Shape(int steps, int batch, int neurons) {
    public Shape {
        Checks.positive("steps", steps);
        Checks.positive("batch", batch);
        Checks.positive("neurons", neurons);
    }
}
