// ipo::dispatch's loss row kernels (AVX2 and AVX-512, compiled in their own objects), used by
// a consumer built with no -march flag: every set this CPU runs against fp64 written plainly,
// the path the loss takes against the CPU's features (the compiler's cpuid builtin), a whole
// preference_loss on that path against an fp64 computation of TRL's sigmoid loss, and
// fused_linear_preference_loss through the library's chunk sweep against the same in fp64.
#include "ipo/loss/detail/compiled_rows.hpp"
#include "ipo/loss/fused_linear.hpp"
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

TEST_CASE("every ipo::dispatch sweep was built with this consumer's linear_sweep layout") {
  // Else run_linear_sweep() would quietly keep this translation unit's (SSE2) GEMMs.
  for (L::detail::compiled_row_kernels const& set : L::detail::compiled_row_kernel_sets()) {
    CAPTURE(set.path);
    bool const has_sweep = set.sweep != nullptr;
    REQUIRE(has_sweep);
    CHECK(set.sweep_layout == L::detail::linear_sweep_layout());
  }
}

TEST_CASE("the loss takes the widest row path: fused_linear_preference_loss equals fp64") {
  // 2 pairs x 2 sequences of 5 positions, H = 24, V = 700, the first position of each sequence
  // is prompt; chunks of at most 6 scored rows (each pair has 8, so one pair per chunk), with
  // and without a bias. Against fp64 written plainly: logits = h W^T + b, the per-sequence
  // log-probabilities, TRL's sigmoid loss and its gradients with respect to h, W and b.
  constexpr std::size_t pairs = 2, sequences = 2 * pairs, T = 5, H = 24, V = 700;
  constexpr std::size_t rows = sequences * T;
  constexpr double beta = 0.1;
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  std::vector<float> hidden(rows * H), weight(V * H), bias(V);
  for (float& x : hidden) {
    x = normal(rng);
  }
  for (float& x : weight) {
    x = normal(rng);
  }
  for (float& x : bias) {
    x = normal(rng);
  }
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = r % T == 0 ? -100 : static_cast<std::int64_t>(rng() % V);
  }
  std::vector<float> const reference = {-30.0f, -31.5f, -29.0f, -32.0f};
  for (bool const with_bias : {false, true}) {
    CAPTURE(with_bias);
    std::span<float const> const b =
        with_bias ? std::span<float const>(bias) : std::span<float const>();
    // fp64: d(loss)/d(logits) per row, then the products.
    std::vector<double> logp(sequences, 0.0), probs(rows * V, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      if (labels[r] < 0) {
        continue;
      }
      double max = -1e300;
      for (std::size_t v = 0; v < V; ++v) {
        double z = with_bias ? double(bias[v]) : 0.0;
        for (std::size_t k = 0; k < H; ++k) {
          z += double(hidden[r * H + k]) * double(weight[v * H + k]);
        }
        probs[r * V + v] = z;
        max = std::max(max, z);
      }
      double sum = 0.0;
      for (std::size_t v = 0; v < V; ++v) {
        sum += std::exp(probs[r * V + v] - max);
      }
      logp[r / T] += probs[r * V + std::size_t(labels[r])] - max - std::log(sum);
      for (std::size_t v = 0; v < V; ++v) {
        probs[r * V + v] = std::exp(probs[r * V + v] - max) / sum;
      }
    }
    double loss = 0.0;
    std::vector<double> d_logp(sequences, 0.0);
    for (std::size_t i = 0; i < pairs; ++i) {
      double const margin =
          beta * ((logp[i] - reference[i]) - (logp[pairs + i] - reference[pairs + i]));
      loss += std::log1p(std::exp(-margin)) / pairs;
      double const d_margin = -1.0 / (1.0 + std::exp(margin)) / pairs;
      d_logp[i] = beta * d_margin;
      d_logp[pairs + i] = -beta * d_margin;
    }
    std::vector<double> want_dh(rows * H, 0.0), want_dw(V * H, 0.0), want_db(V, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      if (labels[r] < 0) {
        continue;
      }
      for (std::size_t v = 0; v < V; ++v) {
        double const d =
            d_logp[r / T] * ((v == std::size_t(labels[r]) ? 1.0 : 0.0) - probs[r * V + v]);
        want_db[v] += d;
        for (std::size_t k = 0; k < H; ++k) {
          want_dh[r * H + k] += d * double(weight[v * H + k]);
          want_dw[v * H + k] += d * double(hidden[r * H + k]);
        }
      }
    }

    L::preference_loss_options o;
    o.sequence_length = T;
    o.shift_labels = false;
    L::fused_linear_options chunking;
    chunking.chunk_rows = 6;
    std::vector<float> dh(rows * H), dw(V * H), db(with_bias ? V : 0);
    L::fused_linear_gradients gradients{ipo::matrix_view<float>(dh.data(), rows, H),
                                        ipo::matrix_view<float>(dw.data(), V, H), db};
    L::preference_loss_result got;
    L::linear_reference ref;
    ref.logps = reference;
    L::fused_linear_report const report =
        L::fused_linear_preference_loss(ipo::matrix_view<float const>(hidden.data(), rows, H),
                                        ipo::matrix_view<float const>(weight.data(), V, H), b,
                                        std::span<std::int64_t const>(labels), ref,
                                        L::sigmoid_loss{beta}, o, chunking, got, gradients);
    CHECK(report.chunks == pairs);
    CHECK(got.loss == doctest::Approx(loss).epsilon(1e-5));
    for (std::size_t s = 0; s < sequences; ++s) {
      CHECK(got.policy_logps[s] == doctest::Approx(logp[s]).epsilon(1e-5));
    }
    auto worst = [](std::vector<float> const& x, std::vector<double> const& want) {
      double largest = 0.0, error = 0.0;
      for (std::size_t k = 0; k < want.size(); ++k) {
        largest = std::max(largest, std::fabs(want[k]));
        error = std::max(error, std::fabs(double(x[k]) - want[k]));
      }
      return error / largest;
    };
    CHECK(worst(dh, want_dh) < 1e-5);
    CHECK(worst(dw, want_dw) < 1e-5);
    if (with_bias) {
      CHECK(worst(db, want_db) < 1e-5);
    }
  }
}
