/* spikegrad CUDA: the device executor of cuda/launch.h and the context behind cuda.h.
 *
 * Every kernel is one of two __global__ templates over a body functor: sg_plain_kernel calls
 * the body once per thread, sg_stepped_kernel calls it for every step with a block barrier in
 * between. Launches go to the context's stream; a launch error is reported with the kernel's
 * name at once, an execution error at the next synchronisation, naming the last kernel
 * launched. */
#ifndef SPIKEGRAD_DEVICE_EXEC_CUH
#define SPIKEGRAD_DEVICE_EXEC_CUH

#include <cuda_runtime.h>

#include "spikegrad/cuda.h"
#include "spikegrad/cuda/launch.h"

/* Independent scratch buffers of a context (launch.h: E::scratch's slot). */
#define SG_CUDA_SCRATCH_SLOTS 2

struct sg_cuda_context {
    int device;
    cudaStream_t stream;
    void* scratch[SG_CUDA_SCRATCH_SLOTS];
    size_t scratch_bytes[SG_CUDA_SCRATCH_SLOTS];
    const char* last_kernel;
};

/* Records "<call>: <CUDA's text> (<error name>)" as this thread's last error; returns SG_ERR_CUDA. */
int sg_cuda_fail(const char* call, cudaError_t err);

/* cudaStreamSynchronize, an error naming the last kernel launched. */
int sg_cuda_sync(sg_cuda_context* ctx);

template <class F>
__global__ void sg_plain_kernel(const F f) {
    f(sg_thread{(int)blockIdx.x, (int)threadIdx.x, (int)blockDim.x, (int)gridDim.x});
}

template <class F>
__global__ void sg_stepped_kernel(const F f, int steps) {
    const sg_thread th{(int)blockIdx.x, (int)threadIdx.x, (int)blockDim.x, (int)gridDim.x};
    for (int s = 0; s < steps; ++s) {
        f(th, s);
        __syncthreads();
    }
}

struct DeviceExec {
    sg_cuda_context* ctx;

    int launched(const char* name) {
        ctx->last_kernel = name;
        cudaError_t e = cudaGetLastError();
        return e == cudaSuccess ? SG_OK : sg_cuda_fail(name, e);
    }

    template <class F>
    int plain(const char* name, sg_grid g, const F& f) {
        if (g.blocks < 1) return SG_ERR_BAD_SHAPE;
        sg_plain_kernel<F><<<g.blocks, g.threads, 0, ctx->stream>>>(f);
        return launched(name);
    }

    template <class F>
    int stepped(const char* name, sg_grid g, int steps, const F& f) {
        if (g.blocks < 1) return SG_ERR_BAD_SHAPE;
        sg_stepped_kernel<F><<<g.blocks, g.threads, 0, ctx->stream>>>(f, steps);
        return launched(name);
    }

    /* Grows the context's scratch buffer `slot` (after the stream drains: queued kernels may
     * still use it); its contents are not kept. */
    int scratch(size_t bytes, void** out, int slot = 0) {
        if (bytes > ctx->scratch_bytes[slot]) {
            SG_TRY(sg_cuda_sync(ctx));
            if (ctx->scratch[slot]) cudaFree(ctx->scratch[slot]);
            size_t want = bytes < 2 * ctx->scratch_bytes[slot] ? 2 * ctx->scratch_bytes[slot] : bytes;
            ctx->scratch[slot] = nullptr;
            ctx->scratch_bytes[slot] = 0;
            cudaError_t e = cudaMalloc(&ctx->scratch[slot], want);
            if (e != cudaSuccess) return sg_cuda_fail("cudaMalloc (kernel scratch)", e);
            ctx->scratch_bytes[slot] = want;
        }
        *out = ctx->scratch[slot];
        return SG_OK;
    }

    int to_device(void* dst, const void* src, size_t bytes) {
        cudaError_t e = cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, ctx->stream);
        if (e != cudaSuccess) return sg_cuda_fail("cudaMemcpyAsync (host to device)", e);
        return sg_cuda_sync(ctx);
    }

    int to_host(void* dst, const void* src, size_t bytes) {
        cudaError_t e = cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, ctx->stream);
        if (e != cudaSuccess) return sg_cuda_fail("cudaMemcpyAsync (device to host)", e);
        return sg_cuda_sync(ctx);
    }
};

#define SG_CTX_OR_FAIL(ctx) \
    do {                    \
        if (!(ctx)) return SG_ERR_NULL_POINTER; \
    } while (0)

#endif
