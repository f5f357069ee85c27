// ipo/loss/cuda/fused_linear.cuh: the fused linear preference loss on the GPU.
//
// hidden [2P*T x H], lm_head weight [V x H] (optional bias [V]), labels [2P*T], all device
// memory, in fp32, bf16 or fp16 (hidden, weight and bias of one type T). Scored rows are
// planned on the device; the call then synchronises once to read the per-sequence token
// counts and form chunks of whole pairs (at most `chunk_rows` scored rows). Per chunk of n
// rows: a gather (n x H of T), logits = H_c W^T (n x V) by cublasGemmEx with fp32 accumulation
// and fp32 output (tensor cores for bf16 / fp16), the row-statistics kernel, the pairs kernel,
// the logits gradient (fp32, over the logits, for T = fp32; rounded to T in a second n x V
// buffer otherwise, as a bf16 model's autograd holds it), then three products on T operands
// with fp32 accumulation: d(bias) += column sums (fp32), dH_c = dlogits W (in T) scattered to
// d(hidden), d(weight) += dlogits^T H_c (fp32; the first chunk writes it, so nothing zeroes the
// V x H fp32 buffer first): 6 n H V flops. The reference side is
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
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ipo/core/dtype.hpp"
#include "ipo/loss/cuda/kernels.cuh"
#include "ipo/loss/cuda/preference_loss.cuh"
#include "ipo/loss/detail/linear_chunks.hpp"
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

/// Device gradients of fused_linear_preference_loss() for inputs of type T; each may be empty.
/// Overwritten. d(hidden) is in the input type; d(weight) and d(bias) accumulate over chunks
/// and are fp32 whatever T is (an optimizer's master copy; round them to T if needed).
template <class T>
struct device_linear_gradients_of {
  matrix_view<T> hidden;     ///< [rows x H]
  matrix_view<float> weight; ///< [V x H], contiguous rows (row_stride == H)
  float* bias = nullptr;     ///< [V]
};
/// The gradients of the fp32 variant.
using device_linear_gradients = device_linear_gradients_of<float>;

namespace detail {

/// cuBLAS's name of a storage type.
template <class T>
constexpr cudaDataType_t cuda_data_type() {
  if constexpr (std::is_same_v<T, float>) {
    return CUDA_R_32F;
  } else if constexpr (std::is_same_v<T, ipo::bf16>) {
    return CUDA_R_16BF;
  } else {
    static_assert(std::is_same_v<T, ipo::fp16>, "fused linear inputs: float, ipo::bf16, ipo::fp16");
    return CUDA_R_16F;
  }
}

struct linear_layout {
  std::size_t state, per_pair, chunk_slots, gathered, d_gathered, logits, d_logits, ones, total;
};
template <class T>
linear_layout plan_linear(std::size_t rows, std::size_t sequences, std::size_t width,
                          std::size_t vocab, std::size_t chunk_rows) {
  bool const separate_gradient = !std::is_same_v<T, float>;
  linear_layout l{};
  l.state = 0;
  l.per_pair = align_up(preference_loss_workspace_bytes(rows, sequences));
  l.chunk_slots = l.per_pair + align_up(sequences / 2 * sizeof(ipo::loss::detail::pair_sums));
  l.gathered = l.chunk_slots + align_up(chunk_rows * sizeof(std::uint32_t));
  l.d_gathered = l.gathered + align_up(chunk_rows * width * sizeof(T));
  l.logits = l.d_gathered + align_up(chunk_rows * width * sizeof(T));
  l.d_logits = l.logits + align_up(chunk_rows * vocab * sizeof(float));
  l.ones = l.d_logits + (separate_gradient ? align_up(chunk_rows * vocab * sizeof(T)) : 0);
  l.total = l.ones + align_up(chunk_rows * sizeof(T));
  return l;
}

/// Block per element chunk: n ones of type T (the d(bias) product's operand).
template <class T>
__global__ void fill_ones_kernel(T* ones, std::size_t n) {
  std::size_t const k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < n) {
    ones[k] = from_float<T>(1.0f);
  }
}

/// The steps of ipo::loss::detail::run_linear_chunks() on the GPU: kernels and cuBLAS
/// products on `stream` (see linear_chunks.hpp for what each step does).
template <class T, class O>
struct cuda_linear_backend {
  cublasHandle_t handle;
  cudaStream_t stream;
  matrix_view<T const> hidden;
  T const* weight;
  std::size_t vocab;
  T const* bias;
  device_linear_gradients_of<T> gradients;
  O const& objective;
  preference_loss_options const& options;
  float const* reference_logps;
  device_state st;
  ipo::loss::detail::pair_sums* per_pair;
  std::uint32_t* chunk_slots;
  T* gathered;
  T* d_gathered;
  float* logits;
  T* d_logits;
  T* ones;
  char const* fn;

  void begin_chunk(std::span<std::uint32_t const> slots) {
    check_cuda(cudaMemcpyAsync(chunk_slots, slots.data(), slots.size() * sizeof(std::uint32_t),
                               cudaMemcpyHostToDevice, stream),
               fn);
    gather_rows_kernel<128, T><<<static_cast<unsigned>(slots.size()), 128, 0, stream>>>(
        hidden.data(), hidden.row_stride(), hidden.cols(), chunk_slots, st, gathered);
  }
  /// The buffer's address and whether it holds fp32 (else T).
  std::pair<void*, bool> buffer(ipo::loss::detail::linear_buffer b) const {
    using B = ipo::loss::detail::linear_buffer;
    switch (b) {
    case B::weight:
      return {const_cast<T*>(weight), false};
    case B::gathered:
      return {gathered, false};
    case B::logits:
      return {logits, true};
    case B::logits_gradient:
      return {d_logits, std::is_same_v<T, float>};
    case B::d_gathered:
      return {d_gathered, false};
    case B::ones:
      return {ones, false};
    case B::d_weight:
      return {gradients.weight.data(), true};
    case B::d_bias:
      return {gradients.bias, true};
    }
    return {nullptr, true};
  }
  void product(ipo::loss::detail::linear_product const& g) {
    auto const [a, a32] = buffer(g.a);
    auto const [b, b32] = buffer(g.b);
    auto const [c, c32] = buffer(g.c);
    cudaDataType_t const operand = cuda_data_type<T>();
    float const one = 1.0f, zero = 0.0f;
    check_cublas(cublasGemmEx(handle, g.transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                              g.transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, g.m, g.n, g.k, &one, a,
                              a32 ? CUDA_R_32F : operand, g.lda, b, b32 ? CUDA_R_32F : operand,
                              g.ldb, g.accumulate ? &one : &zero, c, c32 ? CUDA_R_32F : operand,
                              g.ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                 fn);
  }
  void add_bias(int n) {
    add_bias_kernel<row_block, T><<<n, row_block, 0, stream>>>(logits, vocab, bias);
  }
  void row_stats(int n) {
    chunk_row_stats_kernel<row_block><<<n, row_block, 0, stream>>>(logits, vocab, chunk_slots, st);
  }
  void pairs(std::size_t first, std::size_t last) {
    chunk_pairs_kernel<O, 256><<<1, 256, 0, stream>>>(
        objective, first, last, sequences(), options.sequence_length, options.layout,
        options.nll_weight, options.empty_pairs == empty_pair_policy::skip, reference_logps, st,
        per_pair);
    check_cuda(cudaGetLastError(), fn);
  }
  void logits_gradient(int n) {
    chunk_gradient_kernel<gradient_block, T><<<n, gradient_block, 0, stream>>>(
        logits, d_logits, vocab, options.sequence_length, chunk_slots, st);
  }
  void scatter_hidden(int n) {
    scatter_rows_kernel<128, T><<<n, 128, 0, stream>>>(d_gathered, hidden.cols(), chunk_slots, st,
                                                       gradients.hidden.data(),
                                                       gradients.hidden.row_stride());
  }
  void clear_accumulated() { // no chunk had scored rows
    if (gradients.weight.data() != nullptr) {
      check_cuda(cudaMemsetAsync(gradients.weight.data(), 0, vocab * hidden.cols() * sizeof(float),
                                 stream),
                 fn);
    }
    if (gradients.bias != nullptr) {
      check_cuda(cudaMemsetAsync(gradients.bias, 0, vocab * sizeof(float), stream), fn);
    }
  }
  void summarize(std::size_t pairs) {
    summarize_kernel<256><<<1, 256, 0, stream>>>(per_pair, pairs, st);
    check_cuda(cudaGetLastError(), fn);
  }
  std::size_t sequences() const { return hidden.rows() / options.sequence_length; }
};

} // namespace detail

/// Bytes of device workspace for fused_linear_preference_loss() on inputs of type T with
/// chunks of at most `chunk_rows` scored rows: one chunk of fp32 logits, two gathered
/// [chunk_rows x H] of T, and for bf16 / fp16 the chunk's logits gradient in T.
template <class T = float>
std::size_t fused_linear_workspace_bytes(std::size_t rows, std::size_t sequences, std::size_t width,
                                         std::size_t vocab, std::size_t chunk_rows) {
  return detail::plan_linear<T>(rows, sequences, width, vocab, chunk_rows).total;
}

/// The fused linear loss on `stream` with `handle` (see the top of this file). A pair with more
/// scored rows than `chunk_rows` is an error (the chunk could not hold it).
template <class T, class Label, PairwiseObjective O>
fused_linear_report
fused_linear_preference_loss(cublasHandle_t handle, matrix_view<T const> hidden,
                             matrix_view<T const> weight, T const* bias, Label const* labels,
                             float const* reference_logps, O const& objective,
                             preference_loss_options const& options, std::size_t chunk_rows,
                             void* workspace, std::size_t workspace_bytes, cudaStream_t stream,
                             device_linear_gradients_of<T> gradients, preference_loss_result& out) {
  constexpr char const* fn = "ipo::loss::cuda::fused_linear_preference_loss";
  ipo::loss::detail::check_linear<T>(hidden, weight, {}, "", fn);
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
  ipo::loss::detail::check_linear_output(gradients.hidden, rows, width, "gradients.hidden", fn);
  ipo::loss::detail::check_linear_output(gradients.weight, vocab, width, "gradients.weight", fn);
  auto const layout = detail::plan_linear<T>(rows, sequences, width, vocab, chunk_rows);
  check_argument(workspace != nullptr && workspace_bytes >= layout.total, fn, "workspace_bytes",
                 workspace_bytes,
                 "at least fused_linear_workspace_bytes<T>() = " + std::to_string(layout.total));
  check_argument(gradients.weight.data() == nullptr || gradients.weight.row_stride() == width, fn,
                 "gradients.weight.row_stride", gradients.weight.row_stride(),
                 "H (contiguous rows)");

  auto* base = static_cast<unsigned char*>(workspace);
  detail::device_state st{};
  detail::layout_state(workspace, rows, sequences, &st);
  auto* per_pair = reinterpret_cast<ipo::loss::detail::pair_sums*>(base + layout.per_pair);
  auto* chunk_slots = reinterpret_cast<std::uint32_t*>(base + layout.chunk_slots);
  auto* gathered = reinterpret_cast<T*>(base + layout.gathered);
  auto* d_gathered = reinterpret_cast<T*>(base + layout.d_gathered);
  auto* logits = reinterpret_cast<float*>(base + layout.logits);
  // The logits gradient the backward products read: over the logits for fp32, else its own.
  T* d_logits = std::is_same_v<T, float> ? reinterpret_cast<T*>(logits)
                                         : reinterpret_cast<T*>(base + layout.d_logits);
  auto* ones = reinterpret_cast<T*>(base + layout.ones);

  detail::reset_flags(st, stream, fn);
  if (gradients.bias != nullptr) { // the d(bias) product's operand
    detail::fill_ones_kernel<T>
        <<<static_cast<unsigned>((chunk_rows + 255) / 256), 256, 0, stream>>>(ones, chunk_rows);
  }
  if (gradients.hidden.data() != nullptr) { // the unscored rows' zeros
    check_cuda(cudaMemset2DAsync(gradients.hidden.data(), gradients.hidden.row_stride() * sizeof(T),
                                 0, width * sizeof(T), rows, stream),
               fn);
  }
  std::size_t const T_len = options.sequence_length;
  detail::plan_kernel<Label, 256><<<static_cast<unsigned>(sequences), 256, 0, stream>>>(
      labels, T_len, options.shift_labels, options.ignore_index, vocab, st);
  check_cuda(cudaGetLastError(), fn);
  std::vector<std::int32_t> counts(sequences); // the one synchronisation: chunks need the counts
  check_cuda(cudaMemcpyAsync(counts.data(), st.count, sequences * sizeof(std::int32_t),
                             cudaMemcpyDeviceToHost, stream),
             fn);
  check_cuda(cudaStreamSynchronize(stream), fn);

  check_cublas(cublasSetStream(handle, stream), fn);
  detail::cuda_linear_backend<T, O> backend{
      handle,      stream,    hidden,     weight.data(),   vocab,    bias,
      gradients,   objective, options,    reference_logps, st,       per_pair,
      chunk_slots, gathered,  d_gathered, logits,          d_logits, ones,
      fn};
  ipo::loss::detail::linear_chunk_plan plan;
  plan.sequence_length = T_len;
  plan.width = width;
  plan.vocab = vocab;
  plan.weight_ld = weight.row_stride();
  plan.chunk_rows = chunk_rows;
  plan.layout = options.layout;
  plan.bias = bias != nullptr;
  plan.d_hidden = gradients.hidden.data() != nullptr;
  plan.d_weight = gradients.weight.data() != nullptr;
  plan.d_bias = gradients.bias != nullptr;
  fused_linear_report report = ipo::loss::detail::run_linear_chunks(
      backend, std::span<std::int32_t const>(counts), plan, fn);
  report.peak_extra_bytes = layout.total;
  read_preference_loss(workspace, rows, sequences, stream, out);
  return report;
}

} // namespace ipo::loss::cuda
