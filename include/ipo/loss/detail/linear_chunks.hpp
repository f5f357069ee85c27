// ipo/loss/detail/linear_chunks.hpp: the chunk loop of the fused linear loss on a device,
// written once over a backend that runs its steps. The CUDA backend (loss/cuda/fused_linear.cuh)
// launches kernels and cuBLAS products; the tests' host backend runs the same steps with plain
// loops, so the chunking and every product's shapes, transposes and leading dimensions are
// checked without a GPU.
//
// Per chunk of n scored rows (whole pairs, at most chunk_rows): gather the hidden rows; logits
// [n x V] = gathered [n x H] W^T (+ bias); row statistics; the chunk's pairs; then, when a
// gradient is wanted, the logits gradient and the products d(bias) += dlogits^T 1,
// d_gathered = dlogits W (scattered to d(hidden)), d(weight) += dlogits^T gathered: 6 n H V
// flops. Buffers are row-major; a product is stated in BLAS's column-major terms, where a
// row-major [r x c] matrix with leading dimension ld is a column-major [c x r] one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/loss/detail/pair_plan.hpp"
#include "ipo/loss/options.hpp"

namespace ipo::loss::detail {

/// The buffers a fused linear product reads or writes. weight, gathered, logits_gradient,
/// d_gathered and ones hold the model's type; logits, d_weight and d_bias hold fp32.
enum class linear_buffer : std::uint8_t {
  weight,          ///< [V x H], leading dimension weight_ld
  gathered,        ///< [n x H] hidden rows of the chunk
  logits,          ///< [n x V] fp32
  logits_gradient, ///< [n x V] (the logits themselves for an fp32 model)
  d_gathered,      ///< [n x H]
  ones,            ///< [n]
  d_weight,        ///< [V x H] fp32, accumulated over chunks
  d_bias,          ///< [V] fp32, accumulated over chunks
};

/// One product C = op(A) op(B) (+ C when `accumulate`) in BLAS's column-major terms: A is
/// m x k after op_a, B is k x n after op_b; fp32 accumulation.
struct linear_product {
  bool transpose_a = false, transpose_b = false;
  int m = 0, n = 0, k = 0;
  linear_buffer a{};
  int lda = 0;
  linear_buffer b{};
  int ldb = 0;
  bool accumulate = false;
  linear_buffer c{};
  int ldc = 0;
};

/// What the loop needs to know about the batch and the outputs wanted.
struct linear_chunk_plan {
  std::size_t sequence_length = 0, width = 0, vocab = 0, weight_ld = 0, chunk_rows = 0;
  pair_layout layout = pair_layout::concatenated;
  bool bias = false;
  bool d_hidden = false, d_weight = false, d_bias = false;
};

/// Runs the chunks (see the top of this file) over a backend with these steps, each on the
/// chunk just begun:
///   begin_chunk(slots)      the chunk's slots (sequence s's k-th scored row is s*T + k),
///                           uploaded; hidden rows gathered
///   product(linear_product) one product
///   add_bias(n), row_stats(n), logits_gradient(n), scatter_hidden(n)
///   pairs(first, last)      the objective of pairs [first, last) (also for a chunk of none)
///   summarize(pairs)        the means over every pair, after the last chunk
///   clear_accumulated()     zeros d(weight) and d(bias) when no chunk wrote them
/// d(weight) and d(bias) are written, not accumulated, by the first chunk that has scored rows
/// (so the caller need not zero them first: for a 128256 x 4096 head that is 2 GiB of fp32
/// written and read again), and accumulated by the chunks after it.
/// `counts` are the scored rows of each sequence. A pair with more scored rows than
/// chunk_rows is an ipo::argument_error (the device workspace holds chunk_rows rows).
template <class Backend>
fused_linear_report run_linear_chunks(Backend& backend, std::span<std::int32_t const> counts,
                                      linear_chunk_plan const& p, char const* fn) {
  std::size_t const sequences = counts.size(), pairs = sequences / 2;
  auto const H = static_cast<int>(p.width), V = static_cast<int>(p.vocab);
  auto const W = static_cast<int>(p.weight_ld);
  bool const any_gradient = p.d_hidden || p.d_weight || p.d_bias;
  using B = linear_buffer;
  fused_linear_report report;
  bool accumulated = false; // whether a chunk has written d(weight) and d(bias) yet
  std::vector<std::uint32_t> slots;
  for (std::size_t first = 0; first < pairs;) {
    slots.clear();
    std::size_t last = first;
    while (last < pairs) {
      auto const [c, r] = pair_sequences(p.layout, pairs, last);
      std::size_t const add =
          static_cast<std::size_t>(counts[c]) + static_cast<std::size_t>(counts[r]);
      if (slots.size() + add > p.chunk_rows) {
        check_argument(last > first, fn, "chunk_rows", p.chunk_rows,
                       "at least the scored rows of one pair (" + std::to_string(add) + ")");
        break;
      }
      for (std::size_t s : {c, r}) {
        for (std::int32_t k = 0; k < counts[s]; ++k) {
          slots.push_back(
              static_cast<std::uint32_t>(s * p.sequence_length + static_cast<std::size_t>(k)));
        }
      }
      ++last;
    }
    auto const n = static_cast<int>(slots.size());
    if (n > 0) {
      backend.begin_chunk(std::span<std::uint32_t const>(slots));
      // Row-major logits [n x V] = gathered [n x H] W^T: column-major logits^T = W^T-op gathered^T.
      backend.product({true, false, V, n, H, B::weight, W, B::gathered, H, false, B::logits, V});
      if (p.bias) {
        backend.add_bias(n);
      }
      backend.row_stats(n);
    }
    backend.pairs(first, last);
    if (any_gradient && n > 0) {
      backend.logits_gradient(n);
      if (p.d_bias) { // column-major d_bias [V x 1] += dlogits^T [V x n] ones [n x 1]
        backend.product(
            {false, false, V, 1, n, B::logits_gradient, V, B::ones, n, accumulated, B::d_bias, V});
      }
      if (p.d_hidden) { // d_gathered^T [H x n] = W^T [H x V] dlogits^T [V x n]
        backend.product(
            {false, false, H, n, V, B::weight, W, B::logits_gradient, V, false, B::d_gathered, H});
        backend.scatter_hidden(n);
      }
      if (p.d_weight) { // d_weight^T [H x V] += gathered^T [H x n] dlogits [n x V]
        backend.product({false, true, H, V, n, B::gathered, H, B::logits_gradient, V, accumulated,
                         B::d_weight, H});
      }
      accumulated = true;
    }
    report.max_chunk_rows = std::max(report.max_chunk_rows, slots.size());
    ++report.chunks;
    first = last;
  }
  if (!accumulated && (p.d_weight || p.d_bias)) {
    backend.clear_accumulated();
  }
  backend.summarize(pairs);
  return report;
}

} // namespace ipo::loss::detail
