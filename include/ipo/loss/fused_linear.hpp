// ipo/loss/fused_linear.hpp: the preference loss from hidden states and the lm_head weight,
// without ever holding the logits of the whole batch.
//
// Only scored rows are gathered. They are processed in chunks of whole pairs, so that each
// pair's objective, and with it the derivative g_s of each sequence, is known inside the chunk.
// Per chunk of n scored rows (H hidden size, V vocabulary):
//   logits  = H_c W^T (+ bias)      one product, 2nHV flops, n x V fp32 scratch
//   row statistics, g_s, and the gradient g_s (onehot - softmax) written over the logits
//   dH_c    = dlogits W             one product, 2nHV flops, scattered into d_hidden
//   dW     += dlogits^T H_c         one product, 2nHV flops, in fp32 (the first chunk writes dW)
// 6 N_scored H V flops in all (8 with reference hidden states); extra memory is one chunk of
// logits plus the gathered hidden rows and their gradient, bounded by the chunking options.
// The products run on options.threads threads over fixed blocks of the vocabulary (tiles of
// rows and hidden columns for dH_c), each block one Eigen product, so results are the same bits for
// any thread count. Memory traffic per chunk: W read three times (once per product), the logits
// written by their product and by the gradient and read by the row statistics, the gradient
// and the two backward products, H_c read twice, dW written (the first chunk) or read and
// written (the later ones).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

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

namespace ipo::loss {

/// The reference model's side: either per-sequence log-probabilities, or its hidden states and
/// lm_head (computed in the same chunks), or nothing (reference-free objectives).
struct linear_reference {
  std::span<float const> logps;    ///< [2P] precomputed; or empty
  matrix_view<float const> hidden; ///< [rows x H_ref] reference hidden states; or empty
  matrix_view<float const> weight; ///< [V x H_ref] reference lm_head; with `hidden`
  std::span<float const> bias;     ///< [V] or empty
};

/// Chunking of fused_linear_preference_loss(): a chunk holds whole pairs and at most
/// rows_per_chunk() scored rows (a pair with more rows forms a chunk alone).
struct fused_linear_options {
  /// Upper bound on scored rows per chunk; 0 = derived by rows_per_chunk().
  std::size_t chunk_rows = 0;
  /// Bytes of fp32 logits one chunk may hold when chunk_rows is 0 (default 256 MiB).
  std::size_t memory_budget_bytes = std::size_t{256} << 20;

  /// The scored rows a chunk may hold for a vocabulary of `vocab` and hidden size `hidden`:
  /// chunk_rows, or when it is 0 the larger of the rows that memory_budget_bytes of fp32 logits
  /// hold and hidden / 4 (at least one). Every chunk re-reads and re-writes the fp32 d(weight)
  /// (8 V H bytes beside the chunk's 6 n H V flops), so smaller chunks of a wide model spend
  /// their time there; H / 4 rows of fp32 logits take a quarter of d(weight)'s own memory.
  /// On an H200 (bf16, H = 4096, V = 128256, 4,096 rows) 523-row chunks took 30.9 ms, these
  /// (1,024 rows) 26.0 ms with the same peak memory, one chunk 22.5 ms with 2.7x its memory.
  constexpr std::size_t rows_per_chunk(std::size_t vocab, std::size_t hidden) const noexcept {
    if (chunk_rows != 0) {
      return chunk_rows;
    }
    std::size_t const from_budget =
        memory_budget_bytes / ((vocab == 0 ? 1 : vocab) * sizeof(float));
    std::size_t const rows = from_budget > hidden / 4 ? from_budget : hidden / 4;
    return rows == 0 ? 1 : rows;
  }
};

/// Where the gradients go; each view may be empty (not computed). Every non-empty output is
/// overwritten: d_hidden rows that are not scored become zeros.
struct fused_linear_gradients {
  matrix_view<float> hidden; ///< [rows x H]
  matrix_view<float> weight; ///< [V x H], accumulated over chunks in fp32
  std::span<float> bias;     ///< [V]
};

namespace detail {

using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using const_strided = Eigen::Map<row_major const, 0, Eigen::OuterStride<>>;
using strided = Eigen::Map<row_major, 0, Eigen::OuterStride<>>;

inline const_strided as_eigen(matrix_view<float const> m) {
  return {m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()),
          Eigen::OuterStride<>(static_cast<Eigen::Index>(std::max(m.row_stride(), m.cols())))};
}
inline strided as_eigen(matrix_view<float> m) {
  return {m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()),
          Eigen::OuterStride<>(static_cast<Eigen::Index>(std::max(m.row_stride(), m.cols())))};
}

/// Vocabulary entries (columns of a chunk's logits, rows of W and dW) per block of a product.
inline constexpr std::size_t kVocabBlock = 1024;
/// The dH_c product's blocks: this many hidden columns, and all the chunk's rows when that
/// gives at least kWideHidden / kTile blocks, else tiles of kTile rows (on this project's
/// machine 64-row blocks cost 20% of the product's speed; tiles of 256 x 256 5-15% at H = 2048,
/// since each tile packs its columns of W again, and nothing at H = 256).
inline constexpr std::size_t kTile = 256;
inline constexpr std::size_t kWideHidden = 1024;

/// Calls product(begin, size) on the blocks [k * block, (k + 1) * block) of [0, count), dealt
/// round robin to `threads` threads (a partial last block then costs one thread a little, not
/// a share of whole blocks). The blocks do not depend on the thread count, so neither do the
/// bits of what each one computes.
template <class Product>
void for_each_block(std::size_t count, std::size_t block, unsigned threads, Product product) {
  std::size_t const blocks = (count + block - 1) / block;
  std::size_t const lanes = std::min<std::size_t>(blocks, std::max(1u, threads));
  parallel_for(lanes, threads, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t lane = first; lane < last; ++lane) {
      for (std::size_t k = lane; k < blocks; k += lanes) {
        product(static_cast<Eigen::Index>(k * block),
                static_cast<Eigen::Index>(std::min(count, (k + 1) * block) - k * block));
      }
    }
  });
}

/// for_each_block() over the tiles of a rows x cols matrix, tile_rows x tile_cols each:
/// product(row, col, rows, cols).
template <class Product>
void for_each_tile(std::size_t rows, std::size_t cols, std::size_t tile_rows, std::size_t tile_cols,
                   unsigned threads, Product product) {
  std::size_t const across = (cols + tile_cols - 1) / tile_cols;
  for_each_block(((rows + tile_rows - 1) / tile_rows) * across, 1, threads,
                 [&](Eigen::Index k, Eigen::Index) {
                   auto const r = static_cast<std::size_t>(k) / across * tile_rows;
                   auto const c = static_cast<std::size_t>(k) % across * tile_cols;
                   product(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c),
                           static_cast<Eigen::Index>(std::min(tile_rows, rows - r)),
                           static_cast<Eigen::Index>(std::min(tile_cols, cols - c)));
                 });
}

/// d_gathered = logits * weight, in the blocks kTile and kWideHidden describe.
inline void chunk_hidden_gradient(row_major const& logits, matrix_view<float const> weight,
                                  unsigned threads, row_major& d_gathered) {
  auto const rows = static_cast<std::size_t>(logits.rows()), width = weight.cols();
  d_gathered.resize(logits.rows(), static_cast<Eigen::Index>(width));
  auto const w = as_eigen(weight);
  for_each_tile(rows, width, width >= kWideHidden ? std::max<std::size_t>(rows, 1) : kTile, kTile,
                threads, [&](Eigen::Index r, Eigen::Index c, Eigen::Index nr, Eigen::Index nc) {
                  d_gathered.block(r, c, nr, nc).noalias() =
                      logits.middleRows(r, nr) * w.middleCols(c, nc);
                });
}

/// logits = gathered * weight^T, in blocks of kVocabBlock vocabulary entries.
inline void chunk_logits_product(row_major const& gathered, matrix_view<float const> weight,
                                 unsigned threads, row_major& logits) {
  logits.resize(gathered.rows(), static_cast<Eigen::Index>(weight.rows()));
  auto const w = as_eigen(weight);
  for_each_block(weight.rows(), kVocabBlock, threads, [&](Eigen::Index v, Eigen::Index count) {
    logits.middleCols(v, count).noalias() = gathered * w.middleRows(v, count).transpose();
  });
}

/// d_weight = logits^T * gathered (+ d_weight when `accumulate`), in blocks of kVocabBlock
/// vocabulary entries.
inline void chunk_weight_gradient(row_major const& logits, row_major const& gathered,
                                  unsigned threads, matrix_view<float> d_weight, bool accumulate) {
  auto dw = as_eigen(d_weight);
  for_each_block(d_weight.rows(), kVocabBlock, threads, [&](Eigen::Index v, Eigen::Index count) {
    if (accumulate) {
      dw.middleRows(v, count).noalias() += logits.middleCols(v, count).transpose() * gathered;
    } else {
      dw.middleRows(v, count).noalias() = logits.middleCols(v, count).transpose() * gathered;
    }
  });
}

/// logits = gathered * weight^T + bias, for the given rows of `hidden`.
inline void chunk_logits(matrix_view<float const> hidden, matrix_view<float const> weight,
                         std::span<float const> bias, std::span<std::uint32_t const> rows,
                         unsigned threads, row_major& gathered, row_major& logits) {
  auto const n = static_cast<Eigen::Index>(rows.size());
  gathered.resize(n, static_cast<Eigen::Index>(hidden.cols()));
  auto const h = as_eigen(hidden);
  for (Eigen::Index i = 0; i < n; ++i) {
    gathered.row(i) = h.row(rows[static_cast<std::size_t>(i)]);
  }
  chunk_logits_product(gathered, weight, threads, logits);
  if (!bias.empty()) {
    logits.rowwise() +=
        Eigen::Map<Eigen::RowVectorXf const>(bias.data(), static_cast<Eigen::Index>(bias.size()));
  }
}

/// Per-row log-sum-exp and target log-probability of a chunk's logits; adds each row's
/// log-probability to its sequence, in row order.
template <class Arch>
void chunk_row_logps(Arch arch, row_major const& logits, std::span<std::uint32_t const> rows,
                     std::span<std::int64_t const> targets, std::size_t sequence_length,
                     unsigned threads, std::vector<float>& row_max, std::vector<float>& row_log_sum,
                     std::vector<double>& sequence_logps, std::span<float const> weights = {}) {
  std::size_t const n = rows.size(), vocab = static_cast<std::size_t>(logits.cols());
  row_max.resize(n);
  row_log_sum.resize(n);
  parallel_for(n, threads, min_rows_per_thread(vocab), [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      row_stats const stats = row_max_sum_exp(arch, logits.data() + k * vocab, vocab);
      row_max[k] = stats.max;
      row_log_sum[k] = std::log(stats.sum_exp);
    }
  });
  for (std::size_t k = 0; k < n; ++k) {
    float const target = logits.data()[k * vocab + static_cast<std::size_t>(targets[k])];
    double const weight = weights.empty() ? 1.0 : double(weights[k]);
    sequence_logps[rows[k] / sequence_length] +=
        weight * ((double(target) - row_max[k]) - row_log_sum[k]);
  }
}

/// A call back into the objective for the pairs [begin, end) of a chunk, without making the
/// sweep a template of the objective (a pointer to the caller's function object and a thunk).
class chunk_evaluator {
public:
  chunk_evaluator() = default;
  template <class F>
  explicit chunk_evaluator(F const& evaluate) noexcept
      : context_(&evaluate), call_([](void const* f, std::size_t begin, std::size_t end) {
          (*static_cast<F const*>(f))(begin, end);
        }) {}
  explicit operator bool() const noexcept { return call_ != nullptr; }
  void operator()(std::size_t begin, std::size_t end) const { call_(context_, begin, end); }

private:
  void const* context_ = nullptr;
  void (*call_)(void const*, std::size_t, std::size_t) = nullptr;
};

/// What the chunk sweeps of fused_linear_preference_loss() read and write. Nothing here
/// depends on the objective or the label type, so the sweeps (the GEMMs, the row kernels on
/// every path) are compiled once per translation unit however many objectives it uses.
struct linear_sweep {
  matrix_view<float const> hidden, weight;
  std::span<float const> bias;
  linear_reference const& reference;
  preference_loss_options const& options;
  preference_loss_result& out;
  fused_linear_gradients gradients;
  std::size_t max_rows = 1;
  unsigned threads = 1;
  std::span<float> reference_logps; ///< filled from reference.hidden when it is given
  fused_linear_report report{};

  /// One pass over the pairs in chunks: `score` adds the chunks' log-probabilities (and
  /// calls `evaluate` on each chunk's pairs when it is set), `differentiate` adds the chunks'
  /// gradients (the objective's per-sequence scales must be known by then).
  void run(bool score, bool differentiate, chunk_evaluator evaluate);
};

/// Whether any gradient output is requested.
inline bool any_gradient(fused_linear_gradients const& gradients) noexcept {
  return gradients.hidden.data() != nullptr || gradients.weight.data() != nullptr ||
         !gradients.bias.empty();
}

inline void linear_sweep::run(bool score, bool differentiate, chunk_evaluator evaluate) {
  std::size_t const vocab = weight.rows();
  std::size_t const sequences = out.policy_logps.size(), pairs = sequences / 2;
  bool const reference_from_hidden = reference.hidden.data() != nullptr;
  // Scored rows of each sequence are contiguous in scratch.scored_rows: offsets per sequence.
  auto const& scored = out.scratch.scored_rows;
  auto const& all_targets = out.scratch.targets;
  std::vector<std::size_t> first(sequences + 1, 0);
  for (std::size_t s = 0; s < sequences; ++s) {
    first[s + 1] = first[s] + static_cast<std::size_t>(out.token_counts[s]);
  }
  row_major gathered, logits, d_gathered;
  std::vector<std::uint32_t> rows;
  std::vector<std::int64_t> targets;
  std::vector<float> weights; // LD-DPO row weights of the chunk (empty when off)
  std::vector<double> ref_sequence_logps(reference_from_hidden ? sequences : 0, 0.0);
  std::vector<double> discard;
  std::vector<float> row_max, row_log_sum;
  // The first chunk writes d(weight) and d(bias), the later ones add to them: nothing zeroes
  // the V x H buffer first (the caller zeroes d(hidden) only, for its unscored rows).
  bool accumulated = false;
  dispatch_rows([&](auto arch) {
    for (std::size_t pair_begin = 0; pair_begin < pairs;) {
      // A chunk: whole pairs, at most max_rows scored rows (at least one pair).
      rows.clear();
      targets.clear();
      weights.clear();
      std::size_t pair_end = pair_begin;
      while (pair_end < pairs) {
        auto const [c, r] = pair_sequences(options.layout, pairs, pair_end);
        std::size_t const add = (first[c + 1] - first[c]) + (first[r + 1] - first[r]);
        if (pair_end > pair_begin && rows.size() + add > max_rows) {
          break;
        }
        for (std::size_t side : {c, r}) {
          rows.insert(rows.end(), scored.begin() + first[side], scored.begin() + first[side + 1]);
          targets.insert(targets.end(), all_targets.begin() + first[side],
                         all_targets.begin() + first[side + 1]);
          if (!out.scratch.row_weight.empty()) {
            weights.insert(weights.end(), out.scratch.row_weight.begin() + first[side],
                           out.scratch.row_weight.begin() + first[side + 1]);
          }
        }
        ++pair_end;
      }
      if (score && reference_from_hidden) {
        chunk_logits(reference.hidden, reference.weight, reference.bias, rows, threads, gathered,
                     logits);
        chunk_row_logps(arch, logits, rows, targets, options.sequence_length, threads, row_max,
                        row_log_sum, ref_sequence_logps, weights);
        for (std::size_t i = pair_begin; i < pair_end; ++i) {
          auto const [c, r] = pair_sequences(options.layout, pairs, i);
          reference_logps[c] = static_cast<float>(ref_sequence_logps[c]);
          reference_logps[r] = static_cast<float>(ref_sequence_logps[r]);
        }
      }
      chunk_logits(hidden, weight, bias, rows, threads, gathered, logits);
      if (score) {
        chunk_row_logps(arch, logits, rows, targets, options.sequence_length, threads, row_max,
                        row_log_sum, out.policy_logps, weights);
        if (evaluate) {
          evaluate(pair_begin, pair_end);
        }
      } else {
        discard.assign(sequences, 0.0); // the row statistics, again
        chunk_row_logps(arch, logits, rows, targets, options.sequence_length, threads, row_max,
                        row_log_sum, discard);
      }
      if (differentiate && any_gradient(gradients)) {
        float* base = logits.data();
        parallel_for(
            rows.size(), threads, min_rows_per_thread(vocab), [&](std::size_t b, std::size_t e) {
              for (std::size_t k = b; k < e; ++k) {
                float const scale = out.scratch.sequence_scale[rows[k] / options.sequence_length] *
                                    (weights.empty() ? 1.0f : weights[k]);
                float* row = base + k * vocab;
                row_gradient(arch, row, row, vocab, static_cast<std::size_t>(targets[k]),
                             row_max[k], row_log_sum[k], scale);
              }
            });
        if (!gradients.bias.empty()) {
          Eigen::Map<Eigen::RowVectorXf> d_bias(gradients.bias.data(),
                                                static_cast<Eigen::Index>(vocab));
          if (accumulated) {
            d_bias += logits.colwise().sum();
          } else {
            d_bias = logits.colwise().sum();
          }
        }
        if (gradients.hidden.data() != nullptr) {
          chunk_hidden_gradient(logits, weight, threads, d_gathered);
          auto d_hidden = as_eigen(gradients.hidden);
          for (std::size_t k = 0; k < rows.size(); ++k) {
            d_hidden.row(rows[k]) = d_gathered.row(static_cast<Eigen::Index>(k));
          }
        }
        if (gradients.weight.data() != nullptr) {
          chunk_weight_gradient(logits, gathered, threads, gradients.weight, accumulated);
        }
        accumulated = true;
      }
      std::size_t const extra =
          sizeof(float) *
          static_cast<std::size_t>(logits.size() + gathered.size() + d_gathered.size());
      report.peak_extra_bytes = std::max(report.peak_extra_bytes, extra);
      report.max_chunk_rows = std::max(report.max_chunk_rows, rows.size());
      ++report.chunks;
      pair_begin = pair_end;
    }
  });
  if (differentiate && !accumulated) { // no chunk ran
    if (gradients.weight.data() != nullptr) {
      as_eigen(gradients.weight).setZero();
    }
    std::fill(gradients.bias.begin(), gradients.bias.end(), 0.0f);
  }
}

/// The layout a compiled sweep must have been built against to be called with this
/// translation unit's linear_sweep (the sizes of what it reads and writes).
constexpr std::size_t linear_sweep_layout() noexcept {
  return sizeof(linear_sweep) | (sizeof(preference_loss_result) << 16) |
         (sizeof(preference_loss_options) << 32) | (sizeof(linear_reference) << 48);
}

/// sweep.run(...), in ipo::dispatch's copy when its row kernels are the ones chosen (the GEMMs
/// then run as wide as the CPU allows, not as wide as this translation unit's flags).
inline void run_linear_sweep(linear_sweep& sweep, bool score, bool differentiate,
                             chunk_evaluator evaluate) {
  if (compiled_row_kernels const* library = chosen_library_rows();
      library != nullptr && library->sweep != nullptr &&
      library->sweep_layout == linear_sweep_layout()) {
    library->sweep(sweep, score, differentiate, evaluate);
    return;
  }
  sweep.run(score, differentiate, evaluate);
}

/// The checks of fused_linear_preference_loss() that do not depend on the objective or the
/// labels: the shapes of the inputs and outputs.
inline void check_linear_inputs(matrix_view<float const> hidden, matrix_view<float const> weight,
                                std::span<float const> bias, linear_reference const& reference,
                                fused_linear_gradients const& gradients, char const* fn) {
  check_linear(hidden, weight, bias, "", fn);
  std::size_t const vocab = weight.rows(), width = hidden.cols();
  if (reference.hidden.data() != nullptr) {
    check_argument(reference.logps.empty(), fn, "reference.logps.size()", reference.logps.size(),
                   "0 when reference hidden states are given");
    check_linear(reference.hidden, reference.weight, reference.bias, "reference.", fn);
    check_argument(reference.hidden.rows() == hidden.rows(), fn, "reference.hidden.rows()",
                   reference.hidden.rows(),
                   "the rows of hidden (" + std::to_string(hidden.rows()) + ")");
    check_argument(reference.weight.rows() == vocab, fn, "reference.weight.rows()",
                   reference.weight.rows(),
                   "the vocabulary of weight (" + std::to_string(vocab) + ")");
  }
  check_linear_output(gradients.hidden, hidden.rows(), width, "gradients.hidden", fn);
  check_linear_output(gradients.weight, vocab, width, "gradients.weight", fn);
  check_argument(gradients.bias.empty() || gradients.bias.size() == vocab, fn,
                 "gradients.bias.size()", gradients.bias.size(),
                 "0 or the vocabulary size (" + std::to_string(vocab) + ")");
}

/// Zeros d(hidden): its unscored rows are never written. (d(weight) and d(bias) are written
/// by the sweep's first chunk.)
inline void zero_hidden_gradient(fused_linear_gradients const& gradients) {
  if (gradients.hidden.data() != nullptr) {
    for (std::size_t row = 0; row < gradients.hidden.rows(); ++row) {
      std::fill_n(gradients.hidden.row_data(row), gradients.hidden.cols(), 0.0f);
    }
  }
}

} // namespace detail

/// The fused linear preference loss (see the top of this file). `hidden` [2P*T x H], `weight`
/// [V x H] (the lm_head, logits = hidden * weight^T + bias), `labels` [2P*T]. Options as in
/// preference_loss(). Gradients are of the mean loss. Throws ipo::argument_error for bad
/// shapes, labels, parameters or an unscored pair side.
template <class Label, Objective O>
fused_linear_report fused_linear_preference_loss(
    matrix_view<float const> hidden, matrix_view<float const> weight, std::span<float const> bias,
    std::span<Label const> labels, linear_reference const& reference, O const& objective,
    preference_loss_options const& options, fused_linear_options const& chunking,
    preference_loss_result& out, fused_linear_gradients gradients = {}) {
  static_assert(std::is_integral_v<Label>, "labels must be integers");
  constexpr char const* fn = "ipo::loss::fused_linear_preference_loss";
  detail::check_linear_inputs(hidden, weight, bias, reference, gradients, fn);
  std::size_t const vocab = weight.rows();
  std::size_t const sequences = detail::validate_batch(options, hidden.rows(), labels.size(), fn);
  detail::validate_objective(objective, fn);
  bool const reference_from_hidden = reference.hidden.data() != nullptr;
  if (reference_from_hidden) {
    check_argument(!objective.reference_free, fn, "reference.hidden", "given",
                   "no reference for the reference-free objective " +
                       std::string(objective.name()));
  } else {
    detail::validate_reference(objective, reference.logps, sequences, options, fn);
  }

  detail::collect_scored_rows(labels, vocab, options, sequences, out, fn);
  detail::count_pairs(options, out, fn);
  detail::assign_row_weights(options, out);
  out.policy_logps.assign(sequences, 0.0);
  std::vector<float> reference_logps;
  std::span<float const> reference_span = reference.logps;
  if (reference_from_hidden) {
    reference_logps.assign(sequences, 0.0f);
    reference_span = reference_logps;
  }
  detail::zero_hidden_gradient(gradients);

  std::size_t const max_rows = chunking.rows_per_chunk(vocab, hidden.cols());
  detail::linear_sweep sweep{hidden,          weight,   bias,
                             reference,       options,  out,
                             gradients,       max_rows, detail::resolve_threads(options.threads),
                             reference_logps, {}};
  std::size_t const pairs = sequences / 2;
  auto evaluate = [&](std::size_t begin, std::size_t end) {
    detail::evaluate_pairs(objective, reference_span, options, out, begin, end);
  };
  // A pairwise objective is evaluated chunk by chunk, so each chunk's gradient follows at once
  // (6 N H V flops); one that needs all pairs gets a first sweep for the log-probabilities and
  // a second that recomputes the logits for the gradient (8 N H V flops).
  if (detail::needs_all_pairs(objective)) {
    detail::run_linear_sweep(sweep, true, false, {});
    evaluate(0, pairs);
    if (detail::any_gradient(gradients)) {
      detail::run_linear_sweep(sweep, false, true, {});
    }
  } else {
    detail::run_linear_sweep(sweep, true, true, detail::chunk_evaluator(evaluate));
  }
  detail::summarize_pairs(options, out);
  return sweep.report;
}

} // namespace ipo::loss
