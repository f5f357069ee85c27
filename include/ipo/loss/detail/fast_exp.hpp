// ipo/loss/detail/fast_exp.hpp: k * exp((x - a) + b) per lane, the one exponential of both
// softmax passes: pass 1 sums exp(x - shift) (a = shift, b = 0, k = 1), pass 2 writes
// -scale * exp((x - max) - log_sum) (a = max, b = -log_sum, k = -scale). Arguments are <= 0
// up to rounding. a, b and k are folded into a few constants per row, in fp64, so that a lane
// costs only the instructions below; the one-thread loss kernels are bound by them.
//
// Generic (any xsimd architecture): t = (x - a) log2(e) + b log2(e), 2^t = 2^n 2^f with
// n = round(t), |f| <= 1/2; a degree-5 minimax polynomial for 2^f (9.2e-8 relative) with k in
// its coefficients, 2^n through the exponent bits. t is clamped at -126: a result under
// 2^-126 k is returned as about 2^-126 k. About 14 instructions.
//
// AVX-512 (avx512bw, which includes DQ): t = 32 log2(e) x + c by one FMA, which forms the
// product exactly, so logits of 1e4 keep their precision (c = 32 log2(e) (b - a) rounded to
// fp32; what the rounding lost goes into k, in fp64). Then 2^(t/32) = 2^floor(n/32)
// 2^((n mod 32)/32) 2^(f/32) with n = round(t): a 32-entry table in two registers
// (vpermt2ps), a degree-2 minimax polynomial (5.3e-8 relative) and vscalefps, which gives 0
// for -inf and underflows gradually, so no clamp; f comes from vreduceps (t - round(t), 0 for
// an infinity). 9 instructions, 4 of them multiply-adds.
//
// Relative error under 1e-6 + 1.2e-7 |(x - a) + b| (the second term is fp32's rounding of the
// argument, which no fp32 exp avoids; with FMA hardware it is 6e-8); a NaN stays NaN. x == a,
// b == 0 gives k only to within those few ulps: callers that need the largest term of a sum
// to count exactly 1 divide by at(a).
#pragma once

#include <cmath>
#include <cstdint>

#include "ipo/config.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo::loss::detail {

inline constexpr float kLog2e = 1.44269504088896341f; // log2(e) rounded to fp32

/// k * exp((x - a) + b) for float batches of architecture A, with a, b and k fixed at
/// construction.
template <class A>
class scaled_exp {
public:
  using batch = xsimd::batch<float, A>;

  scaled_exp(float a, float b, float k) noexcept : shift_(a) {
    // b log2(e) in fp32 with the residual of its rounding moved into k, in fp64.
    double const exponent = static_cast<double>(b) * static_cast<double>(kLog2e);
    float const rounded = static_cast<float>(exponent);
    offset_ = batch(rounded);
    double const scale =
        static_cast<double>(k) * std::exp2(exponent - static_cast<double>(rounded));
    for (int i = 0; i < 6; ++i) {
      coefficients_[i] = batch(static_cast<float>(scale * kPolynomial[i]));
    }
  }

  IPO_INLINE batch operator()(batch x) const noexcept {
    using ints = xsimd::batch<std::int32_t, A>;
    batch t = xsimd::fma(x - shift_, batch(kLog2e), offset_);
    t = simd::max_keep_nan(batch(-126.0f), t);
    batch const shifter(12582912.0f); // 1.5 * 2^23: adding it rounds to an integer
    batch const rounded = t + shifter;
    batch const f = t - (rounded - shifter);
    batch p = coefficients_[5];
    for (int i = 4; i >= 0; --i) {
      p = xsimd::fma(p, f, coefficients_[i]);
    }
    // n sits in the low mantissa bits of `rounded`, above 0x4B400000 whose low 9 bits are
    // zero: its bits << 23 are n << 23, and 2^n's bits are that plus 127 << 23.
    batch const two_to_n =
        simd::bitcast<float>((simd::bitcast<std::int32_t>(rounded) << 23) + ints(127 << 23));
    return p * two_to_n;
  }

  /// One value through the same lanes (row tails: no library call inside the kernels' loops).
  IPO_INLINE float at(float x) const noexcept { return simd::first_lane((*this)(batch(x))); }

private:
  // Degree-5 minimax for 2^f on [-1/2, 1/2] with 2^0 = 1 kept exact, 9.2e-8 relative
  // (Lawson iteration in fp64).
  static constexpr double kPolynomial[6] = {1.0,
                                            6.9314697760e-01,
                                            2.4022242083e-01,
                                            5.5507337443e-02,
                                            9.6715127685e-03,
                                            1.3264727266e-03};
  batch shift_, offset_;
  batch coefficients_[6];
};

/// The scalar architecture: std::exp, element by element.
template <>
class scaled_exp<simd::scalar> {
public:
  scaled_exp(float a, float b, float k) noexcept : a_(a), b_(b), k_(k) {}
  IPO_INLINE float operator()(float x) const noexcept { return k_ * std::exp((x - a_) + b_); }
  IPO_INLINE float at(float x) const noexcept { return (*this)(x); }

private:
  float a_, b_, k_;
};

#if XSIMD_WITH_AVX512BW
template <>
class scaled_exp<xsimd::avx512bw> {
public:
  using batch = xsimd::batch<float, xsimd::avx512bw>;

  scaled_exp(float a, float b, float k) noexcept {
    // t = 32 log2(e) ((x - a) + b) = x * slope + c; c's rounding residual goes into k.
    constexpr double slope = 32.0 * static_cast<double>(kLog2e);
    double const exponent = (static_cast<double>(b) - static_cast<double>(a)) * slope;
    float const c = static_cast<float>(exponent);
    double const scale =
        static_cast<double>(k) * std::exp2((exponent - static_cast<double>(c)) / 32.0);
    slope_ = batch(static_cast<float>(slope));
    offset_ = batch(c);
    c0_ = batch(static_cast<float>(scale));
    c1_ = batch(static_cast<float>(scale * 2.1661166562e-02));
    c2_ = batch(static_cast<float>(scale * 2.3459619892e-04));
    table_low_ = batch::load_unaligned(kTable);
    table_high_ = batch::load_unaligned(kTable + 16);
  }

  IPO_INLINE batch operator()(batch x) const noexcept {
    __m512 const t = _mm512_fmadd_ps(x, slope_, offset_);
    __m512 const rounded = _mm512_add_ps(t, _mm512_set1_ps(12582912.0f)); // n in its low bits
    __m512 const f = _mm512_reduce_ps(t, _MM_FROUND_TO_NEAREST_INT);      // t - n
    // floor(n / 32) comes from vscalefps's floor of n / 32, which this FMA forms exactly.
    __m512 const n_32nds =
        _mm512_fmadd_ps(rounded, _mm512_set1_ps(1.0f / 32), _mm512_set1_ps(-12582912.0f / 32));
    __m512 const p = _mm512_fmadd_ps(_mm512_fmadd_ps(c2_, f, c1_), f, c0_);
    __m512 const fraction =
        _mm512_permutex2var_ps(table_low_, _mm512_castps_si512(rounded), table_high_);
    return batch(_mm512_scalef_ps(_mm512_mul_ps(p, fraction), n_32nds));
  }

  /// One value through the same lanes (row tails: no library call inside the kernels' loops).
  IPO_INLINE float at(float x) const noexcept { return simd::first_lane((*this)(batch(x))); }

private:
  // 2^(j/32), j = 0..31, correctly rounded to fp32.
  static constexpr float kTable[32] = {
      0x1.000000p+0f, 0x1.059b0ep+0f, 0x1.0b5586p+0f, 0x1.11301ep+0f, 0x1.172b84p+0f,
      0x1.1d4874p+0f, 0x1.2387a6p+0f, 0x1.29e9e0p+0f, 0x1.306fe0p+0f, 0x1.371a74p+0f,
      0x1.3dea64p+0f, 0x1.44e086p+0f, 0x1.4bfdaep+0f, 0x1.5342b6p+0f, 0x1.5ab07ep+0f,
      0x1.6247ecp+0f, 0x1.6a09e6p+0f, 0x1.71f75ep+0f, 0x1.7a1148p+0f, 0x1.82589ap+0f,
      0x1.8ace54p+0f, 0x1.93737cp+0f, 0x1.9c4918p+0f, 0x1.a5503cp+0f, 0x1.ae89fap+0f,
      0x1.b7f770p+0f, 0x1.c199bep+0f, 0x1.cb720ep+0f, 0x1.d5818ep+0f, 0x1.dfc974p+0f,
      0x1.ea4afap+0f, 0x1.f50766p+0f};
  batch slope_, offset_, c0_, c1_, c2_, table_low_, table_high_;
};
#endif

} // namespace ipo::loss::detail
