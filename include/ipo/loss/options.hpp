// ipo/loss/options.hpp: options and results shared by the preference-loss entry points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ipo::loss {

/// Where the chosen and rejected sequences of pair i sit among the 2P sequences of a batch.
enum class pair_layout {
  concatenated, ///< TRL's layout: chosen = sequence i, rejected = sequence P + i
  interleaved,  ///< chosen = sequence 2i, rejected = sequence 2i + 1
};

/// What to do with a pair one of whose sequences has no scored token.
enum class empty_pair_policy {
  error, ///< throw ipo::argument_error naming the pair (default)
  skip,  ///< leave the pair out: loss 0, zero gradient, not counted in the mean or metrics
};

/// How the NLL term on the chosen side is averaged.
enum class nll_reduction {
  pair_mean,    ///< mean over pairs of -log pi(chosen) / n_chosen
  batch_tokens, ///< -(sum of log pi over every chosen token) / (chosen tokens in the batch), as
                ///< TRL's "sft" loss type (and so RPO in TRL) averages it
};

/// Options of preference_loss() and fused_linear_preference_loss().
struct preference_loss_options {
  /// Positions per sequence (the T of logits [B*T x V]); required, >= 1.
  std::size_t sequence_length = 0;
  /// Causal-LM shift: row t of a sequence is scored against label t + 1 (the last row of every
  /// sequence has no target). Off: row t is scored against label t.
  bool shift_labels = true;
  /// Labels equal to this are not scored, and their rows are never read.
  std::int64_t ignore_index = -100;
  pair_layout layout = pair_layout::concatenated;
  /// Weight alpha of an NLL term on the chosen side (RPO; the paper's second stage uses 0.2),
  /// averaged as `nll` says.
  double nll_weight = 0.0;
  nll_reduction nll = nll_reduction::pair_mean;
  /// LD-DPO (Liu et al., TRL's ld_alpha): a sequence's log-probability is the sum over its
  /// first min(n_chosen, n_rejected) scored tokens plus ld_alpha times the sum over the rest,
  /// on both sides of a pair. 1 is plain summing. CPU entry points only. Reference
  /// log-probabilities passed in must be weighted the same way.
  double ld_alpha = 1.0;
  /// Accept no reference log-probabilities for an objective that normally uses them (the
  /// reference terms are then 0, as TRL's reference_free).
  bool reference_free = false;
  empty_pair_policy empty_pairs = empty_pair_policy::error;
  /// Threads for the row kernels; 0 = all hardware threads. Results are bitwise identical for
  /// every value.
  unsigned threads = 0;
};

/// Everything a preference-loss call computes, in vectors whose capacity is reused when the
/// same object is passed again. Sequences are indexed as in the input (2P of them); pairs by
/// pair index.
struct preference_loss_result {
  double loss = 0;                  ///< mean over counted pairs of objective + NLL term
  double objective_loss = 0;        ///< mean of the objective alone
  double nll_loss = 0;              ///< the NLL term, unweighted and reduced as options.nll says
  std::vector<float> pair_losses;   ///< [P] objective + weighted NLL term of each pair
  std::vector<double> policy_logps; ///< [2P] summed log pi of each sequence's scored tokens
  std::vector<std::int64_t> token_counts; ///< [2P] scored tokens per sequence
  std::vector<float> chosen_rewards;      ///< [P] beta * c
  std::vector<float> rejected_rewards;    ///< [P] beta * r
  double mean_chosen_reward = 0;
  double mean_rejected_reward = 0;
  double mean_margin = 0; ///< mean of beta * (c - r)
  double accuracy = 0;    ///< fraction of counted pairs with c > r
  std::size_t pairs_counted = 0;

  /// Scratch reused across calls (row statistics of scored rows); not part of the result.
  struct scratch_space {
    std::vector<std::uint32_t> scored_rows;
    std::vector<std::int64_t> targets;
    std::vector<float> row_max;     ///< max logit of each scored row
    std::vector<float> row_log_sum; ///< log sum exp(x - max) of each scored row
    std::vector<double> row_logp;   ///< target logit - max - log_sum, formed in fp64
    std::vector<float> row_weight;  ///< LD-DPO weight of each scored row (empty when off)
    std::vector<float> sequence_scale;
    std::vector<double> pair_objective;
    std::vector<double> pair_nll;
    double nll_tokens_per_pair = 0; ///< batch_tokens: chosen tokens of counted pairs / counted
  } scratch;
};

/// What a call used: number of chunks and the peak extra memory it allocated.
struct fused_linear_report {
  std::size_t chunks = 0;
  std::size_t max_chunk_rows = 0;
  std::size_t peak_extra_bytes = 0;
};

} // namespace ipo::loss
