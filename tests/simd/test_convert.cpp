#include "ipo/simd/convert.hpp"

#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "ipo/core/dtype.hpp"
#include "ipo/simd/dispatch.hpp"

namespace {

template <class T>
std::uint32_t bits_of(T value) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<std::uint32_t>(value);
  } else {
    return value.bits;
  }
}

template <class T>
T from_bits(std::uint32_t bits) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(bits);
  } else {
    return T::from_bits(static_cast<std::uint16_t>(bits));
  }
}

// Where lane l of part p of a load comes from: read a step whose element i holds the value i
// (exact in every storage type for i < 2048).
template <class Lanes, class T>
std::vector<std::size_t> lane_sources() {
  using batch = typename Lanes::batch;
  std::vector<T> positions(Lanes::step);
  for (std::size_t i = 0; i < Lanes::step; ++i) {
    positions[i] = ipo::from_float<T>(static_cast<float>(i));
  }
  auto const loaded = Lanes::load(positions.data());
  std::vector<std::size_t> source;
  for (std::size_t p = 0; p < Lanes::parts; ++p) {
    alignas(64) float lanes[batch::size];
    loaded[p].store_unaligned(lanes);
    for (float v : lanes) {
      source.push_back(static_cast<std::size_t>(v));
    }
  }
  return source;
}

// The batches whose lanes hold values[source[k]], so that store() should write values[i] to
// element i.
template <class Lanes>
typename Lanes::batches place(std::vector<std::size_t> const& source, float const* values) {
  using batch = typename Lanes::batch;
  typename Lanes::batches out{};
  for (std::size_t p = 0; p < Lanes::parts; ++p) {
    alignas(64) float lanes[batch::size];
    for (std::size_t l = 0; l < batch::size; ++l) {
      lanes[l] = values[source[p * batch::size + l]];
    }
    out[p] = batch::load_unaligned(lanes);
  }
  return out;
}

// What store() must write for v: from_float, or a signed zero for an fp32 subnormal where the
// lanes flush them.
template <class Lanes, class T>
std::uint32_t expected_bits(float v) {
  std::uint32_t const f = std::bit_cast<std::uint32_t>(v);
  if (Lanes::flushes_subnormals && (f & 0x7f800000u) == 0) {
    return bits_of(ipo::from_float<T>(std::bit_cast<float>(f & 0x80000000u)));
  }
  return bits_of(ipo::from_float<T>(v));
}

template <class A, class T>
void check_lanes() {
  using lanes = ipo::simd::fp32_lanes<A, T>;
  INFO("architecture " << std::string(ipo::simd::arch_name<A>()) << ", " << ipo::dtype_name<T>());
  auto const source = lane_sources<lanes, T>();
  REQUIRE(source.size() == lanes::step);
  std::vector<bool> seen(lanes::step, false);
  for (std::size_t s : source) { // a permutation of the step's elements
    REQUIRE(s < lanes::step);
    CHECK_FALSE(seen[s]);
    seen[s] = true;
  }
  // load() widens exactly: every 16-bit pattern (or a spread of fp32 ones) gives to_float.
  std::uint32_t const patterns = std::is_same_v<T, float> ? 1u << 20 : 1u << 16;
  std::vector<T> elements(lanes::step);
  std::vector<float> widened(lanes::step);
  for (std::uint32_t first = 0; first < patterns; first += lanes::step) {
    for (std::size_t i = 0; i < lanes::step; ++i) {
      std::uint32_t const k = first + static_cast<std::uint32_t>(i);
      elements[i] = from_bits<T>(std::is_same_v<T, float> ? k * 4099u : k);
    }
    auto const loaded = lanes::load(elements.data());
    for (std::size_t p = 0; p < lanes::parts; ++p) {
      loaded[p].store_unaligned(widened.data() + p * lanes::batch::size);
    }
    for (std::size_t k = 0; k < lanes::step; ++k) {
      float const want = ipo::to_float(elements[source[k]]);
      if (std::bit_cast<std::uint32_t>(widened[k]) != std::bit_cast<std::uint32_t>(want) &&
          !(std::isnan(want) && std::isnan(widened[k]))) {
        FAIL("load of bits " << bits_of(elements[source[k]]) << " gave " << widened[k]);
      }
    }
  }
  // store() rounds as from_float: random bit patterns, ties, NaNs, infinities, subnormals.
  std::mt19937 rng(7);
  std::vector<float> values(lanes::step);
  std::vector<T> stored(lanes::step);
  for (int trial = 0; trial < 20000; ++trial) {
    for (std::size_t i = 0; i < lanes::step; ++i) {
      std::uint32_t f = static_cast<std::uint32_t>(rng());
      switch ((trial + static_cast<int>(i)) % 6) {
      case 0:
        f = (f & 0xffff0000u) | 0x8000u;
        break; // a bf16 tie
      case 1:
        f = (f & 0xffffe000u) | 0x1000u;
        break; // an fp16 tie (normal range)
      case 2:
        f &= 0x807fffffu;
        break; // an fp32 subnormal
      case 3:
        f = (f & 0x8fffffffu) | 0x30000000u;
        break; // near fp16's subnormal range
      default:
        break;
      }
      values[i] = std::bit_cast<float>(f);
    }
    values[0] = std::numeric_limits<float>::infinity();
    values[1] = 65520.0f; // rounds to fp16 infinity
    lanes::store(stored.data(), place<lanes>(source, values.data()));
    for (std::size_t i = 0; i < lanes::step; ++i) {
      std::uint32_t const want = expected_bits<lanes, T>(values[i]);
      if (bits_of(stored[i]) != want) {
        FAIL("store of " << values[i] << " (bits " << std::bit_cast<std::uint32_t>(values[i])
                         << ") wrote " << bits_of(stored[i]) << ", want " << want);
      }
    }
  }
}

template <class T>
void check_lanes_for_type() {
  int checked = 0;
  ipo::simd::for_each_available_arch([&](auto arch) {
    using A = decltype(arch);
    if constexpr (!std::is_same_v<A, ipo::simd::scalar>) {
      if constexpr (ipo::simd::fp32_lanes<A, T>::available) {
        check_lanes<A, T>();
        ++checked;
      }
    }
  });
  if constexpr (std::is_same_v<T, float>) {
    CHECK(checked + 1 == static_cast<int>(ipo::simd::available_arch_names().size()));
  }
}

} // namespace

TEST_CASE_TEMPLATE("fp32_lanes: loads widen exactly, stores round as from_float, on every "
                   "architecture that converts in registers",
                   T, float, ipo::bf16, ipo::fp16) {
  check_lanes_for_type<T>();
}

TEST_CASE("fp32_lanes: AVX-512 converts bf16 and fp16 in registers where compiled in") {
#if XSIMD_WITH_AVX512BW
  CHECK(ipo::simd::fp32_lanes<xsimd::avx512bw, ipo::bf16>::available);
  CHECK(ipo::simd::fp32_lanes<xsimd::avx512bw, ipo::fp16>::available);
#endif
  CHECK_FALSE(ipo::simd::fp32_lanes<ipo::simd::scalar, ipo::bf16>::available);
}
