#include "ipo/loss/objectives.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "cases.hpp"
#include "reference.hpp"

namespace L = ipo::loss;

TEST_CASE("every objective's value matches its textbook formula in fp64") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> ratio(-30.0, 30.0);
  std::uniform_int_distribution<int> tokens(1, 300);
  cases::for_each_objective([&](auto objective, reference::objective_fn const& expected) {
    INFO("objective " << objective.name() << " beta " << objective.beta);
    for (int i = 0; i < 300; ++i) {
      double const c = ratio(rng), r = ratio(rng);
      double const nc = tokens(rng), nr = tokens(rng);
      auto const got = objective(L::pair_logratios<double>{c, r, nc, nr});
      double const want = expected(c, r, nc, nr);
      REQUIRE(got.loss == doctest::Approx(want).epsilon(1e-12).scale(1.0));
      // fp32 evaluation agrees to float precision.
      auto const single =
          objective(L::pair_logratios<float>{float(c), float(r), float(nc), float(nr)});
      REQUIRE(double(single.loss) ==
              doctest::Approx(expected(float(c), float(r), nc, nr)).epsilon(1e-5).scale(1.0));
    }
  });
}

TEST_CASE("every objective's derivatives match central finite differences in fp64") {
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> ratio(-20.0, 20.0);
  std::uniform_int_distribution<int> tokens(1, 50);
  cases::for_each_objective([&](auto objective, reference::objective_fn const& f) {
    INFO("objective " << objective.name());
    for (int i = 0; i < 200; ++i) {
      double const c = ratio(rng), r = ratio(rng), nc = tokens(rng), nr = tokens(rng);
      if (std::string(objective.name()) == "hinge" &&
          std::fabs(1 - objective.beta * (c - r)) < 1e-3) {
        continue; // the kink has no derivative
      }
      auto const got = objective(L::pair_logratios<double>{c, r, nc, nr});
      double const h = 1e-6;
      double const dc =
          reference::central_difference([&](double x) { return f(x, r, nc, nr); }, c, h);
      double const dr =
          reference::central_difference([&](double x) { return f(c, x, nc, nr); }, r, h);
      REQUIRE(got.d_chosen == doctest::Approx(dc).epsilon(1e-6).scale(1e-3));
      REQUIRE(got.d_rejected == doctest::Approx(dr).epsilon(1e-6).scale(1e-3));
    }
  });
}

TEST_CASE("objectives stay finite and right for |beta * margin| up to 1e4") {
  for (double z : {1e4, -1e4, 3e3, -3e3}) {
    INFO("beta * margin = " << z);
    double const c = z / 0.1, r = 0.0; // beta 0.1
    L::pair_logratios<double> const p{c, r, 1.0, 1.0};
    L::pair_logratios<float> const pf{float(c), float(r), 1.0f, 1.0f};
    auto check_finite = [](auto value) {
      REQUIRE(std::isfinite(double(value.loss)));
      REQUIRE(std::isfinite(double(value.d_chosen)));
      REQUIRE(std::isfinite(double(value.d_rejected)));
    };
    cases::for_each_objective([&](auto objective, reference::objective_fn const&) {
      INFO("objective " << objective.name());
      check_finite(objective(p));
      check_finite(objective(pf));
    });
    // Asymptotes: -log s(z) -> max(-z, 0), its derivative -> -beta (z < 0) or 0 (z > 0).
    auto const sigmoid = L::sigmoid_loss{0.1, 0.0}(p);
    CHECK(sigmoid.loss == doctest::Approx(std::max(-z, 0.0)).epsilon(1e-12));
    CHECK(sigmoid.d_chosen == doctest::Approx(z < 0 ? -0.1 : 0.0).scale(1.0));
    auto const sigmoid_f = L::sigmoid_loss{0.1, 0.0}(pf);
    CHECK(double(sigmoid_f.loss) == doctest::Approx(std::max(-z, 0.0)).epsilon(1e-6));
    // DiscoPOP mixes in exp(-z): for z -> -inf the logistic part dominates with weight 1 - m = 1.
    auto const disco = L::discopop_loss{0.1, 0.05}(p);
    if (z < 0) {
      CHECK(disco.loss == doctest::Approx(-z).epsilon(1e-9));
    } else {
      CHECK(disco.loss == doctest::Approx(0.0).scale(1.0));
    }
  }
}

namespace {
// A user-written objective: (c - r - 1)^2.
struct squared_margin {
  double beta = 1.0;
  static constexpr char const* name() noexcept { return "squared_margin"; }
  static constexpr bool reference_free = false;
  template <class T>
  L::pair_loss<T> operator()(L::pair_logratios<T> const& p) const noexcept {
    T const d = p.chosen - p.rejected - T(1);
    return {d * d, T(2) * d, -T(2) * d};
  }
};
struct missing_name { // no name(), no reference_free: not an objective
  double beta = 1.0;
  template <class T>
  L::pair_loss<T> operator()(L::pair_logratios<T> const&) const noexcept {
    return {};
  }
};
} // namespace

TEST_CASE("a user-written objective models the concept") {
  static_assert(L::PairwiseObjective<squared_margin>);
  static_assert(!L::PairwiseObjective<missing_name>);
  CHECK(squared_margin{}(L::pair_logratios<double>{3.0, 1.0, 1, 1}).loss == 1.0);
}
