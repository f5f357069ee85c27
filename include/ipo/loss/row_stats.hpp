// ipo/loss/row_stats.hpp: per-row log-sum-exp statistics and their exact merge.
//
// A row of logits x[0..V) is summarised by (max, sum_exp) with sum_exp = sum_v exp(x_v - max),
// so log-sum-exp = max + log(sum_exp). Two summaries of disjoint parts of a row merge exactly,
// which is what lets a trainer whose lm_head is split across ranks (vocabulary parallelism)
// compute the statistics of its shard, all-reduce them with its own communicator, and get the
// statistics of the whole row: call partial_row_stats() on each shard and merge_row_stats()
// (or an all-reduce whose operator is merge()) on the results.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "ipo/config.hpp"
#include "ipo/core/error.hpp"
#include "ipo/core/matrix_view.hpp"
#include "ipo/loss/detail/compiled_rows.hpp"
#include "ipo/loss/detail/row_kernels.hpp"
#include "ipo/loss/stats.hpp"
#include "ipo/simd/dispatch.hpp"

namespace ipo::loss {

/// Statistics of each row of a vocabulary shard [rows x V_shard], fp32 / bf16 / fp16, written
/// into `out` (out.size() == rows). Rows are independent; the result does not depend on the
/// SIMD path chosen beyond rounding.
template <class T>
void partial_row_stats(matrix_view<T const> shard, std::span<row_stats> out) {
  static_assert(is_storage_type_v<T>, "logits must be float, ipo::bf16 or ipo::fp16");
  constexpr char const* fn = "ipo::loss::partial_row_stats";
  shard.validate(fn, "shard");
  check_argument(out.size() == shard.rows(), fn, "out.size()", out.size(),
                 "one entry per shard row (" + std::to_string(shard.rows()) + ")");
  detail::dispatch_rows([&](auto arch) {
    for (std::size_t i = 0; i < shard.rows(); ++i) {
      out[i] = detail::row_max_sum_exp(arch, shard.row_data(i), shard.cols());
    }
  });
}

/// into[i] = merge(into[i], other[i]) for every row: the all-reduce step of vocabulary
/// parallelism, for a communicator that sums with a user operator.
inline void merge_row_stats(std::span<row_stats> into, std::span<row_stats const> other) {
  check_argument(into.size() == other.size(), "ipo::loss::merge_row_stats", "other.size()",
                 other.size(), "the size of 'into' (" + std::to_string(into.size()) + ")");
  for (std::size_t i = 0; i < into.size(); ++i) {
    into[i] = row_stats::merge(into[i], other[i]);
  }
}

} // namespace ipo::loss
