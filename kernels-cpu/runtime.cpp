/* spikegrad CPU: thread budget, input validation and status texts (lif.h). */
#include <cmath>

#include "cpu_common.h"

SG_API int sg_set_num_threads(int n) {
    if (n < 1 || n > 4096) return SG_ERR_BAD_PARAM;
    sg::set_num_threads(n);
    return SG_OK;
}

SG_API int sg_get_num_threads(void) { return sg::num_threads(); }

SG_API long long sg_count_nonfinite(const float* p, long long n) {
    if (!p || n <= 0) return 0;
    long long bad = 0;
    for (long long k = 0; k < n; ++k) bad += !std::isfinite(p[k]);
    return bad;
}

SG_API const char* sg_status_string(int status) {
    switch (status) {
    case SG_OK: return "ok";
    case SG_ERR_NULL_POINTER: return "a required buffer was NULL";
    case SG_ERR_BAD_SHAPE: return "steps, batch or neurons out of range (each >= 1, product <= 2^40)";
    case SG_ERR_BAD_ENUM: return "unknown reset mode or surrogate kind";
    case SG_ERR_BAD_PARAM: return "a scalar parameter is out of range";
    case SG_ERR_ALLOC: return "host scratch allocation failed";
    case SG_ERR_NO_CUDA: return "CUDA is not available (built without nvcc, or no device/driver)";
    case SG_ERR_CUDA: return "a CUDA runtime call failed";
    default: return "unknown status";
    }
}
