// ipo/loss/preference_loss.hpp: the fused DPO-family preference loss over logits.
//
// Input: logits [B*T x V] (fp32 / bf16 / fp16, any row stride) of B = 2P sequences of T
// positions, labels [B*T] with ignore index -100, per-sequence reference log-probabilities,
// and a PairwiseObjective. Output: the mean loss, per-pair losses, per-sequence log-probs and
// token counts, the metrics trainers log, and optionally d(loss)/d(logits).
//
// Memory traffic: only scored rows are read. Pass 1 reads each scored row once (row max and
// sum of exps, target logit); the per-sequence derivative g_s is then known; pass 2 reads the
// row again and writes g_s * (onehot - softmax) in place or into `gradient`. Rows that are not
// scored are never read; their gradient rows are written with zeros. Nothing of size V is
// allocated: the only scratch is a few floats per scored row.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "ipo/core/dtype.hpp"
#include "ipo/core/error.hpp"
#include "ipo/core/matrix_view.hpp"
#include "ipo/loss/batch_objectives.hpp"
#include "ipo/loss/detail/compiled_rows.hpp"
#include "ipo/loss/detail/pair_plan.hpp"
#include "ipo/loss/detail/parallel.hpp"
#include "ipo/loss/detail/row_kernels.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/options.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/stream.hpp"

namespace ipo::loss {

namespace detail {

/// Pass 1 over the scored rows: per-row log-sum-exp and log-probability of the target, then
/// per-sequence sums in row order (independent of the thread count).
template <class Arch, class T>
void score_rows(Arch arch, matrix_view<T const> logits, std::size_t sequence_length,
                unsigned threads, preference_loss_result& out) {
  auto& scratch = out.scratch;
  std::size_t const scored = scratch.scored_rows.size();
  scratch.row_max.resize(scored);
  scratch.row_log_sum.resize(scored);
  scratch.row_logp.resize(scored);
  parallel_for(
      scored, threads, min_rows_per_thread(logits.cols()), [&](std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
          T const* row = logits.row_data(scratch.scored_rows[k]);
          row_stats const stats = row_max_sum_exp(arch, row, logits.cols());
          float const log_sum = std::log(stats.sum_exp);
          scratch.row_max[k] = stats.max;
          scratch.row_log_sum[k] = log_sum;
          // In fp64, so that a logit of 1e4 minus a max of 1e4 keeps its small remainder exactly.
          scratch.row_logp[k] = (double(to_float(row[scratch.targets[k]])) - stats.max) - log_sum;
        }
      });
  std::fill(out.policy_logps.begin(), out.policy_logps.end(), 0.0);
  for (std::size_t k = 0; k < scored; ++k) {
    out.policy_logps[scratch.scored_rows[k] / sequence_length] +=
        double(row_weight(out, k)) * scratch.row_logp[k];
  }
}

/// Pass 2: gradient rows for scored rows, zeros for the others.
template <class Arch, class T>
void write_gradient(Arch arch, matrix_view<T const> logits, matrix_view<T> gradient,
                    std::size_t sequence_length, unsigned threads, preference_loss_result& out) {
  auto const& scratch = out.scratch;
  std::size_t const rows = logits.rows(), vocab = logits.cols();
  // Scored rows are sorted; block b of rows finds its first scored row by binary search.
  parallel_for(rows, threads, min_rows_per_thread(vocab), [&](std::size_t b, std::size_t e) {
    std::size_t k = static_cast<std::size_t>(
        std::lower_bound(scratch.scored_rows.begin(), scratch.scored_rows.end(), b) -
        scratch.scored_rows.begin());
    for (std::size_t row = b; row < e; ++row) {
      T* dst = gradient.row_data(row);
      if (k < scratch.scored_rows.size() && scratch.scored_rows[k] == row) {
        float const scale = scratch.sequence_scale[row / sequence_length] * row_weight(out, k);
        row_gradient(arch, logits.row_data(row), dst, vocab,
                     static_cast<std::size_t>(scratch.targets[k]), scratch.row_max[k],
                     scratch.row_log_sum[k], scale);
        ++k;
      } else {
        simd::zero_fill_streaming(dst, vocab * sizeof(T)); // +0 in every storage type
      }
    }
    simd::streaming_fence();
  });
}

// The two passes on the row kernels the machine runs best. They depend on the storage type
// only: every objective shares them, so each is compiled once per type, not once per objective.
template <class T>
void score_rows(matrix_view<T const> logits, std::size_t sequence_length, unsigned threads,
                preference_loss_result& out) {
  dispatch_rows([&](auto arch) { score_rows(arch, logits, sequence_length, threads, out); });
}

template <class T>
void write_gradient(matrix_view<T const> logits, matrix_view<T> gradient,
                    std::size_t sequence_length, unsigned threads, preference_loss_result& out) {
  dispatch_rows(
      [&](auto arch) { write_gradient(arch, logits, gradient, sequence_length, threads, out); });
}

} // namespace detail

/// The fused preference loss (see the top of this file).
///
/// - `logits`: [2P*T x V] view; `labels`: 2P*T token ids (int32 or int64) or ignore_index.
/// - `reference_logps`: 2P per-sequence reference log-probabilities (summed over the same
///   scored tokens), or empty for reference-free objectives / options.reference_free.
/// - `objective`: a PairwiseObjective or a BatchObjective (batch_objectives.hpp).
/// - `gradient`: empty for no gradient; else a [2P*T x V] view receiving d(mean loss)/d(logits).
///   It may be the logits' own memory (in-place, see preference_loss_in_place()).
/// Throws ipo::argument_error for bad shapes, labels out of range, bad parameters, or a pair
/// with an unscored side (unless options.empty_pairs == skip). Results go into `out`, whose
/// vectors are reused.
template <class T, class Label, Objective O>
void preference_loss(matrix_view<T const> logits, std::span<Label const> labels,
                     std::span<float const> reference_logps, O const& objective,
                     preference_loss_options const& options, preference_loss_result& out,
                     matrix_view<T> gradient = {}) {
  static_assert(is_storage_type_v<T>, "logits must be float, ipo::bf16 or ipo::fp16");
  static_assert(std::is_integral_v<Label>, "labels must be integers");
  constexpr char const* fn = "ipo::loss::preference_loss";
  logits.validate(fn, "logits");
  check_argument(logits.cols() >= 1, fn, "logits.cols()", logits.cols(), "a vocabulary of >= 1");
  std::size_t const sequences = detail::validate_batch(options, logits.rows(), labels.size(), fn);
  detail::validate_objective(objective, fn);
  detail::validate_reference(objective, reference_logps, sequences, options, fn);
  if (gradient.data() != nullptr) {
    gradient.validate(fn, "gradient");
    check_argument(gradient.rows() == logits.rows() && gradient.cols() == logits.cols(), fn,
                   "gradient.shape",
                   std::to_string(gradient.rows()) + "x" + std::to_string(gradient.cols()),
                   "the shape of logits (" + std::to_string(logits.rows()) + "x" +
                       std::to_string(logits.cols()) + ")");
    bool const same_memory =
        static_cast<void const*>(gradient.data()) == static_cast<void const*>(logits.data());
    check_argument(!same_memory || gradient.row_stride() == logits.row_stride(), fn,
                   "gradient.row_stride", gradient.row_stride(),
                   "the logits' row stride when the gradient is written in place");
  }

  detail::collect_scored_rows(labels, logits.cols(), options, sequences, out, fn);
  detail::count_pairs(options, out, fn); // rejects unscored pairs before any logit is read
  detail::assign_row_weights(options, out);
  out.policy_logps.assign(sequences, 0.0);
  unsigned const threads = detail::resolve_threads(options.threads);
  detail::score_rows(logits, options.sequence_length, threads, out);
  detail::evaluate_pairs(objective, reference_logps, options, out, 0, sequences / 2);
  detail::summarize_pairs(options, out);
  if (gradient.data() != nullptr) {
    detail::write_gradient(logits, gradient, options.sequence_length, threads, out);
  }
}

/// The objective of 2P sequences from their summed log-probabilities and scored-token counts:
/// what preference_loss() does between its two passes, for a caller that forms the
/// log-probabilities itself (a vocabulary-parallel trainer merging row_stats across ranks, see
/// row_stats.hpp). Fills `out` (loss, metrics, per-pair values; token_counts and policy_logps
/// are copied in) and writes d(mean loss)/d(log pi) of every sequence into `sequence_scales`.
/// LD-DPO weighting, if any, is the caller's: pass log-probabilities already weighted.
template <Objective O>
void evaluate_sequences(std::span<double const> policy_logps,
                        std::span<std::int64_t const> token_counts,
                        std::span<float const> reference_logps, O const& objective,
                        preference_loss_options const& options, preference_loss_result& out,
                        std::span<float> sequence_scales) {
  constexpr char const* fn = "ipo::loss::evaluate_sequences";
  std::size_t const sequences = policy_logps.size();
  check_argument(sequences >= 2 && sequences % 2 == 0, fn, "policy_logps.size()", sequences,
                 "an even number >= 2 (chosen and rejected sides)");
  check_argument(token_counts.size() == sequences, fn, "token_counts.size()", token_counts.size(),
                 "one count per sequence (" + std::to_string(sequences) + ")");
  check_argument(sequence_scales.size() == sequences, fn, "sequence_scales.size()",
                 sequence_scales.size(),
                 "one scale per sequence (" + std::to_string(sequences) + ")");
  for (std::size_t s = 0; s < sequences; ++s) {
    check_argument(token_counts[s] >= 0, fn, "token_counts[" + std::to_string(s) + "]",
                   token_counts[s], ">= 0");
    check_argument(std::isfinite(policy_logps[s]), fn, "policy_logps[" + std::to_string(s) + "]",
                   policy_logps[s], "a finite value");
  }
  detail::validate_objective(objective, fn);
  detail::validate_reference(objective, reference_logps, sequences, options, fn);
  out.token_counts.assign(token_counts.begin(), token_counts.end());
  out.policy_logps.assign(policy_logps.begin(), policy_logps.end());
  detail::count_pairs(options, out, fn);
  detail::evaluate_pairs(objective, reference_logps, options, out, 0, sequences / 2);
  detail::summarize_pairs(options, out);
  std::copy(out.scratch.sequence_scale.begin(), out.scratch.sequence_scale.end(),
            sequence_scales.begin());
}

/// preference_loss() returning a fresh result.
template <class T, class Label, Objective O>
preference_loss_result preference_loss(matrix_view<T const> logits, std::span<Label const> labels,
                                       std::span<float const> reference_logps, O const& objective,
                                       preference_loss_options const& options,
                                       matrix_view<T> gradient = {}) {
  preference_loss_result out;
  preference_loss(logits, labels, reference_logps, objective, options, out, gradient);
  return out;
}

/// preference_loss() that overwrites the logits with their gradient (saves a [rows x V]
/// buffer); rows that are not scored become zeros.
template <class T, class Label, Objective O>
void preference_loss_in_place(matrix_view<T> logits, std::span<Label const> labels,
                              std::span<float const> reference_logps, O const& objective,
                              preference_loss_options const& options, preference_loss_result& out) {
  preference_loss(matrix_view<T const>(logits), labels, reference_logps, objective, options, out,
                  logits);
}

} // namespace ipo::loss
