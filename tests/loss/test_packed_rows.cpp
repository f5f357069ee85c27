// The 16-byte phases of the CUDA kernels (detail/packed_rows.hpp, detail/phases.hpp) on the
// host: every start offset from a 16-byte boundary, row lengths around the pack width, thread
// counts that do and do not divide them. Each result is checked against an fp64 computation
// written plainly, and the memory around a row against its sentinel.
#include "ipo/loss/detail/packed_rows.hpp"
#include "ipo/loss/detail/phases.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include "ipo/core/dtype.hpp"

namespace D = ipo::loss::detail;

namespace {

constexpr std::size_t lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 97, 1000};
constexpr unsigned thread_counts[] = {1, 3, 32, 256};

// A buffer whose element `offset` sits `offset * sizeof(T)` bytes past a 16-byte boundary,
// with `n` random values there and a sentinel everywhere else.
template <class T>
struct placed_row {
  std::vector<D::pack<T>> storage; // pack is 16-byte aligned, so storage.data() is too
  std::size_t offset;
  std::size_t n;
  static constexpr float sentinel = 77.0f;

  placed_row(std::size_t offset_, std::size_t n_, unsigned seed) : offset(offset_), n(n_) {
    storage.resize((offset + n) / D::pack_lanes<T> + 2);
    for (std::size_t k = 0; k < size(); ++k) {
      begin()[k] = ipo::from_float<T>(sentinel);
    }
    std::mt19937 rng(seed);
    std::normal_distribution<float> logit(0.0f, 3.0f);
    for (std::size_t v = 0; v < n; ++v) {
      row()[v] = ipo::from_float<T>(logit(rng));
    }
  }
  T* begin() { return storage.front().lane; }
  std::size_t size() const { return storage.size() * D::pack_lanes<T>; }
  T* row() { return begin() + offset; }
  bool outside_untouched() {
    for (std::size_t k = 0; k < size(); ++k) {
      if ((k < offset || k >= offset + n) && ipo::to_float(begin()[k]) != sentinel) {
        return false;
      }
    }
    return true;
  }
};

template <class T>
double log_sum_exp_fp64(T const* x, std::size_t n) {
  double m = -INFINITY;
  for (std::size_t v = 0; v < n; ++v) {
    m = std::max(m, double(ipo::to_float(x[v])));
  }
  double sum = 0;
  for (std::size_t v = 0; v < n; ++v) {
    sum += std::exp(double(ipo::to_float(x[v])) - m);
  }
  return m + std::log(sum);
}

template <class T>
ipo::loss::row_stats block_stats(T const* x, std::size_t n, unsigned threads) {
  ipo::loss::row_stats total{};
  for (unsigned tid = 0; tid < threads; ++tid) {
    total = ipo::loss::row_stats::merge(total, D::thread_row_stats_packed(x, n, tid, threads));
  }
  return total;
}

template <class T>
void check_gradient(T const* x, T* out, std::size_t n, unsigned threads, double tolerance) {
  std::size_t const target = n / 2;
  float const scale = -0.75f;
  auto const stats = block_stats(x, n, threads);
  float const log_sum = std::log(stats.sum_exp);
  double const lse = log_sum_exp_fp64(x, n);
  std::vector<double> expected(n);
  for (std::size_t v = 0; v < n; ++v) {
    double const p = std::exp(double(ipo::to_float(x[v])) - lse);
    expected[v] = scale * ((v == target ? 1.0 : 0.0) - p);
  }
  for (unsigned tid = 0; tid < threads; ++tid) {
    D::thread_row_gradient_packed(x, out, n, target, stats.max, log_sum, scale, tid, threads);
  }
  for (std::size_t v = 0; v < n; ++v) {
    INFO("element " << v);
    // Within `tolerance` of the largest possible entry, |scale|.
    REQUIRE(std::fabs(double(ipo::to_float(out[v])) - expected[v]) <= tolerance * std::fabs(scale));
  }
}

template <class T>
void check_every_placement(double tolerance) {
  unsigned seed = 1;
  for (std::size_t offset = 0; offset < D::pack_lanes<T>; ++offset) {
    for (std::size_t n : lengths) {
      for (unsigned threads : thread_counts) {
        INFO("offset " << offset << ", n " << n << ", threads " << threads);
        placed_row<T> x(offset, n, ++seed);
        auto const split = D::split_row(x.row(), n);
        REQUIRE(split.head + split.packs * D::pack_lanes<T> + split.tail == n);
        REQUIRE(split.head < D::pack_lanes<T>);
        if (split.packs > 0) {
          REQUIRE(D::misalignment(x.row() + split.head) == 0);
        }

        auto const stats = block_stats(x.row(), n, threads);
        if (n == 0) {
          REQUIRE(stats.sum_exp == 0.0f);
          continue;
        }
        REQUIRE(double(stats.log_sum_exp()) ==
                doctest::Approx(log_sum_exp_fp64(x.row(), n)).epsilon(1e-6));

        for (std::size_t out_offset : {offset, (offset + 1) % D::pack_lanes<T>}) {
          INFO("gradient at offset " << out_offset);
          placed_row<T> out(out_offset, n, 0);
          check_gradient(x.row(), out.row(), n, threads, tolerance);
          REQUIRE(out.outside_untouched());
        }
        placed_row<T> in_place(offset, n, seed); // the same values as x
        check_gradient(static_cast<T const*>(in_place.row()), in_place.row(), n, threads,
                       tolerance);
        check_gradient(static_cast<T const*>(in_place.row()), in_place.row(), 0, threads,
                       tolerance); // n = 0 writes nothing
        REQUIRE(in_place.outside_untouched());

        placed_row<T> zeros(offset, n, seed);
        for (unsigned tid = 0; tid < threads; ++tid) {
          D::thread_zero_row(zeros.row(), n, tid, threads);
        }
        for (std::size_t v = 0; v < n; ++v) {
          REQUIRE(ipo::to_float(zeros.row()[v]) == 0.0f);
          REQUIRE(!std::signbit(ipo::to_float(zeros.row()[v])));
        }
        REQUIRE(zeros.outside_untouched());
      }
    }
  }
}

} // namespace

TEST_CASE_TEMPLATE("16-byte row phases: every start offset, length and thread count", T, float,
                   ipo::bf16, ipo::fp16) {
  // The gradient is rounded to T once: fp32 to ~1e-7, bf16 to 2^-8, fp16 to 2^-11 relative.
  double const tolerance = std::is_same_v<T, float>       ? 1e-5
                           : std::is_same_v<T, ipo::bf16> ? std::ldexp(1.0, -7)
                                                          : std::ldexp(1.0, -10);
  check_every_placement<T>(tolerance);
}

TEST_CASE("16-byte row phases: -inf logits") {
  // A pack of -inf adds nothing; a row of -inf but one value has all its mass there.
  alignas(16) float row[12];
  for (float& v : row) {
    v = -INFINITY;
  }
  row[9] = 2.5f;
  for (unsigned threads : thread_counts) {
    auto const stats = block_stats(row, 12, threads);
    REQUIRE(stats.max == 2.5f);
    REQUIRE(stats.sum_exp == 1.0f);
  }
}

TEST_CASE_TEMPLATE("fp32 chunk logits to a 16-bit gradient (the fused linear's backward operand)",
                   T, ipo::bf16, ipo::fp16) {
  double const rounding = std::is_same_v<T, ipo::bf16> ? std::ldexp(1.0, -8) : std::ldexp(1.0, -11);
  for (std::size_t in_offset = 0; in_offset < D::pack_lanes<float>; ++in_offset) {
    for (std::size_t out_offset : {std::size_t{0}, in_offset, D::pack_lanes<T> - 1}) {
      for (std::size_t n : {1, 7, 8, 9, 97, 1000}) {
        for (unsigned threads : {1u, 32u, 256u}) {
          INFO("input offset " << in_offset << ", output offset " << out_offset << ", n " << n
                               << ", threads " << threads);
          placed_row<float> x(in_offset, n, 40 + unsigned(n));
          placed_row<T> out(out_offset, n, 0);
          std::size_t const target = n - 1;
          float const scale = 0.5f;
          auto const stats = block_stats(x.row(), n, threads);
          for (unsigned tid = 0; tid < threads; ++tid) {
            D::thread_row_gradient_packed(static_cast<float const*>(x.row()), out.row(), n, target,
                                          stats.max, std::log(stats.sum_exp), scale, tid, threads);
          }
          double const lse = log_sum_exp_fp64(x.row(), n);
          for (std::size_t v = 0; v < n; ++v) {
            double const expected =
                scale * ((v == target ? 1.0 : 0.0) - std::exp(double(x.row()[v]) - lse));
            double const got = ipo::to_float(out.row()[v]);
            // One rounding to T of the fp32 value (relative), the fp32 math (absolute), and
            // fp16's subnormal spacing.
            REQUIRE(std::fabs(got - expected) <= rounding * std::fabs(expected) + 1e-6 * scale +
                                                     (std::is_same_v<T, ipo::fp16> ? 6e-8 : 0.0));
          }
          REQUIRE(out.outside_untouched());
        }
      }
    }
  }
}
