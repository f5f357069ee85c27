// ipo/simd/convert.hpp: storage types (float, bf16, fp16) read into fp32 batches and written
// back, in registers, where the instruction set converts a whole vector at once.
//
//   fp32_lanes<A, float>               any architecture: plain loads and stores
//   fp32_lanes<avx512bw, bf16>         32 elements as two batches (even and odd elements: a
//                                      shift and a mask); written back rounded to nearest even
//                                      by vcvtne2ps2bf16 where the compiler targets AVX512_BF16
//                                      (which writes fp32 subnormals as zeros), else by integer
//                                      rounding (bf16::from_float's results exactly)
//   fp32_lanes<avx512f / avx512bw, fp16>  16 elements by vcvtph2ps / vcvtps2ph (nearest even)
//
// Elsewhere `available` is false and callers widen through a buffer (to_float / from_float).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ipo/config.hpp"
#include "ipo/core/dtype.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo::simd {

/// In-register conversion between storage type T and fp32 batches of architecture A. Where
/// `available`: load() reads `step` elements as `parts` batches (lanes in an order of the
/// architecture's choosing) and store() writes such batches back in memory order, rounding
/// to T to nearest even as from_float<T> does, except that where `flushes_subnormals` an fp32
/// subnormal (below 2^-126) is written as a zero of its sign. Elsewhere `available` is false
/// and no other member is defined.
template <class A, class T>
struct fp32_lanes {
  static constexpr bool available = false;
};

/// fp32 on any architecture: one batch per step.
template <class A>
struct fp32_lanes<A, float> {
  static constexpr bool available = true;
  using batch = xsimd::batch<float, A>;
  static constexpr std::size_t parts = 1;
  static constexpr std::size_t step = batch::size;
  static constexpr bool flushes_subnormals = false;
  using batches = std::array<batch, parts>;

  IPO_INLINE static batches load(float const* p) noexcept { return {batch::load_unaligned(p)}; }
  IPO_INLINE static void store(float* p, batches const& v) noexcept { v[0].store_unaligned(p); }
};

#if XSIMD_WITH_AVX512BW
/// bf16 on AVX-512BW: element 2j + 1 is the upper half of 32-bit lane j, so the odd elements
/// are the lanes with their low half cleared and the even ones the lanes shifted up by 16.
template <>
struct fp32_lanes<xsimd::avx512bw, bf16> {
  static constexpr bool available = true;
  using batch = xsimd::batch<float, xsimd::avx512bw>;
  static constexpr std::size_t parts = 2;
  static constexpr std::size_t step = 32;
  using batches = std::array<batch, parts>; // {even elements, odd elements}
#if defined(__AVX512BF16__)
  static constexpr bool flushes_subnormals = true; // vcvtne2ps2bf16 reads them as zero
#else
  static constexpr bool flushes_subnormals = false;
#endif

  IPO_INLINE static batches load(bf16 const* p) noexcept {
    __m512i const v = _mm512_loadu_si512(p);
    return {batch(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16))),
            batch(_mm512_castsi512_ps(_mm512_and_si512(v, _mm512_set1_epi32(-65536))))};
  }

  IPO_INLINE static void store(bf16* p, batches const& v) noexcept {
#if defined(__AVX512BF16__)
    // [bf16(even lanes), bf16(odd lanes)], then interleaved back into memory order.
    __m512i const halves = reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(v[1], v[0]));
    __m512i const order =
        _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6,
                         21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    _mm512_storeu_si512(p, _mm512_permutexvar_epi16(order, halves));
#else
    __m512i const even = rounded_upper_halves(v[0]);
    __m512i const odd = rounded_upper_halves(v[1]);
    // odd keeps its upper half, even's upper half moves down: (odd & 0xffff0000) | even >> 16
    _mm512_storeu_si512(p, _mm512_ternarylogic_epi32(odd, _mm512_set1_epi32(-65536),
                                                     _mm512_srli_epi32(even, 16), 0xea));
#endif
  }

private:
  // Each lane rounded to nearest even at bit 16 (its upper half is then the bf16), as
  // bf16::from_float does: + 0x7fff + the kept lowest bit; a NaN only gains its quiet bit.
  IPO_INLINE static __m512i rounded_upper_halves(batch const& x) noexcept {
    __m512i const bits = _mm512_castps_si512(x);
    __m512i const lowest_kept = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i const rounded =
        _mm512_add_epi32(bits, _mm512_add_epi32(lowest_kept, _mm512_set1_epi32(0x7fff)));
    __mmask16 const nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm512_mask_or_epi32(rounded, nan, bits, _mm512_set1_epi32(0x00400000));
  }
};
#endif

#if XSIMD_WITH_AVX512F
namespace detail {
/// fp16 on AVX-512F: vcvtph2ps and vcvtps2ph, 16 elements per step.
template <class A>
struct fp16_lanes_avx512 {
  static constexpr bool available = true;
  using batch = xsimd::batch<float, A>;
  static constexpr std::size_t parts = 1;
  static constexpr std::size_t step = 16;
  static constexpr bool flushes_subnormals = false;
  using batches = std::array<batch, parts>;

  IPO_INLINE static batches load(fp16 const* p) noexcept {
    return {batch(_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<__m256i const*>(p))))};
  }
  IPO_INLINE static void store(fp16* p, batches const& v) noexcept {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p),
                        _mm512_cvtps_ph(v[0], _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
};
} // namespace detail

template <>
struct fp32_lanes<xsimd::avx512f, fp16> : detail::fp16_lanes_avx512<xsimd::avx512f> {};
#if XSIMD_WITH_AVX512BW
template <>
struct fp32_lanes<xsimd::avx512bw, fp16> : detail::fp16_lanes_avx512<xsimd::avx512bw> {};
#endif
#endif

} // namespace ipo::simd
