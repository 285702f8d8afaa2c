/**
 * EventProp reference (Wunderlich &amp; Pehle, shared/papers/eventprop-wunderlich-pehle.md):
 * exact gradients of spiking networks in continuous time, pure Java, double precision, written
 * to be read and to check the native kernel against.
 *
 * <ul>
 *   <li>{@link io.spikegrad.eventprop.EventPropModel}: a {@link io.spikegrad.net.Network} as
 *       table 1's model (LIF layers with current synapses, reset by subtraction, optional
 *       recurrence, optional LI readout; no bias).</li>
 *   <li>{@link io.spikegrad.eventprop.NeuronMath}: closed forms between events and the
 *       bracketing root finder for threshold crossings.</li>
 *   <li>{@link io.spikegrad.eventprop.EventPropSimulator}: the exact event-driven forward
 *       pass (global time-ordered event queue) producing a
 *       {@link io.spikegrad.eventprop.ForwardTrace}.</li>
 *   <li>{@link io.spikegrad.eventprop.EventLoss} / {@link io.spikegrad.eventprop.EventLosses}:
 *       time-to-first-spike (eq. (35)), max- and mean-voltage, spike-count cross-entropies and the
 *       spike-time sum of figure 1, each filling a {@link io.spikegrad.eventprop.LossGradient}.</li>
 *   <li>{@link io.spikegrad.eventprop.EventPropBackward}: the adjoint pass (table 2, eqs. (2),
 *       (30), (34)), with the derivation, sign conventions and the Vdot guard in its comment;
 *       {@link io.spikegrad.eventprop.Gradients} holds the result.</li>
 *   <li>{@link io.spikegrad.eventprop.EventProp}: all of it on a Network, writing each
 *       {@link io.spikegrad.net.Parameter#grad()}.</li>
 *   <li>{@link io.spikegrad.eventprop.EventPropTrainer}: mini-batch training on the native CPU
 *       kernel ({@link io.spikegrad.cpu.NativeEventProp}, which reproduces this reference to
 *       rounding for every network and loss above) or on this reference, with the paper's
 *       silent-neuron weight bump.</li>
 * </ul>
 *
 * Memory: the backward reads only the spikes (20 bytes each: time, neuron, {@code I^-}) and 36
 * bytes per LI readout neuron, see {@link io.spikegrad.eventprop.ForwardTrace#storedBytesForBackward()}.
 */
package io.spikegrad.eventprop;
