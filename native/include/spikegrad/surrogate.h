/* spikegrad: surrogate spike functions, host and device.
 *
 * Each surrogate is the derivative sigma'(x) of a smooth step sigma(x) rising
 * from 0 to 1, so sigma' integrates to 1 (DESIGN.md, table of surrogates).
 * x = U - theta. The backward pass multiplies sigma' by a gain g (default 1).
 *
 *   kind            sigma(x)                              sigma'(x)
 *   fast sigmoid    (1 + kx/(1+k|x|))/2                   (k/2)/(1+k|x|)^2
 *   sigmoid         s(kx)                                 k s(kx)(1-s(kx))
 *   arctan          1/2 + atan(kx)/pi                     (k/pi)/(1+(kx)^2)
 *   triangle        piecewise quadratic on [-w, w]        max(0, 1-|x|/w)/w
 *   boxcar          clamp(x/w + 1/2, 0, 1)                1/w on |x| < w/2
 *   exponential     Laplace CDF, rate k                   (k/2) exp(-k|x|)
 *   straight-thr.   (Heaviside; no smooth form)           1
 *
 * References: Zenke & Ganguli 2018 (SuperSpike, fast sigmoid); Neftci, Mostafa
 * & Zenke 2019 (surrogate gradient survey); Fang et al. 2021 (arctan). */
#ifndef SPIKEGRAD_SURROGATE_H
#define SPIKEGRAD_SURROGATE_H

#include <math.h>
#include "sg_defs.h"

/* sigma'(x): the surrogate derivative without gain. */
SG_HD float sg_surrogate_grad(int kind, float x, float scale) {
    switch (kind) {
    case SG_SURR_FAST_SIGMOID: {
        float d = 1.0f + scale * fabsf(x);
        return 0.5f * scale / (d * d);
    }
    case SG_SURR_SIGMOID: {
        float s = 1.0f / (1.0f + expf(-scale * x));
        return scale * s * (1.0f - s);
    }
    case SG_SURR_ARCTAN: {
        float kx = scale * x;
        return (scale / 3.14159265358979323846f) / (1.0f + kx * kx);
    }
    case SG_SURR_TRIANGLE: {
        float r = 1.0f - fabsf(x) / scale;
        return r > 0.0f ? r / scale : 0.0f;
    }
    case SG_SURR_BOXCAR:
        return fabsf(x) < 0.5f * scale ? 1.0f / scale : 0.0f;
    case SG_SURR_EXPONENTIAL:
        return 0.5f * scale * expf(-scale * fabsf(x));
    default: /* SG_SURR_STRAIGHT_THROUGH */
        return 1.0f;
    }
}

/* sigma(x): the smooth step whose derivative is sg_surrogate_grad. Used by
 * the smooth mode, where it replaces the Heaviside in the forward pass.
 * Straight-through has no smooth form: callers reject smooth mode for it;
 * here it falls back to the Heaviside. */
SG_HD float sg_surrogate_step(int kind, float x, float scale) {
    switch (kind) {
    case SG_SURR_FAST_SIGMOID:
        return 0.5f * (1.0f + scale * x / (1.0f + scale * fabsf(x)));
    case SG_SURR_SIGMOID:
        return 1.0f / (1.0f + expf(-scale * x));
    case SG_SURR_ARCTAN:
        return 0.5f + atanf(scale * x) / 3.14159265358979323846f;
    case SG_SURR_TRIANGLE: {
        float r = x / scale;
        if (r <= -1.0f) return 0.0f;
        if (r >= 1.0f) return 1.0f;
        return r < 0.0f ? 0.5f * (1.0f + r) * (1.0f + r)
                        : 1.0f - 0.5f * (1.0f - r) * (1.0f - r);
    }
    case SG_SURR_BOXCAR: {
        float r = x / scale + 0.5f;
        return r < 0.0f ? 0.0f : (r > 1.0f ? 1.0f : r);
    }
    case SG_SURR_EXPONENTIAL:
        return x < 0.0f ? 0.5f * expf(scale * x) : 1.0f - 0.5f * expf(-scale * x);
    default:
        return x > 0.0f ? 1.0f : 0.0f;
    }
}

#endif
