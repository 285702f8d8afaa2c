/* spikegrad CUDA: the launch grid as plain data, shared by the device and the CPU emulation.
 *
 * Every CUDA kernel of kernels-cuda/ is a one-dimensional grid of one-dimensional blocks whose
 * per-thread work is an SG_HD "body" taking (a params struct, an sg_thread). The .cu files only
 * turn blockIdx/threadIdx into an sg_thread and call the body; the emulation
 * (kernels-cuda/emulation.cpp) calls the same body for every (block, thread) of the same grid,
 * out-of-range threads of the last block included, so index arithmetic and masking are
 * exercised on the CPU. Two kernel shapes exist:
 *
 *   plain    body(p, th) once per thread;
 *   stepped  for s in [0, steps): body(p, th, s); __syncthreads();  (one block per sample;
 *            the emulation runs step s of every thread of a block before step s+1 of any,
 *            which is exactly what the barrier guarantees; bodies never read in step s what
 *            another thread writes in step s, so the sequential order hides no race).
 */
#ifndef SPIKEGRAD_CUDA_GRID_H
#define SPIKEGRAD_CUDA_GRID_H

#include <stdint.h>
#include "../sg_defs.h"

/* Member functions and templates shared by host and device (SG_HD is `static inline` on the
 * host, which a member function cannot be). */
#if defined(__CUDACC__)
#define SG_HDM __host__ __device__ __forceinline__
#else
#define SG_HDM inline
#endif

/* One thread of a 1-D launch: blockIdx.x, threadIdx.x, blockDim.x, gridDim.x. */
typedef struct sg_thread {
    int block;
    int thread;
    int block_dim;
    int grid_dim;
} sg_thread;

/* Blocks and threads per block of one launch. */
typedef struct sg_grid {
    int blocks;
    int threads;
} sg_grid;

/* Threads per block of the element-wise kernels (one thread per (sample, neuron) etc.). */
#define SG_CUDA_THREADS 256
/* Most blocks a grid may have (gridDim.x limit). */
#define SG_CUDA_MAX_BLOCKS 2147483647LL

SG_HD int64_t sg_global_index(sg_thread th) {
    return (int64_t)th.block * th.block_dim + th.thread;
}

/* A grid with one thread per element of [0, count); blocks = 0 when count is too large. */
SG_HD sg_grid sg_grid_for(int64_t count) {
    sg_grid g;
    g.threads = SG_CUDA_THREADS;
    int64_t blocks = (count + SG_CUDA_THREADS - 1) / SG_CUDA_THREADS;
    g.blocks = blocks > SG_CUDA_MAX_BLOCKS ? 0 : (int)blocks;
    return g;
}

/* A grid of one block per sample for the stepped kernels that couple the neurons of a sample
 * (recurrent layers): a warp multiple covering N, at most 256 threads; each thread owns
 * neurons n = thread, thread + block_dim, ... */
SG_HD sg_grid sg_grid_per_sample(int batch, int neurons) {
    sg_grid g;
    int t = ((neurons + 31) / 32) * 32;
    g.threads = t > 256 ? 256 : t;
    g.blocks = batch;
    return g;
}

#endif
