// ipo/loss/detail/phases.hpp: the per-thread phases of the CUDA preference-loss kernels,
// written once as IPO_HOST_DEVICE code. A CUDA kernel runs them with threadIdx.x / blockDim.x
// and cub::BlockReduce between them; the tests run the very same functions for every thread
// of a block on the host (a block emulator), so the kernel logic is checked without a GPU.
//
// Kernels are organised as: per-thread partial -> block reduction -> per-thread outputs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ipo/config.hpp"
#include "ipo/core/dtype.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/stats.hpp"

namespace ipo::loss::detail {

/// The block reduction's operator (cub::BlockReduce): row_stats::merge, exact up to rounding.
struct merge_stats_op {
  IPO_HOST_DEVICE row_stats operator()(row_stats a, row_stats b) const noexcept {
    return row_stats::merge(a, b);
  }
};

/// Phase 1 of a row: thread `tid` of `threads` summarises x[tid], x[tid + threads], ...
/// (coalesced: neighbouring threads read neighbouring elements).
template <class T>
IPO_HOST_DEVICE row_stats thread_row_stats(T const* x, std::size_t n, unsigned tid,
                                           unsigned threads) noexcept {
  using std::exp;
  row_stats s{};
  for (std::size_t v = tid; v < n; v += threads) {
    float const value = to_float(x[v]);
    if (value > s.max) {
      s.sum_exp = s.sum_exp * exp(s.max - value) + 1.0f;
      s.max = value;
    } else if (value != -INFINITY) {
      s.sum_exp += exp(value - s.max);
    }
  }
  return s;
}

/// Phase 3 of a row: thread `tid` writes its elements of g * (onehot(target) - softmax).
/// `target_softmax` is read by the caller before any thread writes (in-place safety).
template <class T>
IPO_HOST_DEVICE void thread_row_gradient(T const* x, T* out, std::size_t n, std::size_t target,
                                         float row_max, float log_sum, float scale, unsigned tid,
                                         unsigned threads) noexcept {
  using std::exp;
  for (std::size_t v = tid; v < n; v += threads) {
    float const p = exp((to_float(x[v]) - row_max) - log_sum);
    out[v] = from_float<T>(scale * ((v == target ? 1.0f : 0.0f) - p));
  }
}

/// Log-probability of the target from the row's summary, formed in fp64 so that logits of 1e4
/// keep their small differences.
IPO_HOST_DEVICE inline double target_log_prob(float target_logit, row_stats s) noexcept {
  using std::log;
  return (static_cast<double>(target_logit) - s.max) - log(static_cast<double>(s.sum_exp));
}

/// Everything one pair contributes, from its sequences' summed log-probabilities.
struct pair_contribution {
  double loss;      ///< objective + alpha * nll
  double objective; ///< objective alone
  double nll;       ///< -log pi(chosen) / nll_tokens
  double scale_chosen;
  double scale_rejected; ///< d(mean loss) / d(log pi) of each side
  double chosen_reward;  ///< beta * c
  double rejected_reward;
};

/// A pair's share of the mean loss from its objective value (loss and derivatives with respect
/// to the policy log-probabilities), with the NLL term -log pi(chosen) / nll_tokens: nll_tokens
/// is n_chosen for the mean over pairs, and (chosen tokens in the batch) / counted for TRL's
/// batch-token mean (both make the mean over pairs of the per-pair terms the NLL loss).
IPO_HOST_DEVICE inline pair_contribution combine_pair(pair_loss<double> const& value,
                                                      double logp_chosen, double c, double r,
                                                      double beta, double nll_tokens,
                                                      double nll_weight, double counted) noexcept {
  double const nll = -logp_chosen / nll_tokens;
  double const inv = 1.0 / counted;
  return {value.loss + nll_weight * nll,
          value.loss,
          nll,
          (value.d_chosen - nll_weight / nll_tokens) * inv,
          value.d_rejected * inv,
          beta * c,
          beta * r};
}

/// Phase of the pairs kernel (and of the CPU backend): one pair's objective, NLL term,
/// derivatives of the mean over `counted` pairs, and rewards.
template <class O>
IPO_HOST_DEVICE pair_contribution evaluate_pair_math(O const& objective, double logp_chosen,
                                                     double logp_rejected, double ref_chosen,
                                                     double ref_rejected, double n_chosen,
                                                     double n_rejected, double nll_tokens,
                                                     double nll_weight, double counted) noexcept {
  double const c = logp_chosen - ref_chosen, r = logp_rejected - ref_rejected;
  pair_loss<double> const value = objective(pair_logratios<double>{c, r, n_chosen, n_rejected});
  return combine_pair(value, logp_chosen, c, r, objective.beta, nll_tokens, nll_weight, counted);
}

/// Plan phase: the target of row t of sequence s, or -1 when the row is not scored (the
/// shifted label is ignore_index, or the row is the last of its sequence under the shift).
/// A label outside [0, vocab) returns -2 - (label index), for the caller to report.
template <class Label>
IPO_HOST_DEVICE std::int64_t row_target(Label const* labels, std::size_t s, std::size_t t,
                                        std::size_t T, bool shift, std::int64_t ignore_index,
                                        std::size_t vocab) noexcept {
  std::size_t const offset = shift ? 1 : 0;
  if (t + offset >= T) {
    return -1;
  }
  std::size_t const index = s * T + t + offset;
  auto const label = static_cast<std::int64_t>(labels[index]);
  if (label == ignore_index) {
    return -1;
  }
  if (label < 0 || static_cast<std::uint64_t>(label) >= vocab) {
    return -2 - static_cast<std::int64_t>(index);
  }
  return label;
}

/// Sums a pairs kernel reduces over pairs (one per thread, then a block reduction).
struct pair_sums {
  double loss = 0, objective = 0, nll = 0, chosen_reward = 0, rejected_reward = 0, margin = 0,
         accuracy = 0;
  IPO_HOST_DEVICE pair_sums& operator+=(pair_sums const& o) noexcept {
    loss += o.loss;
    objective += o.objective;
    nll += o.nll;
    chosen_reward += o.chosen_reward;
    rejected_reward += o.rejected_reward;
    margin += o.margin;
    accuracy += o.accuracy;
    return *this;
  }
};
struct pair_sums_add {
  IPO_HOST_DEVICE pair_sums operator()(pair_sums a, pair_sums const& b) const noexcept {
    return a += b;
  }
};

/// A pair's contribution to the sums (already divided by the number of counted pairs).
IPO_HOST_DEVICE inline pair_sums sums_of(pair_contribution const& c, double counted) noexcept {
  double const inv = 1.0 / counted;
  pair_sums s;
  s.loss = c.loss * inv;
  s.objective = c.objective * inv;
  s.nll = c.nll * inv;
  s.chosen_reward = c.chosen_reward * inv;
  s.rejected_reward = c.rejected_reward * inv;
  s.margin = (c.chosen_reward - c.rejected_reward) * inv;
  s.accuracy = (c.chosen_reward > c.rejected_reward ? 1.0 : 0.0) * inv;
  return s;
}

} // namespace ipo::loss::detail
