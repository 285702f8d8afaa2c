package io.spikegrad.cli;

import picocli.CommandLine.Option;

/** Options of {@code spikegrad train --method diffsyn} that the other methods do not have (a picocli mixin). */
final class DiffSynOptions {

    @Option(names = "--iterations", description = "diffsyn: gradient steps per epoch (default: the task's)")
    Integer iterations;

    @Option(names = "--lambda", description = "diffsyn: activity penalty lambda on the slow synapses (default: the task's)")
    Double lambda;

    @Option(names = "--gate", description = "diffsyn: gate function box or bump (default: the task's)")
    String gate;

    @Option(names = "--width", description = "diffsyn: gate zone width Delta in (0, 1) (default: the task's)")
    Double width;

    @Option(names = "--response-weight",
            description = "diffsyn delayed-xor: weight of the squared readout error during the response window (the 100 ms "
                    + "after the go-cue) relative to the rest of the trial; 1 is the paper's cost (default: the task's)")
    Double responseWeight;

    @Option(names = "--recurrent-lr-scale",
            description = "diffsyn: learning rate of the recurrent weights W as a multiple of --lr; 0 keeps W at its "
                    + "initialisation (default: the task's)")
    Double recurrentLrScale;

    @Option(names = "--control", negatable = true,
            description = "diffsyn predictive-coding: also train the same network without recurrent weights on the same "
                    + "batches, for the spike comparison; --no-control skips it (default: on)")
    Boolean control;
}
