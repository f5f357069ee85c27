// ipo/core/dtype.hpp: 16-bit floating-point storage types (bfloat16, IEEE half).
//
// They are storage only: ipo converts them to float before any arithmetic (fp32 accumulation).
// Conversion to float is exact; conversion from float rounds to nearest, ties to even, keeps
// infinities and signed zeros, and turns every NaN into a quiet NaN of the same sign.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "ipo/config.hpp"

namespace ipo {

/// bfloat16: 1 sign bit, 8 exponent bits, 7 mantissa bits (the upper half of a float).
struct bf16 {
  std::uint16_t bits = 0;

  /// Reinterprets 16 raw bits (no conversion).
  IPO_HOST_DEVICE static constexpr bf16 from_bits(std::uint16_t raw) noexcept {
    bf16 value;
    value.bits = raw;
    return value;
  }
  /// Rounds a float to the nearest bfloat16 (ties to even).
  IPO_HOST_DEVICE static constexpr bf16 from_float(float value) noexcept {
    std::uint32_t const f = std::bit_cast<std::uint32_t>(value);
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    // sm_80 and later round with one cvt instruction, the same way; NaN keeps the software
    // path, whose payload rule the hardware does not follow.
    if (!std::is_constant_evaluated() && (f & 0x7fffffffu) <= 0x7f800000u) {
      std::uint16_t raw;
      asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(raw) : "f"(value));
      return from_bits(raw);
    }
#endif
    if ((f & 0x7fffffffu) > 0x7f800000u) { // NaN: keep the sign, force quiet
      return from_bits(static_cast<std::uint16_t>((f >> 16) | 0x0040u));
    }
    std::uint32_t const lsb = (f >> 16) & 1u;
    return from_bits(static_cast<std::uint16_t>((f + 0x7fffu + lsb) >> 16));
  }
  /// The exact float value.
  IPO_HOST_DEVICE constexpr float to_float() const noexcept {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
  }
  IPO_HOST_DEVICE explicit constexpr operator float() const noexcept {
    return to_float();
  }
};

/// IEEE 754 binary16: 1 sign bit, 5 exponent bits, 10 mantissa bits, with subnormals.
struct fp16 {
  std::uint16_t bits = 0;

  /// Reinterprets 16 raw bits (no conversion).
  IPO_HOST_DEVICE static constexpr fp16 from_bits(std::uint16_t raw) noexcept {
    fp16 value;
    value.bits = raw;
    return value;
  }
  /// Rounds a float to the nearest half (ties to even); overflow gives infinity.
  IPO_HOST_DEVICE static constexpr fp16 from_float(float value) noexcept {
    std::uint32_t const f = std::bit_cast<std::uint32_t>(value);
#if defined(__CUDA_ARCH__)
    // On the device one cvt instruction rounds the same way (the software path below costs
    // tens of instructions per element and made fp16 kernels compute-bound); NaN keeps the
    // software path, whose payload rule the hardware does not follow.
    if (!std::is_constant_evaluated() && (f & 0x7fffffffu) <= 0x7f800000u) {
      std::uint16_t raw;
      asm("cvt.rn.f16.f32 %0, %1;" : "=h"(raw) : "f"(value));
      return from_bits(raw);
    }
#endif
    std::uint16_t const sign = static_cast<std::uint16_t>((f >> 16) & 0x8000u);
    std::uint32_t const magnitude = f & 0x7fffffffu;
    if (magnitude > 0x7f800000u) { // NaN: keep the top mantissa bits, force quiet
      return from_bits(static_cast<std::uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu)));
    }
    if (magnitude >= 0x477ff000u) { // >= 65520 rounds to infinity (and infinity stays)
      return from_bits(static_cast<std::uint16_t>(sign | 0x7c00u));
    }
    if (magnitude < 0x38800000u) { // below 2^-14: a half subnormal or zero
      // Scale so that one half-subnormal unit (2^-24) is one integer unit, then round the
      // integer part of the float's significand shifted into place, ties to even.
      int const exponent = static_cast<int>(magnitude >> 23);
      if (exponent < 102) { // < 2^-25: rounds to zero (2^-25 itself is a tie, goes to even 0)
        return from_bits(sign);
      }
      std::uint32_t const significand = (magnitude & 0x7fffffu) | 0x800000u;
      int const shift = 126 - exponent; // value = significand * 2^(exponent - 150)
      std::uint32_t const kept = significand >> shift;
      std::uint32_t const rest = significand & ((1u << shift) - 1u);
      std::uint32_t const half = 1u << (shift - 1);
      std::uint32_t const rounded =
          kept + ((rest > half || (rest == half && (kept & 1u))) ? 1u : 0u);
      return from_bits(static_cast<std::uint16_t>(sign | rounded));
    }
    // Normal: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits.
    std::uint32_t const rebased = magnitude - (112u << 23);
    std::uint32_t const lsb = (rebased >> 13) & 1u;
    return from_bits(static_cast<std::uint16_t>(sign | ((rebased + 0xfffu + lsb) >> 13)));
  }
  /// The exact float value.
  IPO_HOST_DEVICE constexpr float to_float() const noexcept {
#if defined(__CUDA_ARCH__)
    if (!std::is_constant_evaluated() && (bits & 0x7fffu) <= 0x7c00u) { // not NaN: one cvt
      float value;
      asm("cvt.f32.f16 %0, %1;" : "=f"(value) : "h"(bits));
      return value;
    }
#endif
    std::uint32_t const sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
    std::uint32_t const exponent = (bits >> 10) & 0x1fu;
    std::uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1fu) { // infinity or NaN
      return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return std::bit_cast<float>(sign);
      }
      // Subnormal: normalise the mantissa into a float exponent.
      int shift = 0;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        ++shift;
      }
      std::uint32_t const float_exponent = static_cast<std::uint32_t>(127 - 15 + 1 - shift);
      return std::bit_cast<float>(sign | (float_exponent << 23) | ((mantissa & 0x3ffu) << 13));
    }
    return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  }
  IPO_HOST_DEVICE explicit constexpr operator float() const noexcept {
    return to_float();
  }
};

/// Converts any ipo storage type (float, bf16, fp16) to float; the identity for float.
IPO_HOST_DEVICE constexpr float to_float(float value) noexcept {
  return value;
}
IPO_HOST_DEVICE constexpr float to_float(bf16 value) noexcept {
  return value.to_float();
}
IPO_HOST_DEVICE constexpr float to_float(fp16 value) noexcept {
  return value.to_float();
}

/// The float value of a stored element for arithmetic: to_float(), except that a NaN may come
/// back as another NaN. On the device an fp16 widens with one cvt, without the test that keeps
/// a NaN's payload; for kernels whose NaN results do not depend on payloads.
template <class T>
IPO_HOST_DEVICE float to_float_for_arithmetic(T value) noexcept {
#if defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, fp16>) {
    float widened;
    asm("cvt.f32.f16 %0, %1;" : "=f"(widened) : "h"(value.bits));
    return widened;
  }
#endif
  return to_float(value);
}

/// Rounds a float into storage type T (float, bf16 or fp16).
template <class T>
IPO_HOST_DEVICE constexpr T from_float(float value) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    return value;
  } else {
    return T::from_float(value);
  }
}

/// True for the element types ipo's kernels accept: float, bf16, fp16.
template <class T>
inline constexpr bool is_storage_type_v =
    std::is_same_v<T, float> || std::is_same_v<T, bf16> || std::is_same_v<T, fp16>;

/// A short name for diagnostics and benchmark labels: "fp32", "bf16", "fp16".
template <class T>
constexpr char const* dtype_name() noexcept {
  if constexpr (std::is_same_v<T, float>) {
    return "fp32";
  } else if constexpr (std::is_same_v<T, bf16>) {
    return "bf16";
  } else {
    static_assert(std::is_same_v<T, fp16>, "ipo storage types are float, bf16 and fp16");
    return "fp16";
  }
}

} // namespace ipo
