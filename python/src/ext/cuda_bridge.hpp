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

} // namespace ipo_python
