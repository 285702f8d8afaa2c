/* spikegrad CUDA: device queries, contexts, memory and errors (cuda.h). cudart is linked
 * statically; the driver (libcuda.so.1) is loaded by cudart at the first call, so on a
 * machine without a driver the query fails cleanly with a status, never a crash. */
#include <dlfcn.h>

#include <cstdio>

#include "device_exec.cuh"

namespace {
thread_local char t_error[512] = "no CUDA call made yet";

void set_error(const char* text) {
    std::snprintf(t_error, sizeof t_error, "%s", text);
}
}  // namespace

int sg_cuda_fail(const char* call, cudaError_t err) {
    std::snprintf(t_error, sizeof t_error, "%s: %s (%s)", call, cudaGetErrorString(err), cudaGetErrorName(err));
    return SG_ERR_CUDA;
}

int sg_cuda_sync(sg_cuda_context* ctx) {
    cudaError_t e = cudaStreamSynchronize(ctx->stream);
    if (e == cudaSuccess) return SG_OK;
    char call[160];
    std::snprintf(call, sizeof call, "cudaStreamSynchronize after kernel %s",
                  ctx->last_kernel ? ctx->last_kernel : "(none)");
    return sg_cuda_fail(call, e);
}

SG_API int sg_cuda_device_count(int* count) {
    if (!count) return SG_ERR_NULL_POINTER;
    *count = 0;
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        sg_cuda_fail("cudaGetDeviceCount", err);
        cudaGetLastError();  // clear the sticky error
        if (err == cudaErrorInsufficientDriver) {
            // CUDA says "insufficient driver" both for an old driver and for none at all: tell which
            void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
            if (!driver) driver = dlopen("libcuda.so.1", RTLD_LAZY);
            if (!driver) {
                std::snprintf(t_error, sizeof t_error,
                              "the NVIDIA driver is not installed (libcuda.so.1 not found; cudaGetDeviceCount: %s)",
                              cudaGetErrorName(err));
            } else {
                dlclose(driver);
                std::snprintf(t_error, sizeof t_error,
                              "the NVIDIA driver is older than this CUDA 13 build needs (cudaGetDeviceCount: %s)",
                              cudaGetErrorName(err));
            }
        }
        return SG_ERR_NO_CUDA;
    }
    if (n == 0) {
        set_error("the CUDA driver reports no device");
        return SG_ERR_NO_CUDA;
    }
    *count = n;
    set_error("ok");
    return SG_OK;
}

SG_API int sg_cuda_compiled(void) { return 1; }

SG_API const char* sg_cuda_last_error(void) { return t_error; }

SG_API int sg_cuda_context_create(int device, sg_cuda_context** out) {
    if (!out) return SG_ERR_NULL_POINTER;
    *out = nullptr;
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return sg_cuda_fail("cudaSetDevice", e);
    cudaStream_t stream;
    e = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    if (e != cudaSuccess) return sg_cuda_fail("cudaStreamCreateWithFlags", e);
    *out = new sg_cuda_context{device, stream, {nullptr, nullptr}, {0, 0}, nullptr};
    return SG_OK;
}

SG_API int sg_cuda_context_destroy(sg_cuda_context* ctx) {
    if (!ctx) return SG_OK;
    int st = sg_cuda_sync(ctx);
    for (int k = 0; k < SG_CUDA_SCRATCH_SLOTS; ++k)
        if (ctx->scratch[k]) cudaFree(ctx->scratch[k]);
    cudaStreamDestroy(ctx->stream);
    delete ctx;
    return st;
}

SG_API void* sg_cuda_context_stream(sg_cuda_context* ctx) { return ctx ? (void*)ctx->stream : nullptr; }

SG_API int sg_cuda_synchronize(sg_cuda_context* ctx) {
    SG_CTX_OR_FAIL(ctx);
    return sg_cuda_sync(ctx);
}

SG_API int sg_cuda_malloc(sg_cuda_context* ctx, void** out, size_t bytes) {
    SG_CTX_OR_FAIL(ctx);
    if (!out) return SG_ERR_NULL_POINTER;
    *out = nullptr;
    if (bytes == 0) return SG_ERR_BAD_PARAM;
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, bytes);
    if (e != cudaSuccess) {
        char call[96];
        std::snprintf(call, sizeof call, "cudaMalloc(%zu bytes)", bytes);
        return sg_cuda_fail(call, e);
    }
    e = cudaMemsetAsync(p, 0, bytes, ctx->stream);
    if (e != cudaSuccess) {
        cudaFree(p);
        return sg_cuda_fail("cudaMemsetAsync", e);
    }
    int st = sg_cuda_sync(ctx);
    if (st != SG_OK) {
        cudaFree(p);
        return st;
    }
    *out = p;
    return SG_OK;
}

SG_API int sg_cuda_free(sg_cuda_context* ctx, void* p) {
    SG_CTX_OR_FAIL(ctx);
    if (!p) return SG_OK;
    int st = sg_cuda_sync(ctx);
    cudaError_t e = cudaFree(p);
    if (e != cudaSuccess) return sg_cuda_fail("cudaFree", e);
    return st;
}

SG_API int sg_cuda_copy(sg_cuda_context* ctx, void* dst, const void* src, size_t bytes, int kind) {
    SG_CTX_OR_FAIL(ctx);
    if (bytes == 0) return SG_OK;
    if (!dst || !src) return SG_ERR_NULL_POINTER;
    cudaMemcpyKind k;
    const char* call;
    switch (kind) {
    case 0: k = cudaMemcpyHostToDevice; call = "cudaMemcpyAsync (host to device)"; break;
    case 1: k = cudaMemcpyDeviceToHost; call = "cudaMemcpyAsync (device to host)"; break;
    case 2: k = cudaMemcpyDeviceToDevice; call = "cudaMemcpyAsync (device to device)"; break;
    default: return SG_ERR_BAD_ENUM;
    }
    cudaError_t e = cudaMemcpyAsync(dst, src, bytes, k, ctx->stream);
    if (e != cudaSuccess) return sg_cuda_fail(call, e);
    return sg_cuda_sync(ctx);
}
