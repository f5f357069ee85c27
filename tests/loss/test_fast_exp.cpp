#include "ipo/loss/detail/fast_exp.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "ipo/simd/dispatch.hpp"

namespace {

namespace D = ipo::loss::detail;

// scaled_exp(a, b, k) on architecture Arch for the values xs, in order (a partial last batch
// goes through the one-lane path the kernels use for tails).
template <class Arch>
std::vector<float> scaled_exp_on(Arch, float a, float b, float k, std::vector<float> const& xs) {
  using batch = xsimd::batch<float, Arch>;
  D::scaled_exp<Arch> const e(a, b, k);
  std::vector<float> out(xs.size());
  std::size_t i = 0;
  for (; i + batch::size <= xs.size(); i += batch::size) {
    e(batch::load_unaligned(xs.data() + i)).store_unaligned(out.data() + i);
  }
  for (; i < xs.size(); ++i) {
    out[i] = e.at(xs[i]);
  }
  return out;
}

template <class F>
void for_each_simd_arch(F&& f) {
  ipo::simd::for_each_available_arch<ipo::simd::compiled_archs>([&](auto arch) {
    if constexpr (!std::is_same_v<decltype(arch), ipo::simd::scalar>) {
      f(arch);
    }
  });
}

// The documented bound: 1e-6 relative, plus fp32's rounding of an argument of that size
// (twice over without FMA hardware).
double allowed_error(double argument) {
  return 1e-6 + 1.2e-7 * std::fabs(argument);
}

// The worst error of got[i] = k exp((xs[i] - a) + b) in units of the documented bound.
double worst_in_bounds(float a, float b, float k, std::vector<float> const& xs,
                       std::vector<float> const& got) {
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double const argument = (static_cast<double>(xs[i]) - a) + b;
    double const want = static_cast<double>(k) * std::exp(argument);
    if (std::fabs(want) < 1e-37 * std::fabs(k)) {
      continue; // the underflow range has its own test
    }
    // Results under FLT_MIN (k = 1e-20) are subnormal: half a unit of 2^-149 more.
    double const error = std::fabs(got[i] - want);
    worst = std::max(worst, error / (allowed_error(argument) * std::fabs(want) + 0x1p-150));
  }
  return worst;
}

} // namespace

TEST_CASE("scaled_exp: k exp((x - a) + b) within 1e-6 + 1.2e-7 |argument| of fp64, over the "
          "whole range, for small and large logits") {
  struct row {
    float a, b, k;
  };
  // Pass 1 (b = 0, k = 1) and pass 2 (b = -log_sum, k = -scale) shapes, with logits near 0 and
  // near 1e4 (where a formula that rounds x * log2(e) before subtracting would lose 3e-4).
  for (row const r : {row{0.0f, 0.0f, 1.0f}, row{3.25f, -10.37f, -0.0123f}, row{1.0e4f, 0.0f, 1.0f},
                      row{-9999.5f, -11.93f, 2.5e-3f}, row{7.0f, -0.3f, -1.0e-20f}}) {
    std::vector<float> xs;
    for (std::size_t i = 0; i < 64 * 4096 + 5; ++i) { // dense over [a - 87, a], plus a tail
      float const step = 87.0f * static_cast<float>(i) / static_cast<float>(64 * 4096);
      xs.push_back(r.a - step);
    }
    for_each_simd_arch([&](auto arch) {
      INFO("architecture " << std::string(arch.name()) << ", a = " << r.a << ", b = " << r.b
                           << ", k = " << r.k);
      CHECK(worst_in_bounds(r.a, r.b, r.k, xs, scaled_exp_on(arch, r.a, r.b, r.k, xs)) <= 1.0);
    });
  }
}

TEST_CASE("scaled_exp: -inf gives 0 (or at most k 2^-126), a NaN stays NaN, arguments below "
          "-87 give at most k 2^-126") {
  float const nan = std::numeric_limits<float>::quiet_NaN();
  float const inf = std::numeric_limits<float>::infinity();
  std::vector<float> xs(67, -1000.0f);
  xs[1] = -inf;
  xs[2] = nan;
  xs[3] = -88.0f;
  xs[4] = -3.0e38f;
  xs[66] = nan; // in the one-lane tail
  float const k = -0.5f;
  for_each_simd_arch([&](auto arch) {
    INFO("architecture " << std::string(arch.name()));
    std::vector<float> const got = scaled_exp_on(arch, 0.0f, 0.0f, k, xs);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      INFO("x = " << xs[i] << ", got " << got[i]);
      if (std::isnan(xs[i])) {
        CHECK(std::isnan(got[i]));
      } else {
        CHECK(got[i] <= 0.0f); // the sign of k
        CHECK(std::fabs(got[i]) <= std::ldexp(std::fabs(k), -126) * 1.5f);
      }
    }
  });
}

TEST_CASE("scaled_exp on the scalar architecture is k * std::exp((x - a) + b)") {
  D::scaled_exp<ipo::simd::scalar> const e(2.0f, -1.5f, 3.0f);
  for (float x : {2.0f, 0.0f, -40.0f}) { // against fp64: 3 e^(x - 3.5)
    double const want = 3.0 * std::exp(static_cast<double>(x) - 3.5);
    CHECK(e(x) == doctest::Approx(want).epsilon(1e-6));
  }
}
