#include "ipo/core/dtype.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace {

// Value of a binary16 bit pattern, computed from the IEEE formula in double.
double half_value_reference(std::uint16_t bits) {
  int const sign = (bits >> 15) ? -1 : 1;
  int const exponent = (bits >> 10) & 0x1f;
  int const mantissa = bits & 0x3ff;
  if (exponent == 0) {
    return sign * std::ldexp(static_cast<double>(mantissa), -24);
  }
  if (exponent == 31) {
    return mantissa == 0 ? sign * std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::quiet_NaN();
  }
  return sign * std::ldexp(1.0 + mantissa / 1024.0, exponent - 15);
}

// Value of a bfloat16 bit pattern from the formula (8-bit exponent, 7-bit mantissa).
double bf16_value_reference(std::uint16_t bits) {
  int const sign = (bits >> 15) ? -1 : 1;
  int const exponent = (bits >> 7) & 0xff;
  int const mantissa = bits & 0x7f;
  if (exponent == 0) {
    return sign * std::ldexp(static_cast<double>(mantissa), -133);
  }
  if (exponent == 255) {
    return mantissa == 0 ? sign * std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::quiet_NaN();
  }
  return sign * std::ldexp(1.0 + mantissa / 128.0, exponent - 127);
}

// Rounds x to the nearest of all finite patterns by brute force over the sorted positive
// values (ties to the even pattern), as a reference for from_float. Returns the bit pattern.
template <class Value>
std::uint16_t nearest_pattern(double x, Value value_of, std::uint16_t max_finite,
                              double overflow_at) {
  std::uint16_t const sign = std::signbit(x) ? 0x8000 : 0;
  double const a = std::fabs(x);
  if (a >= overflow_at) {
    return static_cast<std::uint16_t>(sign | (max_finite + 1)); // infinity follows max finite
  }
  // Binary search for the largest positive pattern p with value(p) <= a.
  std::uint16_t lo = 0, hi = max_finite;
  while (lo < hi) {
    std::uint16_t const mid = static_cast<std::uint16_t>((lo + hi + 1) / 2);
    if (value_of(mid) <= a) {
      lo = mid;
    } else {
      hi = static_cast<std::uint16_t>(mid - 1);
    }
  }
  std::uint16_t pick = lo;
  if (lo < max_finite) {
    double const below = a - value_of(lo);
    double const above = value_of(static_cast<std::uint16_t>(lo + 1)) - a;
    if (above < below || (above == below && ((lo + 1) & 1) == 0)) {
      pick = static_cast<std::uint16_t>(lo + 1);
    }
  }
  return static_cast<std::uint16_t>(sign | pick);
}

} // namespace

TEST_CASE("fp16 to_float is exact for all 65536 patterns") {
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    auto const h = ipo::fp16::from_bits(static_cast<std::uint16_t>(bits));
    double const expected = half_value_reference(static_cast<std::uint16_t>(bits));
    float const got = h.to_float();
    if (std::isnan(expected)) {
      REQUIRE(std::isnan(got));
    } else {
      REQUIRE(static_cast<double>(got) == expected);
      REQUIRE(std::signbit(got) == static_cast<bool>(bits & 0x8000));
    }
  }
}

TEST_CASE("bf16 to_float is exact for all 65536 patterns") {
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    auto const b = ipo::bf16::from_bits(static_cast<std::uint16_t>(bits));
    double const expected = bf16_value_reference(static_cast<std::uint16_t>(bits));
    if (std::isnan(expected)) {
      REQUIRE(std::isnan(b.to_float()));
    } else {
      REQUIRE(static_cast<double>(b.to_float()) == expected);
    }
  }
}

TEST_CASE("from_float round-trips every finite and infinite pattern") {
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    auto const raw = static_cast<std::uint16_t>(bits);
    if (!std::isnan(half_value_reference(raw))) {
      REQUIRE(ipo::fp16::from_float(ipo::fp16::from_bits(raw).to_float()).bits == raw);
    }
    if (!std::isnan(bf16_value_reference(raw))) {
      REQUIRE(ipo::bf16::from_float(ipo::bf16::from_bits(raw).to_float()).bits == raw);
    }
  }
}

TEST_CASE("from_float rounds to nearest, ties to even, against a brute-force search") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::uint32_t> any_bits;
  auto const half_of = [](std::uint16_t p) { return half_value_reference(p); };
  auto const bf16_of = [](std::uint16_t p) { return bf16_value_reference(p); };
  // Overflow thresholds: halfway between max finite and the next power step.
  double const half_overflow = 65520.0;
  double const bf16_overflow = std::ldexp(2.0 - std::ldexp(1.0, -8), 127);
  for (int i = 0; i < 200000; ++i) {
    float x = std::bit_cast<float>(any_bits(rng));
    if (i % 2 == 0) { // half of the draws land in fp16's range, where rounding is interesting
      x = std::ldexp(static_cast<float>(any_bits(rng) % 2000000) / 1e6f,
                     static_cast<int>(any_bits(rng) % 44) - 28);
      if (any_bits(rng) & 1) {
        x = -x;
      }
    }
    if (std::isnan(x)) {
      continue;
    }
    CAPTURE(x);
    REQUIRE(ipo::fp16::from_float(x).bits == nearest_pattern(x, half_of, 0x7bff, half_overflow));
    REQUIRE(ipo::bf16::from_float(x).bits == nearest_pattern(x, bf16_of, 0x7f7f, bf16_overflow));
  }
}

TEST_CASE("ties round to the even neighbour") {
  // 1 + 2^-11 lies exactly between the halves 1 and 1 + 2^-10: the even one (1) wins.
  CHECK(ipo::fp16::from_float(1.0f + std::ldexp(1.0f, -11)).to_float() == 1.0f);
  // 1 + 3 * 2^-11 lies between 1 + 2^-10 (odd) and 1 + 2^-9 (even): rounds up.
  CHECK(ipo::fp16::from_float(1.0f + 3 * std::ldexp(1.0f, -11)).to_float() ==
        1.0f + std::ldexp(1.0f, -9));
  // bf16 keeps 7 mantissa bits: 1 + 2^-8 is a tie between 1 and 1 + 2^-7.
  CHECK(ipo::bf16::from_float(1.0f + std::ldexp(1.0f, -8)).to_float() == 1.0f);
  // The smallest half subnormal is 2^-24; half of it is a tie that goes to zero.
  CHECK(ipo::fp16::from_float(std::ldexp(1.0f, -25)).bits == 0);
  CHECK(ipo::fp16::from_float(std::ldexp(1.5f, -25)).bits == 1);
}

TEST_CASE("specials: infinities, NaN, signed zero, overflow") {
  float const inf = std::numeric_limits<float>::infinity();
  CHECK(ipo::fp16::from_float(inf).bits == 0x7c00);
  CHECK(ipo::fp16::from_float(-inf).bits == 0xfc00);
  CHECK(ipo::fp16::from_float(1e6f).bits == 0x7c00);
  CHECK(ipo::fp16::from_float(65504.0f).bits == 0x7bff);
  CHECK(ipo::fp16::from_float(-0.0f).bits == 0x8000);
  CHECK(ipo::bf16::from_float(-0.0f).bits == 0x8000);
  CHECK(std::isnan(ipo::fp16::from_float(std::numeric_limits<float>::quiet_NaN()).to_float()));
  CHECK(std::isnan(ipo::bf16::from_float(std::numeric_limits<float>::signaling_NaN()).to_float()));
  // A NaN whose payload sits only in the low bits must not become infinity when truncated.
  float const low_payload_nan = std::bit_cast<float>(0x7f800001u);
  CHECK(std::isnan(ipo::bf16::from_float(low_payload_nan).to_float()));
  CHECK(std::isnan(ipo::fp16::from_float(low_payload_nan).to_float()));
}

// The compiler's own half type: GCC 12 has _Float16 in C++ on x86 only; ARM has __fp16.
#if defined(__aarch64__) && !defined(__clang__)
using compiler_half = __fp16;
#define IPO_TEST_COMPILER_HALF 1
#elif defined(__FLT16_MAX__) && !defined(__clang__) && defined(__x86_64__)
using compiler_half = _Float16;
#define IPO_TEST_COMPILER_HALF 1
#endif

#if defined(IPO_TEST_COMPILER_HALF)
TEST_CASE("fp16 agrees with the compiler's own half-precision conversion") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> any_bits;
  for (int i = 0; i < 100000; ++i) {
    float const x = std::bit_cast<float>(any_bits(rng));
    if (std::isnan(x)) {
      continue;
    }
    compiler_half const h = static_cast<compiler_half>(x);
    REQUIRE(ipo::fp16::from_float(x).bits == std::bit_cast<std::uint16_t>(h));
  }
}
#endif

TEST_CASE("generic helpers convert each storage type") {
  CHECK(ipo::to_float(ipo::from_float<ipo::bf16>(3.0f)) == 3.0f);
  CHECK(ipo::to_float(ipo::from_float<ipo::fp16>(-0.5f)) == -0.5f);
  CHECK(ipo::from_float<float>(1.25f) == 1.25f);
  CHECK(std::string(ipo::dtype_name<ipo::bf16>()) == "bf16");
  static_assert(ipo::is_storage_type_v<ipo::fp16> && !ipo::is_storage_type_v<double>);
  static_assert(ipo::fp16::from_float(2.0f).to_float() == 2.0f, "conversions are constexpr");
}
