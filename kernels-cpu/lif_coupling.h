/* spikegrad CPU: the recurrent coupling product of the LIF backward (lif_backward.cpp).
 *
 * dL/dS[t-1][b][j] gains sum_n w_rec[j][n] dL/dX[t][b][n] (lif.h). For a block of samples at
 * one step this is a small dense product GS = GX W_rec^T, computed from W_rec packed in
 * panels of kPanel columns. */
#ifndef SPIKEGRAD_LIF_COUPLING_H
#define SPIKEGRAD_LIF_COUPLING_H

#include <cstddef>

namespace sg {

constexpr int kPanel = 16;

/* Floats of the packed weights: ceil(N/16)*16*N. */
inline size_t coupling_panel_floats(int N) { return (size_t)((N + kPanel - 1) / kPanel) * kPanel * N; }

/* wp[p][n][jj] = w_rec[16p + jj][n] (0 past the last neuron). */
void pack_coupling(const float* w_rec, int N, float* wp);

/* gs[b][j] = sum_n gx[b][n] * w_rec[j][n] for b < nb, j < N; gx and gs rows are N floats
 * apart; wp from pack_coupling. Each sum runs over n in increasing order. */
void coupling_product(const float* gx, const float* wp, float* gs, int nb, int N);

}  // namespace sg

#endif
