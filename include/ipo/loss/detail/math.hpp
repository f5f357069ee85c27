// ipo/loss/detail/math.hpp: numerically stable scalar helpers shared by the host and CUDA.
#pragma once

#include <cmath>

#include "ipo/config.hpp"

namespace ipo::loss::detail {

/// log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
template <class T>
IPO_HOST_DEVICE IPO_INLINE T softplus(T x) noexcept {
  using std::exp;
  using std::fabs;
  using std::log1p;
  return (x > T(0) ? x : T(0)) + log1p(exp(-fabs(x)));
}

/// log(sigmoid(x)) = -softplus(-x); finite for every finite x.
template <class T>
IPO_HOST_DEVICE IPO_INLINE T log_sigmoid(T x) noexcept {
  return -softplus(-x);
}

/// 1 / (1 + exp(-x)), evaluated so that exp never overflows.
template <class T>
IPO_HOST_DEVICE IPO_INLINE T sigmoid(T x) noexcept {
  using std::exp;
  if (x >= T(0)) {
    return T(1) / (T(1) + exp(-x));
  }
  T const e = exp(x);
  return e / (T(1) + e);
}

} // namespace ipo::loss::detail
