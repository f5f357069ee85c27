#include "ipo/loss/detail/fast_exp.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "ipo/simd/dispatch.hpp"

namespace {

// exp_nonpositive on every compiled-in SIMD architecture for the values xs (a multiple of any
// batch width), written back in order.
template <class Arch>
std::vector<float> exp_on(Arch, std::vector<float> const& xs) {
  using batch = xsimd::batch<float, Arch>;
  std::vector<float> out(xs.size());
  for (std::size_t i = 0; i + batch::size <= xs.size(); i += batch::size) {
    ipo::loss::detail::exp_nonpositive<Arch>(batch::load_unaligned(xs.data() + i))
        .store_unaligned(out.data() + i);
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

} // namespace

TEST_CASE("exp_nonpositive: within 4e-7 of exp in fp64 over [-87.3, 0], exact enough at 0") {
  std::vector<float> xs;
  for (std::size_t k = 0; k < 64 * 8192; ++k) { // dense over the range, both ends included
    xs.push_back(-87.3f * static_cast<float>(k) / static_cast<float>(64 * 8192 - 1));
  }
  for_each_simd_arch([&](auto arch) {
    INFO("architecture " << std::string(arch.name()));
    std::vector<float> const got = exp_on(arch, xs);
    double worst = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      double const expected = std::exp(static_cast<double>(xs[k]));
      worst = std::max(worst, std::abs(got[k] - expected) / expected);
    }
    CHECK(worst < 4e-7); // about 3 ulp: a degree-5 minimax polynomial evaluated in fp32
  });
}

TEST_CASE("exp_nonpositive: inputs below -87.3 give exp(-87.3), a NaN stays NaN") {
  float const nan = std::numeric_limits<float>::quiet_NaN();
  float const inf = std::numeric_limits<float>::infinity();
  std::vector<float> xs(64, -1000.0f);
  xs[1] = -inf;
  xs[2] = nan;
  xs[3] = -88.0f;
  for_each_simd_arch([&](auto arch) {
    INFO("architecture " << std::string(arch.name()));
    std::vector<float> const got = exp_on(arch, xs);
    double const floor = std::exp(static_cast<double>(-87.3f)); // the clamp, as a float
    for (std::size_t k = 0; k < xs.size(); ++k) {
      if (k == 2) {
        CHECK(std::isnan(got[k]));
      } else {
        CHECK(std::abs(got[k] - floor) <= 4e-7 * floor);
      }
    }
  });
}
