#include "ipo/loss/row_stats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ipo/loss/detail/row_kernels.hpp"
#include "ipo/loss/stats.hpp" // row_stats itself, usable without the kernels
#include "ipo/simd/dispatch.hpp"

namespace L = ipo::loss;

namespace {

double lse_reference(std::vector<double> const& x) {
  double m = -INFINITY;
  for (double v : x) {
    m = std::max(m, v);
  }
  double s = 0;
  for (double v : x) {
    s += std::exp(v - m);
  }
  return m + std::log(s);
}

template <class T>
std::vector<T> random_row(std::size_t n, unsigned seed, float scale = 3.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<T> x(n);
  for (auto& v : x) {
    v = ipo::from_float<T>(d(rng));
  }
  return x;
}

} // namespace

TEST_CASE_TEMPLATE("row kernels on every available SIMD path agree with fp64", T, float, ipo::bf16,
                   ipo::fp16) {
  for (std::size_t n : {1, 3, 15, 16, 17, 64, 1000, 1024, 1025, 5003}) {
    auto const x = random_row<T>(n, static_cast<unsigned>(n));
    std::vector<double> wide(n);
    for (std::size_t i = 0; i < n; ++i) {
      wide[i] = ipo::to_float(x[i]);
    }
    double const lse = lse_reference(wide);
    std::size_t const target = n / 2;
    float const scale = -0.37f;
    ipo::simd::for_each_available_arch([&](auto arch) {
      INFO("architecture " << std::string(ipo::simd::arch_name<decltype(arch)>()) << ", n = " << n);
      auto const stats = L::detail::row_max_sum_exp(arch, x.data(), n);
      REQUIRE(stats.max + std::log(stats.sum_exp) == doctest::Approx(lse).epsilon(1e-6));
      std::vector<T> out(n);
      L::detail::row_gradient(arch, x.data(), out.data(), n, target, stats.max,
                              std::log(stats.sum_exp), scale);
      // fp32: a few ulps of exp plus the rounding of the row statistics; bf16 / fp16: the
      // output rounding (2^-8 relative, and fp16's subnormal spacing 2^-24 absolute).
      double const relative = std::is_same_v<T, float> ? 2e-6 : std::ldexp(1.0, -8);
      double const absolute = std::is_same_v<T, ipo::fp16> ? std::ldexp(1.0, -24) : 1e-12;
      for (std::size_t i = 0; i < n; ++i) {
        double const want = scale * ((i == target ? 1.0 : 0.0) - std::exp(wide[i] - lse));
        double const got = ipo::to_float(out[i]);
        if (std::fabs(got - want) > relative * std::fabs(want) + absolute) {
          FAIL("gradient[" << i << "] = " << got << ", fp64 " << want);
        }
      }
    });
  }
}

TEST_CASE_TEMPLATE("row statistics when the max comes late: past the running shift by more or "
                   "less than the slack, twice, after -inf blocks, in the tail, near 1e4",
                   T, float, ipo::bf16, ipo::fp16) {
  struct shape {
    char const* what;
    std::size_t n;
    std::size_t late; // where a late max goes ...
    float above;      // ... and how far above the first block's max
    float offset;     // added to every entry
    std::size_t neg_inf_prefix;
  };
  float const big = std::is_same_v<T, ipo::fp16> ? 0.0f : 1.0e4f; // fp16 tops out at 65504
  for (shape const s : {shape{"a late max 3.5 above (the shift is kept)", 5000, 3000, 3.5f, 0, 0},
                        shape{"a late max 100 above (summed again)", 5000, 3000, 100.0f, 0, 0},
                        shape{"two rises past the slack", 6000, 2100, 80.0f, 0, 0},
                        shape{"after two blocks of -inf", 4000, 3500, 5.0f, 0, 2048},
                        shape{"the max in the tail", 3 * 1024 + 7, 3 * 1024 + 5, 70.0f, 0, 0},
                        shape{"near 1e4", 4100, 1500, 20.0f, big, 0}}) {
    auto x = random_row<T>(s.n, static_cast<unsigned>(s.n + s.late));
    for (std::size_t i = 0; i < s.neg_inf_prefix; ++i) {
      x[i] = ipo::from_float<T>(-INFINITY);
    }
    float first_block_max = -INFINITY;
    for (std::size_t i = s.neg_inf_prefix; i < s.neg_inf_prefix + 1024; ++i) {
      first_block_max = std::max(first_block_max, ipo::to_float(x[i]));
    }
    x[s.late] = ipo::from_float<T>(first_block_max + s.above);
    if (s.late == 2100) {
      x[5000] = ipo::from_float<T>(first_block_max + s.above + 90.0f); // a second rise
    }
    for (std::size_t i = s.neg_inf_prefix; i < s.n; ++i) {
      x[i] = ipo::from_float<T>(ipo::to_float(x[i]) + s.offset);
    }
    std::vector<double> wide(s.n);
    double max = -INFINITY;
    for (std::size_t i = 0; i < s.n; ++i) {
      wide[i] = ipo::to_float(x[i]);
      max = std::max(max, wide[i]);
    }
    double const lse = lse_reference(wide);
    ipo::simd::for_each_available_arch([&](auto arch) {
      INFO(std::string(s.what) << ", architecture "
                               << std::string(ipo::simd::arch_name<decltype(arch)>()));
      auto const stats = L::detail::row_max_sum_exp(arch, x.data(), s.n);
      CHECK(stats.max == max);
      // log(sum) against fp64 (the relative error of the sum, as an absolute one): a few ulps
      // of exp plus fp32 summation (the scalar path adds 1024 terms in a row).
      CHECK(std::fabs(std::log(static_cast<double>(stats.sum_exp)) - (lse - max)) < 4e-6);
    });
  }
}

TEST_CASE_TEMPLATE("a row's largest term counts exactly 1: one-element rows sum to 1, two equal "
                   "entries to 2",
                   T, float, ipo::bf16, ipo::fp16) {
  for (float const v : {0.0f, 1.0f, -3.75f, 123.5f, 1.0e4f, -1.0e4f}) {
    if (std::is_same_v<T, ipo::fp16> && std::fabs(v) > 60000.0f) {
      continue;
    }
    std::vector<T> const one(1, ipo::from_float<T>(v));
    std::vector<T> const two(2, ipo::from_float<T>(v));
    ipo::simd::for_each_available_arch([&](auto arch) {
      INFO("architecture " << std::string(ipo::simd::arch_name<decltype(arch)>()) << ", x = " << v);
      auto const single = L::detail::row_max_sum_exp(arch, one.data(), 1);
      CHECK(single.max == ipo::to_float(one[0]));
      CHECK(single.sum_exp == 1.0f);
      CHECK(L::detail::row_max_sum_exp(arch, two.data(), 2).sum_exp == 2.0f);
    });
  }
}

TEST_CASE("rows of -inf entries (masked vocabulary) and all -inf rows") {
  std::vector<float> x = {-INFINITY, 2.0f, -INFINITY, 1.0f};
  ipo::simd::for_each_available_arch([&](auto arch) {
    auto const stats = L::detail::row_max_sum_exp(arch, x.data(), x.size());
    CHECK(stats.max + std::log(stats.sum_exp) ==
          doctest::Approx(std::log(std::exp(2.0) + std::exp(1.0))));
    std::vector<float> all(40, -INFINITY);
    auto const empty = L::detail::row_max_sum_exp(arch, all.data(), all.size());
    CHECK(empty.sum_exp == 0.0f);
    CHECK(empty.max == -INFINITY);
  });
}

TEST_CASE("a vocabulary split into two shards merges to the statistics of the whole row") {
  std::size_t const rows = 5, vocab = 2001;
  std::vector<float> logits(rows * vocab);
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.0f, 4.0f);
  for (auto& v : logits) {
    v = d(rng);
  }
  for (std::size_t split : {std::size_t{1}, std::size_t{1000}, std::size_t{2000}}) {
    std::vector<L::row_stats> left(rows), right(rows);
    L::partial_row_stats(ipo::matrix_view<float const>(logits.data(), rows, split, vocab),
                         std::span(left));
    L::partial_row_stats(
        ipo::matrix_view<float const>(logits.data() + split, rows, vocab - split, vocab),
        std::span(right));
    L::merge_row_stats(std::span(left), std::span<L::row_stats const>(right));
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<double> row(logits.begin() + static_cast<std::ptrdiff_t>(r * vocab),
                              logits.begin() + static_cast<std::ptrdiff_t>((r + 1) * vocab));
      CHECK(left[r].log_sum_exp() == doctest::Approx(lse_reference(row)).epsilon(1e-6));
    }
  }
  // The empty summary is neutral.
  L::row_stats const some{1.5f, 2.0f};
  CHECK(L::row_stats::merge(some, {}).max == 1.5f);
  CHECK(L::row_stats::merge({}, some).sum_exp == 2.0f);
  std::vector<L::row_stats> three(3);
  CHECK_THROWS_WITH_AS(
      L::merge_row_stats(std::span(three), std::span<L::row_stats const>(three.data(), 2)),
      doctest::Contains("'other.size()' = 2"), ipo::argument_error);
}
