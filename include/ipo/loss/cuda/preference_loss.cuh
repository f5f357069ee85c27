// ipo/loss/cuda/preference_loss.cuh: the fused preference loss over device logits.
//
// Same contract as ipo::loss::preference_loss (ipo/loss/preference_loss.hpp), on a CUDA stream:
//   1. preference_loss_workspace_bytes(rows, sequences): the scratch the call needs;
//   2. preference_loss_async(...): validates shapes and parameters on the host, then enqueues
//      four kernels on `stream` (plan, row statistics, pairs, gradient). No host
//      synchronisation; labels and reference log-probabilities stay on the device.
//   3. read_preference_loss(...): synchronises `stream`, copies the results into a
//      preference_loss_result, and throws ipo::argument_error if the device found a label
//      outside [0, V) or a pair with an unscored side (unless options.empty_pairs == skip).
// Deterministic: per-sequence sums run in row order and block reductions have a fixed shape.
#pragma once

#if !defined(__CUDACC__)
#error "ipo/loss/cuda/preference_loss.cuh is CUDA code: compile it with nvcc (ipo::cuda target)"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/core/matrix_view.hpp"
#include "ipo/loss/cuda/kernels.cuh"
#include "ipo/loss/detail/pair_plan.hpp"
#include "ipo/loss/objectives.hpp"
#include "ipo/loss/options.hpp"

namespace ipo::loss::cuda {

/// A failed CUDA call: an ipo::runtime_error that keeps the cudaError_t.
class cuda_error : public ipo::runtime_error {
public:
  cuda_error(std::string const& what, std::string function, cudaError_t code)
      : ipo::runtime_error(what, std::move(function)), code_(code) {}
  cudaError_t code() const noexcept { return code_; }

private:
  cudaError_t code_;
};

/// Throws cuda_error naming `function` and the CUDA error unless `code` is cudaSuccess.
inline void check_cuda(cudaError_t code, char const* function) {
  if (code != cudaSuccess) {
    throw cuda_error(std::string(function) + ": CUDA error " + cudaGetErrorName(code) + ": " +
                         cudaGetErrorString(code),
                     function, code);
  }
}

/// Threads per block of the row-statistics kernels.
inline constexpr int row_block = 256;
/// Threads per block of the gradient kernels. On an H200 (8 pairs x 2 x 512 rows, bf16)
/// 1,024 threads wrote the gradient in 202 us at V = 32000 and 826 us at V = 128256, 256
/// threads in 218 and 872 us; the row statistics were fastest at 128-256 threads.
inline constexpr int gradient_block = 1024;

namespace detail {

inline std::size_t align_up(std::size_t bytes) noexcept {
  return (bytes + 255) & ~std::size_t{255};
}

/// Carves the device_state out of `workspace` (or, with a null workspace, only sizes it).
inline std::size_t layout_state(void* workspace, std::size_t rows, std::size_t sequences,
                                device_state* st) {
  std::size_t const pairs = sequences / 2;
  auto* base = static_cast<unsigned char*>(workspace);
  std::size_t offset = 0;
  auto take = [&](auto*& pointer, std::size_t count) {
    using element = std::remove_reference_t<decltype(*pointer)>;
    if (base != nullptr) {
      pointer = reinterpret_cast<element*>(base + offset);
    }
    offset += align_up(count * sizeof(element));
  };
  device_state local{};
  device_state& s = st != nullptr ? *st : local;
  take(s.slot_row, rows);
  take(s.slot_target, rows);
  take(s.row_slot, rows);
  take(s.slot_max, rows);
  take(s.slot_log_sum, rows);
  take(s.slot_logp, rows);
  take(s.sequence_scale, sequences);
  // What read_preference_loss() copies back, together at the end: one copy.
  take(s.count, sequences);
  take(s.sequence_logp, sequences);
  take(s.pair_loss, pairs);
  take(s.chosen_reward, pairs);
  take(s.rejected_reward, pairs);
  take(s.sums, 7);
  take(s.counted, 1);
  take(s.first_bad_label, 1);
  take(s.first_empty_pair, 1);
  return offset;
}

/// The results block at the end of the state (count .. first_empty_pair), as device bytes.
inline std::pair<unsigned char const*, std::size_t> results_block(device_state const& st) {
  auto const* begin = reinterpret_cast<unsigned char const*>(st.count);
  auto const* end = reinterpret_cast<unsigned char const*>(st.first_empty_pair + 1);
  return {begin, static_cast<std::size_t>(end - begin)};
}

/// Sets both "first invalid" flags to ~0 ("none": atomicMin keeps the smallest index + 1 found):
/// one memset over the two adjacent words (and the padding between them).
inline void reset_flags(device_state const& st, cudaStream_t stream, char const* fn) {
  auto* begin = reinterpret_cast<unsigned char*>(st.first_bad_label);
  auto* end = reinterpret_cast<unsigned char*>(st.first_empty_pair + 1);
  check_cuda(cudaMemsetAsync(begin, 0xFF, static_cast<std::size_t>(end - begin), stream), fn);
}

} // namespace detail

/// Bytes of device workspace a call with `rows` = 2P*T rows and `sequences` = 2P needs
/// (about 40 bytes per row; nothing of size V).
inline std::size_t preference_loss_workspace_bytes(std::size_t rows, std::size_t sequences) {
  return detail::layout_state(nullptr, rows, sequences, nullptr);
}

/// Enqueues the fused loss on `stream` (see the top of this file). `logits`, `labels`,
/// `reference_logps` (2P floats or null) and `gradient` are device memory; `gradient` may
/// be empty (no gradient) or the logits' own memory (in place).
template <class T, class Label, PairwiseObjective O>
void preference_loss_async(matrix_view<T const> logits, Label const* labels,
                           float const* reference_logps, O const& objective,
                           preference_loss_options const& options, void* workspace,
                           std::size_t workspace_bytes, cudaStream_t stream,
                           matrix_view<T> gradient = {}) {
  static_assert(is_storage_type_v<T>, "logits must be float, ipo::bf16 or ipo::fp16");
  constexpr char const* fn = "ipo::loss::cuda::preference_loss_async";
  logits.validate(fn, "logits");
  check_argument(logits.cols() >= 1, fn, "logits.cols()", logits.cols(), "a vocabulary of >= 1");
  std::size_t const rows = logits.rows();
  std::size_t const sequences = ipo::loss::detail::validate_batch(options, rows, rows, fn);
  ipo::loss::detail::check_cuda_options(options, fn);
  ipo::loss::detail::validate_objective(objective, fn);
  check_argument(labels != nullptr, fn, "labels", "null", "a device pointer to one label per row");
  if constexpr (O::reference_free) {
    check_argument(reference_logps == nullptr, fn, "reference_logps", "given",
                   std::string("null: the objective ") + O::name() + " is reference-free");
  } else {
    check_argument(
        reference_logps != nullptr || options.reference_free, fn, "reference_logps", "null",
        "a device pointer to one log-probability per sequence, or options.reference_free");
  }
  std::size_t const needed = preference_loss_workspace_bytes(rows, sequences);
  check_argument(workspace != nullptr && workspace_bytes >= needed, fn, "workspace_bytes",
                 workspace_bytes,
                 "at least preference_loss_workspace_bytes() = " + std::to_string(needed));
  if (gradient.data() != nullptr) {
    gradient.validate(fn, "gradient");
    check_argument(gradient.rows() == rows && gradient.cols() == logits.cols(), fn,
                   "gradient.shape",
                   std::to_string(gradient.rows()) + "x" + std::to_string(gradient.cols()),
                   "the shape of logits");
  }
  check_argument(rows < (std::size_t{1} << 31), fn, "rows", rows, "fewer than 2^31 rows");

  detail::device_state st{};
  detail::layout_state(workspace, rows, sequences, &st);
  detail::reset_flags(st, stream, fn);
  std::size_t const seq_len = options.sequence_length;
  detail::plan_kernel<Label, 256><<<static_cast<unsigned>(sequences), 256, 0, stream>>>(
      labels, seq_len, options.shift_labels, options.ignore_index, logits.cols(), st);
  detail::row_stats_kernel<T, row_block><<<static_cast<unsigned>(rows), row_block, 0, stream>>>(
      logits.data(), logits.row_stride(), logits.cols(), seq_len, st);
  detail::pairs_kernel<O, 256>
      <<<1, 256, 0, stream>>>(objective, sequences, seq_len, options.layout, options.nll_weight,
                              options.empty_pairs == empty_pair_policy::skip, reference_logps, st);
  if (gradient.data() != nullptr) {
    detail::gradient_kernel<T, gradient_block>
        <<<static_cast<unsigned>(rows), gradient_block, 0, stream>>>(
            logits.data(), logits.row_stride(), gradient.data(), gradient.row_stride(),
            logits.cols(), seq_len, st);
  }
  check_cuda(cudaGetLastError(), fn);
}

/// Synchronises `stream` and copies the results of the last preference_loss_async() on this
/// workspace into `out`; throws for invalid labels or unscored pair sides found on the device.
inline void read_preference_loss(void* workspace, std::size_t rows, std::size_t sequences,
                                 cudaStream_t stream, preference_loss_result& out) {
  constexpr char const* fn = "ipo::loss::cuda::read_preference_loss";
  detail::device_state st{};
  detail::layout_state(workspace, rows, sequences, &st);
  std::size_t const pairs = sequences / 2;
  auto const [block, block_bytes] = detail::results_block(st);
  std::vector<unsigned char> host(block_bytes); // pageable: one copy, then the sync
  check_cuda(cudaMemcpyAsync(host.data(), block, block_bytes, cudaMemcpyDeviceToHost, stream), fn);
  check_cuda(cudaStreamSynchronize(stream), fn);
  auto const copy_out = [&](void* target, void const* device_field, std::size_t bytes) {
    std::memcpy(target, host.data() + (static_cast<unsigned char const*>(device_field) - block),
                bytes);
  };
  unsigned long long flags[2];
  double sums[7];
  std::int32_t counted = 0;
  std::vector<std::int32_t> counts(sequences);
  out.policy_logps.resize(sequences);
  out.pair_losses.resize(pairs);
  out.chosen_rewards.resize(pairs);
  out.rejected_rewards.resize(pairs);
  copy_out(&flags[0], st.first_bad_label, sizeof flags[0]);
  copy_out(&flags[1], st.first_empty_pair, sizeof flags[1]);
  copy_out(sums, st.sums, sizeof sums);
  copy_out(&counted, st.counted, sizeof counted);
  copy_out(counts.data(), st.count, sequences * sizeof(std::int32_t));
  copy_out(out.policy_logps.data(), st.sequence_logp, sequences * sizeof(double));
  copy_out(out.pair_losses.data(), st.pair_loss, pairs * sizeof(float));
  copy_out(out.chosen_rewards.data(), st.chosen_reward, pairs * sizeof(float));
  copy_out(out.rejected_rewards.data(), st.rejected_reward, pairs * sizeof(float));
  if (flags[0] != ~0ull) {
    throw_argument_error(fn, "labels[" + std::to_string(flags[0] - 1) + "]", "out of range",
                         "a token id in [0, V) or the ignore index");
  }
  if (flags[1] != ~0ull) {
    throw_argument_error(fn, "labels", "pair " + std::to_string(flags[1] - 1),
                         "at least one scored token in both sequences of every pair (or "
                         "options.empty_pairs = skip)");
  }
  out.token_counts.assign(counts.begin(), counts.end());
  out.pairs_counted = static_cast<std::size_t>(counted);
  out.loss = sums[0];
  out.objective_loss = sums[1];
  out.nll_loss = sums[2];
  out.mean_chosen_reward = sums[3];
  out.mean_rejected_reward = sums[4];
  out.mean_margin = sums[5];
  out.accuracy = sums[6];
}

} // namespace ipo::loss::cuda
