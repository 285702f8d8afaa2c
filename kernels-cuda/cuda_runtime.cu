/* spikegrad CUDA: device queries (cuda.h). cudart is linked statically; the
 * driver (libcuda.so.1) is loaded by cudart at the first call, so on a machine
 * without a driver the query fails cleanly with a status, never a crash. */
#include <cuda_runtime.h>

#include "spikegrad/cuda.h"

static const char* g_last_error = "no device query made yet";

SG_API int sg_cuda_device_count(int* count) {
    if (!count) return SG_ERR_NULL_POINTER;
    *count = 0;
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        g_last_error = cudaGetErrorString(err);
        cudaGetLastError();  // clear the sticky error
        return SG_ERR_NO_CUDA;
    }
    if (n == 0) {
        g_last_error = "the CUDA driver reports no device";
        return SG_ERR_NO_CUDA;
    }
    *count = n;
    g_last_error = "ok";
    return SG_OK;
}

SG_API int sg_cuda_compiled(void) { return 1; }

SG_API const char* sg_cuda_last_error(void) { return g_last_error; }
