// ipo/loss/cuda/fused_linear.cuh: the fused linear preference loss on the GPU.
//
// hidden [2P*T x H], lm_head weight [V x H] (optional bias [V]), labels [2P*T], all device
// memory. Scored rows are planned on the device; the call then synchronises once to read the
// per-sequence token counts and form chunks of whole pairs (at most `chunk_rows` scored rows).
// Per chunk of n rows: a gather (n x H), cuBLAS SGEMM logits = H_c W^T (n x V, fp32),
// the row-statistics kernel, the pairs kernel, the gradient written over the logits, SGEMV
// d(bias) += column sums, SGEMM dH_c = dlogits W scattered to d(hidden), SGEMM
// d(weight) += dlogits^T H_c (fp32 accumulation): 6 n H V flops. The reference side is
// precomputed per-sequence log-probabilities (device), or none for reference-free objectives.
// The call returns after reading the results back (it synchronises `stream`).
#pragma once

#if !defined(__CUDACC__)
#error "ipo/loss/cuda/fused_linear.cuh is CUDA code: compile it with nvcc (ipo::cuda target)"
#endif

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ipo/loss/cuda/kernels.cuh"
#include "ipo/loss/cuda/preference_loss.cuh"
#include "ipo/loss/detail/pair_plan.hpp"
#include "ipo/loss/options.hpp"

namespace ipo::loss::cuda {

/// Throws cuda_error unless a cuBLAS call succeeded.
inline void check_cublas(cublasStatus_t status, char const* function) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw cuda_error(std::string(function) + ": cuBLAS error " +
                         std::to_string(static_cast<int>(status)),
                     function, cudaErrorUnknown);
  }
}

/// Device gradients of fused_linear_preference_loss(); each may be empty. Overwritten.
struct device_linear_gradients {
  matrix_view<float> hidden; ///< [rows x H]
  matrix_view<float> weight; ///< [V x H], contiguous rows (row_stride == H)
  float* bias = nullptr;     ///< [V]
};

namespace detail {
struct linear_layout {
  std::size_t state, per_pair, chunk_slots, gathered, d_gathered, logits, ones, total;
};
inline linear_layout plan_linear(std::size_t rows, std::size_t sequences, std::size_t width,
                                 std::size_t vocab, std::size_t chunk_rows) {
  linear_layout l{};
  l.state = 0;
  l.per_pair = align_up(preference_loss_workspace_bytes(rows, sequences));
  l.chunk_slots = l.per_pair + align_up(sequences / 2 * sizeof(ipo::loss::detail::pair_sums));
  l.gathered = l.chunk_slots + align_up(chunk_rows * sizeof(std::uint32_t));
  l.d_gathered = l.gathered + align_up(chunk_rows * width * sizeof(float));
  l.logits = l.d_gathered + align_up(chunk_rows * width * sizeof(float));
  l.ones = l.logits + align_up(chunk_rows * vocab * sizeof(float));
  l.total = l.ones + align_up(chunk_rows * sizeof(float));
  return l;
}
} // namespace detail

/// Bytes of device workspace for fused_linear_preference_loss() with chunks of at most
/// `chunk_rows` scored rows (one chunk of fp32 logits plus two gathered [chunk_rows x H]).
inline std::size_t fused_linear_workspace_bytes(std::size_t rows, std::size_t sequences,
                                                std::size_t width, std::size_t vocab,
                                                std::size_t chunk_rows) {
  return detail::plan_linear(rows, sequences, width, vocab, chunk_rows).total;
}

/// The fused linear loss on `stream` with `handle` (see the top of this file). A pair with more
/// scored rows than `chunk_rows` is an error (the chunk could not hold it).
template <class Label, PairwiseObjective O>
fused_linear_report
fused_linear_preference_loss(cublasHandle_t handle, matrix_view<float const> hidden,
                             matrix_view<float const> weight, float const* bias,
                             Label const* labels, float const* reference_logps, O const& objective,
                             preference_loss_options const& options, std::size_t chunk_rows,
                             void* workspace, std::size_t workspace_bytes, cudaStream_t stream,
                             device_linear_gradients gradients, preference_loss_result& out) {
  constexpr char const* fn = "ipo::loss::cuda::fused_linear_preference_loss";
  ipo::loss::detail::check_linear(hidden, weight, {}, "", fn);
  std::size_t const rows = hidden.rows(), width = hidden.cols(), vocab = weight.rows();
  std::size_t const sequences = ipo::loss::detail::validate_batch(options, rows, rows, fn);
  ipo::loss::detail::check_cuda_options(options, fn);
  ipo::loss::detail::validate_objective(objective, fn);
  check_argument(labels != nullptr, fn, "labels", "null", "a device pointer to one label per row");
  check_argument(chunk_rows >= 1, fn, "chunk_rows", chunk_rows, ">= 1");
  check_argument(O::reference_free ? reference_logps == nullptr
                                   : (reference_logps != nullptr || options.reference_free),
                 fn, "reference_logps", reference_logps == nullptr ? "null" : "given",
                 O::reference_free ? "null for a reference-free objective"
                                   : "per-sequence log-probabilities");
  auto const layout = detail::plan_linear(rows, sequences, width, vocab, chunk_rows);
  check_argument(workspace != nullptr && workspace_bytes >= layout.total, fn, "workspace_bytes",
                 workspace_bytes,
                 "at least fused_linear_workspace_bytes() = " + std::to_string(layout.total));
  check_argument(gradients.weight.data() == nullptr || gradients.weight.row_stride() == width, fn,
                 "gradients.weight.row_stride", gradients.weight.row_stride(),
                 "H (contiguous rows)");

  auto* base = static_cast<unsigned char*>(workspace);
  detail::device_state st{};
  detail::layout_state(workspace, rows, sequences, &st);
  auto* per_pair = reinterpret_cast<ipo::loss::detail::pair_sums*>(base + layout.per_pair);
  auto* chunk_slots = reinterpret_cast<std::uint32_t*>(base + layout.chunk_slots);
  auto* gathered = reinterpret_cast<float*>(base + layout.gathered);
  auto* d_gathered = reinterpret_cast<float*>(base + layout.d_gathered);
  auto* logits = reinterpret_cast<float*>(base + layout.logits);
  auto* ones = reinterpret_cast<float*>(base + layout.ones);

  unsigned long long const none = ~0ull;
  check_cuda(
      cudaMemcpyAsync(st.first_bad_label, &none, sizeof none, cudaMemcpyHostToDevice, stream), fn);
  check_cuda(
      cudaMemcpyAsync(st.first_empty_pair, &none, sizeof none, cudaMemcpyHostToDevice, stream), fn);
  std::vector<float> const host_ones(chunk_rows, 1.0f);
  check_cuda(cudaMemcpyAsync(ones, host_ones.data(), chunk_rows * sizeof(float),
                             cudaMemcpyHostToDevice, stream),
             fn);
  if (gradients.hidden.data() != nullptr) {
    check_cuda(cudaMemset2DAsync(gradients.hidden.data(),
                                 gradients.hidden.row_stride() * sizeof(float), 0,
                                 width * sizeof(float), rows, stream),
               fn);
  }
  if (gradients.weight.data() != nullptr) {
    check_cuda(cudaMemsetAsync(gradients.weight.data(), 0, vocab * width * sizeof(float), stream),
               fn);
  }
  if (gradients.bias != nullptr) {
    check_cuda(cudaMemsetAsync(gradients.bias, 0, vocab * sizeof(float), stream), fn);
  }
  std::size_t const T = options.sequence_length;
  detail::plan_kernel<Label, 256><<<static_cast<unsigned>(sequences), 256, 0, stream>>>(
      labels, T, options.shift_labels, options.ignore_index, vocab, st);
  check_cuda(cudaGetLastError(), fn);
  std::vector<std::int32_t> counts(sequences); // the one synchronisation: chunks need the counts
  check_cuda(cudaMemcpyAsync(counts.data(), st.count, sequences * sizeof(std::int32_t),
                             cudaMemcpyDeviceToHost, stream),
             fn);
  check_cuda(cudaStreamSynchronize(stream), fn);

  check_cublas(cublasSetStream(handle, stream), fn);
  float const one = 1.0f, zero = 0.0f;
  auto const H = static_cast<int>(width), V = static_cast<int>(vocab);
  std::size_t const pairs = sequences / 2;
  fused_linear_report report;
  std::vector<std::uint32_t> slots;
  bool const any_gradient = gradients.hidden.data() != nullptr ||
                            gradients.weight.data() != nullptr || gradients.bias != nullptr;
  for (std::size_t first = 0; first < pairs;) {
    slots.clear();
    std::size_t last = first;
    while (last < pairs) {
      auto const [c, r] = ipo::loss::detail::pair_sequences(options.layout, pairs, last);
      std::size_t const add = static_cast<std::size_t>(counts[c] + counts[r]);
      if (slots.size() + add > chunk_rows) {
        check_argument(last > first, fn, "chunk_rows", chunk_rows,
                       "at least the scored rows of one pair (" + std::to_string(add) + ")");
        break;
      }
      for (std::size_t s : {c, r}) {
        for (std::int32_t k = 0; k < counts[s]; ++k) {
          slots.push_back(static_cast<std::uint32_t>(s * T + static_cast<std::size_t>(k)));
        }
      }
      ++last;
    }
    auto const n = static_cast<int>(slots.size());
    if (n > 0) {
      check_cuda(cudaMemcpyAsync(chunk_slots, slots.data(), slots.size() * sizeof(std::uint32_t),
                                 cudaMemcpyHostToDevice, stream),
                 fn);
      detail::gather_rows_kernel<128><<<n, 128, 0, stream>>>(hidden.data(), hidden.row_stride(),
                                                             width, chunk_slots, st, gathered);
      // Row-major logits[n x V] = gathered[n x H] W^T: in column-major terms W^T-op times gathered.
      check_cublas(cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, V, n, H, &one, weight.data(),
                               static_cast<int>(weight.row_stride()), gathered, H, &zero, logits,
                               V),
                   fn);
      if (bias != nullptr) { // logits += bias for every row: a rank-1 update with the ones vector
        check_cublas(cublasSger(handle, V, n, &one, bias, 1, ones, 1, logits, V), fn);
      }
      detail::chunk_row_stats_kernel<row_block>
          <<<n, row_block, 0, stream>>>(logits, vocab, chunk_slots, st);
    }
    detail::chunk_pairs_kernel<O, 256><<<1, 256, 0, stream>>>(
        objective, first, last, sequences, T, options.layout, options.nll_weight,
        options.empty_pairs == empty_pair_policy::skip, reference_logps, st, per_pair);
    if (any_gradient && n > 0) {
      detail::chunk_gradient_kernel<row_block>
          <<<n, row_block, 0, stream>>>(logits, vocab, T, chunk_slots, st);
      if (gradients.bias != nullptr) {
        check_cublas(cublasSgemv(handle, CUBLAS_OP_N, V, n, &one, logits, V, ones, 1, &one,
                                 gradients.bias, 1),
                     fn);
      }
      if (gradients.hidden.data() != nullptr) {
        check_cublas(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, H, n, V, &one, weight.data(),
                                 static_cast<int>(weight.row_stride()), logits, V, &zero,
                                 d_gathered, H),
                     fn);
        detail::scatter_rows_kernel<128><<<n, 128, 0, stream>>>(d_gathered, width, chunk_slots, st,
                                                                gradients.hidden.data(),
                                                                gradients.hidden.row_stride());
      }
      if (gradients.weight.data() != nullptr) {
        check_cublas(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_T, H, V, n, &one, gathered, H,
                                 logits, V, &one, gradients.weight.data(), H),
                     fn);
      }
    }
    check_cuda(cudaGetLastError(), fn);
    report.max_chunk_rows = std::max(report.max_chunk_rows, slots.size());
    ++report.chunks;
    first = last;
  }
  detail::summarize_kernel<256><<<1, 256, 0, stream>>>(per_pair, pairs, st);
  check_cuda(cudaGetLastError(), fn);
  report.peak_extra_bytes = layout.total;
  read_preference_loss(workspace, rows, sequences, stream, out);
  return report;
}

} // namespace ipo::loss::cuda
