// ipo/loss/detail/pair_plan.hpp: the bookkeeping shared by both preference-loss entry points:
// which rows are scored, how sequences form pairs, and the per-pair objective that turns
// per-sequence log-probabilities into the loss, the metrics and each sequence's derivative.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ipo/config.hpp"
#include "ipo/core/error.hpp"
#include "ipo/core/matrix_view.hpp"
#include "ipo/loss/batch_objectives.hpp"
#include "ipo/loss/detail/phases.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/options.hpp"

namespace ipo::loss::detail {

/// Sequence indices of pair i's chosen and rejected sides.
struct pair_index {
  std::size_t chosen;
  std::size_t rejected;
};

IPO_HOST_DEVICE inline pair_index pair_sequences(pair_layout layout, std::size_t pairs,
                                                 std::size_t i) noexcept {
  return layout == pair_layout::concatenated ? pair_index{i, pairs + i}
                                             : pair_index{2 * i, 2 * i + 1};
}

/// Checks the objective's parameters; throws ipo::argument_error naming the field.
template <Objective O>
void validate_objective(O const& objective, char const* fn) {
  std::string const name = std::string("objective.");
  check_argument(std::isfinite(objective.beta) && objective.beta > 0, fn, name + "beta",
                 objective.beta, "a finite value > 0");
  if constexpr (requires { objective.label_smoothing; }) {
    check_argument(objective.label_smoothing >= 0 && objective.label_smoothing < 0.5, fn,
                   name + "label_smoothing", objective.label_smoothing, "a value in [0, 0.5)");
  }
  if constexpr (requires { objective.epsilon; }) {
    check_argument(objective.epsilon > 0 && objective.epsilon <= 0.5, fn, name + "epsilon",
                   objective.epsilon, "a value in (0, 0.5]");
  }
  if constexpr (requires { objective.tau; }) {
    check_argument(std::isfinite(objective.tau) && objective.tau > 0, fn, name + "tau",
                   objective.tau, "a finite value > 0");
  }
  if constexpr (requires { objective.gamma; }) {
    check_argument(std::isfinite(objective.gamma), fn, name + "gamma", objective.gamma,
                   "a finite value");
  }
}

/// Validates the options and the batch shape; returns the number of sequences.
inline std::size_t validate_batch(preference_loss_options const& options, std::size_t rows,
                                  std::size_t labels, char const* fn) {
  check_argument(options.sequence_length >= 1, fn, "options.sequence_length",
                 options.sequence_length, "the number of positions per sequence (>= 1)");
  check_argument(rows % options.sequence_length == 0, fn, "rows", rows,
                 "a multiple of options.sequence_length (" +
                     std::to_string(options.sequence_length) + ")");
  std::size_t const sequences = rows / options.sequence_length;
  check_argument(sequences >= 2 && sequences % 2 == 0, fn, "sequences", sequences,
                 "an even number >= 2 (rows / sequence_length; chosen and rejected sides)");
  check_argument(labels == rows, fn, "labels.size()", labels,
                 "one label per row (" + std::to_string(rows) + ")");
  check_argument(std::isfinite(options.nll_weight) && options.nll_weight >= 0, fn,
                 "options.nll_weight", options.nll_weight, "a finite value >= 0");
  check_argument(std::isfinite(options.ld_alpha), fn, "options.ld_alpha", options.ld_alpha,
                 "a finite value (1 for plain summing)");
  return sequences;
}

/// Collects the scored rows (label != ignore_index after the optional shift) in row order and
/// counts them per sequence. Every label must be ignore_index or a token id in [0, vocab).
template <class Label>
void collect_scored_rows(std::span<Label const> labels, std::size_t vocab,
                         preference_loss_options const& options, std::size_t sequences,
                         preference_loss_result& out, char const* fn) {
  auto& scratch = out.scratch;
  scratch.scored_rows.clear();
  scratch.targets.clear();
  out.token_counts.assign(sequences, 0);
  std::size_t const T = options.sequence_length;
  check_argument(labels.size() < std::size_t{1} << 32, fn, "labels.size()", labels.size(),
                 "fewer than 2^32 rows");
  for (std::size_t s = 0; s < sequences; ++s) {
    for (std::size_t t = 0; t < T; ++t) {
      // The CUDA plan kernel decides each row with the same function (phases.hpp).
      std::int64_t const target =
          row_target(labels.data(), s, t, T, options.shift_labels, options.ignore_index, vocab);
      if (target == -1) {
        continue; // not scored: the ignore index, or the last position when labels are shifted
      }
      if (target < -1) [[unlikely]] {
        auto const index = static_cast<std::size_t>(-2 - target);
        throw_argument_error(
            fn, "labels[" + std::to_string(index) + "]", static_cast<std::int64_t>(labels[index]),
            "a token id in [0, " + std::to_string(vocab) + ") or the ignore index (" +
                std::to_string(options.ignore_index) + ")");
      }
      scratch.scored_rows.push_back(static_cast<std::uint32_t>(s * T + t));
      scratch.targets.push_back(target);
      ++out.token_counts[s];
    }
  }
}

/// Checks that every pair has scored tokens on both sides (or marks it skipped, as the options
/// say), records how many pairs count, and sizes the per-pair outputs.
inline void count_pairs(preference_loss_options const& options, preference_loss_result& out,
                        char const* fn) {
  std::size_t const sequences = out.token_counts.size();
  std::size_t const pairs = sequences / 2;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    auto const [c, r] = pair_sequences(options.layout, pairs, i);
    for (std::size_t side : {c, r}) {
      if (out.token_counts[side] == 0 && options.empty_pairs == empty_pair_policy::error) {
        throw_argument_error(
            fn, "labels", "pair " + std::to_string(i),
            "at least one scored token in both sequences of every pair (sequence " +
                std::to_string(side) +
                " has none; set options.empty_pairs = skip to leave such pairs out)");
      }
    }
    counted += out.token_counts[c] > 0 && out.token_counts[r] > 0;
  }
  out.pairs_counted = counted;
  double chosen_tokens = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    auto const [c, r] = pair_sequences(options.layout, pairs, i);
    chosen_tokens += out.token_counts[c] > 0 && out.token_counts[r] > 0
                         ? static_cast<double>(out.token_counts[c])
                         : 0.0;
  }
  out.scratch.nll_tokens_per_pair =
      counted > 0 ? chosen_tokens / static_cast<double>(counted) : 1.0;
  out.scratch.sequence_scale.assign(sequences, 0.0f);
  out.scratch.pair_objective.assign(pairs, 0.0);
  out.scratch.pair_nll.assign(pairs, 0.0);
  out.pair_losses.assign(pairs, 0.0f);
  out.chosen_rewards.assign(pairs, 0.0f);
  out.rejected_rewards.assign(pairs, 0.0f);
}

/// LD-DPO (options.ld_alpha != 1): the weight of every scored row, 1 for the first
/// min(n_chosen, n_rejected) scored rows of each sequence of a pair and ld_alpha for the rest.
/// Leaves scratch.row_weight empty otherwise (every weight is 1).
inline void assign_row_weights(preference_loss_options const& options,
                               preference_loss_result& out) {
  auto& scratch = out.scratch;
  scratch.row_weight.clear();
  if (options.ld_alpha == 1.0) {
    return;
  }
  std::size_t const sequences = out.token_counts.size(), pairs = sequences / 2;
  std::vector<std::int64_t> shared(sequences, 0);
  for (std::size_t i = 0; i < pairs; ++i) {
    auto const [c, r] = pair_sequences(options.layout, pairs, i);
    shared[c] = shared[r] = std::min(out.token_counts[c], out.token_counts[r]);
  }
  scratch.row_weight.resize(scratch.scored_rows.size());
  std::size_t k = 0;
  for (std::size_t s = 0; s < sequences; ++s) { // scored rows are in sequence order
    for (std::int64_t position = 0; position < out.token_counts[s]; ++position, ++k) {
      scratch.row_weight[k] = position < shared[s] ? 1.0f : static_cast<float>(options.ld_alpha);
    }
  }
}

/// The weight of scored row k (LD-DPO), 1 when LD-DPO is off.
inline float row_weight(preference_loss_result const& out, std::size_t k) noexcept {
  return out.scratch.row_weight.empty() ? 1.0f : out.scratch.row_weight[k];
}

/// The denominator of pair i's NLL term (see combine_pair()).
inline double nll_tokens(preference_loss_options const& options, preference_loss_result const& out,
                         std::size_t chosen) noexcept {
  return options.nll == nll_reduction::batch_tokens ? out.scratch.nll_tokens_per_pair
                                                    : static_cast<double>(out.token_counts[chosen]);
}

/// Stores pair i's contribution: its loss, rewards, and in scratch.sequence_scale the derivative
/// of the mean loss with respect to the log-probability of each of its two sequences.
inline void store_pair_contribution(std::size_t i, std::size_t c, std::size_t r,
                                    pair_contribution const& value, preference_loss_result& out) {
  out.scratch.pair_objective[i] = value.objective;
  out.scratch.pair_nll[i] = value.nll;
  out.pair_losses[i] = static_cast<float>(value.loss);
  out.scratch.sequence_scale[c] = static_cast<float>(value.scale_chosen);
  out.scratch.sequence_scale[r] = static_cast<float>(value.scale_rejected);
  out.chosen_rewards[i] = static_cast<float>(value.chosen_reward);
  out.rejected_rewards[i] = static_cast<float>(value.rejected_reward);
}

/// Evaluates the objective of pairs [first, last) from out.policy_logps and the token counts
/// (pairs with an unscored side keep zeros). A pairwise objective sees one pair at a time; a
/// batch objective sees the counted pairs of the range together (give it every pair when it
/// needs_all_pairs()).
template <Objective O>
void evaluate_pairs(O const& objective, std::span<float const> reference_logps,
                    preference_loss_options const& options, preference_loss_result& out,
                    std::size_t first, std::size_t last) {
  std::size_t const pairs = out.token_counts.size() / 2;
  double const counted = static_cast<double>(out.pairs_counted);
  auto reference = [&](std::size_t s) {
    return reference_logps.empty() ? 0.0 : static_cast<double>(reference_logps[s]);
  };
  if constexpr (PairwiseObjective<O>) {
    for (std::size_t i = first; i < last; ++i) {
      auto const [c, r] = pair_sequences(options.layout, pairs, i);
      if (out.token_counts[c] == 0 || out.token_counts[r] == 0) {
        continue;
      }
      store_pair_contribution(
          i, c, r,
          evaluate_pair_math(objective, out.policy_logps[c], out.policy_logps[r], reference(c),
                             reference(r), static_cast<double>(out.token_counts[c]),
                             static_cast<double>(out.token_counts[r]), nll_tokens(options, out, c),
                             options.nll_weight, counted),
          out);
    }
  } else {
    std::vector<std::size_t> index;
    std::vector<pair_logps> in;
    for (std::size_t i = first; i < last; ++i) {
      auto const [c, r] = pair_sequences(options.layout, pairs, i);
      if (out.token_counts[c] > 0 && out.token_counts[r] > 0) {
        index.push_back(i);
        in.push_back({out.policy_logps[c], out.policy_logps[r], reference(c), reference(r),
                      static_cast<double>(out.token_counts[c]),
                      static_cast<double>(out.token_counts[r])});
      }
    }
    std::vector<pair_loss<double>> values(in.size());
    objective.evaluate(std::span<pair_logps const>(in), std::span<pair_loss<double>>(values));
    for (std::size_t k = 0; k < in.size(); ++k) {
      auto const [c, r] = pair_sequences(options.layout, pairs, index[k]);
      store_pair_contribution(index[k], c, r,
                              combine_pair(values[k], in[k].chosen, in[k].chosen - in[k].ref_chosen,
                                           in[k].rejected - in[k].ref_rejected, objective.beta,
                                           nll_tokens(options, out, c), options.nll_weight,
                                           counted),
                              out);
    }
  }
}

/// Whether an objective's pairs must all be evaluated before any gradient is written.
template <Objective O>
bool needs_all_pairs(O const& objective) noexcept {
  if constexpr (BatchObjective<O>) {
    return objective.needs_all_pairs();
  } else {
    return false;
  }
}

/// The means over counted pairs, summed in pair order.
inline void summarize_pairs(preference_loss_options const& options, preference_loss_result& out) {
  std::size_t const pairs = out.pair_losses.size();
  pair_sums sums; // the CUDA pairs kernel reduces the same pair_share() values
  if (out.pairs_counted > 0) {
    double const counted = static_cast<double>(out.pairs_counted);
    for (std::size_t i = 0; i < pairs; ++i) {
      auto const [c, r] = pair_sequences(options.layout, pairs, i);
      if (out.token_counts[c] == 0 || out.token_counts[r] == 0) {
        continue;
      }
      sums +=
          pair_share(out.scratch.pair_objective[i], out.scratch.pair_nll[i], out.chosen_rewards[i],
                     out.rejected_rewards[i], options.nll_weight, counted);
    }
  }
  out.loss = sums.loss;
  out.objective_loss = sums.objective;
  out.nll_loss = sums.nll;
  out.mean_chosen_reward = sums.chosen_reward;
  out.mean_rejected_reward = sums.rejected_reward;
  out.mean_margin = sums.margin;
  out.accuracy = sums.accuracy;
}

/// Checks the reference log-probabilities against the objective and the options.
template <Objective O>
void validate_reference(O const& objective, std::span<float const> reference_logps,
                        std::size_t sequences, preference_loss_options const& options,
                        char const* fn) {
  if (objective.reference_free && !reference_logps.empty()) {
    throw_argument_error(fn, "reference_logps.size()", reference_logps.size(),
                         std::string("0: the objective ") + std::string(objective.name()) +
                             " is reference-free");
  }
  if (objective.reference_free) {
    return;
  }
  if (reference_logps.empty()) {
    check_argument(options.reference_free, fn, "reference_logps.size()", 0,
                   "one reference log-probability per sequence (" + std::to_string(sequences) +
                       "), or options.reference_free = true");
  } else {
    check_argument(
        reference_logps.size() == sequences, fn, "reference_logps.size()", reference_logps.size(),
        "one reference log-probability per sequence (" + std::to_string(sequences) + ")");
    for (std::size_t s = 0; s < sequences; ++s) {
      check_argument(std::isfinite(reference_logps[s]), fn,
                     "reference_logps[" + std::to_string(s) + "]", reference_logps[s],
                     "a finite value");
    }
  }
}

/// What the CUDA entry points do not take yet (they run pairwise objectives, the NLL term
/// averaged over pairs, and plain summing).
inline void check_cuda_options(preference_loss_options const& options, char const* fn) {
  check_argument(options.ld_alpha == 1.0, fn, "options.ld_alpha", options.ld_alpha,
                 "1 (LD-DPO runs on the CPU entry points only)");
  check_argument(options.nll == nll_reduction::pair_mean, fn, "options.nll", "batch_tokens",
                 "pair_mean (the batch-token NLL mean runs on the CPU entry points only)");
}

/// Checks a (hidden, weight, bias) triple of the fused linear variants.
template <class T>
void check_linear(matrix_view<T const> hidden, matrix_view<T const> weight, std::span<T const> bias,
                  std::string const& prefix, char const* fn) {
  hidden.validate(fn, prefix + "hidden");
  weight.validate(fn, prefix + "weight");
  check_argument(weight.cols() == hidden.cols(), fn, prefix + "weight.cols()", weight.cols(),
                 "the hidden size (" + std::to_string(hidden.cols()) + ")");
  check_argument(weight.rows() >= 1, fn, prefix + "weight.rows()", weight.rows(),
                 "a vocabulary of >= 1");
  check_argument(bias.empty() || bias.size() == weight.rows(), fn, prefix + "bias.size()",
                 bias.size(), "0 or the vocabulary size (" + std::to_string(weight.rows()) + ")");
}

/// Checks a gradient output of the fused linear variants: empty (not wanted), or a valid
/// [rows x cols] view.
template <class T>
void check_linear_output(matrix_view<T> view, std::size_t rows, std::size_t cols,
                         std::string const& name, char const* fn) {
  if (view.data() == nullptr) {
    return;
  }
  view.validate(fn, name);
  check_argument(view.rows() == rows && view.cols() == cols, fn, name + ".shape",
                 std::to_string(view.rows()) + "x" + std::to_string(view.cols()),
                 std::to_string(rows) + "x" + std::to_string(cols));
}

} // namespace ipo::loss::detail
