// ipo/loss/detail/fast_exp.hpp: exp(x) for x <= 0, the only range the softmax kernels need
// (arguments are logits minus their row maximum, minus the log of the row sum).
//
// Cody-Waite reduction x = n ln2 + r with |r| <= ln2/2, a degree-5 minimax polynomial for e^r
// in Horner form (7.5e-8 relative in exact arithmetic, under 4e-7 in fp32: about 3 ulp), scaled
// by 2^n through the exponent bits. Inputs below -87.3 are clamped there (their true result is
// under FLT_MIN and contributes nothing to a softmax); NaN propagates. About 12 vector
// instructions, against some 20 for the Cephes form and more for a general-purpose exp: the
// one-thread loss kernels are bound by these two exps per element.
#pragma once

#include <cstdint>

#include "ipo/config.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo::loss::detail {

template <class A>
IPO_INLINE xsimd::batch<float, A> exp_nonpositive(xsimd::batch<float, A> x) noexcept {
  using batch = xsimd::batch<float, A>;
  using ints = xsimd::batch<std::int32_t, A>;
  x = simd::max_keep_nan(batch(-87.3f), x);
  batch const shifter(12582912.0f); // 1.5 * 2^23: rounds to an integer
  batch const t = xsimd::fma(x, batch(1.44269504088896341f), shifter);
  batch const n = t - shifter;                      // round(x / ln2)
  batch r = xsimd::fnma(n, batch(0.693359375f), x); // x - n ln2, in two parts
  r = xsimd::fnma(n, batch(-2.12194440e-4f), r);
  batch p(8.297655092e-03f); // degree-5 minimax for e^r on [-ln2/2, ln2/2], 7.5e-8 relative
  p = xsimd::fma(p, r, batch(4.191538199e-02f));
  p = xsimd::fma(p, r, batch(1.666757473e-01f));
  p = xsimd::fma(p, r, batch(4.999889485e-01f));
  p = xsimd::fma(p, r, batch(9.999996920e-01f));
  p = xsimd::fma(p, r, batch(1.000000072e+00f));
  // n sits in the low mantissa bits of t, above 0x4B400000 whose low 9 bits are zero: so
  // t's bits << 23 are n << 23, and 2^n's bits are that plus 127 << 23.
  batch const scale =
      simd::bitcast<float>((simd::bitcast<std::int32_t>(t) << 23) + ints(127 << 23));
  return p * scale;
}

} // namespace ipo::loss::detail
