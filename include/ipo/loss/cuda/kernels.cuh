// ipo/loss/cuda/kernels.cuh: the CUDA kernels of the preference loss. Each kernel is glue
// around the IPO_HOST_DEVICE phases of ipo/loss/detail/phases.hpp: per-thread work, a CUB
// block primitive, per-thread outputs. tests/loss/test_cuda_emulation.cpp runs the same phases
// through a host block emulator.
//
// Memory traffic per call (S sequences of T positions, N scored rows, V vocabulary):
//   plan_kernel        reads the labels once (S*T), writes 3 words per row;
//   row_stats_kernel   reads each scored row once (N*V elements), writes 3 words per row;
//   pairs_kernel       one block; reads 2 words per scored row, writes O(S) words;
//   gradient_kernel    reads each scored row again and writes it (in place or elsewhere),
//                      writes zeros to the S*T - N unscored rows, which it never reads.
// Rows are read and written 16 bytes per thread access (detail/packed_rows.hpp): a scalar
// head up to the first 16-byte boundary, packs, a scalar tail; the zeros as streaming stores.
#pragma once

#if !defined(__CUDACC__)
#error "ipo/loss/cuda/kernels.cuh is CUDA code: compile it with nvcc (ipo::cuda target)"
#endif

#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ipo/loss/detail/pair_plan.hpp"
#include "ipo/loss/detail/phases.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/options.hpp"

namespace ipo::loss::cuda::detail {

using ipo::loss::row_stats;

/// Device-side scratch of one call, carved from the caller's workspace.
struct device_state {
  std::uint32_t* slot_row;   // [S*T] scored rows of sequence s at slots s*T + k, k < count[s]
  std::int64_t* slot_target; // [S*T]
  std::int32_t* row_slot;    // [S*T] slot of each row, -1 when not scored
  std::int32_t* count;       // [S]
  float* slot_max;           // [S*T]
  float* slot_log_sum;       // [S*T]
  double* slot_logp;         // [S*T]
  double* sequence_logp;     // [S]
  float* sequence_scale;     // [S]
  float* pair_loss;          // [P]
  float* chosen_reward;      // [P]
  float* rejected_reward;    // [P]
  double* sums;              // [7] loss, objective, nll, chosen, rejected, margin, accuracy
  std::int32_t* counted;     // [1]
  unsigned long long* first_bad_label;  // [1] index + 1 of the first invalid label, ~0 if none
  unsigned long long* first_empty_pair; // [1] pair + 1 of the first pair with an unscored side
};

/// Block per sequence: ordered compaction of the scored rows (BlockScan keeps row order).
template <class Label, int Block>
__global__ void __launch_bounds__(Block)
    plan_kernel(Label const* labels, std::size_t T, bool shift, std::int64_t ignore_index,
                std::size_t vocab, device_state st) {
  using scan = cub::BlockScan<int, Block>;
  __shared__ typename scan::TempStorage temp;
  __shared__ int base;
  std::size_t const s = blockIdx.x;
  if (threadIdx.x == 0) {
    base = 0;
  }
  __syncthreads();
  for (std::size_t chunk = 0; chunk < T; chunk += Block) {
    std::size_t const t = chunk + threadIdx.x;
    std::int64_t target = -1;
    if (t < T) {
      target = ipo::loss::detail::row_target(labels, s, t, T, shift, ignore_index, vocab);
      if (target < -1) {
        atomicMin(st.first_bad_label, static_cast<unsigned long long>(-2 - target) + 1ull);
        target = -1;
      }
      st.row_slot[s * T + t] = -1;
    }
    int flag = target >= 0 ? 1 : 0, offset = 0, total = 0;
    scan(temp).ExclusiveSum(flag, offset, total);
    if (flag) {
      std::size_t const slot = s * T + static_cast<std::size_t>(base + offset);
      st.slot_row[slot] = static_cast<std::uint32_t>(s * T + t);
      st.slot_target[slot] = target;
      st.row_slot[s * T + t] = static_cast<std::int32_t>(slot);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      base += total;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    st.count[s] = base;
  }
}

/// Block per slot: the row's (max, sum exp) and the target's log-probability.
template <class T, int Block>
__global__ void __launch_bounds__(Block)
    row_stats_kernel(T const* logits, std::size_t stride, std::size_t vocab, std::size_t seq_len,
                     device_state st) {
  using reduce = cub::BlockReduce<row_stats, Block>;
  __shared__ typename reduce::TempStorage temp;
  std::size_t const slot = blockIdx.x;
  if (static_cast<std::int32_t>(slot % seq_len) >= st.count[slot / seq_len]) {
    return; // an unused slot: the whole block leaves together
  }
  T const* row = logits + static_cast<std::size_t>(st.slot_row[slot]) * stride;
  row_stats const partial =
      ipo::loss::detail::thread_row_stats_packed(row, vocab, threadIdx.x, Block);
  row_stats const total = reduce(temp).Reduce(partial, ipo::loss::detail::merge_stats_op{});
  if (threadIdx.x == 0) {
    st.slot_max[slot] = total.max;
    st.slot_log_sum[slot] = logf(total.sum_exp);
    st.slot_logp[slot] =
        ipo::loss::detail::target_log_prob(to_float(row[st.slot_target[slot]]), total);
  }
}

/// Sequence s's summed log-probability by the calling warp (all 32 lanes call it; the sum is
/// lane 0's): lane_logp_sum() per lane, then a shuffle-down tree. 2 words per scored row read.
__device__ inline double warp_sequence_logp(device_state const& st, std::size_t s,
                                            std::size_t seq_len) {
  constexpr unsigned lanes = ipo::loss::detail::sequence_sum_lanes;
  double sum = ipo::loss::detail::lane_logp_sum(st.slot_logp + s * seq_len, st.count[s],
                                                threadIdx.x % lanes);
  for (unsigned offset = lanes / 2; offset > 0; offset /= 2) {
    sum += __shfl_down_sync(0xffffffffu, sum, offset);
  }
  return sum;
}

/// Pair i's objective (pair_sequences() gives its sides): stores its loss, rewards and its
/// sequences' scales, and returns its share of the means (zero for a pair with an unscored side).
template <class O>
__device__ ipo::loss::detail::pair_sums store_pair(O const& objective, std::size_t i,
                                                   std::size_t pairs, pair_layout layout,
                                                   double nll_weight, float const* reference_logps,
                                                   double counted, device_state const& st) {
  auto const [c, r] = ipo::loss::detail::pair_sequences(layout, pairs, i);
  st.pair_loss[i] = st.chosen_reward[i] = st.rejected_reward[i] = 0.0f;
  if (st.count[c] == 0 || st.count[r] == 0) {
    return {};
  }
  double const ref_c = reference_logps ? reference_logps[c] : 0.0;
  double const ref_r = reference_logps ? reference_logps[r] : 0.0;
  auto const v = ipo::loss::detail::evaluate_pair_math(
      objective, st.sequence_logp[c], st.sequence_logp[r], ref_c, ref_r, st.count[c], st.count[r],
      st.count[c], nll_weight, counted);
  st.pair_loss[i] = static_cast<float>(v.loss);
  st.chosen_reward[i] = static_cast<float>(v.chosen_reward);
  st.rejected_reward[i] = static_cast<float>(v.rejected_reward);
  st.sequence_scale[c] = static_cast<float>(v.scale_chosen);
  st.sequence_scale[r] = static_cast<float>(v.scale_rejected);
  return ipo::loss::detail::pair_share(v.objective, v.nll, st.chosen_reward[i],
                                       st.rejected_reward[i], nll_weight, counted);
}

/// One block: per-sequence sums (a warp each, in a fixed order), the objective of every pair,
/// the means.
template <class O, int Block>
__global__ void __launch_bounds__(Block)
    pairs_kernel(O objective, std::size_t sequences, std::size_t seq_len, pair_layout layout,
                 double nll_weight, bool skip_empty, float const* reference_logps,
                 device_state st) {
  using reduce_int = cub::BlockReduce<int, Block>;
  using reduce_sums = cub::BlockReduce<ipo::loss::detail::pair_sums, Block>;
  __shared__ union {
    typename reduce_int::TempStorage ints;
    typename reduce_sums::TempStorage sums;
  } temp;
  __shared__ int counted;
  std::size_t const pairs = sequences / 2;
  constexpr unsigned lanes = ipo::loss::detail::sequence_sum_lanes, warps = Block / lanes;
  static_assert(Block % lanes == 0, "whole warps per block");
  for (std::size_t s = threadIdx.x / lanes; s < sequences; s += warps) { // a warp per sequence
    double const sum = warp_sequence_logp(st, s, seq_len);
    if (threadIdx.x % lanes == 0) {
      st.sequence_logp[s] = sum;
      st.sequence_scale[s] = 0.0f;
    }
  }
  int mine = 0;
  for (std::size_t i = threadIdx.x; i < pairs; i += Block) {
    auto const [c, r] = ipo::loss::detail::pair_sequences(layout, pairs, i);
    bool const both = st.count[c] > 0 && st.count[r] > 0;
    mine += both ? 1 : 0;
    if (!both && !skip_empty) {
      atomicMin(st.first_empty_pair, static_cast<unsigned long long>(i) + 1ull);
    }
  }
  int const total = reduce_int(temp.ints).Sum(mine);
  if (threadIdx.x == 0) {
    counted = total;
    *st.counted = total;
  }
  __syncthreads();
  ipo::loss::detail::pair_sums partial;
  for (std::size_t i = threadIdx.x; i < pairs; i += Block) {
    partial += store_pair(objective, i, pairs, layout, nll_weight, reference_logps, counted, st);
  }
  __syncthreads(); // temp is reused
  ipo::loss::detail::pair_sums const sums =
      reduce_sums(temp.sums).Reduce(partial, ipo::loss::detail::pair_sums_add{});
  if (threadIdx.x == 0) {
    double const values[7] = {sums.loss,          sums.objective,       sums.nll,
                              sums.chosen_reward, sums.rejected_reward, sums.margin,
                              sums.accuracy};
    for (int k = 0; k < 7; ++k) {
      st.sums[k] = counted > 0 ? values[k] : 0.0;
    }
  }
}

/// Block per row: g_s (onehot - softmax) for scored rows, zeros for the others (never read).
template <class T, int Block>
__global__ void __launch_bounds__(Block)
    gradient_kernel(T const* logits, std::size_t stride, T* gradient, std::size_t gradient_stride,
                    std::size_t vocab, std::size_t seq_len, device_state st) {
  std::size_t const row = blockIdx.x;
  T* out = gradient + row * gradient_stride;
  std::int32_t const slot = st.row_slot[row];
  if (slot < 0) {
    ipo::loss::detail::thread_zero_row(out, vocab, threadIdx.x, Block);
    return;
  }
  ipo::loss::detail::thread_row_gradient_packed(
      logits + row * stride, out, vocab, static_cast<std::size_t>(st.slot_target[slot]),
      st.slot_max[slot], st.slot_log_sum[slot], st.sequence_scale[row / seq_len], threadIdx.x,
      Block);
}

// ---- fused linear: kernels between the cuBLAS products -----------------------------------

/// Block per chunk row k: copies hidden row slot_row[chunk_slots[k]] into gathered row k.
/// Traffic: n * H reads and writes of T.
template <int Block, class T> // a template, so that every .cu file may include this header
__global__ void __launch_bounds__(Block)
    gather_rows_kernel(T const* hidden, std::size_t stride, std::size_t width,
                       std::uint32_t const* chunk_slots, device_state st, T* gathered) {
  std::size_t const k = blockIdx.x;
  T const* src = hidden + static_cast<std::size_t>(st.slot_row[chunk_slots[k]]) * stride;
  for (std::size_t j = threadIdx.x; j < width; j += Block) {
    gathered[k * width + j] = src[j];
  }
}

/// Block per chunk row k: writes gathered gradient row k to its hidden row. n * H traffic.
template <int Block, class T>
__global__ void __launch_bounds__(Block)
    scatter_rows_kernel(T const* gathered, std::size_t width, std::uint32_t const* chunk_slots,
                        device_state st, T* d_hidden, std::size_t stride) {
  std::size_t const k = blockIdx.x;
  T* dst = d_hidden + static_cast<std::size_t>(st.slot_row[chunk_slots[k]]) * stride;
  for (std::size_t j = threadIdx.x; j < width; j += Block) {
    dst[j] = gathered[k * width + j];
  }
}

/// Block per chunk row: logits[k, v] += bias[v] (bias in the model's type). n * V reads and
/// writes of the fp32 logits, V reads of the bias per row (from L2).
template <int Block, class T>
__global__ void __launch_bounds__(Block)
    add_bias_kernel(float* logits, std::size_t vocab, T const* bias) {
  float* row = logits + blockIdx.x * vocab;
  for (std::size_t v = threadIdx.x; v < vocab; v += Block) {
    row[v] += to_float(bias[v]);
  }
}

/// Block per chunk row: the statistics of row k of the chunk's logits [n x V] (slot
/// chunk_slots[k]). One read of the row.
template <int Block>
__global__ void __launch_bounds__(Block)
    chunk_row_stats_kernel(float const* logits, std::size_t vocab, std::uint32_t const* chunk_slots,
                           device_state st) {
  using reduce = cub::BlockReduce<row_stats, Block>;
  __shared__ typename reduce::TempStorage temp;
  std::uint32_t const slot = chunk_slots[blockIdx.x];
  float const* row = logits + blockIdx.x * vocab;
  row_stats const total = reduce(temp).Reduce(
      ipo::loss::detail::thread_row_stats_packed(row, vocab, threadIdx.x, Block),
      ipo::loss::detail::merge_stats_op{});
  if (threadIdx.x == 0) {
    st.slot_max[slot] = total.max;
    st.slot_log_sum[slot] = logf(total.sum_exp);
    st.slot_logp[slot] = ipo::loss::detail::target_log_prob(row[st.slot_target[slot]], total);
  }
}

/// One block: pairs [first, last) of a chunk: their sequences' sums, objectives and scales;
/// per-pair contributions are kept for the final means (summarize_kernel).
template <class O, int Block>
__global__ void __launch_bounds__(Block)
    chunk_pairs_kernel(O objective, std::size_t first, std::size_t last, std::size_t sequences,
                       std::size_t seq_len, pair_layout layout, double nll_weight, bool skip_empty,
                       float const* reference_logps, device_state st,
                       ipo::loss::detail::pair_sums* per_pair) {
  std::size_t const pairs = sequences / 2;
  __shared__ int counted;
  if (threadIdx.x == 0) {
    int total = 0;
    for (std::size_t i = 0; i < pairs; ++i) {
      auto const [c, r] = ipo::loss::detail::pair_sequences(layout, pairs, i);
      total += st.count[c] > 0 && st.count[r] > 0 ? 1 : 0;
    }
    counted = total;
    *st.counted = total;
  }
  constexpr unsigned lanes = ipo::loss::detail::sequence_sum_lanes, warps = Block / lanes;
  static_assert(Block % lanes == 0, "whole warps per block");
  for (std::size_t j = threadIdx.x / lanes; j < 2 * (last - first); j += warps) {
    auto const [c, r] = ipo::loss::detail::pair_sequences(layout, pairs, first + j / 2);
    std::size_t const s = j % 2 == 0 ? c : r; // a warp per sequence of the chunk's pairs
    double const sum = warp_sequence_logp(st, s, seq_len);
    if (threadIdx.x % lanes == 0) {
      st.sequence_logp[s] = sum;
      st.sequence_scale[s] = 0.0f;
    }
  }
  __syncthreads();
  for (std::size_t i = first + threadIdx.x; i < last; i += Block) {
    auto const [c, r] = ipo::loss::detail::pair_sequences(layout, pairs, i);
    if ((st.count[c] == 0 || st.count[r] == 0) && !skip_empty) {
      atomicMin(st.first_empty_pair, static_cast<unsigned long long>(i) + 1ull);
    }
    per_pair[i] = store_pair(objective, i, pairs, layout, nll_weight, reference_logps, counted, st);
  }
}

/// One block: the means over all pairs from their per-pair contributions, in a fixed order.
template <int Block>
__global__ void __launch_bounds__(Block)
    summarize_kernel(ipo::loss::detail::pair_sums const* per_pair, std::size_t pairs,
                     device_state st) {
  using reduce = cub::BlockReduce<ipo::loss::detail::pair_sums, Block>;
  __shared__ typename reduce::TempStorage temp;
  ipo::loss::detail::pair_sums partial;
  for (std::size_t i = threadIdx.x; i < pairs; i += Block) {
    partial += per_pair[i];
  }
  ipo::loss::detail::pair_sums const sums =
      reduce(temp).Reduce(partial, ipo::loss::detail::pair_sums_add{});
  if (threadIdx.x == 0) {
    double const values[7] = {sums.loss,          sums.objective,       sums.nll,
                              sums.chosen_reward, sums.rejected_reward, sums.margin,
                              sums.accuracy};
    for (int k = 0; k < 7; ++k) {
      st.sums[k] = values[k];
    }
  }
}

/// Block per chunk row: the gradient g_s (onehot - softmax) of the chunk's fp32 logits, written
/// over them (Out = float) or into `out` [n x V] in the model's type (bf16, fp16: the operand
/// of the backward products), 16 bytes per store. n * V reads, n * V writes of Out.
template <int Block, class Out>
__global__ void __launch_bounds__(Block)
    chunk_gradient_kernel(float* logits, Out* out, std::size_t vocab, std::size_t seq_len,
                          std::uint32_t const* chunk_slots, device_state st) {
  std::uint32_t const slot = chunk_slots[blockIdx.x];
  float const* row = logits + blockIdx.x * vocab;
  Out* destination = std::is_same_v<Out, float>
                         ? reinterpret_cast<Out*>(logits + blockIdx.x * vocab)
                         : out + blockIdx.x * vocab;
  ipo::loss::detail::thread_row_gradient_packed(
      row, destination, vocab, static_cast<std::size_t>(st.slot_target[slot]), st.slot_max[slot],
      st.slot_log_sum[slot], st.sequence_scale[slot / seq_len], threadIdx.x, Block);
}

} // namespace ipo::loss::cuda::detail
