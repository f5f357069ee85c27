// ipo/simd/simd.hpp: the only header that calls xsimd functions whose spelling differs
// between xsimd 8.1 (Debian 12) and xsimd 13/14 (Conan, vcpkg).
//
// Everything else in ipo uses xsimd::batch arithmetic, load/store and math (spelled the same
// in every supported version) plus the helpers below.
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

/// Bit i of the result is set when lane i of `mask` is true (lane 0 = least significant bit).
template <class T, class A>
IPO_INLINE std::uint64_t to_bitmask(xsimd::batch_bool<T, A> const& mask) noexcept {
  if constexpr (requires { mask.mask(); }) { // xsimd >= 9
    return static_cast<std::uint64_t>(mask.mask());
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

/// True when architecture A has an in-register byte table lookup (pshufb, tbl), which the
/// phrase matcher's fingerprint prefilter needs.
template <class A>
inline constexpr bool has_byte_shuffle = false;
#if XSIMD_WITH_SSSE3
template <>
inline constexpr bool has_byte_shuffle<xsimd::ssse3> = true;
#endif
#if XSIMD_WITH_SSE4_2
template <>
inline constexpr bool has_byte_shuffle<xsimd::sse4_2> = true;
#endif
#if XSIMD_WITH_AVX2
template <>
inline constexpr bool has_byte_shuffle<xsimd::avx2> = true;
#endif
#if XSIMD_WITH_AVX2 && XSIMD_WITH_FMA3_AVX2
template <>
inline constexpr bool has_byte_shuffle<xsimd::fma3<xsimd::avx2>> = true;
#endif
#if XSIMD_WITH_AVX512BW
template <>
inline constexpr bool has_byte_shuffle<xsimd::avx512bw> = true;
#endif
#if XSIMD_WITH_NEON64
template <>
inline constexpr bool has_byte_shuffle<xsimd::neon64> = true;
#endif

/// result[i] = table[index[i] & 15] within each 128-bit lane (table repeated in every lane);
/// only for architectures with has_byte_shuffle<A>.
template <class A>
IPO_INLINE xsimd::batch<std::uint8_t, A>
shuffle_bytes(xsimd::batch<std::uint8_t, A> const& table,
              xsimd::batch<std::uint8_t, A> const& index) noexcept {
  static_assert(has_byte_shuffle<A>, "shuffle_bytes needs SSSE3, AVX2, AVX-512BW or NEON64");
  using batch = xsimd::batch<std::uint8_t, A>;
  using reg [[maybe_unused]] = typename batch::register_type;
  batch const low = index & batch(std::uint8_t(0x0F));
#if XSIMD_WITH_AVX512BW
  if constexpr (std::is_same_v<A, xsimd::avx512bw>) {
    return batch(_mm512_shuffle_epi8(static_cast<reg>(table), static_cast<reg>(low)));
  } else
#endif
#if XSIMD_WITH_AVX2
      if constexpr (std::is_same_v<A, xsimd::avx2> || std::is_same_v<A, xsimd::fma3<xsimd::avx2>>) {
    return batch(_mm256_shuffle_epi8(static_cast<reg>(table), static_cast<reg>(low)));
  } else
#endif
#if XSIMD_WITH_SSSE3
      if constexpr (std::is_same_v<A, xsimd::ssse3> || std::is_same_v<A, xsimd::sse4_2>) {
    return batch(_mm_shuffle_epi8(static_cast<reg>(table), static_cast<reg>(low)));
  } else
#endif
#if XSIMD_WITH_NEON64
      if constexpr (std::is_same_v<A, xsimd::neon64>) {
    return batch(vqtbl1q_u8(static_cast<reg>(table), static_cast<reg>(low)));
  } else
#endif
  {
    return table; // unreachable: the static_assert above rejects other architectures
  }
}

} // namespace ipo::simd
