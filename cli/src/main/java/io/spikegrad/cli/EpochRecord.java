package io.spikegrad.cli;

/**
 * One line of training history.
 *
 * @param epoch           the epoch, counted from 1
 * @param trainLoss       mean training loss over the epoch
 * @param trainAccuracy   training accuracy as a fraction in [0, 1]
 * @param validLoss       validation loss after the epoch (NaN when there is no validation set)
 * @param validAccuracy   validation accuracy as a fraction in [0, 1] (NaN when there is none)
 * @param spikesPerNeuron mean spikes per spiking neuron per sample during training
 * @param seconds         wall time of the epoch, validation included
 */
record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validLoss, double validAccuracy,
                   double spikesPerNeuron, double seconds) {}
