/* spikegrad: definitions shared by every kernel, host and device.
 *
 * SG_HD marks per-neuron math that must compile for both the CPU kernels
 * (plain C++) and the CUDA kernels (__host__ __device__). The math lives in
 * surrogate.h, lif_math.h; kernels only loop and launch. */
#ifndef SPIKEGRAD_SG_DEFS_H
#define SPIKEGRAD_SG_DEFS_H

#if defined(__CUDACC__)
#define SG_HD __host__ __device__ __forceinline__
#else
#define SG_HD static inline
#endif

#ifdef __cplusplus
#define SG_EXTERN_C extern "C"
#else
#define SG_EXTERN_C
#endif

#if defined(_WIN32)
#define SG_API SG_EXTERN_C __declspec(dllexport)
#else
#define SG_API SG_EXTERN_C __attribute__((visibility("default")))
#endif

/* Status codes returned by every C API function. Native code never prints
 * or exits; the Java layer turns a status into an exception. */
enum sg_status {
    SG_OK = 0,
    SG_ERR_NULL_POINTER = 1,   /* a required buffer was NULL            */
    SG_ERR_BAD_SHAPE = 2,      /* T, B or N out of range                */
    SG_ERR_BAD_ENUM = 3,       /* unknown reset mode or surrogate kind  */
    SG_ERR_BAD_PARAM = 4,      /* a scalar parameter out of its range   */
    SG_ERR_ALLOC = 5,          /* host scratch allocation failed        */
    SG_ERR_NO_CUDA = 6,        /* built without CUDA, or no device      */
    SG_ERR_CUDA = 7            /* a CUDA runtime call failed            */
};

/* Reset applied after a spike (DESIGN.md, model equations). */
enum sg_reset {
    SG_RESET_SUBTRACT = 0,     /* V = U - theta*S               */
    SG_RESET_TO_VALUE = 1,     /* V = U*(1-S) + v_reset*S       */
    SG_RESET_NONE = 2          /* V = U                         */
};

/* Surrogate derivative kinds; see surrogate.h for sigma and sigma'. */
enum sg_surrogate {
    SG_SURR_FAST_SIGMOID = 0,  /* scale = slope k */
    SG_SURR_SIGMOID = 1,       /* scale = slope k */
    SG_SURR_ARCTAN = 2,        /* scale = slope k */
    SG_SURR_TRIANGLE = 3,      /* scale = half-width w */
    SG_SURR_BOXCAR = 4,        /* scale = width w */
    SG_SURR_EXPONENTIAL = 5,   /* scale = slope k */
    SG_SURR_STRAIGHT_THROUGH = 6 /* scale unused; no smooth mode */
};

#define SG_SURR_COUNT 7

/* Element type of a buffer passed as void* (spike rasters and layer inputs). */
enum sg_dtype {
    SG_F32 = 0,                /* float                                  */
    SG_U8 = 1,                 /* uint8_t; spikes are 0 or 1             */
    SG_BIT = 2                 /* bit raster: each row of N entries packed
                                  little-endian into ceil(N/32) uint32_t
                                  words (entry n of a row is bit n%32 of
                                  word n/32), rows back to back, unused
                                  high bits of a row's last word zero    */
};

/* uint32_t words of one bit-raster row of n entries. */
#define SG_BIT_WORDS(n) (((n) + 31) / 32)

#endif
