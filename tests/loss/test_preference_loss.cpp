#include "ipo/loss/preference_loss.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "batch.hpp"
#include "cases.hpp"
#include "reference.hpp"

namespace L = ipo::loss;

namespace {

template <class T>
reference::batch_result run_reference(batch::data<T> const& d, reference::objective_fn const& f,
                                      double beta, L::preference_loss_options const& o,
                                      bool use_ref) {
  std::vector<double> ref(d.ref.begin(), d.ref.end());
  return reference::run([&](std::size_t row, std::size_t v) { return d.at(row, v); }, d.rows(),
                        d.s.vocab, d.labels, d.s.T, o.shift_labels,
                        o.layout == L::pair_layout::interleaved,
                        use_ref ? ref : std::vector<double>{}, f, beta, o.nll_weight, true);
}

template <class T>
ipo::matrix_view<T const> view_of(batch::data<T> const& d) {
  return {d.logits.data(), d.rows(), d.s.vocab, d.stride};
}

// Compares a kernel result and its gradient with the fp64 reference.
template <class T>
void check_against_reference(L::preference_loss_result const& got, std::vector<T> const& gradient,
                             std::size_t stride, reference::batch_result const& want,
                             batch::data<T> const& d, double gradient_tolerance) {
  REQUIRE(got.loss == doctest::Approx(want.loss).epsilon(1e-6).scale(1e-6));
  for (std::size_t i = 0; i < want.pair_losses.size(); ++i) {
    REQUIRE(got.pair_losses[i] == doctest::Approx(want.pair_losses[i]).epsilon(1e-5).scale(1e-6));
  }
  for (std::size_t s = 0; s < want.logps.size(); ++s) {
    REQUIRE(got.policy_logps[s] == doctest::Approx(want.logps[s]).epsilon(1e-6));
    REQUIRE(got.token_counts[s] == want.counts[s]);
  }
  CHECK(got.accuracy == doctest::Approx(want.accuracy));
  CHECK(got.mean_margin == doctest::Approx(want.mean_margin).epsilon(1e-5).scale(1e-6));
  double max_abs = 0;
  for (double g : want.gradient) {
    max_abs = std::max(max_abs, std::fabs(g));
  }
  for (std::size_t row = 0; row < d.rows(); ++row) {
    for (std::size_t v = 0; v < d.s.vocab; ++v) {
      double const g = ipo::to_float(gradient[row * stride + v]);
      double const w = want.gradient[row * d.s.vocab + v];
      if (std::fabs(g - w) > gradient_tolerance * (max_abs + 1e-12) + 1e-12) {
        FAIL("gradient[" << row << ", " << v << "] = " << g << ", reference " << w);
      }
    }
  }
}

} // namespace

TEST_CASE("fp32: every objective matches the fp64 reference (loss, metrics, gradient)") {
  cases::for_each_objective([&](auto objective, reference::objective_fn const& f) {
    INFO("objective " << objective.name());
    using O = decltype(objective);
    auto d = batch::make<float>({}, 11);
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    o.threads = 1;
    std::span<float const> ref =
        O::reference_free ? std::span<float const>{} : std::span<float const>(d.ref);
    std::vector<float> gradient(d.rows() * d.s.vocab, -1.0f);
    auto const got =
        L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels), ref, objective, o,
                           ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
    auto const want = run_reference(d, f, objective.beta, o, !O::reference_free);
    check_against_reference(got, gradient, d.s.vocab, want, d, 1e-5);
  });
}

TEST_CASE("layouts, shift and the NLL term follow the reference") {
  for (bool interleaved : {false, true}) {
    for (bool shift : {true, false}) {
      INFO("interleaved " << interleaved << " shift " << shift);
      auto d = batch::make<float>({4, 9, 33, 2}, 21);
      L::preference_loss_options o;
      o.sequence_length = d.s.T;
      o.shift_labels = shift;
      o.layout = interleaved ? L::pair_layout::interleaved : L::pair_layout::concatenated;
      o.nll_weight = 0.2;
      if (!shift) { // without the shift the last row is scored against its own label
        for (std::size_t seq = 0; seq < 8; ++seq) {
          d.labels[seq * d.s.T + d.s.T - 1] = 5;
        }
      }
      std::vector<float> gradient(d.rows() * d.s.vocab);
      L::sigmoid_loss const objective{0.1, 0.0};
      auto const got = L::preference_loss(
          view_of(d), std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref),
          objective, o, ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
      auto const want = run_reference(d, reference::sigmoid(0.1, 0.0), 0.1, o, true);
      check_against_reference(got, gradient, d.s.vocab, want, d, 1e-5);
      CHECK(got.nll_loss > 0);
    }
  }
}

TEST_CASE_TEMPLATE("bf16 and fp16 logits: exact inputs, fp32 accumulation, rounded gradient", T,
                   ipo::bf16, ipo::fp16) {
  auto d = batch::make<T>({3, 8, 301, 3}, 31);
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  std::vector<T> gradient(d.rows() * d.s.vocab);
  auto const got = L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                                      std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                                      ipo::matrix_view<T>(gradient.data(), d.rows(), d.s.vocab));
  auto const want = run_reference(d, reference::sigmoid(0.1, 0.0), 0.1, o, true);
  // The loss sees the stored values exactly; the gradient is rounded to 8 (bf16) or 11 (fp16)
  // significant bits: documented tolerance 2^-8 of the largest gradient entry.
  check_against_reference(got, gradient, d.s.vocab, want, d, std::ldexp(1.0, -8));
}

TEST_CASE("strided views: padding is neither read nor written; in place equals out of place") {
  auto d = batch::make<float>({2, 6, 50, 2}, 41, /*padding=*/5);
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  std::size_t const gstride = d.s.vocab + 3;
  std::vector<float> gradient(d.rows() * gstride, 777.0f);
  L::identity_po_loss const objective{0.1, true};
  auto const got = L::preference_loss(
      view_of(d), std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref), objective,
      o, ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab, gstride));
  auto const want = run_reference(d, reference::identity_po(0.1, true), 0.1, o, true);
  check_against_reference(got, gradient, gstride, want, d, 1e-5);
  for (std::size_t row = 0; row < d.rows(); ++row) {
    for (std::size_t v = d.s.vocab; v < gstride; ++v) {
      REQUIRE(gradient[row * gstride + v] == 777.0f);
    }
  }
  // In place: the logits buffer becomes the gradient, bit for bit the same, padding intact.
  auto in_place = d.logits;
  L::preference_loss_result again;
  L::preference_loss_in_place(
      ipo::matrix_view<float>(in_place.data(), d.rows(), d.s.vocab, d.stride),
      std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref), objective, o, again);
  CHECK(again.loss == got.loss);
  for (std::size_t row = 0; row < d.rows(); ++row) {
    REQUIRE(std::memcmp(&in_place[row * d.stride], &gradient[row * gstride],
                        d.s.vocab * sizeof(float)) == 0);
    REQUIRE(in_place[row * d.stride + d.s.vocab] == 12345.0f); // the sentinel in the padding
  }
}

TEST_CASE("rows labelled -100 are never read and get a zero gradient") {
  auto d = batch::make<float>({2, 6, 40, 3}, 51);
  auto poisoned = d;
  float const nan = std::numeric_limits<float>::quiet_NaN();
  // With the shift, row t is scored iff labels[t + 1] != -100; poison every other row.
  for (std::size_t row = 0; row < d.rows(); ++row) {
    bool const last = row % d.s.T == d.s.T - 1;
    if (last || d.labels[row + 1] == -100) {
      std::fill_n(&poisoned.logits[row * d.stride], d.s.vocab, nan);
    }
  }
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  std::vector<float> gradient(d.rows() * d.s.vocab, nan);
  auto const got = L::preference_loss(
      view_of(poisoned), std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref),
      L::sigmoid_loss{}, o, ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
  auto const want = run_reference(d, reference::sigmoid(0.1, 0.0), 0.1, o, true);
  check_against_reference(got, gradient, d.s.vocab, want, d, 1e-5); // zeros where reference is 0
}

TEST_CASE("extreme logits (+-1e4), V = 1, and chosen == rejected") {
  SUBCASE("logits of +-1e4") {
    auto d = batch::make<float>({2, 5, 64, 1}, 61);
    for (std::size_t i = 0; i < d.logits.size(); i += 7) {
      d.logits[i] = (i % 2 ? 1e4f : -1e4f);
    }
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    std::vector<float> gradient(d.rows() * d.s.vocab);
    auto const got = L::preference_loss(
        view_of(d), std::span<std::int64_t const>(d.labels), std::span<float const>{},
        L::simpo_loss{}, o, ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
    auto const want = run_reference(d, reference::simpo(2.0, 0.5), 2.0, o, false);
    REQUIRE(std::isfinite(got.loss));
    check_against_reference(got, gradient, d.s.vocab, want, d, 1e-5);
  }
  SUBCASE("a vocabulary of one token: log-probabilities 0, gradient 0") {
    auto d = batch::make<float>({2, 4, 1, 1}, 71);
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    std::vector<float> gradient(d.rows(), 9.0f);
    auto const got = L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                                        std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                                        ipo::matrix_view<float>(gradient.data(), d.rows(), 1));
    for (double logp : got.policy_logps) {
      CHECK(logp == 0.0);
    }
    for (float g : gradient) {
      CHECK(g == 0.0f);
    }
  }
  SUBCASE("identical chosen and rejected sequences: sigmoid loss log 2, no preference") {
    auto d = batch::make<float>({2, 5, 30, 1}, 81);
    std::size_t const half = d.rows() / 2;
    std::copy_n(d.logits.begin(), half * d.stride,
                d.logits.begin() + static_cast<std::ptrdiff_t>(half * d.stride));
    std::copy_n(d.labels.begin(), half, d.labels.begin() + static_cast<std::ptrdiff_t>(half));
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    o.reference_free = true;
    auto const got = L::preference_loss<float, std::int64_t>(
        view_of(d), std::span<std::int64_t const>(d.labels), {}, L::sigmoid_loss{}, o);
    CHECK(got.loss == doctest::Approx(std::log(2.0)).epsilon(1e-12));
    CHECK(got.accuracy == 0.0);
    CHECK(got.mean_margin == 0.0);
  }
}

TEST_CASE("bitwise identical results for 1 and 2 threads") {
  auto d = batch::make<float>({4, 16, 4099, 4}, 91);
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  std::vector<float> g1(d.rows() * d.s.vocab), g2(d.rows() * d.s.vocab);
  o.threads = 1;
  auto const a = L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                                    std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                                    ipo::matrix_view<float>(g1.data(), d.rows(), d.s.vocab));
  o.threads = 2;
  auto const b = L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                                    std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                                    ipo::matrix_view<float>(g2.data(), d.rows(), d.s.vocab));
  CHECK(std::memcmp(&a.loss, &b.loss, sizeof(double)) == 0);
  CHECK(a.policy_logps == b.policy_logps);
  CHECK(std::memcmp(g1.data(), g2.data(), g1.size() * sizeof(float)) == 0);
}

TEST_CASE("unscored rows get a zero gradient whichever thread writes it, and so does a batch of "
          "skipped pairs") {
  // V = 4099 floats per row: past the streaming-store threshold. The gradient buffer starts
  // full of 7.0f so that a row nobody wrote shows.
  auto d = batch::make<float>({3, 12, 4099, 5}, 93);
  std::size_t const T = d.s.T, V = d.s.vocab;
  auto scored = [&](std::size_t row) { // shifted labels: row t predicts label t + 1
    std::size_t const t = row % T;
    return t + 1 < T && d.labels[row + 1] != -100;
  };
  for (unsigned threads : {1u, 2u}) {
    L::preference_loss_options o;
    o.sequence_length = T;
    o.threads = threads;
    std::vector<float> gradient(d.rows() * V, 7.0f);
    (void)L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                             std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                             ipo::matrix_view<float>(gradient.data(), d.rows(), V));
    std::size_t unscored = 0;
    for (std::size_t row = 0; row < d.rows(); ++row) {
      bool const zero_row =
          std::all_of(gradient.begin() + static_cast<std::ptrdiff_t>(row * V),
                      gradient.begin() + static_cast<std::ptrdiff_t>((row + 1) * V),
                      [](float g) { return g == 0.0f; });
      CHECK_MESSAGE(zero_row != scored(row), "row " << row << ", threads " << threads);
      unscored += !scored(row);
    }
    CHECK(unscored >= 3 * 2 * 5); // at least the prompt rows of every sequence
  }
  // Every pair skipped (no scored token anywhere): the whole gradient is zero.
  std::fill(d.labels.begin(), d.labels.end(), -100);
  L::preference_loss_options o;
  o.sequence_length = T;
  o.threads = 2;
  o.empty_pairs = L::empty_pair_policy::skip;
  std::vector<float> gradient(d.rows() * V, 7.0f);
  auto const got = L::preference_loss(view_of(d), std::span<std::int64_t const>(d.labels),
                                      std::span<float const>(d.ref), L::sigmoid_loss{}, o,
                                      ipo::matrix_view<float>(gradient.data(), d.rows(), V));
  CHECK(got.pairs_counted == 0);
  CHECK(std::all_of(gradient.begin(), gradient.end(), [](float g) { return g == 0.0f; }));
}

TEST_CASE("empty pair sides: an error naming the pair, or skipped on request") {
  auto d = batch::make<float>({3, 5, 20, 1}, 101);
  std::size_t const seq = 4; // rejected side of pair 1 (concatenated layout: P + 1)
  std::fill_n(d.labels.begin() + static_cast<std::ptrdiff_t>(seq * d.s.T), d.s.T, -100);
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  CHECK_THROWS_WITH_AS(
      (L::preference_loss<float, std::int64_t>(view_of(d), d.labels, d.ref, L::sigmoid_loss{}, o)),
      doctest::Contains("pair 1"), ipo::argument_error);
  o.empty_pairs = L::empty_pair_policy::skip;
  std::vector<float> gradient(d.rows() * d.s.vocab, 5.0f);
  auto const got = L::preference_loss(
      view_of(d), std::span<std::int64_t const>(d.labels), std::span<float const>(d.ref),
      L::sigmoid_loss{}, o, ipo::matrix_view<float>(gradient.data(), d.rows(), d.s.vocab));
  CHECK(got.pairs_counted == 2);
  CHECK(got.pair_losses[1] == 0.0f);
  // The mean is over the two counted pairs, computed here from their own losses.
  CHECK(got.loss ==
        doctest::Approx((double(got.pair_losses[0]) + got.pair_losses[2]) / 2).epsilon(1e-6));
  for (std::size_t side : {std::size_t{1}, seq}) { // both sequences of the skipped pair
    for (std::size_t row = side * d.s.T; row < (side + 1) * d.s.T; ++row) {
      for (std::size_t v = 0; v < d.s.vocab; ++v) {
        REQUIRE(gradient[row * d.s.vocab + v] == 0.0f);
      }
    }
  }
}

TEST_CASE("bad input is rejected with the argument and the value named") {
  auto d = batch::make<float>({2, 5, 20, 1}, 111);
  L::preference_loss_options o;
  o.sequence_length = d.s.T;
  auto call = [&](auto objective, std::span<float const> ref) {
    return L::preference_loss<float, std::int64_t>(view_of(d), d.labels, ref, objective, o);
  };
  CHECK_NOTHROW(call(L::sigmoid_loss{}, d.ref));
  auto labels = d.labels;
  labels[7] = 20;
  CHECK_THROWS_WITH_AS(
      (L::preference_loss<float, std::int64_t>(view_of(d), labels, d.ref, L::sigmoid_loss{}, o)),
      "ipo::loss::preference_loss: argument 'labels[7]' = 20 is invalid: expected a token id "
      "in [0, 20) or the ignore index (-100)",
      ipo::argument_error);
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{-1.0}, d.ref),
                       doctest::Contains("'objective.beta' = -1"), ipo::argument_error);
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{0.1, 0.5}, d.ref),
                       doctest::Contains("'objective.label_smoothing' = 0.5"), ipo::argument_error);
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{}, {}),
                       doctest::Contains("'reference_logps.size()' = 0"), ipo::argument_error);
  CHECK_THROWS_WITH_AS(call(L::simpo_loss{}, d.ref), doctest::Contains("simpo is reference-free"),
                       ipo::argument_error);
  auto bad_ref = d.ref;
  bad_ref[2] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{}, bad_ref),
                       doctest::Contains("'reference_logps[2]' = inf"), ipo::argument_error);
  o.sequence_length = 3;
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{}, d.ref), doctest::Contains("'rows' = 20"),
                       ipo::argument_error);
  o.sequence_length = 10; // 2 sequences would be fine, but 20 / 10 = 2 rows... one pair
  CHECK_THROWS_WITH_AS(call(L::sigmoid_loss{}, d.ref),
                       doctest::Contains("'reference_logps.size()' = 4"), ipo::argument_error);
  o.sequence_length = 4; // 5 sequences: odd
  CHECK_THROWS_WITH_AS((L::preference_loss<float, std::int64_t>(
                           ipo::matrix_view<float const>(d.logits.data(), 20, 20), d.labels, d.ref,
                           L::sigmoid_loss{}, o)),
                       doctest::Contains("'sequences' = 5"), ipo::argument_error);
  o.sequence_length = d.s.T;
  std::vector<float> small(10 * 20);
  CHECK_THROWS_WITH_AS(
      (L::preference_loss<float, std::int64_t>(view_of(d), d.labels, d.ref, L::sigmoid_loss{}, o,
                                               ipo::matrix_view<float>(small.data(), 10, 20))),
      doctest::Contains("'gradient.shape' = \"10x20\""), ipo::argument_error);
}
