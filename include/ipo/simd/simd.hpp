// ipo/simd/simd.hpp: the only header that calls xsimd functions whose spelling differs
// between xsimd 8.1 (Debian 12) and xsimd 13/14 (Conan, vcpkg).
//
// Everything else in ipo uses xsimd::batch arithmetic, load/store and math (spelled the same
// in every supported version) plus the helpers below. Where xsimd 8 emulates an operation
// lane by lane (bit masks, gathers), the helpers use the x86 instruction directly on the
// batch's register; other targets keep xsimd's own code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "ipo/config.hpp"

#if !defined(XSIMD_VERSION_MAJOR) || XSIMD_VERSION_MAJOR < 8 ||                                    \
    (XSIMD_VERSION_MAJOR == 8 && XSIMD_VERSION_MINOR < 1)
#error "ipo needs xsimd >= 8.1"
#endif

namespace ipo::simd {

/// The xsimd major version ipo was compiled against (8, 13, 14, ...).
inline constexpr int xsimd_major_version = XSIMD_VERSION_MAJOR;

/// Sum of all lanes.
template <class T, class A>
IPO_INLINE T reduce_add(xsimd::batch<T, A> const& x) noexcept {
#if XSIMD_VERSION_MAJOR >= 10
  return xsimd::reduce_add(x);
#else
  return xsimd::hadd(x);
#endif
}

namespace detail {
template <class T, class A, class Pick>
IPO_INLINE T reduce_by_store(xsimd::batch<T, A> const& x, Pick pick) noexcept {
  alignas(A::alignment()) T lanes[xsimd::batch<T, A>::size];
  x.store_aligned(lanes);
  T result = lanes[0];
  for (std::size_t i = 1; i < xsimd::batch<T, A>::size; ++i) {
    result = pick(result, lanes[i]);
  }
  return result;
}
} // namespace detail

/// Largest lane (NaN handling follows xsimd::max).
template <class T, class A>
IPO_INLINE T reduce_max(xsimd::batch<T, A> const& x) noexcept {
#if XSIMD_VERSION_MAJOR >= 10
  return xsimd::reduce_max(x);
#else
  return detail::reduce_by_store(x, [](T a, T b) { return a < b ? b : a; });
#endif
}

/// Smallest lane.
template <class T, class A>
IPO_INLINE T reduce_min(xsimd::batch<T, A> const& x) noexcept {
#if XSIMD_VERSION_MAJOR >= 10
  return xsimd::reduce_min(x);
#else
  return detail::reduce_by_store(x, [](T a, T b) { return b < a ? b : a; });
#endif
}

namespace detail {
/// How xsimd 8's batch_bool<T, A> register turns into a bit mask: 1 for an AVX-512 mask
/// register, 2 for an AVX/SSE vector register of 1-, 4- or 8-byte lanes, 0 otherwise.
template <class T, class A>
constexpr int movemask_kind() noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return 1;
  }
#endif
#if XSIMD_WITH_SSE2
  if constexpr ((sizeof(T) == 1 || sizeof(T) == 4 || sizeof(T) == 8) &&
                (std::is_base_of_v<xsimd::sse2, A>
#if XSIMD_WITH_AVX
                 || std::is_base_of_v<xsimd::avx, A>
#endif
                 )) {
    return 2;
  }
#endif
  return 0;
}

#if XSIMD_WITH_SSE2
// The bits of a float, double or integer vector register as an integer register.
IPO_INLINE __m128i as_integer_bits(__m128i x) noexcept {
  return x;
}
IPO_INLINE __m128i as_integer_bits(__m128 x) noexcept {
  return _mm_castps_si128(x);
}
IPO_INLINE __m128i as_integer_bits(__m128d x) noexcept {
  return _mm_castpd_si128(x);
}
#endif
#if XSIMD_WITH_AVX
IPO_INLINE __m256i as_integer_bits(__m256i x) noexcept {
  return x;
}
IPO_INLINE __m256i as_integer_bits(__m256 x) noexcept {
  return _mm256_castps_si256(x);
}
IPO_INLINE __m256i as_integer_bits(__m256d x) noexcept {
  return _mm256_castpd_si256(x);
}
#endif

#if XSIMD_WITH_SSE2
// The sign bit of each lane of a 128-bit register whose lanes are LaneBytes wide.
template <std::size_t LaneBytes>
IPO_INLINE std::uint64_t lane_signs(__m128i bits) noexcept {
  if constexpr (LaneBytes == 1) {
    return static_cast<std::uint16_t>(_mm_movemask_epi8(bits));
  } else if constexpr (LaneBytes == 4) {
    return static_cast<std::uint64_t>(_mm_movemask_ps(_mm_castsi128_ps(bits)));
  } else {
    return static_cast<std::uint64_t>(_mm_movemask_pd(_mm_castsi128_pd(bits)));
  }
}
#endif

template <class T, class A>
IPO_INLINE std::uint64_t movemask(xsimd::batch_bool<T, A> const& mask) noexcept {
  using reg = typename xsimd::batch_bool<T, A>::register_type;
  reg const r = mask;
  if constexpr (movemask_kind<T, A>() == 1) {
    return static_cast<std::uint64_t>(r);
  } else {
    // An all-ones lane has its top bit set: take the sign bit of each lane.
#if XSIMD_WITH_AVX
    if constexpr (sizeof(reg) == 32) {
      __m256i const bits = as_integer_bits(r);
      if constexpr (sizeof(T) == 4) {
        return static_cast<std::uint64_t>(_mm256_movemask_ps(_mm256_castsi256_ps(bits)));
      } else if constexpr (sizeof(T) == 8) {
        return static_cast<std::uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(bits)));
      }
#if defined(__AVX2__)
      else if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
        return static_cast<std::uint32_t>(_mm256_movemask_epi8(bits));
      }
#endif
      else { // AVX without AVX2 has no 256-bit byte movemask: two 128-bit halves
        return lane_signs<1>(_mm256_castsi256_si128(bits)) |
               (lane_signs<1>(_mm256_extractf128_si256(bits, 1)) << 16);
      }
    } else
#endif
    {
      return lane_signs<sizeof(T)>(as_integer_bits(r));
    }
  }
}
} // namespace detail

/// Bit i of the result is set when lane i of `mask` is true (lane 0 = least significant bit).
template <class T, class A>
IPO_INLINE std::uint64_t to_bitmask(xsimd::batch_bool<T, A> const& mask) noexcept {
  if constexpr (requires { mask.mask(); }) { // xsimd >= 9
    return static_cast<std::uint64_t>(mask.mask());
  } else if constexpr (detail::movemask_kind<T, A>() != 0) { // xsimd 8 on x86: the register
    return detail::movemask<T, A>(mask);
  } else {
    constexpr std::size_t lanes = xsimd::batch_bool<T, A>::size;
    alignas(A::alignment()) T flags[lanes];
    xsimd::select(mask, xsimd::batch<T, A>(T(1)), xsimd::batch<T, A>(T(0))).store_aligned(flags);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < lanes; ++i) {
      bits |= static_cast<std::uint64_t>(flags[i] != T(0)) << i;
    }
    return bits;
  }
}

/// Lane k of the result is base[index[k]]. xsimd 8 emulates gathers lane by lane; where the
/// instruction set has a gather (AVX2, AVX-512) it is used directly.
template <class A>
IPO_INLINE xsimd::batch<std::uint32_t, A>
gather(std::uint32_t const* base, xsimd::batch<std::uint32_t, A> const& index) noexcept {
  using batch = xsimd::batch<std::uint32_t, A>;
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    __m512i const lanes = index;
    return batch(_mm512_i32gather_epi32(lanes, base, 4));
  } else
#endif
#if XSIMD_WITH_AVX2
      if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
    __m256i const lanes = index;
    return batch(_mm256_i32gather_epi32(reinterpret_cast<int const*>(base), lanes, 4));
  } else
#endif
  {
    return batch::gather(base, index);
  }
}

/// Per lane max(low, x), except that a NaN in x stays NaN: one x86 max instruction (it returns
/// its second operand when either is NaN), as xsimd 8's max was; xsimd 14's max returns the
/// other operand for a NaN, so elsewhere a compare and select.
template <class A>
IPO_INLINE xsimd::batch<float, A> max_keep_nan(xsimd::batch<float, A> const& low,
                                               xsimd::batch<float, A> const& x) noexcept {
  using batch [[maybe_unused]] = xsimd::batch<float, A>; // unused off x86
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return batch(_mm512_max_ps(low, x));
  } else
#endif
#if XSIMD_WITH_AVX
      if constexpr (std::is_base_of_v<xsimd::avx, A>) {
    return batch(_mm256_max_ps(low, x));
  } else
#endif
#if XSIMD_WITH_SSE2
      if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
    return batch(_mm_max_ps(low, x));
  } else
#endif
  {
    return xsimd::select(x < low, low, x);
  }
}

/// Lane 0 of a float batch (one register move on x86; a store elsewhere).
template <class A>
IPO_INLINE float first_lane(xsimd::batch<float, A> const& x) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return _mm512_cvtss_f32(x);
  } else
#endif
#if XSIMD_WITH_AVX
      if constexpr (std::is_base_of_v<xsimd::avx, A>) {
    return _mm256_cvtss_f32(x);
  } else
#endif
#if XSIMD_WITH_SSE2
      if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
    return _mm_cvtss_f32(x);
  } else
#endif
  {
    alignas(A::alignment()) float lanes[xsimd::batch<float, A>::size];
    x.store_aligned(lanes);
    return lanes[0];
  }
}

/// Reinterprets the bits of each lane as type To (same lane width): xsimd 8 spells the target
/// as a batch type, xsimd 10 and later as an element type.
template <class To, class From, class A>
IPO_INLINE xsimd::batch<To, A> bitcast(xsimd::batch<From, A> const& x) noexcept {
  static_assert(sizeof(To) == sizeof(From), "bitcast keeps the lane width");
#if XSIMD_VERSION_MAJOR >= 10
  return xsimd::bitwise_cast<To>(x);
#else
  return xsimd::bitwise_cast<xsimd::batch<To, A>>(x);
#endif
}

/// A test of unsigned byte range [lo, lo + count) (count <= 128) on signed bytes: adding
/// signed_range_shift(lo) (wrapping) moves the range onto [-128, -128 + count), so that
/// `x + shift < signed_range_bound(count)` is one add and one signed compare on every
/// instruction set (unsigned byte compares take two on SSE/AVX2, and xsimd 8 splits AVX2's
/// into two SSE halves).
constexpr std::int8_t signed_range_shift(unsigned char lo) noexcept {
  return static_cast<std::int8_t>(static_cast<std::uint8_t>(0x80u - lo));
}
constexpr std::int8_t signed_range_bound(unsigned count) noexcept {
  return static_cast<std::int8_t>(static_cast<int>(count) - 128);
}

/// The same batch, hidden from the optimiser: a loop then keeps a constant made before it in a
/// register (or reads it from one stack slot) instead of rebuilding the broadcast on every
/// iteration, as GCC does for byte constants. A no-op where the asm statement is unavailable.
template <class T, class A>
IPO_INLINE xsimd::batch<T, A> opaque(xsimd::batch<T, A> const& x) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  typename xsimd::batch<T, A>::register_type r = x;
  asm("" : "+v"(r));
  return xsimd::batch<T, A>(r);
#else
  return x;
#endif
}

} // namespace ipo::simd
