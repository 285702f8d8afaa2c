/* spikegrad: stand-in for the CUDA library when nvcc is absent (cuda.h). */
#include "spikegrad/cuda.h"

SG_API int sg_cuda_device_count(int* count) {
    if (count) *count = 0;
    return SG_ERR_NO_CUDA;
}

SG_API int sg_cuda_compiled(void) { return 0; }

SG_API const char* sg_cuda_last_error(void) {
    return "spikegrad was built without CUDA (nvcc was not found when the native libraries were built)";
}
