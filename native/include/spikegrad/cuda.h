/* spikegrad C API: CUDA device queries (library spikegrad_cuda).
 * Built from the .cu files of kernels-cuda/ when nvcc is found, otherwise from
 * kernels-cuda/cuda_stub.cpp, which answers SG_ERR_NO_CUDA everywhere, so the
 * Java layer always links and reports why CUDA is unavailable. */
#ifndef SPIKEGRAD_CUDA_H
#define SPIKEGRAD_CUDA_H

#include "sg_defs.h"

/* Writes the number of usable CUDA devices to *count (0 when the driver is
 * missing). Returns SG_ERR_NO_CUDA in a build without CUDA. */
SG_API int sg_cuda_device_count(int* count);

/* 1 when this library was compiled with nvcc, 0 for the stub. */
SG_API int sg_cuda_compiled(void);

/* A short text explaining the last device query's failure (driver missing,
 * no device, stub build); never NULL. */
SG_API const char* sg_cuda_last_error(void);

#endif
