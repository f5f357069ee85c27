#include "ipo/loss/fused_linear.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "cases.hpp"
#include "reference.hpp"

namespace L = ipo::loss;

namespace {

struct problem {
  std::size_t pairs = 3, T = 6, H = 24, V = 53;
  std::vector<float> hidden, weight, bias, ref_hidden, ref_weight;
  std::vector<std::int64_t> labels;
  std::vector<float> ref;
  std::size_t rows() const { return 2 * pairs * T; }
};

problem make_problem(unsigned seed, std::size_t pairs = 3, std::size_t T = 6, std::size_t H = 24,
                     std::size_t V = 53) {
  problem p;
  p.pairs = pairs;
  p.T = T;
  p.H = H;
  p.V = V;
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.5f);
  auto fill = [&](std::vector<float>& v, std::size_t count) {
    v.resize(count);
    for (auto& x : v) {
      x = n(rng);
    }
  };
  fill(p.hidden, p.rows() * p.H);
  fill(p.weight, p.V * p.H);
  fill(p.bias, p.V);
  fill(p.ref_hidden, p.rows() * p.H);
  fill(p.ref_weight, p.V * p.H);
  std::uniform_int_distribution<std::int64_t> token(0, static_cast<std::int64_t>(p.V) - 1);
  p.labels.resize(p.rows());
  for (std::size_t r = 0; r < p.rows(); ++r) {
    p.labels[r] = (r % p.T < 2) ? -100 : token(rng);
  }
  float const reference_logps[] = {-30.f, -28.f, -33.f, -31.f, -29.f, -35.f};
  p.ref.resize(2 * pairs);
  for (std::size_t s = 0; s < p.ref.size(); ++s) {
    p.ref[s] = reference_logps[s % 6];
  }
  return p;
}

// logits[row][v] = sum_k hidden[row][k] weight[v][k] + bias[v], in double.
std::vector<double> logits_fp64(std::vector<float> const& hidden, std::vector<float> const& weight,
                                std::vector<float> const& bias, std::size_t rows, std::size_t H,
                                std::size_t V) {
  std::vector<double> out(rows * V);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t v = 0; v < V; ++v) {
      double s = bias.empty() ? 0.0 : bias[v];
      for (std::size_t k = 0; k < H; ++k) {
        s += double(hidden[r * H + k]) * weight[v * H + k];
      }
      out[r * V + v] = s;
    }
  }
  return out;
}

} // namespace

TEST_CASE("fused linear: loss and all three gradients match the fp64 reference, every objective") {
  cases::for_each_objective([&](auto objective, reference::objective_fn const& f) {
    using O = decltype(objective);
    INFO("objective " << objective.name());
    problem p = make_problem(7);
    auto const logits = logits_fp64(p.hidden, p.weight, p.bias, p.rows(), p.H, p.V);
    std::vector<double> ref(p.ref.begin(), p.ref.end());
    auto const want = reference::run(
        [&](std::size_t r, std::size_t v) { return logits[r * p.V + v]; }, p.rows(), p.V, p.labels,
        p.T, true, false, O::reference_free ? std::vector<double>{} : ref, f, objective.beta, 0.0,
        true);
    // Chain rule in fp64: d_hidden = dL W, d_weight = dL^T H, d_bias = column sums of dL.
    std::vector<double> dh(p.rows() * p.H, 0.0), dw(p.V * p.H, 0.0), db(p.V, 0.0);
    for (std::size_t r = 0; r < p.rows(); ++r) {
      for (std::size_t v = 0; v < p.V; ++v) {
        double const g = want.gradient[r * p.V + v];
        db[v] += g;
        for (std::size_t k = 0; k < p.H; ++k) {
          dh[r * p.H + k] += g * p.weight[v * p.H + k];
          dw[v * p.H + k] += g * p.hidden[r * p.H + k];
        }
      }
    }
    for (std::size_t chunk_rows : {std::size_t{0}, std::size_t{1}, std::size_t{20}}) {
      INFO("chunk_rows " << chunk_rows);
      std::vector<float> d_hidden(p.rows() * p.H, 9.f), d_weight(p.V * p.H, 9.f), d_bias(p.V, 9.f);
      L::preference_loss_options o;
      o.sequence_length = p.T;
      L::linear_reference reference_side;
      if (!O::reference_free) {
        reference_side.logps = p.ref;
      }
      L::preference_loss_result got;
      auto const report = L::fused_linear_preference_loss(
          ipo::matrix_view<float const>(p.hidden.data(), p.rows(), p.H),
          ipo::matrix_view<float const>(p.weight.data(), p.V, p.H), std::span<float const>(p.bias),
          std::span<std::int64_t const>(p.labels), reference_side, objective, o,
          L::fused_linear_options{chunk_rows}, got,
          {ipo::matrix_view<float>(d_hidden.data(), p.rows(), p.H),
           ipo::matrix_view<float>(d_weight.data(), p.V, p.H), std::span<float>(d_bias)});
      REQUIRE(got.loss == doctest::Approx(want.loss).epsilon(1e-5).scale(1e-6));
      for (std::size_t s = 0; s < want.logps.size(); ++s) {
        REQUIRE(got.policy_logps[s] == doctest::Approx(want.logps[s]).epsilon(1e-5));
      }
      auto check = [](std::vector<float> const& a, std::vector<double> const& b, char const* name) {
        double scale = 1e-12;
        for (double x : b) {
          scale = std::max(scale, std::fabs(x));
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
          if (std::fabs(a[i] - b[i]) > 1e-4 * scale) {
            FAIL(name << "[" << i << "] = " << a[i] << ", reference " << b[i]);
          }
        }
      };
      check(d_hidden, dh, "d_hidden");
      check(d_weight, dw, "d_weight");
      check(d_bias, db, "d_bias");
      if (chunk_rows == 1) { // a chunk holds at least one whole pair
        CHECK(report.chunks == p.pairs);
      }
      CHECK(report.peak_extra_bytes >= report.max_chunk_rows * p.V * sizeof(float));
    }
  });
}

TEST_CASE(
    "fused linear: reference hidden states give the same result as their precomputed log-probs") {
  problem p = make_problem(9);
  auto const ref_logits = logits_fp64(p.ref_hidden, p.ref_weight, {}, p.rows(), p.H, p.V);
  auto const ref_run = reference::run(
      [&](std::size_t r, std::size_t v) { return ref_logits[r * p.V + v]; }, p.rows(), p.V,
      p.labels, p.T, true, false, {}, reference::sigmoid(0.1, 0), 0.1, 0.0, false);
  std::vector<float> ref_logps(ref_run.logps.begin(), ref_run.logps.end());
  L::preference_loss_options o;
  o.sequence_length = p.T;
  auto const H = ipo::matrix_view<float const>(p.hidden.data(), p.rows(), p.H);
  auto const W = ipo::matrix_view<float const>(p.weight.data(), p.V, p.H);
  L::preference_loss_result from_hidden, from_logps;
  L::linear_reference by_hidden{{},
                                ipo::matrix_view<float const>(p.ref_hidden.data(), p.rows(), p.H),
                                ipo::matrix_view<float const>(p.ref_weight.data(), p.V, p.H),
                                {}};
  L::fused_linear_preference_loss(H, W, {}, std::span<std::int64_t const>(p.labels), by_hidden,
                                  L::sigmoid_loss{}, o, {}, from_hidden);
  L::linear_reference by_logps{ref_logps, {}, {}, {}};
  L::fused_linear_preference_loss(H, W, {}, std::span<std::int64_t const>(p.labels), by_logps,
                                  L::sigmoid_loss{}, o, {}, from_logps);
  CHECK(from_hidden.loss == doctest::Approx(from_logps.loss).epsilon(1e-5));
  CHECK(from_hidden.mean_chosen_reward ==
        doctest::Approx(from_logps.mean_chosen_reward).epsilon(1e-4).scale(1e-5));
}

namespace {

// The fused linear call on 1, 2 and 3 threads against the fp64 chain rule, and the same bits
// for each thread count.
void check_blocked_products(problem const& p) {
  auto const logits = logits_fp64(p.hidden, p.weight, p.bias, p.rows(), p.H, p.V);
  std::vector<double> const ref(p.ref.begin(), p.ref.end());
  auto const want = reference::run(
      [&](std::size_t r, std::size_t v) { return logits[r * p.V + v]; }, p.rows(), p.V, p.labels,
      p.T, true, false, ref, reference::sigmoid(0.1, 0.0), 0.1, 0.0, true);
  std::vector<double> dh(p.rows() * p.H, 0.0), dw(p.V * p.H, 0.0);
  for (std::size_t r = 0; r < p.rows(); ++r) {
    for (std::size_t v = 0; v < p.V; ++v) {
      double const g = want.gradient[r * p.V + v];
      for (std::size_t k = 0; k < p.H; ++k) {
        dh[r * p.H + k] += g * p.weight[v * p.H + k];
        dw[v * p.H + k] += g * p.hidden[r * p.H + k];
      }
    }
  }
  auto max_abs = [](std::vector<double> const& v) {
    double m = 1e-12;
    for (double x : v) {
      m = std::max(m, std::fabs(x));
    }
    return m;
  };
  auto max_error = [](std::vector<float> const& got, std::vector<double> const& want) {
    double m = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      m = std::max(m, std::fabs(got[i] - want[i]));
    }
    return m;
  };
  std::vector<float> first_dh, first_dw;
  double first_loss = 0.0;
  for (unsigned threads : {1u, 2u, 3u}) {
    INFO("threads " << threads);
    std::vector<float> d_hidden(p.rows() * p.H, 9.f), d_weight(p.V * p.H, 9.f);
    L::preference_loss_options o;
    o.sequence_length = p.T;
    o.threads = threads;
    L::preference_loss_result got;
    L::fused_linear_preference_loss(
        ipo::matrix_view<float const>(p.hidden.data(), p.rows(), p.H),
        ipo::matrix_view<float const>(p.weight.data(), p.V, p.H), std::span<float const>(p.bias),
        std::span<std::int64_t const>(p.labels), L::linear_reference{p.ref, {}, {}, {}},
        L::sigmoid_loss{0.1, 0.0}, o, {}, got,
        {ipo::matrix_view<float>(d_hidden.data(), p.rows(), p.H),
         ipo::matrix_view<float>(d_weight.data(), p.V, p.H),
         {}});
    CHECK(got.loss == doctest::Approx(want.loss).epsilon(1e-5));
    CHECK(max_error(d_hidden, dh) <= 1e-4 * max_abs(dh));
    CHECK(max_error(d_weight, dw) <= 1e-4 * max_abs(dw));
    if (threads == 1) {
      first_loss = got.loss;
      first_dh = d_hidden;
      first_dw = d_weight;
    } else {
      CHECK(got.loss == first_loss);
      CHECK(std::memcmp(d_hidden.data(), first_dh.data(), d_hidden.size() * sizeof(float)) == 0);
      CHECK(std::memcmp(d_weight.data(), first_dw.data(), d_weight.size() * sizeof(float)) == 0);
    }
  }
}

} // namespace

TEST_CASE("fused linear: products in blocks on several threads match fp64, the same bits for "
          "every thread count") {
  // 2 vocabulary blocks, and dH_c in 2 x 2 tiles (268 scored rows, 296 hidden columns), the
  // last block of each kind partial.
  problem const tiled = make_problem(21, 2, 69, L::detail::kTile + 40, L::detail::kVocabBlock + 52);
  REQUIRE(2 * 2 * (tiled.T - 2) > L::detail::kTile);
  check_blocked_products(tiled);
  // A wide hidden size: dH_c in 5 blocks of columns, all rows each.
  problem const wide =
      make_problem(22, 1, 10, L::detail::kWideHidden + 40, L::detail::kVocabBlock + 52);
  check_blocked_products(wide);
}

TEST_CASE("fused linear: chunking does not change results; bad shapes are named") {
  problem p = make_problem(13);
  L::preference_loss_options o;
  o.sequence_length = p.T;
  auto const H = ipo::matrix_view<float const>(p.hidden.data(), p.rows(), p.H);
  auto const W = ipo::matrix_view<float const>(p.weight.data(), p.V, p.H);
  L::preference_loss_result one_chunk, many;
  L::linear_reference ref{p.ref, {}, {}, {}};
  auto const r1 = L::fused_linear_preference_loss(H, W, {}, std::span<std::int64_t const>(p.labels),
                                                  ref, L::sigmoid_loss{}, o, {}, one_chunk);
  auto const r2 =
      L::fused_linear_preference_loss(H, W, {}, std::span<std::int64_t const>(p.labels), ref,
                                      L::sigmoid_loss{}, o, L::fused_linear_options{1}, many);
  CHECK(r1.chunks == 1);
  CHECK(r2.chunks == p.pairs);
  CHECK(one_chunk.loss == doctest::Approx(many.loss).epsilon(1e-6));
  // The gradients too, written over NaN: the first chunk writes d(weight) and d(bias), the
  // others add to them.
  std::vector<float> bias_values(p.V, 0.25f);
  auto gradients_with = [&](L::fused_linear_options chunking) {
    std::vector<float> dh(p.rows() * p.H, NAN), dw(p.V * p.H, NAN), db(p.V, NAN);
    L::preference_loss_result r;
    L::fused_linear_preference_loss(
        H, W, std::span<float const>(bias_values), std::span<std::int64_t const>(p.labels), ref,
        L::sigmoid_loss{}, o, chunking, r,
        {ipo::matrix_view<float>(dh.data(), p.rows(), p.H),
         ipo::matrix_view<float>(dw.data(), p.V, p.H), std::span<float>(db)});
    return std::vector<std::vector<float>>{dh, dw, db};
  };
  auto const whole = gradients_with({}), chunked = gradients_with(L::fused_linear_options{1});
  for (std::size_t g = 0; g < whole.size(); ++g) {
    INFO("gradient " << g << " (d(hidden), d(weight), d(bias))");
    double scale = 1e-12, error = 0.0;
    for (std::size_t k = 0; k < whole[g].size(); ++k) {
      scale = std::max(scale, std::fabs(double(whole[g][k])));
      double const difference = std::fabs(double(whole[g][k]) - double(chunked[g][k]));
      error = std::isfinite(difference) ? std::max(error, difference) : HUGE_VAL;
    }
    CHECK(error <= 1e-5 * scale);
  }
  CHECK_THROWS_WITH_AS(L::fused_linear_preference_loss(
                           H, ipo::matrix_view<float const>(p.weight.data(), p.V, p.H - 1), {},
                           std::span<std::int64_t const>(p.labels), ref, L::sigmoid_loss{}, o, {},
                           many),
                       doctest::Contains("'weight.cols()' = 23"), ipo::argument_error);
  std::vector<float> bias(p.V + 1);
  CHECK_THROWS_WITH_AS(L::fused_linear_preference_loss(H, W, std::span<float const>(bias),
                                                       std::span<std::int64_t const>(p.labels), ref,
                                                       L::sigmoid_loss{}, o, {}, many),
                       doctest::Contains("'bias.size()' = 54"), ipo::argument_error);
  // Gradients of the wrong shape: named with both shapes.
  std::vector<float> d_hidden((p.rows() + 1) * p.H), d_weight(p.V * p.H);
  std::string const cols = "x" + std::to_string(p.H);
  std::string const hidden_message =
      "ipo::loss::fused_linear_preference_loss: argument 'gradients.hidden.shape' = \"" +
      std::to_string(p.rows() + 1) + cols + "\" is invalid: expected " + std::to_string(p.rows()) +
      cols;
  std::string const weight_message = "'gradients.weight.shape' = \"" + std::to_string(p.V - 1) +
                                     cols + "\" is invalid: expected " + std::to_string(p.V) + cols;
  CHECK_THROWS_WITH_AS(L::fused_linear_preference_loss(
                           H, W, {}, std::span<std::int64_t const>(p.labels), ref,
                           L::sigmoid_loss{}, o, {}, many,
                           {ipo::matrix_view<float>(d_hidden.data(), p.rows() + 1, p.H), {}, {}}),
                       hidden_message.c_str(), ipo::argument_error);
  CHECK_THROWS_WITH_AS(L::fused_linear_preference_loss(
                           H, W, {}, std::span<std::int64_t const>(p.labels), ref,
                           L::sigmoid_loss{}, o, {}, many,
                           {{}, ipo::matrix_view<float>(d_weight.data(), p.V - 1, p.H), {}}),
                       doctest::Contains(weight_message.c_str()), ipo::argument_error);
}

TEST_CASE("fused linear: the default chunk is the budget's rows or H / 4, whichever is more") {
  L::fused_linear_options chunking; // 256 MiB of fp32 logits
  // Worked by hand: 2^28 / (128256 * 4) = 523.2; H / 4 = 256 and 1024.
  CHECK(chunking.rows_per_chunk(128256, 1024) == 523);
  CHECK(chunking.rows_per_chunk(128256, 4096) == 1024);
  CHECK(chunking.rows_per_chunk(32000, 4096) == 2097); // 2^28 / 128000 = 2097.2
  chunking.memory_budget_bytes = 100;
  CHECK(chunking.rows_per_chunk(41, 3) == 1); // neither rule gives a row: one row
  CHECK(chunking.rows_per_chunk(41, 8) == 2);
  CHECK(chunking.rows_per_chunk(0, 0) == 25); // a zero vocabulary counts as one column: 100 / 4
  chunking.chunk_rows = 7;
  CHECK(chunking.rows_per_chunk(128256, 4096) == 7); // given: neither rule
}
