// ipo/loss/stats.hpp: the log-sum-exp summary of (part of) a row of logits, the one type that
// the CPU kernels, the CUDA kernels (CUB's block reduction) and vocabulary parallelism share.
//
// A row of logits x[0..V) is summarised by (max, sum_exp) with sum_exp = sum_v exp(x_v - max),
// so log-sum-exp = max + log(sum_exp). Summaries of disjoint parts merge exactly.
#pragma once

#include <cmath>
#include <limits>

#include "ipo/config.hpp"

namespace ipo::loss {

/// The log-sum-exp summary of (part of) a row: max and sum of exp(x - max), in fp32.
/// The empty summary is {-inf, 0}.
struct row_stats {
  float max = -std::numeric_limits<float>::infinity();
  float sum_exp = 0.0f;

  /// Combines the summaries of two disjoint parts of a row (commutative and associative up to
  /// rounding). Empty parts are neutral.
  IPO_HOST_DEVICE static row_stats merge(row_stats a, row_stats b) noexcept {
    using std::exp;
    float const m = a.max > b.max ? a.max : b.max;
    if (m == -std::numeric_limits<float>::infinity()) {
      return {};
    }
    return {m, a.sum_exp * exp(a.max - m) + b.sum_exp * exp(b.max - m)};
  }
  /// log(sum_v exp(x_v)) of the summarised part.
  IPO_HOST_DEVICE float log_sum_exp() const noexcept {
    using std::log;
    return max + log(sum_exp);
  }
};

} // namespace ipo::loss
