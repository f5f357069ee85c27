#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/simd/stream.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

// to_bitmask on lanes of type T: set where the lane holds 5 rather than 1.
template <class T, class A>
void check_lane_bitmask() {
  using batch = xsimd::batch<T, A>;
  alignas(A::alignment()) T lane_values[batch::size];
  for (int pattern = 0; pattern < 4; ++pattern) {
    std::uint64_t expected = 0;
    for (std::size_t i = 0; i < batch::size; ++i) {
      bool const set = (i * 7 + static_cast<std::size_t>(pattern)) % 3 == 0;
      lane_values[i] = set ? T(5) : T(1);
      expected |= static_cast<std::uint64_t>(set) << i;
    }
    CHECK(ipo::simd::to_bitmask(batch::load_aligned(lane_values) > batch(T(2))) == expected);
  }
}

// Checks the version-independent helpers on architecture A against plain loops.
template <class A>
void check_reductions_on() {
  using batch = xsimd::batch<float, A>;
  constexpr std::size_t lanes = batch::size;
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> value(-100.0f, 100.0f);
  for (int trial = 0; trial < 200; ++trial) {
    alignas(A::alignment()) float lane_values[lanes];
    for (auto& v : lane_values) {
      v = std::round(value(rng)); // integers: every summation order gives the same sum
    }
    batch const x = batch::load_aligned(lane_values);
    float sum = 0;
    for (float v : lane_values) {
      sum += v;
    }
    CHECK(ipo::simd::reduce_add(x) == sum);
    CHECK(ipo::simd::reduce_max(x) == *std::max_element(lane_values, lane_values + lanes));
    CHECK(ipo::simd::reduce_min(x) == *std::min_element(lane_values, lane_values + lanes));
    CHECK(ipo::simd::first_lane(x) == lane_values[0]);
    std::uint64_t expected_mask = 0;
    for (std::size_t i = 0; i < lanes; ++i) {
      expected_mask |= static_cast<std::uint64_t>(lane_values[i] > 0.0f) << i;
    }
    CHECK(ipo::simd::to_bitmask(x > batch(0.0f)) == expected_mask);
  }
  // Byte lanes, as the text matcher uses them.
  using bytes = xsimd::batch<std::uint8_t, A>;
  alignas(A::alignment()) std::uint8_t text[bytes::size];
  for (std::size_t i = 0; i < bytes::size; ++i) {
    text[i] = static_cast<std::uint8_t>(i % 3 == 0 ? 'a' : 'b');
  }
  std::uint64_t expected = 0;
  for (std::size_t i = 0; i < bytes::size; ++i) {
    expected |= static_cast<std::uint64_t>(text[i] == 'a') << i;
  }
  CHECK(ipo::simd::to_bitmask(bytes::load_aligned(text) == bytes(std::uint8_t('a'))) == expected);
  // 2-, 4- and 8-byte integer lanes and double lanes (xsimd 8 reads each from the register).
  check_lane_bitmask<std::uint16_t, A>();
  check_lane_bitmask<std::uint32_t, A>();
  check_lane_bitmask<std::uint64_t, A>();
  check_lane_bitmask<double, A>();
  // max_keep_nan: the larger of low and x per lane, and NaN where x is NaN.
  alignas(A::alignment()) float xs[lanes];
  for (std::size_t i = 0; i < lanes; ++i) {
    xs[i] = i % 3 == 0 ? std::nanf("") : static_cast<float>(i) - 4.0f;
  }
  alignas(A::alignment()) float got[lanes];
  ipo::simd::max_keep_nan(batch(-2.5f), batch::load_aligned(xs)).store_aligned(got);
  for (std::size_t i = 0; i < lanes; ++i) {
    if (i % 3 == 0) {
      CHECK(std::isnan(got[i]));
    } else {
      CHECK(got[i] == std::max(-2.5f, static_cast<float>(i) - 4.0f));
    }
  }
}

} // namespace

TEST_CASE("reductions and bitmasks agree with plain loops on every available architecture") {
  int visited = 0;
  ipo::simd::for_each_available_arch([&](auto arch) {
    using A = decltype(arch);
    if constexpr (!std::is_same_v<A, ipo::simd::scalar>) {
      INFO("architecture " << std::string(ipo::simd::arch_name<A>()));
      check_reductions_on<A>();
    }
    ++visited;
  });
  CHECK(visited == static_cast<int>(ipo::simd::available_arch_names().size()));
}

TEST_CASE("without_arch removes one architecture from a list and keeps the order") {
  using ipo::simd::arch_list;
  using ipo::simd::scalar;
  using ipo::simd::without_arch;
  static_assert(
      std::is_same_v<without_arch<arch_list<xsimd::avx2, xsimd::sse2, scalar>, xsimd::sse2>,
                     arch_list<xsimd::avx2, scalar>>);
  static_assert(std::is_same_v<without_arch<arch_list<xsimd::sse2, scalar>, xsimd::avx512f>,
                               arch_list<xsimd::sse2, scalar>>);
  static_assert(std::is_same_v<without_arch<arch_list<scalar>, scalar>, arch_list<>>);
  CHECK(without_arch<arch_list<xsimd::avx2, scalar>, xsimd::avx2>::size == 1);
}

TEST_CASE("dispatch picks the first available architecture and always has scalar") {
  auto const names = ipo::simd::available_arch_names();
  REQUIRE(!names.empty());
  CHECK(names.back() == "scalar");
  std::string chosen = ipo::simd::dispatch(
      [](auto arch) { return std::string(ipo::simd::arch_name<decltype(arch)>()); });
  CHECK(chosen == names.front());
  // A list that holds only the scalar path dispatches to it.
  using only_scalar = ipo::simd::arch_list<ipo::simd::scalar>;
  CHECK(ipo::simd::dispatch<only_scalar>([](auto arch) { return std::string(arch.name()); }) ==
        "scalar");
  MESSAGE("xsimd " << ipo::simd::xsimd_major_version << ", architectures: " << [&] {
    std::string all;
    for (auto const& n : names) {
      all += n + " ";
    }
    return all;
  }());
}

TEST_CASE("dispatch_choice and dispatch_to make dispatch's choice once and replay it") {
  using ipo::simd::arch_list;
  using ipo::simd::id_of;
  using ipo::simd::scalar;
  auto const name_of = [](auto arch) {
    return std::string(ipo::simd::arch_name<decltype(arch)>());
  };
  // The choice names the architecture dispatch() calls.
  ipo::simd::arch_id const chosen = ipo::simd::dispatch_choice();
  CHECK(ipo::simd::dispatch_to(chosen, name_of) == ipo::simd::dispatch(name_of));
  CHECK(ipo::simd::dispatch_to(chosen, name_of) == ipo::simd::available_arch_names().front());
  // Identifiers depend on the name only, and tell the architectures apart.
  static_assert(id_of<xsimd::sse2>() != id_of<xsimd::avx2>() &&
                id_of<scalar>() != id_of<xsimd::sse2>());
  // A hand-written list: each identifier replays its own architecture, wherever it stands.
  using three = arch_list<xsimd::sse2, xsimd::avx2, scalar>;
  CHECK(ipo::simd::dispatch_to<three>(id_of<xsimd::sse2>(), name_of) == "sse2");
  CHECK(ipo::simd::dispatch_to<three>(id_of<xsimd::avx2>(), name_of) == "avx2");
  CHECK(ipo::simd::dispatch_to<three>(id_of<scalar>(), name_of) == "scalar");
  // A choice this list does not hold (made where other flags compiled other paths) is made
  // again among the list's own paths: here the scalar-only list can only run scalar.
  using only_scalar = arch_list<scalar>;
  CHECK(ipo::simd::dispatch_to<only_scalar>(id_of<xsimd::avx2>(), name_of) == "scalar");
  CHECK(ipo::simd::dispatch_choice<only_scalar>() == id_of<scalar>());
}

TEST_CASE("library_path_preferred takes only a wider x86-64 path") {
  using ipo::simd::library_path_preferred;
  using ipo::simd::x86_path_rank;
  CHECK(x86_path_rank("avx512bw") == 4);
  CHECK(x86_path_rank("avx512f") == 4);
  CHECK(x86_path_rank("fma3+avx2") == 3);
  CHECK(x86_path_rank("avx2") == 3);
  CHECK(x86_path_rank("sse4.2") == 2);
  CHECK(x86_path_rank("sse2") == 1);
  CHECK(x86_path_rank("neon64") == 0);
  CHECK(x86_path_rank("scalar") == 0);
  if (!ipo::simd::forced_arch().empty()) {
    return; // IPO_FORCE_ARCH caps the choice; the dispatch tests cover it
  }
  CHECK(library_path_preferred("sse2", "fma3+avx2"));
  CHECK(library_path_preferred("sse2", "avx512bw"));
  CHECK(library_path_preferred("fma3+avx2", "avx512bw"));
  CHECK(library_path_preferred("scalar", "fma3+avx2"));
  CHECK_FALSE(library_path_preferred("avx512bw", "avx512bw"));
  CHECK_FALSE(library_path_preferred("avx512f", "fma3+avx2")); // its own AVX-512F stays
  CHECK_FALSE(library_path_preferred("avx512bw", "fma3+avx2"));
  CHECK_FALSE(library_path_preferred("fma3+avx2", "fma3+avx2"));
}

TEST_CASE("zero_fill_streaming zeroes exactly the range, at any size and alignment") {
  std::vector<unsigned char> buffer(20000);
  for (std::size_t offset : {0u, 1u, 7u, 63u, 64u}) {
    for (std::size_t bytes : {0u, 1u, 100u, 4095u, 4096u, 4097u, 10000u, 12345u}) {
      std::fill(buffer.begin(), buffer.end(), static_cast<unsigned char>(0xAB));
      ipo::simd::zero_fill_streaming(buffer.data() + offset, bytes);
      ipo::simd::streaming_fence();
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < buffer.size(); ++i) {
        bool const inside = i >= offset && i < offset + bytes;
        wrong += buffer[i] != (inside ? 0 : 0xAB);
      }
      CHECK_MESSAGE(wrong == 0, "offset " << offset << ", bytes " << bytes);
    }
  }
}
