/* spikegrad: stand-in for the CUDA library when nvcc is absent (cuda.h): every function
 * answers SG_ERR_NO_CUDA, so the Java bindings always link. */
#include "spikegrad/cuda.h"

#define SG_NO_CUDA return SG_ERR_NO_CUDA

SG_API int sg_cuda_device_count(int* count) {
    if (count) *count = 0;
    SG_NO_CUDA;
}

SG_API int sg_cuda_compiled(void) { return 0; }

SG_API const char* sg_cuda_last_error(void) {
    return "spikegrad was built without CUDA (nvcc was not found when the native libraries were built)";
}

SG_API int sg_cuda_context_create(int, sg_cuda_context** out) {
    if (out) *out = nullptr;
    SG_NO_CUDA;
}
SG_API int sg_cuda_context_destroy(sg_cuda_context*) { return SG_OK; }
SG_API void* sg_cuda_context_stream(sg_cuda_context*) { return nullptr; }
SG_API int sg_cuda_synchronize(sg_cuda_context*) { SG_NO_CUDA; }
SG_API int sg_cuda_malloc(sg_cuda_context*, void** out, size_t) {
    if (out) *out = nullptr;
    SG_NO_CUDA;
}
SG_API int sg_cuda_free(sg_cuda_context*, void*) { SG_NO_CUDA; }
SG_API int sg_cuda_copy(sg_cuda_context*, void*, const void*, size_t, int) { SG_NO_CUDA; }

SG_API int sg_lif_forward_cuda(sg_cuda_context*, const sg_lif_config*, const float*, const float*, const float*,
                               const float*, const float*, const float*, const float*, void*, float*, float*,
                               float*) { SG_NO_CUDA; }
SG_API int sg_lif_backward_cuda(sg_cuda_context*, const sg_lif_config*, const float*, const float*, const float*,
                                const float*, const float*, const float*, const float*, const float*,
                                const float*, float*, float*, float*, float*, float*, float*) { SG_NO_CUDA; }
SG_API int sg_li_forward_cuda(sg_cuda_context*, int, int, int, const float*, const float*, const float*,
                              const float*, const float*, float*, float*) { SG_NO_CUDA; }
SG_API int sg_li_backward_cuda(sg_cuda_context*, int, int, int, const float*, const float*, const float*,
                               const float*, const float*, const float*, const float*, float*, float*, float*,
                               float*, float*) { SG_NO_CUDA; }
SG_API int sg_spike_matmul_cuda(sg_cuda_context*, int, int, int, const void*, int, const float*, float,
                                float*) { SG_NO_CUDA; }
SG_API int sg_spike_matmul_weight_grad_cuda(sg_cuda_context*, int, int, int, const void*, int, const float*,
                                            float, float*) { SG_NO_CUDA; }
SG_API int sg_reduce_cuda(sg_cuda_context*, const void*, int, long long, int, double* result) {
    if (result) *result = 0.0;
    SG_NO_CUDA;
}
SG_API int sg_eventprop_batch_cuda(sg_cuda_context*, const sg_eventprop_config*, const int*, const int*,
                                   const double*, const double*, const double*, const double*, const double*,
                                   const double*, const int*, const int*, const int*, double*, int*, double*,
                                   int*, int*, int*, long long*, double*, double*, double*, long long*,
                                   long long*) { SG_NO_CUDA; }
SG_API int sg_diffsyn_forward_cuda(sg_cuda_context*, const sg_diffsyn_config*, const double*, const double*,
                                   const double*, const double*, const double*, const double*, const double*,
                                   const double*, const double*, double*, double*, signed char*, int*,
                                   double*) { SG_NO_CUDA; }
SG_API int sg_diffsyn_forward_backward_cuda(sg_cuda_context*, const sg_diffsyn_config*, const double*, const double*,
                                            const double*, const double*, const double*, const double*,
                                            const double*, const double*, const double*, double*, double*,
                                            signed char*, int*, double*, double*, double*, double*, double*,
                                            double*, double*) { SG_NO_CUDA; }
SG_API int sg_lif_surrogate_mask_cuda(sg_cuda_context*, const sg_lif_config*, const float*, const float*,
                                      const float*, const float*, unsigned char*, long long* count) {
    if (count) *count = 0;
    SG_NO_CUDA;
}
SG_API int sg_masked_matmul_cuda(sg_cuda_context*, int, int, int, const float*, const float*,
                                 const unsigned char*, float*) { SG_NO_CUDA; }
