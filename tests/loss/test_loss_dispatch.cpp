// ipo::dispatch's loss row kernels (AVX2 and AVX-512, compiled in their own objects), used by
// a consumer built with no -march flag: every set this CPU runs against fp64 written plainly,
// the path the loss takes against the CPU's features (the compiler's cpuid builtin), and a
// whole preference_loss on that path against an fp64 computation of TRL's sigmoid loss.
#include "ipo/loss/detail/compiled_rows.hpp"
#include "ipo/loss/preference_loss.hpp"

#include "../packaging/dispatch_check.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if !defined(IPO_HAS_DISPATCH)
#error "this test links ipo::dispatch"
#endif

namespace {

namespace L = ipo::loss;

template <class T>
std::vector<T> random_row(std::mt19937& rng, std::size_t n, bool with_minus_infinity) {
  std::normal_distribution<float> logit(0.0f, 3.0f);
  std::vector<T> row(n);
  for (std::size_t i = 0; i < n; ++i) {
    float const v =
        with_minus_infinity && i % 97 == 5 ? -std::numeric_limits<float>::infinity() : logit(rng);
    row[i] = ipo::from_float<T>(v);
  }
  return row;
}

// fp64: the row's max and sum of exp(x - max), from the values the row holds.
template <class T>
std::pair<double, double> reference_stats(std::vector<T> const& row) {
  double max = -std::numeric_limits<double>::infinity();
  for (T v : row) {
    max = std::max(max, double(ipo::to_float(v)));
  }
  double sum = 0.0;
  for (T v : row) {
    sum += std::exp(double(ipo::to_float(v)) - max);
  }
  return {max, sum};
}

// Relative precision of storage type T (its rounding of the gradient).
template <class T>
double rounding_of() {
  if constexpr (std::is_same_v<T, float>) {
    return 0.0;
  } else if constexpr (std::is_same_v<T, ipo::bf16>) {
    return std::ldexp(1.0, -8);
  } else {
    return std::ldexp(1.0, -11);
  }
}

template <class T>
void check_set(L::detail::compiled_row_kernels const& set, std::mt19937& rng) {
  for (std::size_t n :
       {std::size_t{1}, std::size_t{7}, std::size_t{33}, std::size_t{1000}, std::size_t{1024},
        std::size_t{1025}, std::size_t{4099}, std::size_t{32000}}) {
    CAPTURE(n);
    std::vector<T> row = random_row<T>(rng, n, n > 7);
    auto const [max, sum] = reference_stats(row);
    L::row_stats const got = set.stats<T>()(row.data(), n);
    CHECK(double(got.max) == max); // the max is one of the values: exact
    CHECK(std::fabs(double(got.sum_exp) - sum) <= 2e-6 * sum);

    // The gradient against fp64, out of place and in place.
    std::size_t const target = n / 3;
    float const scale = -0.37f;
    float const log_sum = std::log(got.sum_exp);
    std::vector<T> out(n);
    set.gradient<T>()(row.data(), out.data(), n, target, got.max, log_sum, scale);
    std::vector<T> in_place = row;
    set.gradient<T>()(in_place.data(), in_place.data(), n, target, got.max, log_sum, scale);
    double worst = 0.0;
    for (std::size_t v = 0; v < n; ++v) {
      double const p = std::exp(double(ipo::to_float(row[v])) - max) / sum;
      double const want = double(scale) * ((v == target ? 1.0 : 0.0) - p);
      double const allowed = rounding_of<T>() * std::fabs(want) + 2e-6 * std::fabs(scale);
      worst = std::max(worst, std::fabs(double(ipo::to_float(out[v])) - want) - allowed);
      REQUIRE(ipo::to_float(in_place[v]) == ipo::to_float(out[v]));
    }
    CHECK(worst <= 0.0);
  }
}

} // namespace

TEST_CASE("ipo::dispatch lists AVX-512 (with and without BF16) and AVX2 row kernels, best first") {
  auto const sets = L::detail::compiled_row_kernel_sets();
  REQUIRE(sets.size() == 3);
  CHECK(std::string_view(sets[0].path) == "avx512bw+bf16");
  CHECK(std::string_view(sets[1].path) == "avx512bw");
  CHECK(std::string_view(sets[2].path) == "fma3+avx2");
  CHECK(std::string_view(sets[0].arch) == "avx512bw");
  CHECK(std::string_view(sets[1].arch) == "avx512bw");
  CHECK(std::string_view(sets[2].arch) == "fma3+avx2");
}

TEST_CASE("every ipo::dispatch row kernel set this CPU runs equals fp64") {
  std::mt19937 rng(2026);
  int ran = 0;
  for (L::detail::compiled_row_kernels const& set : L::detail::compiled_row_kernel_sets()) {
    if (!set.cpu_supports()) {
      continue;
    }
    CAPTURE(set.path);
    ++ran;
    check_set<float>(set, rng);
    check_set<ipo::bf16>(set, rng);
    check_set<ipo::fp16>(set, rng);
  }
  // The sets run exactly on the CPUs whose widest path reaches them.
  int const widest = dispatch_check::widest_rank();
  bool const bf16 = widest == 4 && __builtin_cpu_supports("avx512bf16") != 0;
  CHECK(ran == (widest == 4 ? (bf16 ? 3 : 2) : widest == 3 ? 1 : 0));
}

TEST_CASE("the loss takes the widest row path of the CPU, from its own flags or ipo::dispatch") {
  std::string const name = L::row_kernel_path();
  CAPTURE(name);
  // The path this translation unit's flags compiled in, and the widest the library adds.
  int const own = ipo::simd::dispatch(
      [](auto arch) { return ipo::simd::x86_path_rank(ipo::simd::arch_name<decltype(arch)>()); });
  int const library = dispatch_check::widest_rank();
  bool const from_library = name.ends_with(" (ipo::dispatch)");
  std::string const path = from_library ? name.substr(0, name.size() - 16) : name;
  int const rank = dispatch_check::rank_of(path);
  char const* forced = std::getenv("IPO_FORCE_ARCH");
  if (forced == nullptr || *forced == '\0') {
    CHECK(rank == std::max(own, library));
    CHECK(from_library == (library > own));
    if (from_library && library == 4) {
      // "+bf16" exactly when the CPU has AVX512_BF16.
      CHECK(path.ends_with("+bf16") == (__builtin_cpu_supports("avx512bf16") != 0));
    }
  } else if (std::string_view(forced) == "sse2") {
    CHECK_FALSE(from_library);
    CHECK(name == "sse2");
  } else if (std::string_view(forced) == "avx2") {
    CHECK(rank == std::min(3, std::max(own, library)));
  }
}

TEST_CASE("preference_loss on the chosen row path equals TRL's sigmoid loss in fp64") {
  // 3 pairs x 2 sequences of 6 positions, V = 5000; the first two positions of each sequence
  // are prompt (-100). Labels are not shifted here (options.shift_labels = false).
  constexpr std::size_t pairs = 3, sequences = 2 * pairs, T = 6, V = 5000, rows = sequences * T;
  std::mt19937 rng(7);
  std::vector<float> logits = random_row<float>(rng, rows * V, false);
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = r % T < 2 ? -100 : static_cast<std::int64_t>(rng() % V);
  }
  std::vector<float> const reference = {-40.0f, -41.5f, -39.0f, -42.0f, -38.5f, -40.5f};
  L::preference_loss_options o;
  o.sequence_length = T;
  o.shift_labels = false;
  L::preference_loss_result got;
  L::preference_loss(ipo::matrix_view<float const>(logits.data(), rows, V),
                     std::span<std::int64_t const>(labels), std::span<float const>(reference),
                     L::sigmoid_loss{0.1}, o, got);
  // fp64, written plainly: per-sequence sums of log-softmax at the labels, then TRL's sigmoid
  // loss over the concatenated layout (chosen sequences first).
  std::vector<double> logp(sequences, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    if (labels[r] < 0) {
      continue;
    }
    double max = -1e300, sum = 0.0;
    for (std::size_t v = 0; v < V; ++v) {
      max = std::max(max, double(logits[r * V + v]));
    }
    for (std::size_t v = 0; v < V; ++v) {
      sum += std::exp(double(logits[r * V + v]) - max);
    }
    logp[r / T] += double(logits[r * V + std::size_t(labels[r])]) - max - std::log(sum);
  }
  double loss = 0.0;
  for (std::size_t i = 0; i < pairs; ++i) {
    double const margin =
        0.1 * ((logp[i] - reference[i]) - (logp[pairs + i] - reference[pairs + i]));
    loss += std::log1p(std::exp(-margin)) / pairs;
  }
  for (std::size_t s = 0; s < sequences; ++s) {
    CHECK(got.policy_logps[s] == doctest::Approx(logp[s]).epsilon(1e-6));
  }
  CHECK(got.loss == doctest::Approx(loss).epsilon(1e-6));
}
