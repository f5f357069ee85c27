// The CUDA variant of ipo.torch's ops: the library's CUDA entry points for one pairwise TRL
// loss type, over logits (ipo/loss/cuda/preference_loss.cuh) and from hidden states
// (ipo/loss/cuda/fused_linear.cuh). See cuda_bridge.hpp.
#include "cuda_bridge.hpp"

#include <ipo/cuda.hpp>

#include <map>
#include <string>

namespace ipo_python {

namespace L = ipo::loss;

std::size_t cuda_workspace_bytes(std::size_t rows, std::size_t sequences) {
  return L::cuda::preference_loss_workspace_bytes(rows, sequences);
}

namespace {

template <class T, class O>
void run(cuda_loss_call const& c, O const& objective, L::preference_loss_options const& options,
         L::preference_loss_result& out) {
  auto const stream = static_cast<cudaStream_t>(c.stream);
  ipo::matrix_view<T const> const logits(static_cast<T const*>(c.logits), c.rows, c.vocab,
                                         c.row_stride);
  ipo::matrix_view<T> gradient;
  if (c.gradient != nullptr) {
    gradient = ipo::matrix_view<T>(static_cast<T*>(c.gradient), c.rows, c.vocab, c.gradient_stride);
  }
  L::cuda::preference_loss_async(logits, c.labels, c.reference_logps, objective, options,
                                 c.workspace, c.workspace_bytes, stream, gradient);
  L::cuda::read_preference_loss(c.workspace, c.rows, c.rows / options.sequence_length, stream, out);
}

/// Calls fn(value) with the storage type named by `dtype` (a value-initialised T).
template <class Fn>
void with_dtype(device_dtype dtype, Fn&& fn) {
  switch (dtype) {
  case device_dtype::fp32:
    return fn(float{});
  case device_dtype::bf16:
    return fn(ipo::bf16{});
  case device_dtype::fp16:
    return fn(ipo::fp16{});
  }
}

/// Calls run(objective) with the objective of a pairwise TRL loss type; TRL applies the
/// f-divergence to the loss types that use the scores.
template <class Run>
void with_objective(L::loss_type type, L::loss_parameters const& p, Run&& run) {
  auto scored = [&](auto objective) {
    run(L::with_f_divergence(objective, p.divergence, p.f_alpha_divergence_coef));
  };
  switch (type) {
  case L::loss_type::sigmoid:
    return scored(L::sigmoid_loss{p.beta, 0.0}); // TRL's sigmoid: no smoothing
  case L::loss_type::hinge:
    return scored(L::hinge_loss{p.beta});
  case L::loss_type::ipo:
    return scored(L::identity_po_loss{p.beta, true});
  case L::loss_type::exo_pair:
    return scored(L::exo_pair_loss{p.beta, p.label_smoothing});
  case L::loss_type::robust:
    return scored(L::robust_loss{p.beta, p.label_smoothing});
  case L::loss_type::discopop:
    return scored(L::discopop_loss{p.beta, p.discopop_tau});
  case L::loss_type::sigmoid_norm:
    return scored(L::sigmoid_norm_loss{p.beta});
  case L::loss_type::nca_pair:
    return run(L::nca_pair_loss{p.beta});
  case L::loss_type::bco_pair:
    return run(L::bco_pair_loss{p.beta});
  case L::loss_type::sppo_hard:
    return run(L::sppo_hard_loss{p.beta});
  case L::loss_type::apo_zero:
    return run(L::apo_zero_loss{p.beta});
  case L::loss_type::apo_down:
    return run(L::apo_down_loss{p.beta});
  case L::loss_type::simpo:
    return run(L::simpo_loss{p.beta, p.simpo_gamma});
  case L::loss_type::aot:
  case L::loss_type::aot_unpaired:
    break;
  }
  ipo::throw_argument_error(
      "ipo.torch (CUDA)", "loss_type", L::loss_type_name(type),
      "a pairwise loss type: aot and aot_unpaired need the whole batch and run on the CPU");
}

/// This thread's cuBLAS handle for the current device.
cublasHandle_t cublas_handle() {
  thread_local std::map<int, cublasHandle_t> handles; // kept for the process: creation is slow
  int device = 0;
  L::cuda::check_cuda(cudaGetDevice(&device), "cudaGetDevice");
  auto [it, inserted] = handles.try_emplace(device, nullptr);
  if (inserted) {
    cublasStatus_t const status = cublasCreate(&it->second);
    if (status != CUBLAS_STATUS_SUCCESS) {
      handles.erase(it);
      L::cuda::check_cublas(status, "cublasCreate");
    }
  }
  return it->second;
}

} // namespace

void cuda_preference_loss(cuda_loss_call const& c, L::loss_type type, L::loss_parameters const& p,
                          L::preference_loss_options const& options,
                          L::preference_loss_result& out) {
  with_objective(type, p, [&](auto const& objective) {
    with_dtype(c.dtype, [&](auto value) { run<decltype(value)>(c, objective, options, out); });
  });
}

std::size_t cuda_linear_workspace_bytes(device_dtype dtype, std::size_t rows, std::size_t sequences,
                                        std::size_t width, std::size_t vocab,
                                        std::size_t chunk_rows) {
  std::size_t bytes = 0;
  with_dtype(dtype, [&](auto value) {
    bytes = L::cuda::fused_linear_workspace_bytes<decltype(value)>(rows, sequences, width, vocab,
                                                                   chunk_rows);
  });
  return bytes;
}

std::size_t cuda_fused_linear_preference_loss(cuda_linear_call const& c, L::loss_type type,
                                              L::loss_parameters const& p,
                                              L::preference_loss_options const& options,
                                              L::preference_loss_result& out) {
  cublasHandle_t const handle = cublas_handle();
  std::size_t chunks = 0;
  with_objective(type, p, [&](auto const& objective) {
    with_dtype(c.dtype, [&](auto value) {
      using T = decltype(value);
      L::cuda::device_linear_gradients_of<T> gradients;
      if (c.d_hidden != nullptr) {
        gradients.hidden =
            ipo::matrix_view<T>(static_cast<T*>(c.d_hidden), c.rows, c.width, c.d_hidden_stride);
      }
      if (c.d_weight != nullptr) {
        gradients.weight = ipo::matrix_view<float>(c.d_weight, c.vocab, c.width);
      }
      gradients.bias = c.d_bias;
      chunks = L::cuda::fused_linear_preference_loss<T>(
                   handle,
                   ipo::matrix_view<T const>(static_cast<T const*>(c.hidden), c.rows, c.width,
                                             c.hidden_stride),
                   ipo::matrix_view<T const>(static_cast<T const*>(c.weight), c.vocab, c.width,
                                             c.weight_stride),
                   static_cast<T const*>(c.bias), c.labels, c.reference_logps, objective, options,
                   c.chunk_rows, c.workspace, c.workspace_bytes,
                   static_cast<cudaStream_t>(c.stream), gradients, out)
                   .chunks;
    });
  });
  return chunks;
}

} // namespace ipo_python
