// TRL's loss semantics beyond one objective per pair: f-divergences, AOT (rank-paired over the
// batch), weighted loss-type lists with "sft" as the batch-token NLL mean, and LD-DPO. Each is
// checked against a plain fp64 reference of the whole batch loss written here from TRL's
// definitions (no code shared with include/ipo/loss): log-softmax materialised in double,
// sequence log-probabilities, the batch loss as one function of them, and the gradient from
// central differences of that function (d loss / d logp_s) times each row's onehot - softmax.
#include "ipo/loss/batch_objectives.hpp"
#include "ipo/loss/fused_linear.hpp"
#include "ipo/loss/preference_loss.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "batch.hpp"

namespace L = ipo::loss;

namespace {

double logsig(double x) { // log s(x) without overflow for either sign
  return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

/// The batch, as the reference sees it: per-sequence log-probabilities (LD-DPO weighted when
/// alpha != 1), token counts, and per row the log-softmax and the LD weight.
struct sequences {
  std::vector<double> logps;
  std::vector<double> counts;
  std::vector<std::vector<double>> log_softmax; // per row (empty when not scored)
  std::vector<std::int64_t> target;
  std::vector<double> weight; // per row
};

sequences score(batch::data<float> const& d, double ld_alpha) {
  std::size_t const T = d.s.T, rows = d.rows(), S = rows / T, P = S / 2, V = d.s.vocab;
  sequences out;
  out.logps.assign(S, 0.0);
  out.counts.assign(S, 0.0);
  out.log_softmax.resize(rows);
  out.target.assign(rows, -1);
  out.weight.assign(rows, 0.0);
  for (std::size_t row = 0; row < rows; ++row) { // shifted labels, as a causal LM
    if (row % T + 1 == T || d.labels[row + 1] == -100) {
      continue;
    }
    out.target[row] = d.labels[row + 1];
    out.counts[row / T] += 1;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    if (out.target[row] < 0) {
      continue;
    }
    std::size_t const s = row / T;
    double const shared = std::min(out.counts[s < P ? s : s - P], out.counts[s < P ? s + P : s]);
    double position = 0; // scored rows of this sequence before this one
    for (std::size_t before = s * T; before < row; ++before) {
      position += out.target[before] >= 0 ? 1 : 0;
    }
    out.weight[row] = position < shared ? 1.0 : ld_alpha;
    double m = -INFINITY, sum = 0;
    for (std::size_t v = 0; v < V; ++v) {
      m = std::max(m, d.at(row, v));
    }
    for (std::size_t v = 0; v < V; ++v) {
      sum += std::exp(d.at(row, v) - m);
    }
    out.log_softmax[row].resize(V);
    for (std::size_t v = 0; v < V; ++v) {
      out.log_softmax[row][v] = d.at(row, v) - m - std::log(sum);
    }
    out.logps[s] +=
        out.weight[row] * out.log_softmax[row][static_cast<std::size_t>(out.target[row])];
  }
  return out;
}

using batch_loss = std::function<double(std::vector<double> const& logps)>;

/// Checks preference_loss against the batch loss F(logps): the loss, per-sequence log-probs,
/// and every gradient entry.
void check(batch::data<float> const& d, sequences const& seq, batch_loss const& F,
           L::preference_loss_result const& got, std::vector<float> const& gradient) {
  REQUIRE(got.loss == doctest::Approx(F(seq.logps)).epsilon(1e-6).scale(1e-7));
  for (std::size_t s = 0; s < seq.logps.size(); ++s) {
    REQUIRE(got.policy_logps[s] == doctest::Approx(seq.logps[s]).epsilon(1e-6));
  }
  std::vector<double> g(seq.logps.size());
  for (std::size_t s = 0; s < g.size(); ++s) {
    auto plus = seq.logps, minus = seq.logps;
    double const h = 1e-5;
    plus[s] += h;
    minus[s] -= h;
    g[s] = (F(plus) - F(minus)) / (2 * h);
  }
  double max_abs = 1e-12;
  std::vector<double> want(gradient.size(), 0.0);
  for (std::size_t row = 0; row < d.rows(); ++row) {
    if (seq.target[row] < 0) {
      continue;
    }
    for (std::size_t v = 0; v < d.s.vocab; ++v) {
      double const onehot = static_cast<std::int64_t>(v) == seq.target[row] ? 1.0 : 0.0;
      want[row * d.s.vocab + v] =
          g[row / d.s.T] * seq.weight[row] * (onehot - std::exp(seq.log_softmax[row][v]));
      max_abs = std::max(max_abs, std::fabs(want[row * d.s.vocab + v]));
    }
  }
  for (std::size_t k = 0; k < want.size(); ++k) {
    REQUIRE(std::fabs(gradient[k] - want[k]) <= 2e-5 * max_abs + 1e-9);
  }
}

L::preference_loss_result run(batch::data<float> const& d, auto const& objective,
                              L::preference_loss_options const& o, std::vector<float>& gradient) {
  gradient.assign(d.rows() * d.s.vocab, 0.0f);
  return L::preference_loss(ipo::matrix_view<float const>(d.logits.data(), d.rows(), d.s.vocab),
                            std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref),
                            objective, o,
                            ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
}

/// A batch whose reference log-probabilities lie within 2 nats of the policy's, as they do in
/// training (so that exp(-log-ratio) of the forward KL stays in range).
batch::data<float> make_batch(unsigned seed, std::size_t pairs = 4) {
  batch::shape s;
  s.pairs = pairs;
  s.T = 9;
  s.vocab = 31;
  s.prompt = 2;
  batch::data<float> d = batch::make<float>(s, seed, 0, 1.5f);
  sequences const seq = score(d, 1.0);
  std::mt19937 rng(seed + 100);
  std::uniform_real_distribution<double> noise(-2.0, 2.0);
  for (std::size_t k = 0; k < d.ref.size(); ++k) {
    d.ref[k] = static_cast<float>(seq.logps[k] + noise(rng));
  }
  return d;
}

} // namespace

TEST_CASE("f-divergences: the inner objective sees f'(exp(x)) of each log-ratio") {
  batch::data<float> const d = make_batch(3);
  sequences const seq = score(d, 1.0);
  std::size_t const P = d.s.pairs;
  double const beta = 0.1;
  struct row {
    L::f_divergence f;
    double alpha;
    std::function<double(double)> score;
  };
  row const rows[] = {
      {L::f_divergence::reverse_kl, 0.5, [](double x) { return x; }},
      {L::f_divergence::forward_kl, 0.5, [](double x) { return 1 - std::exp(-x); }},
      {L::f_divergence::js_divergence, 0.5, [](double x) { return std::log(2.0) + logsig(x); }},
      {L::f_divergence::alpha_divergence, 0.3,
       [](double x) { return (std::exp(std::min(-0.7 * x, 80.0)) - 1) / -0.7; }},
      {L::f_divergence::alpha_divergence, 1.0, [](double x) { return x; }},
  };
  for (auto const& r : rows) {
    INFO(std::string(L::f_divergence_name(r.f)) << " alpha " << r.alpha);
    batch_loss const F = [&](std::vector<double> const& lp) {
      double loss = 0;
      for (std::size_t i = 0; i < P; ++i) {
        double const c = lp[i] - d.ref[i], rj = lp[P + i] - d.ref[P + i];
        loss += -logsig(beta * (r.score(c) - r.score(rj))) / double(P);
      }
      return loss;
    };
    std::vector<float> gradient;
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    auto const got = run(d, L::with_f_divergence(L::sigmoid_loss{beta}, r.f, r.alpha), o, gradient);
    check(d, seq, F, got, gradient);
  }
}

TEST_CASE("AOT and AOT-unpaired: margins sorted over the batch and paired by rank") {
  batch::data<float> const d = make_batch(5, 5);
  sequences const seq = score(d, 1.0);
  std::size_t const P = d.s.pairs;
  double const beta = 0.2, e = 0.1;
  auto sorted = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  for (bool unpaired : {false, true}) {
    INFO("unpaired " << unpaired);
    batch_loss const F = [&](std::vector<double> const& lp) {
      std::vector<double> a(P), b(P);
      for (std::size_t i = 0; i < P; ++i) {
        double const c = lp[i] - d.ref[i], r = lp[P + i] - d.ref[P + i];
        a[i] = unpaired ? c : lp[i] - lp[P + i];
        b[i] = unpaired ? r : d.ref[i] - d.ref[P + i];
      }
      a = sorted(a);
      b = sorted(b);
      double loss = 0;
      for (std::size_t k = 0; k < P; ++k) {
        double const delta = a[k] - b[k];
        loss += (-logsig(beta * delta) * (1 - e) - logsig(-beta * delta) * e) / double(P);
      }
      return loss;
    };
    std::vector<float> gradient;
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    auto const got = run(d, L::aot_loss{beta, e, unpaired}, o, gradient);
    check(d, seq, F, got, gradient);
  }
}

TEST_CASE("TRL loss lists: weighted types, and sft as the batch-token NLL mean (RPO as TRL)") {
  batch::data<float> const d = make_batch(8);
  sequences const seq = score(d, 1.0);
  std::size_t const P = d.s.pairs;
  double const beta = 0.1;
  L::loss_parameters params;
  params.beta = beta;
  params.label_smoothing = 0.1;
  auto const spec =
      L::make_trl_loss_spec({"sigmoid", "hinge", "sft", "robust"}, {1.0, 0.5, 0.2, 0.25}, params);
  REQUIRE(spec.objectives.has_value());
  CHECK(spec.sft_weight == 0.2);
  batch_loss const F = [&](std::vector<double> const& lp) {
    double loss = 0, chosen_logps = 0, chosen_tokens = 0;
    for (std::size_t i = 0; i < P; ++i) {
      double const c = lp[i] - d.ref[i], r = lp[P + i] - d.ref[P + i], z = beta * (c - r);
      loss += (-logsig(z)                                                // sigmoid, no smoothing
               + 0.5 * std::max(0.0, 1 - z)                              // hinge
               + 0.25 * (-(0.9) * logsig(z) + 0.1 * logsig(-z)) / 0.8) / // robust
              double(P);
      chosen_logps += lp[i];
      chosen_tokens += seq.counts[i];
    }
    return loss + 0.2 * (-chosen_logps / chosen_tokens); // sft: mean over every chosen token
  };
  std::vector<float> gradient;
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  o.nll_weight = spec.sft_weight;
  o.nll = L::nll_reduction::batch_tokens;
  auto const got = run(d, *spec.objectives, o, gradient);
  check(d, seq, F, got, gradient);
  double chosen_logps = 0, chosen_tokens = 0;
  for (std::size_t i = 0; i < P; ++i) {
    chosen_logps += seq.logps[i];
    chosen_tokens += seq.counts[i];
  }
  CHECK(got.nll_loss == doctest::Approx(-chosen_logps / chosen_tokens).epsilon(1e-6));

  CHECK_THROWS_WITH_AS(L::make_trl_loss_spec({"sigmoid", "kto"}, {}, params),
                       doctest::Contains("'loss_type[1]' = \"kto\""), ipo::argument_error);
  CHECK_THROWS_AS(L::make_trl_loss_spec({"sigmoid"}, {1.0, 2.0}, params), ipo::argument_error);
  L::loss_parameters no_epsilon = params;
  no_epsilon.label_smoothing = 0.0;
  CHECK_THROWS_WITH_AS(L::make_trl_loss_spec({"exo_pair"}, {}, no_epsilon),
                       doctest::Contains("exo_pair"), ipo::argument_error);
  auto const only_sft = L::make_trl_loss_spec({"sft"}, {}, params);
  CHECK(only_sft.sft_weight == 1.0);
}

TEST_CASE("LD-DPO: tokens past the shorter side of the pair weigh ld_alpha, in loss and gradient") {
  batch::data<float> d = make_batch(11);
  // Unequal sides: drop some chosen labels so the pairs' lengths differ.
  for (std::size_t row = 0; row < d.rows() / 2; row += 4) {
    if (row % d.s.T != d.s.T - 1) {
      d.labels[row] = -100;
    }
  }
  double const alpha = 0.4, beta = 0.1;
  sequences const seq = score(d, alpha);
  std::size_t const P = d.s.pairs;
  batch_loss const F = [&](std::vector<double> const& lp) {
    double loss = 0;
    for (std::size_t i = 0; i < P; ++i) {
      loss += -logsig(beta * ((lp[i] - d.ref[i]) - (lp[P + i] - d.ref[P + i]))) / double(P);
    }
    return loss;
  };
  std::vector<float> gradient;
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  o.ld_alpha = alpha;
  auto const got = run(d, L::sigmoid_loss{beta}, o, gradient);
  check(d, seq, F, got, gradient);
  bool any_tail = false;
  for (std::size_t row = 0; row < d.rows(); ++row) {
    any_tail = any_tail || (seq.target[row] >= 0 && seq.weight[row] == alpha);
  }
  CHECK(any_tail); // the batch does exercise the tail weight
}

TEST_CASE("fused linear with a batch objective (two sweeps) equals the logits path") {
  std::size_t const P = 3, T = 6, H = 16, V = 29;
  std::mt19937 rng(4);
  std::normal_distribution<float> n(0.0f, 0.5f);
  std::vector<float> hidden(2 * P * T * H), weight(V * H);
  for (auto& x : hidden) {
    x = n(rng);
  }
  for (auto& x : weight) {
    x = n(rng);
  }
  std::vector<std::int64_t> labels(2 * P * T);
  for (std::size_t r = 0; r < labels.size(); ++r) {
    labels[r] = r % T < 2 ? -100 : static_cast<std::int64_t>(rng() % V);
  }
  std::vector<float> const ref = {-20.f, -21.f, -19.f, -22.f, -18.f, -20.5f};
  std::vector<float> logits(2 * P * T * V, 0.0f);
  for (std::size_t r = 0; r < 2 * P * T; ++r) {
    for (std::size_t v = 0; v < V; ++v) {
      double s = 0;
      for (std::size_t k = 0; k < H; ++k) {
        s += double(hidden[r * H + k]) * weight[v * H + k];
      }
      logits[r * V + v] = static_cast<float>(s);
    }
  }
  L::preference_loss_options o;
  o.sequence_length = T;
  L::aot_loss const objective{0.1, 0.05, false};
  std::vector<float> d_logits(logits.size());
  auto const want =
      L::preference_loss(ipo::matrix_view<float const>(logits.data(), 2 * P * T, V),
                         std::span<std::int64_t const>(labels), std::span<float const>(ref),
                         objective, o, ipo::matrix_view<float>(d_logits.data(), 2 * P * T, V));
  std::vector<float> d_hidden(hidden.size()), d_weight(weight.size());
  L::preference_loss_result got;
  L::fused_linear_options chunking;
  chunking.chunk_rows = 7; // several chunks, so the two sweeps matter
  L::fused_linear_gradients gradients;
  gradients.hidden = ipo::matrix_view<float>(d_hidden.data(), 2 * P * T, H);
  gradients.weight = ipo::matrix_view<float>(d_weight.data(), V, H);
  L::linear_reference reference;
  reference.logps = ref;
  auto const report = L::fused_linear_preference_loss(
      ipo::matrix_view<float const>(hidden.data(), 2 * P * T, H),
      ipo::matrix_view<float const>(weight.data(), V, H), {}, std::span<std::int64_t const>(labels),
      reference, objective, o, chunking, got, gradients);
  CHECK(report.chunks >= 4); // each chunk twice
  CHECK(got.loss == doctest::Approx(want.loss).epsilon(1e-5));
  // d hidden = d logits * W; d W = d logits^T * hidden, from the logits path's gradient.
  for (std::size_t r = 0; r < 2 * P * T; ++r) {
    for (std::size_t k = 0; k < H; ++k) {
      double s = 0;
      for (std::size_t v = 0; v < V; ++v) {
        s += double(d_logits[r * V + v]) * weight[v * H + k];
      }
      REQUIRE(d_hidden[r * H + k] == doctest::Approx(s).epsilon(1e-4).scale(1e-6));
    }
  }
  for (std::size_t v = 0; v < V; ++v) {
    for (std::size_t k = 0; k < H; ++k) {
      double s = 0;
      for (std::size_t r = 0; r < 2 * P * T; ++r) {
        s += double(d_logits[r * V + v]) * hidden[r * H + k];
      }
      REQUIRE(d_weight[v * H + k] == doctest::Approx(s).epsilon(1e-4).scale(1e-6));
    }
  }
}
