// ipo/loss/detail/fast_exp.hpp: exp(x) for x <= 0, the only range the softmax kernels need
// (arguments are logits minus their row maximum, minus the log of the row sum).
//
// Cody-Waite reduction x = n ln2 + r with |r| <= ln2/2 and Cephes' degree-5 polynomial for
// e^r (relative error about 2 ulp), scaled by 2^n through the exponent bits. Inputs below
// -87.3 are clamped there (their true result is under FLT_MIN and contributes nothing to a
// softmax); NaN propagates. About half the instructions of a general-purpose exp, which keeps
// the loss kernels near memory bandwidth.
#pragma once

#include <cstdint>

#include "ipo/config.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo::loss::detail {

template <class A>
IPO_INLINE xsimd::batch<float, A> exp_nonpositive(xsimd::batch<float, A> x) noexcept {
  using batch = xsimd::batch<float, A>;
  using ints = xsimd::batch<std::int32_t, A>;
  batch const lowest(-87.3f);
  x = xsimd::select(x < lowest, lowest, x); // keeps NaN (the comparison is false)
  batch const shifter(12582912.0f);         // 1.5 * 2^23: rounds to an integer
  batch const t = xsimd::fma(x, batch(1.44269504088896341f), shifter);
  batch const n = t - shifter;                      // round(x / ln2)
  batch r = xsimd::fnma(n, batch(0.693359375f), x); // x - n ln2, in two parts
  r = xsimd::fnma(n, batch(-2.12194440e-4f), r);
  batch p(1.9875691500e-4f);
  p = xsimd::fma(p, r, batch(1.3981999507e-3f));
  p = xsimd::fma(p, r, batch(8.3334519073e-3f));
  p = xsimd::fma(p, r, batch(4.1665795894e-2f));
  p = xsimd::fma(p, r, batch(1.6666665459e-1f));
  p = xsimd::fma(p, r, batch(5.0000001201e-1f));
  p = xsimd::fma(p * r, r, r + batch(1.0f)); // 1 + r + r^2 P(r)
  // n sits in the low mantissa bits of t: 2^n = (n + 127) << 23 as float bits.
  ints const n_bits = simd::bitcast<std::int32_t>(t) - ints(0x4B400000);
  batch const scale = simd::bitcast<float>((n_bits + ints(127)) << 23);
  return p * scale;
}

} // namespace ipo::loss::detail
