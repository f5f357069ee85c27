// The CUDA variant of ipo.torch's logits op: the library's CUDA entry points
// (ipo/loss/cuda/preference_loss.cuh) for one pairwise TRL loss type. See cuda_bridge.hpp.
#include "cuda_bridge.hpp"

#include <ipo/cuda.hpp>

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

template <class O>
void run_dtype(cuda_loss_call const& c, O const& objective,
               L::preference_loss_options const& options, L::preference_loss_result& out) {
  switch (c.dtype) {
  case device_dtype::fp32:
    return run<float>(c, objective, options, out);
  case device_dtype::bf16:
    return run<ipo::bf16>(c, objective, options, out);
  case device_dtype::fp16:
    return run<ipo::fp16>(c, objective, options, out);
  }
}

/// TRL applies the f-divergence to the loss types that use the scores.
template <class O>
void scored(cuda_loss_call const& c, O objective, L::loss_parameters const& p,
            L::preference_loss_options const& options, L::preference_loss_result& out) {
  run_dtype(c, L::with_f_divergence(objective, p.divergence, p.f_alpha_divergence_coef), options,
            out);
}

} // namespace

void cuda_preference_loss(cuda_loss_call const& c, L::loss_type type, L::loss_parameters const& p,
                          L::preference_loss_options const& options,
                          L::preference_loss_result& out) {
  switch (type) {
  case L::loss_type::sigmoid:
    return scored(c, L::sigmoid_loss{p.beta, 0.0}, p, options, out); // TRL's sigmoid: no smoothing
  case L::loss_type::hinge:
    return scored(c, L::hinge_loss{p.beta}, p, options, out);
  case L::loss_type::ipo:
    return scored(c, L::identity_po_loss{p.beta, true}, p, options, out);
  case L::loss_type::exo_pair:
    return scored(c, L::exo_pair_loss{p.beta, p.label_smoothing}, p, options, out);
  case L::loss_type::robust:
    return scored(c, L::robust_loss{p.beta, p.label_smoothing}, p, options, out);
  case L::loss_type::discopop:
    return scored(c, L::discopop_loss{p.beta, p.discopop_tau}, p, options, out);
  case L::loss_type::sigmoid_norm:
    return scored(c, L::sigmoid_norm_loss{p.beta}, p, options, out);
  case L::loss_type::nca_pair:
    return run_dtype(c, L::nca_pair_loss{p.beta}, options, out);
  case L::loss_type::bco_pair:
    return run_dtype(c, L::bco_pair_loss{p.beta}, options, out);
  case L::loss_type::sppo_hard:
    return run_dtype(c, L::sppo_hard_loss{p.beta}, options, out);
  case L::loss_type::apo_zero:
    return run_dtype(c, L::apo_zero_loss{p.beta}, options, out);
  case L::loss_type::apo_down:
    return run_dtype(c, L::apo_down_loss{p.beta}, options, out);
  case L::loss_type::simpo:
    return run_dtype(c, L::simpo_loss{p.beta, p.simpo_gamma}, options, out);
  case L::loss_type::aot:
  case L::loss_type::aot_unpaired:
    break;
  }
  ipo::throw_argument_error(
      "ipo.torch (CUDA)", "loss_type", L::loss_type_name(type),
      "a pairwise loss type: aot and aot_unpaired need the whole batch and run on the CPU");
}

} // namespace ipo_python
