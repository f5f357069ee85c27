// The CUDA variant of the tensor ops: plain C++ declarations, defined in cuda_bridge.cu
// (compiled by nvcc) and called from the nanobind module (compiled by the host compiler), so
// that nanobind's headers never meet nvcc. Built when IPO_PYTHON_CUDA is on
// (python/CMakeLists.txt).
#pragma once

#include <ipo/loss/batch_objectives.hpp>
#include <ipo/loss/options.hpp>

#include <cstddef>
#include <cstdint>

namespace ipo_python {

enum class device_dtype : std::uint8_t { fp32, bf16, fp16 };

/// One call of the fused loss over device logits [rows x vocab] (row stride in elements).
struct cuda_loss_call {
  void const* logits = nullptr;
  device_dtype dtype = device_dtype::fp32;
  std::size_t rows = 0, vocab = 0, row_stride = 0;
  std::int64_t const* labels = nullptr;   ///< one per row, device memory
  float const* reference_logps = nullptr; ///< one per sequence, device memory, or null
  void* gradient = nullptr; ///< [rows x vocab] of the same dtype, or null; may be logits
  std::size_t gradient_stride = 0;
  void* workspace = nullptr; ///< cuda_workspace_bytes() of device memory
  std::size_t workspace_bytes = 0;
  void* stream = nullptr; ///< a cudaStream_t
};

/// Device scratch a call over `rows` rows and `sequences` sequences needs.
std::size_t cuda_workspace_bytes(std::size_t rows, std::size_t sequences);

/// The fused loss of one TRL loss type (the pairwise ones; see the README) on the call's stream;
/// synchronises it and fills `out`. Throws ipo::argument_error for what the CUDA entry points
/// do not support and for bad input, ipo::loss::cuda::cuda_error for a failed CUDA call.
void cuda_preference_loss(cuda_loss_call const& call, ipo::loss::loss_type type,
                          ipo::loss::loss_parameters const& parameters,
                          ipo::loss::preference_loss_options const& options,
                          ipo::loss::preference_loss_result& out);

/// One call of the fused linear loss: hidden [rows x width] and weight [vocab x width] (and bias
/// [vocab], or null) of one dtype, device memory, row strides in elements.
struct cuda_linear_call {
  device_dtype dtype = device_dtype::fp32;
  void const* hidden = nullptr;
  std::size_t rows = 0, width = 0, hidden_stride = 0;
  void const* weight = nullptr;
  std::size_t vocab = 0, weight_stride = 0;
  void const* bias = nullptr;
  std::int64_t const* labels = nullptr;   ///< one per row
  float const* reference_logps = nullptr; ///< one per sequence, or null
  void* d_hidden = nullptr; ///< [rows x width] of dtype (stride d_hidden_stride), or null
  std::size_t d_hidden_stride = 0;
  float* d_weight = nullptr;  ///< [vocab x width] fp32, contiguous, or null
  float* d_bias = nullptr;    ///< [vocab] fp32, or null
  std::size_t chunk_rows = 0; ///< scored rows per chunk (whole pairs)
  void* workspace = nullptr;  ///< cuda_linear_workspace_bytes() of device memory
  std::size_t workspace_bytes = 0;
  void* stream = nullptr; ///< a cudaStream_t
};

/// Device scratch of a fused linear call.
std::size_t cuda_linear_workspace_bytes(device_dtype dtype, std::size_t rows, std::size_t sequences,
                                        std::size_t width, std::size_t vocab,
                                        std::size_t chunk_rows);

/// The fused linear loss of one pairwise TRL loss type (ipo/loss/cuda/fused_linear.cuh) with
/// this thread's cuBLAS handle for the current device (created on first use, kept for the
/// process); synchronises the stream, fills `out`, returns the number of chunks.
std::size_t cuda_fused_linear_preference_loss(cuda_linear_call const& call,
                                              ipo::loss::loss_type type,
                                              ipo::loss::loss_parameters const& parameters,
                                              ipo::loss::preference_loss_options const& options,
                                              ipo::loss::preference_loss_result& out);

} // namespace ipo_python
