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
#include "ipo/loss/detail/packed_rows.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/stats.hpp"

namespace ipo::loss::detail {

/// The block reduction's operator (cub::BlockReduce): row_stats::merge, exact up to rounding.
struct merge_stats_op {
  IPO_HOST_DEVICE row_stats operator()(row_stats a, row_stats b) const noexcept {
    return row_stats::merge(a, b);
  }
};

/// Whether a row kernel over T (and writing Out) takes the device's fast exp: when either is
/// a 16-bit type, whose rounding (2^-9 or 2^-12) dwarfs the fast exp's error.
template <class T, class Out = T>
inline constexpr bool fast_exp_for = sizeof(T) == 2 || sizeof(Out) == 2;

/// exp(x) for x <= 0 (x - row max) in the row kernels. With Fast, on the device: one multiply
/// by log2(e) and the hardware's ex2.approx.ftz, the arithmetic of CUDA's __expf (at most
/// 2 + |1.173 x| ulp from exp; 2 ulp for the terms that dominate a row's sum) with results
/// below 2^-126 flushed to zero (no subnormal handling: 2 instructions instead of __expf's 4 or
/// expf's 8). It made the 16-bit row kernels, issue-bound with expf, nearer memory-bound.
/// Otherwise, and always on the host (the block emulator), std::exp.
template <bool Fast>
IPO_HOST_DEVICE IPO_INLINE float row_exp(float x) noexcept {
#if defined(__CUDA_ARCH__)
  if constexpr (Fast) {
    float result;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(result) : "f"(x * 1.44269504f));
    return result;
  }
#endif
  using std::exp;
  return exp(x);
}

/// Adds one element to a thread's running summary (the online log-sum-exp update).
template <bool Fast = false>
IPO_HOST_DEVICE inline void absorb_value(row_stats& s, float value) noexcept {
  if (value > s.max) {
    s.sum_exp = s.sum_exp * row_exp<Fast>(s.max - value) + 1.0f;
    s.max = value;
  } else if (value != -INFINITY) {
    s.sum_exp += row_exp<Fast>(value - s.max);
  }
}

/// A row's gradient element, scale * (onehot(target) - softmax), in the output's type;
/// `is_target` says whether this element is the target's.
template <class Out, bool Fast = false>
IPO_HOST_DEVICE IPO_INLINE Out gradient_value(bool is_target, float logit, float row_max,
                                              float log_sum, float scale) noexcept {
  float const p = row_exp<Fast>((logit - row_max) - log_sum);
  return from_float<Out>(scale * ((is_target ? 1.0f : 0.0f) - p));
}

/// Phase 3 of a row: thread `tid` writes its elements of g * (onehot(target) - softmax), in
/// the logits' type or another (fp32 chunk logits to a bf16 gradient). Element v is read and
/// written by the same thread, so `out` may be `x` itself.
template <class T, class Out>
IPO_HOST_DEVICE void thread_row_gradient(T const* x, Out* out, std::size_t n, std::size_t target,
                                         float row_max, float log_sum, float scale, unsigned tid,
                                         unsigned threads) noexcept {
  for (std::size_t v = tid; v < n; v += threads) {
    out[v] = gradient_value<Out, fast_exp_for<T, Out>>(v == target, to_float_for_arithmetic(x[v]),
                                                       row_max, log_sum, scale);
  }
}

/// Adds a pack to a running summary: one rescale for the pack's max, then one exp per lane.
template <class T>
IPO_HOST_DEVICE void absorb_pack(row_stats& s, pack<T> const& p) noexcept {
  constexpr bool fast = fast_exp_for<T>;
  float values[pack_lanes<T>];
  float pack_max = -INFINITY;
  for (std::size_t j = 0; j < pack_lanes<T>; ++j) {
    values[j] = to_float_for_arithmetic(p.lane[j]);
    pack_max = values[j] > pack_max ? values[j] : pack_max;
  }
  if (pack_max == -INFINITY) {
    return; // every lane is -inf: adds nothing (and exp(-inf - -inf) would be NaN)
  }
  if (pack_max > s.max) {
    s.sum_exp *= row_exp<fast>(s.max - pack_max);
    s.max = pack_max;
  }
  for (std::size_t j = 0; j < pack_lanes<T>; ++j) {
    s.sum_exp += row_exp<fast>(values[j] - s.max);
  }
}

/// Phase 1 of a row: thread `tid` of `threads` summarises its head and tail elements and its
/// 16-byte packs (packed_rows.hpp); neighbouring threads read neighbouring memory (coalesced).
/// Summaries of the threads merge into the row's (merge_stats_op).
template <class T>
IPO_HOST_DEVICE row_stats thread_row_stats_packed(T const* x, std::size_t n, unsigned tid,
                                                  unsigned threads) noexcept {
  row_split const split = split_row(x, n);
  row_stats s{};
  for (std::size_t v = tid; v < split.head; v += threads) {
    absorb_value<fast_exp_for<T>>(s, to_float_for_arithmetic(x[v]));
  }
  T const* packs = x + split.head;
  std::size_t k = tid;
  // Two loads issued before either is used: twice the bytes in flight per thread. The packs
  // are absorbed in the same order as one at a time (the same sums, bit for bit).
  for (; k + threads < split.packs; k += 2 * threads) {
    pack<T> const first = load_pack(packs + k * pack_lanes<T>);
    pack<T> const second = load_pack(packs + (k + threads) * pack_lanes<T>);
    absorb_pack(s, first);
    absorb_pack(s, second);
  }
  if (k < split.packs) {
    absorb_pack(s, load_pack(packs + k * pack_lanes<T>));
  }
  std::size_t const tail = split.tail_begin<T>();
  for (std::size_t v = tid; v < split.tail; v += threads) {
    absorb_value<fast_exp_for<T>>(s, to_float_for_arithmetic(x[tail + v]));
  }
  return s;
}

/// Phase 3 of a row with 16-byte loads and stores: what thread_row_gradient() writes, from
/// logits of type T into a gradient of type Out (the same type, or fp32 chunk logits into a
/// bf16 / fp16 gradient: two 16-byte loads per 16-byte store). The output's 16-byte packs
/// drive the split; when the input is not 16-byte aligned where an output pack begins, no
/// pack lines up with both and the thread falls back to thread_row_gradient().
template <class T, class Out>
IPO_HOST_DEVICE void
thread_row_gradient_packed(T const* x, Out* out, std::size_t n, std::size_t target, float row_max,
                           float log_sum, float scale, unsigned tid, unsigned threads) noexcept {
  static_assert(pack_lanes<Out> % pack_lanes<T> == 0, "an output pack spans whole input packs");
  constexpr std::size_t loads = pack_lanes<Out> / pack_lanes<T>; // input packs per output pack
  row_split const split = split_row(out, n);
  if (split.packs > 0 && misalignment(x + split.head) != 0) {
    thread_row_gradient(x, out, n, target, row_max, log_sum, scale, tid, threads);
    return;
  }
  auto const gradient_at = [&](bool is_target, float value) {
    return gradient_value<Out, fast_exp_for<T, Out>>(is_target, value, row_max, log_sum, scale);
  };
  for (std::size_t v = tid; v < split.head; v += threads) {
    out[v] = gradient_at(v == target, to_float_for_arithmetic(x[v]));
  }
  auto const load_inputs = [&](std::size_t first, pack<T>* in) {
    for (std::size_t l = 0; l < loads; ++l) {
      in[l] = load_pack(x + first + l * pack_lanes<T>);
    }
  };
  auto const store_gradient = [&](std::size_t first, pack<T> const* in) {
    // The target's lane in this pack, or none: one 64-bit test per pack, not per element.
    unsigned const target_lane =
        target - first < pack_lanes<Out> ? static_cast<unsigned>(target - first) : ~0u;
    pack<Out> result;
    for (unsigned j = 0; j < pack_lanes<Out>; ++j) {
      result.lane[j] = gradient_at(
          j == target_lane, to_float_for_arithmetic(in[j / pack_lanes<T>].lane[j % pack_lanes<T>]));
    }
    store_pack(out + first, result);
  };
  std::size_t k = tid;
  // Two output packs' loads issued before either is used (twice the bytes in flight); each
  // pack is still read and written by the same thread, so `out` may be `x`.
  for (; k + threads < split.packs; k += 2 * threads) {
    std::size_t const first = split.head + k * pack_lanes<Out>;
    std::size_t const second = first + threads * pack_lanes<Out>;
    pack<T> in_first[loads], in_second[loads];
    load_inputs(first, in_first);
    load_inputs(second, in_second);
    store_gradient(first, in_first);
    store_gradient(second, in_second);
  }
  if (k < split.packs) {
    std::size_t const first = split.head + k * pack_lanes<Out>;
    pack<T> in[loads];
    load_inputs(first, in);
    store_gradient(first, in);
  }
  std::size_t const tail = split.tail_begin<Out>();
  for (std::size_t v = tail + tid; v < n; v += threads) {
    out[v] = gradient_at(v == target, to_float_for_arithmetic(x[v]));
  }
}

/// The gradient row of an unscored row: thread `tid` writes its zeros (+0 in every storage
/// type), packs with streaming stores, the row is never read.
template <class T>
IPO_HOST_DEVICE void thread_zero_row(T* out, std::size_t n, unsigned tid,
                                     unsigned threads) noexcept {
  row_split const split = split_row(out, n);
  for (std::size_t v = tid; v < split.head; v += threads) {
    out[v] = from_float<T>(0.0f);
  }
  for (std::size_t k = tid; k < split.packs; k += threads) {
    store_zero_pack(out + split.head + k * pack_lanes<T>);
  }
  std::size_t const tail = split.tail_begin<T>();
  for (std::size_t v = tail + tid; v < n; v += threads) {
    out[v] = from_float<T>(0.0f);
  }
}

/// Log-probability of the target from the row's summary, formed in fp64 so that logits of 1e4
/// keep their small differences.
IPO_HOST_DEVICE inline double target_log_prob(float target_logit, row_stats s) noexcept {
  using std::log;
  return (static_cast<double>(target_logit) - s.max) - log(static_cast<double>(s.sum_exp));
}

/// Lanes (one warp) that sum a sequence's log-probabilities in the pairs kernels.
inline constexpr unsigned sequence_sum_lanes = 32;

/// Lane `lane`'s share of a sequence's summed log-probability: its scored rows k = lane,
/// lane + 32, ... in order. The lanes' shares then meet in a fixed tree (offsets 16, 8, 4, 2,
/// 1: a warp's shuffle-down reduction), so the sum is the same on every run; it differs from a
/// plain row-order sum only by fp64 rounding.
IPO_HOST_DEVICE inline double lane_logp_sum(double const* logps, std::int32_t count,
                                            unsigned lane) noexcept {
  double sum = 0;
  for (std::int32_t k = static_cast<std::int32_t>(lane); k < count;
       k += static_cast<std::int32_t>(sequence_sum_lanes)) {
    sum += logps[k];
  }
  return sum;
}

/// The host's form of the device's warp sum (kernels.cuh, warp_sequence_logp): every lane's
/// lane_logp_sum() combined in the same shuffle-down tree. The block emulators use it.
inline double emulated_sequence_logp(double const* logps, std::int32_t count) noexcept {
  double lane_sums[sequence_sum_lanes];
  for (unsigned lane = 0; lane < sequence_sum_lanes; ++lane) {
    lane_sums[lane] = lane_logp_sum(logps, count, lane);
  }
  for (unsigned offset = sequence_sum_lanes / 2; offset > 0; offset /= 2) {
    for (unsigned lane = 0; lane < offset; ++lane) { // lane 0's inputs only
      lane_sums[lane] += lane_sums[lane + offset];
    }
  }
  return lane_sums[0];
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

/// A counted pair's share of the batch means (1/counted of its terms), from what is stored for
/// it: the objective and NLL terms, and the rewards as stored, in fp32 (TRL forms rewards in
/// the policy's dtype before averaging; the CPU and CUDA backends both average these).
IPO_HOST_DEVICE inline pair_sums pair_share(double objective, double nll, float chosen_reward,
                                            float rejected_reward, double nll_weight,
                                            double counted) noexcept {
  double const inv = 1.0 / counted;
  double const chosen = chosen_reward, rejected = rejected_reward;
  pair_sums s;
  s.loss = (objective + nll_weight * nll) * inv;
  s.objective = objective * inv;
  s.nll = nll * inv;
  s.chosen_reward = chosen * inv;
  s.rejected_reward = rejected * inv;
  s.margin = (chosen - rejected) * inv;
  s.accuracy = (chosen > rejected ? 1.0 : 0.0) * inv;
  return s;
}

} // namespace ipo::loss::detail
