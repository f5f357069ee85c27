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

} // namespace ipo::simd
