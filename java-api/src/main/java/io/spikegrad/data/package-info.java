/**
 * Data sets and spike encoders: labelled spike-event samples ({@link io.spikegrad.data.EventSample}),
 * reproducible shuffling ({@link io.spikegrad.data.Dataset}), the Yin-Yang data set with its published
 * splits ({@link io.spikegrad.data.YinYang}), an IDX reader for (Fashion-)MNIST
 * ({@link io.spikegrad.data.Idx}, {@link io.spikegrad.data.FashionMnist}), encoders that turn dense
 * feature vectors into spikes, and {@link io.spikegrad.data.Binning} onto a discrete time grid.
 *
 * <p>Units: every time is in seconds and every rate in Hz (spikes per second). Dense grids are
 * time-major, {@code [T][channels]} for one sample and {@code [T][B][channels]} for a batch, in
 * float arrays.
 */
package io.spikegrad.data;
