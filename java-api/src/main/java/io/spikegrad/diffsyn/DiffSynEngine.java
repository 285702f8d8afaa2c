package io.spikegrad.diffsyn;

/**
 * Runs a {@link DiffSynModel} forward (and backward) on a batch: the native CPU kernel
 * ({@code io.spikegrad.cpu.NativeDiffSyn}) or the double-precision Java reference
 * ({@code io.spikegrad.reference.DiffSynReference}); both compute the same discrete model.
 */
public interface DiffSynEngine {

    /** What to compute besides the loss and the spike counts. */
    record Request(boolean gradients, boolean readout, boolean spikes) {
        public static final Request LOSS = new Request(false, false, false);
        public static final Request TRAIN = new Request(true, false, false);
        public static final Request EVALUATE = new Request(false, true, false);
        public static final Request EVERYTHING = new Request(true, true, true);
    }

    String name();

    /**
     * @throws IllegalArgumentException   when a parameter or the batch does not fit the model (names it)
     * @throws SimulationDivergedException when the simulation runs away (names sample, step, neuron)
     */
    DiffSynResult run(DiffSynModel model, DiffSynParams params, DiffSynBatch batch, Request request);

    /** The argument checks every engine makes first: shapes, finite parameters, the batch. */
    static void check(DiffSynModel model, DiffSynParams params, DiffSynBatch batch) {
        if (model == null || params == null || batch == null) throw new IllegalArgumentException("model, params and batch must not be null");
        DiffSynParams.zeros(model);   // model consistency
        new DiffSynParams(model, params.wFast(), params.wSlow(), params.u(), params.i0(), params.o());
        String bad = params.firstNonFinite();
        if (bad != null) throw new IllegalArgumentException("parameter " + bad + " must be finite");
        batch.check(model);
    }
}
