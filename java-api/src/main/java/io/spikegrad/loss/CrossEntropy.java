package io.spikegrad.loss;

/** Softmax cross-entropy on one sample's logits, in double. */
final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * Returns -log softmax(z)[label] and writes dL/dz = softmax(z) - onehot(label) into dz.
     */
    static double lossAndGrad(double[] z, int label, double[] dz) {
        if (label < 0 || label >= z.length) {
            throw new IllegalArgumentException("label must lie in [0, " + z.length + "), got " + label);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            dz[c] = Math.exp(z[c] - max);
            sum += dz[c];
        }
        for (int c = 0; c < z.length; c++) dz[c] /= sum;
        double loss = -(z[label] - max - Math.log(sum));
        dz[label] -= 1.0;
        return loss;
    }

    /** Index of the largest logit; ties go to the lowest index. */
    static int argmax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
        return best;
    }
}
