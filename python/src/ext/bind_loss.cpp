// ipo._ipo, loss side: arrays in through DLPack (PyTorch tensors, NumPy arrays) with no copy;
// outputs written into caller-provided arrays (the gradient may be the logits' own memory);
// the GIL released while the kernels run.
#include <ipo/loss.hpp>

#if defined(IPO_PYTHON_HAVE_CUDA)
#include "cuda_bridge.hpp"
#endif

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ipo_python {
namespace {

// ------------------------------------------------------------------------------------ arrays

bool is_dtype(nb::ndarray<> const& a, std::uint8_t code, std::size_t bits) {
  return a.dtype().code == code && a.dtype().bits == bits && a.dtype().lanes == 1;
}

void require_cpu(nb::ndarray<> const& a, char const* name) {
  if (a.device_type() != nb::device::cpu::value) {
    throw nb::value_error((std::string(name) + " must be on the CPU (device type " +
                           std::to_string(a.device_type()) + ")")
                              .c_str());
  }
}

/// A 2-D array with unit column stride as an ipo::matrix_view of T.
template <class T>
ipo::matrix_view<T> as_matrix(nb::ndarray<>& a, char const* name) {
  require_cpu(a, name);
  if (a.ndim() != 2) {
    throw nb::value_error(
        (std::string(name) + " must be 2-D, got " + std::to_string(a.ndim()) + " dimensions")
            .c_str());
  }
  if (a.shape(1) > 1 && a.stride(1) != 1) {
    throw nb::value_error(
        (std::string(name) + " must be contiguous along its last dimension").c_str());
  }
  std::size_t const stride = a.shape(0) > 1 ? static_cast<std::size_t>(a.stride(0)) : a.shape(1);
  return ipo::matrix_view<T>(static_cast<T*>(a.data()), a.shape(0), a.shape(1), stride);
}

/// A contiguous 1-D array of T.
template <class T>
std::span<T> as_vector(nb::ndarray<>& a, char const* name) {
  require_cpu(a, name);
  if (a.ndim() != 1 || (a.shape(0) > 1 && a.stride(0) != 1)) {
    throw nb::value_error((std::string(name) + " must be a contiguous 1-D array").c_str());
  }
  return std::span<T>(static_cast<T*>(a.data()), a.shape(0));
}

constexpr auto kFloat = static_cast<std::uint8_t>(nb::dlpack::dtype_code::Float);
constexpr auto kBfloat = static_cast<std::uint8_t>(nb::dlpack::dtype_code::Bfloat);
constexpr auto kInt = static_cast<std::uint8_t>(nb::dlpack::dtype_code::Int);

// ------------------------------------------------------------------------------------ loss options

struct loss_setup {
  ipo::loss::preference_loss_options options;
  ipo::loss::weighted_objectives objective{{{ipo::loss::loss_type::sigmoid, 0.0}}, {}};
};

template <class T>
T get(nb::dict const& d, char const* key, T fallback) {
  return d.contains(key) ? nb::cast<T>(d[key]) : fallback;
}

/// The options dict of the loss functions (ipo.torch builds it from TRL's keyword names).
loss_setup parse_loss_setup(nb::dict const& o) {
  namespace L = ipo::loss;
  loss_setup s;
  auto& opt = s.options;
  opt.sequence_length = get<std::size_t>(o, "sequence_length", 0);
  opt.shift_labels = get<bool>(o, "shift_labels", true);
  opt.ignore_index = get<std::int64_t>(o, "ignore_index", -100);
  std::string const layout = get<std::string>(o, "layout", "concatenated");
  if (layout == "interleaved") {
    opt.layout = L::pair_layout::interleaved;
  } else if (layout != "concatenated") {
    throw nb::value_error(
        ("layout = \"" + layout + "\": expected \"concatenated\" or \"interleaved\"").c_str());
  }
  opt.reference_free = get<bool>(o, "reference_free", false);
  opt.empty_pairs = get<bool>(o, "skip_empty_pairs", false) ? L::empty_pair_policy::skip
                                                            : L::empty_pair_policy::error;
  opt.threads = get<unsigned>(o, "threads", 0u);
  opt.ld_alpha = get<double>(o, "ld_alpha", 1.0);
  L::loss_parameters p;
  p.beta = get<double>(o, "beta", 0.1);
  p.label_smoothing = get<double>(o, "label_smoothing", 0.0);
  p.discopop_tau = get<double>(o, "discopop_tau", 0.05);
  p.simpo_gamma = get<double>(o, "simpo_gamma", 0.5);
  p.f_alpha_divergence_coef = get<double>(o, "f_alpha_divergence_coef", 1.0);
  std::string const f = get<std::string>(o, "f_divergence_type", "reverse_kl");
  bool found = false;
  for (auto d : {L::f_divergence::reverse_kl, L::f_divergence::forward_kl,
                 L::f_divergence::js_divergence, L::f_divergence::alpha_divergence}) {
    if (f == L::f_divergence_name(d)) {
      p.divergence = d;
      found = true;
    }
  }
  if (!found) {
    throw nb::value_error(("f_divergence_type = \"" + f +
                           "\": expected reverse_kl, forward_kl, js_divergence or alpha_divergence")
                              .c_str());
  }
  auto const types = get<std::vector<std::string>>(o, "loss_type", {"sigmoid"});
  auto const weights = get<std::vector<double>>(o, "loss_weights", {});
  L::trl_loss_spec spec = L::make_trl_loss_spec(types, weights, p);
  if (spec.objectives) {
    s.objective = std::move(*spec.objectives);
  } else {
    s.objective = L::weighted_objectives({{L::loss_type::sigmoid, 0.0}}, p); // only "sft"
  }
  opt.nll_weight = spec.sft_weight + get<double>(o, "nll_weight", 0.0);
  opt.nll =
      spec.sft_weight > 0 || get<std::string>(o, "nll_reduction", "batch_tokens") == "batch_tokens"
          ? L::nll_reduction::batch_tokens
          : L::nll_reduction::pair_mean;
  return s;
}

/// The one pairwise loss type a CUDA call runs, from a parsed options dict; raises ValueError
/// for what the CUDA entry points do not take (checked on the host, before any device work).
ipo::loss::loss_type cuda_loss_type(loss_setup& setup) {
  auto const& terms = setup.objective.terms();
  if (terms.size() != 1 || terms[0].weight != 1.0) {
    throw nb::value_error(
        "loss_type: the CUDA ops take one loss type with weight 1; lists of loss types "
        "and loss_weights run on the CPU");
  }
  if (terms[0].type == ipo::loss::loss_type::aot ||
      terms[0].type == ipo::loss::loss_type::aot_unpaired) {
    throw nb::value_error(
        "loss_type: aot and aot_unpaired need the whole batch and run on the CPU");
  }
  if (setup.options.nll_weight != 0.0) {
    throw nb::value_error("loss_type: \"sft\" (TRL's batch-token NLL) runs on the CPU");
  }
  if (setup.options.ld_alpha != 1.0) {
    throw nb::value_error("ld_alpha: LD-DPO runs on the CPU");
  }
  setup.options.nll = ipo::loss::nll_reduction::pair_mean; // no NLL term: the reduction is moot
  return terms[0].type;
}

#if defined(IPO_PYTHON_HAVE_CUDA)
ipo_python::device_dtype parse_device_dtype(std::string const& dtype) {
  if (dtype == "float32") {
    return ipo_python::device_dtype::fp32;
  }
  if (dtype == "bfloat16") {
    return ipo_python::device_dtype::bf16;
  }
  if (dtype == "float16") {
    return ipo_python::device_dtype::fp16;
  }
  throw nb::value_error(
      ("dtype = \"" + dtype + "\": expected float32, bfloat16 or float16").c_str());
}
#endif

nb::dict result_dict(ipo::loss::preference_loss_result const& r) {
  nb::dict d;
  d["loss"] = r.loss;
  d["objective_loss"] = r.objective_loss;
  d["nll_loss"] = r.nll_loss;
  d["policy_logps"] = r.policy_logps;
  d["token_counts"] = r.token_counts;
  d["pair_losses"] = r.pair_losses;
  d["chosen_rewards"] = r.chosen_rewards;
  d["rejected_rewards"] = r.rejected_rewards;
  d["mean_chosen_reward"] = r.mean_chosen_reward;
  d["mean_rejected_reward"] = r.mean_rejected_reward;
  d["mean_margin"] = r.mean_margin;
  d["accuracy"] = r.accuracy;
  d["pairs_counted"] = r.pairs_counted;
  return d;
}

template <class T>
void run_preference_loss(nb::ndarray<>& logits, nb::ndarray<>& labels,
                         std::span<float const> reference, std::optional<nb::ndarray<>>& gradient,
                         loss_setup const& setup, ipo::loss::preference_loss_result& out) {
  auto const view = as_matrix<T>(logits, "logits");
  ipo::matrix_view<T> grad;
  if (gradient) {
    if (gradient->dtype() != logits.dtype()) {
      throw nb::value_error("gradient must have the dtype of logits");
    }
    grad = as_matrix<T>(*gradient, "gradient");
  }
  require_cpu(labels, "labels");
  if (labels.ndim() != 1) {
    throw nb::value_error("labels must be 1-D (one per logits row)");
  }
  nb::gil_scoped_release release;
  if (is_dtype(labels, kInt, 64)) {
    ipo::loss::preference_loss(
        ipo::matrix_view<T const>(view),
        std::span<std::int64_t const>(static_cast<std::int64_t const*>(labels.data()),
                                      labels.shape(0)),
        reference, setup.objective, setup.options, out, grad);
  } else if (is_dtype(labels, kInt, 32)) {
    ipo::loss::preference_loss(
        ipo::matrix_view<T const>(view),
        std::span<std::int32_t const>(static_cast<std::int32_t const*>(labels.data()),
                                      labels.shape(0)),
        reference, setup.objective, setup.options, out, grad);
  } else {
    nb::gil_scoped_acquire acquire;
    throw nb::value_error("labels must be int64 or int32");
  }
}

std::span<float const> reference_of(std::optional<nb::ndarray<>>& ref) {
  if (!ref) {
    return {};
  }
  if (!is_dtype(*ref, kFloat, 32)) {
    throw nb::value_error("ref_logps must be float32");
  }
  auto const v = as_vector<float>(*ref, "ref_logps");
  return {v.data(), v.size()};
}

} // namespace

void bind_loss(nb::module_& m) {
  m.def(
      "fused_linear_chunk_rows",
      [](std::size_t chunk_rows, std::size_t memory_budget_bytes, std::size_t vocab,
         std::size_t hidden) {
        ipo::loss::fused_linear_options chunking;
        chunking.chunk_rows = chunk_rows;
        chunking.memory_budget_bytes = memory_budget_bytes;
        return chunking.rows_per_chunk(vocab, hidden);
      },
      "chunk_rows"_a, "memory_budget_bytes"_a, "vocab"_a, "hidden"_a,
      "The scored rows per chunk of the fused linear loss (C++ "
      "fused_linear_options::rows_per_chunk): chunk_rows, or when it is 0 the larger of the rows "
      "memory_budget_bytes of fp32 logits hold and hidden / 4, at least one.");

  m.def(
      "preference_loss",
      [](nb::ndarray<> logits, nb::ndarray<> labels, std::optional<nb::ndarray<>> ref,
         std::optional<nb::ndarray<>> gradient, nb::dict options) {
        loss_setup const setup = parse_loss_setup(options);
        std::span<float const> const reference = reference_of(ref);
        ipo::loss::preference_loss_result out;
        if (is_dtype(logits, kFloat, 32)) {
          run_preference_loss<float>(logits, labels, reference, gradient, setup, out);
        } else if (is_dtype(logits, kBfloat, 16)) {
          run_preference_loss<ipo::bf16>(logits, labels, reference, gradient, setup, out);
        } else if (is_dtype(logits, kFloat, 16)) {
          run_preference_loss<ipo::fp16>(logits, labels, reference, gradient, setup, out);
        } else {
          throw nb::value_error("logits must be float32, bfloat16 or float16");
        }
        return result_dict(out);
      },
      "logits"_a, "labels"_a, "ref_logps"_a.none(), "gradient"_a.none(), "options"_a,
      "The fused preference loss over [rows x V] logits; writes d(loss)/d(logits) into "
      "`gradient` (which may be `logits` itself). Returns the loss and metrics.");

  m.def(
      "check_cuda_loss",
      [](nb::dict options) {
        loss_setup setup = parse_loss_setup(options);
        return std::string(ipo::loss::loss_type_name(cuda_loss_type(setup)));
      },
      "options"_a, "The loss type a CUDA call would run; ValueError for options it does not take.");
#if defined(IPO_PYTHON_HAVE_CUDA)
  m.attr("has_cuda") = true;
  m.def("cuda_workspace_bytes", &ipo_python::cuda_workspace_bytes, "rows"_a, "sequences"_a);
  m.def(
      "cuda_preference_loss",
      [](std::uintptr_t logits, std::string const& dtype, std::size_t rows, std::size_t vocab,
         std::size_t row_stride, std::uintptr_t labels, std::uintptr_t ref, std::uintptr_t gradient,
         std::size_t gradient_stride, std::uintptr_t workspace, std::size_t workspace_bytes,
         std::uintptr_t stream, nb::dict options) {
        loss_setup setup = parse_loss_setup(options);
        ipo::loss::loss_type const type = cuda_loss_type(setup);
        ipo_python::cuda_loss_call call;
        call.logits = reinterpret_cast<void const*>(logits);
        call.dtype = parse_device_dtype(dtype);
        call.rows = rows;
        call.vocab = vocab;
        call.row_stride = row_stride;
        call.labels = reinterpret_cast<std::int64_t const*>(labels);
        call.reference_logps = reinterpret_cast<float const*>(ref);
        call.gradient = reinterpret_cast<void*>(gradient);
        call.gradient_stride = gradient_stride;
        call.workspace = reinterpret_cast<void*>(workspace);
        call.workspace_bytes = workspace_bytes;
        call.stream = reinterpret_cast<void*>(stream);
        ipo::loss::preference_loss_result out;
        {
          nb::gil_scoped_release release;
          ipo_python::cuda_preference_loss(call, type, setup.objective.parameters(), setup.options,
                                           out);
        }
        return result_dict(out);
      },
      "logits"_a, "dtype"_a, "rows"_a, "vocab"_a, "row_stride"_a, "labels"_a, "ref_logps"_a,
      "gradient"_a, "gradient_stride"_a, "workspace"_a, "workspace_bytes"_a, "stream"_a,
      "options"_a,
      "The fused loss on device memory given by address (ipo.torch passes tensors' data_ptr()), on "
      "a "
      "CUDA stream; synchronises it and returns the loss and metrics.");
  m.def(
      "cuda_linear_workspace_bytes",
      [](std::string const& dtype, std::size_t rows, std::size_t sequences, std::size_t width,
         std::size_t vocab, std::size_t chunk_rows) {
        return ipo_python::cuda_linear_workspace_bytes(parse_device_dtype(dtype), rows, sequences,
                                                       width, vocab, chunk_rows);
      },
      "dtype"_a, "rows"_a, "sequences"_a, "width"_a, "vocab"_a, "chunk_rows"_a);
  m.def(
      "cuda_fused_linear_preference_loss",
      [](std::string const& dtype, std::uintptr_t hidden, std::size_t rows, std::size_t width,
         std::size_t hidden_stride, std::uintptr_t weight, std::size_t vocab,
         std::size_t weight_stride, std::uintptr_t bias, std::uintptr_t labels, std::uintptr_t ref,
         std::uintptr_t d_hidden, std::size_t d_hidden_stride, std::uintptr_t d_weight,
         std::uintptr_t d_bias, std::size_t chunk_rows, std::uintptr_t workspace,
         std::size_t workspace_bytes, std::uintptr_t stream, nb::dict options) {
        loss_setup setup = parse_loss_setup(options);
        ipo::loss::loss_type const type = cuda_loss_type(setup);
        ipo_python::cuda_linear_call call;
        call.dtype = parse_device_dtype(dtype);
        call.hidden = reinterpret_cast<void const*>(hidden);
        call.rows = rows;
        call.width = width;
        call.hidden_stride = hidden_stride;
        call.weight = reinterpret_cast<void const*>(weight);
        call.vocab = vocab;
        call.weight_stride = weight_stride;
        call.bias = reinterpret_cast<void const*>(bias);
        call.labels = reinterpret_cast<std::int64_t const*>(labels);
        call.reference_logps = reinterpret_cast<float const*>(ref);
        call.d_hidden = reinterpret_cast<void*>(d_hidden);
        call.d_hidden_stride = d_hidden_stride;
        call.d_weight = reinterpret_cast<float*>(d_weight);
        call.d_bias = reinterpret_cast<float*>(d_bias);
        call.chunk_rows = chunk_rows;
        call.workspace = reinterpret_cast<void*>(workspace);
        call.workspace_bytes = workspace_bytes;
        call.stream = reinterpret_cast<void*>(stream);
        ipo::loss::preference_loss_result out;
        {
          nb::gil_scoped_release release;
          ipo_python::cuda_fused_linear_preference_loss(call, type, setup.objective.parameters(),
                                                        setup.options, out);
        }
        return result_dict(out);
      },
      "dtype"_a, "hidden"_a, "rows"_a, "width"_a, "hidden_stride"_a, "weight"_a, "vocab"_a,
      "weight_stride"_a, "bias"_a, "labels"_a, "ref_logps"_a, "d_hidden"_a, "d_hidden_stride"_a,
      "d_weight"_a, "d_bias"_a, "chunk_rows"_a, "workspace"_a, "workspace_bytes"_a, "stream"_a,
      "options"_a,
      "The fused linear loss on device memory given by address (fp32, bf16 or fp16 hidden, "
      "weight and bias; fp32 d(weight) and d(bias), d(hidden) in the input dtype), on a CUDA "
      "stream; synchronises it and returns the loss and metrics.");
#else
  m.attr("has_cuda") = false;
#endif

  m.def(
      "fused_linear_preference_loss",
      [](nb::ndarray<> hidden, nb::ndarray<> weight, std::optional<nb::ndarray<>> bias,
         nb::ndarray<> labels, std::optional<nb::ndarray<>> ref_logps,
         std::optional<nb::ndarray<>> ref_hidden, std::optional<nb::ndarray<>> ref_weight,
         std::optional<nb::ndarray<>> ref_bias, std::optional<nb::ndarray<>> d_hidden,
         std::optional<nb::ndarray<>> d_weight, std::optional<nb::ndarray<>> d_bias,
         std::size_t chunk_rows, std::size_t memory_budget_bytes, nb::dict options) {
        loss_setup const setup = parse_loss_setup(options);
        auto need_f32 = [](nb::ndarray<> const& a, char const* name) {
          if (!is_dtype(a, kFloat, 32)) {
            throw nb::value_error((std::string(name) + " must be float32 (the CPU fused linear "
                                                       "path computes in fp32)")
                                      .c_str());
          }
        };
        need_f32(hidden, "hidden");
        need_f32(weight, "weight");
        auto const h = as_matrix<float>(hidden, "hidden");
        auto const w = as_matrix<float>(weight, "weight");
        std::span<float const> b;
        if (bias) {
          need_f32(*bias, "bias");
          b = as_vector<float>(*bias, "bias");
        }
        ipo::loss::linear_reference reference;
        reference.logps = reference_of(ref_logps);
        if (ref_hidden) {
          if (!ref_weight) {
            throw nb::value_error("ref_hidden needs ref_weight");
          }
          need_f32(*ref_hidden, "ref_hidden");
          need_f32(*ref_weight, "ref_weight");
          reference.hidden =
              ipo::matrix_view<float const>(as_matrix<float>(*ref_hidden, "ref_hidden"));
          reference.weight =
              ipo::matrix_view<float const>(as_matrix<float>(*ref_weight, "ref_weight"));
          if (ref_bias) {
            need_f32(*ref_bias, "ref_bias");
            reference.bias = as_vector<float>(*ref_bias, "ref_bias");
          }
        }
        ipo::loss::fused_linear_gradients grads;
        if (d_hidden) {
          need_f32(*d_hidden, "d_hidden");
          grads.hidden = as_matrix<float>(*d_hidden, "d_hidden");
        }
        if (d_weight) {
          need_f32(*d_weight, "d_weight");
          grads.weight = as_matrix<float>(*d_weight, "d_weight");
        }
        if (d_bias) {
          need_f32(*d_bias, "d_bias");
          grads.bias = as_vector<float>(*d_bias, "d_bias");
        }
        ipo::loss::fused_linear_options chunking;
        chunking.chunk_rows = chunk_rows;
        if (memory_budget_bytes != 0) {
          chunking.memory_budget_bytes = memory_budget_bytes;
        }
        require_cpu(labels, "labels");
        if (!is_dtype(labels, kInt, 64) || labels.ndim() != 1) {
          throw nb::value_error("labels must be a 1-D int64 array");
        }
        std::span<std::int64_t const> const y(static_cast<std::int64_t const*>(labels.data()),
                                              labels.shape(0));
        ipo::loss::preference_loss_result out;
        ipo::loss::fused_linear_report report;
        {
          nb::gil_scoped_release release;
          report = ipo::loss::fused_linear_preference_loss(
              ipo::matrix_view<float const>(h), ipo::matrix_view<float const>(w), b, y, reference,
              setup.objective, setup.options, chunking, out, grads);
        }
        nb::dict d = result_dict(out);
        d["chunks"] = report.chunks;
        d["peak_extra_bytes"] = report.peak_extra_bytes;
        return d;
      },
      "hidden"_a, "weight"_a, "bias"_a.none(), "labels"_a, "ref_logps"_a.none(),
      "ref_hidden"_a.none(), "ref_weight"_a.none(), "ref_bias"_a.none(), "d_hidden"_a.none(),
      "d_weight"_a.none(), "d_bias"_a.none(), "chunk_rows"_a = 0, "memory_budget_bytes"_a = 0,
      "options"_a,
      "The fused linear preference loss from hidden states and the lm_head (fp32); gradients "
      "go into d_hidden, d_weight, d_bias when given.");

  m.def(
      "evaluate_sequences",
      [](std::vector<double> const& policy_logps, std::vector<std::int64_t> const& token_counts,
         std::optional<std::vector<float>> const& ref_logps, nb::dict options) {
        loss_setup const setup = parse_loss_setup(options);
        ipo::loss::preference_loss_result out;
        std::vector<float> scales(policy_logps.size());
        std::vector<float> const ref = ref_logps.value_or(std::vector<float>{});
        ipo::loss::evaluate_sequences(std::span<double const>(policy_logps),
                                      std::span<std::int64_t const>(token_counts),
                                      std::span<float const>(ref), setup.objective, setup.options,
                                      out, std::span<float>(scales));
        nb::dict d = result_dict(out);
        d["sequence_scales"] = scales;
        return d;
      },
      "policy_logps"_a, "token_counts"_a, "ref_logps"_a.none(), "options"_a,
      "The objective from per-sequence log-probabilities: the loss, the metrics, and "
      "d(loss)/d(log pi) of every sequence (sequence_scales).");

  m.def(
      "partial_row_stats",
      [](nb::ndarray<> shard, nb::ndarray<> max_out, nb::ndarray<> sum_out) {
        if (!is_dtype(shard, kFloat, 32) || !is_dtype(max_out, kFloat, 32) ||
            !is_dtype(sum_out, kFloat, 32)) {
          throw nb::value_error("shard, max_out and sum_out must be float32");
        }
        auto const view = as_matrix<float>(shard, "shard");
        auto const mx = as_vector<float>(max_out, "max_out");
        auto const sm = as_vector<float>(sum_out, "sum_out");
        if (mx.size() != view.rows() || sm.size() != view.rows()) {
          throw nb::value_error("max_out and sum_out need one entry per shard row");
        }
        std::vector<ipo::loss::row_stats> stats(view.rows());
        {
          nb::gil_scoped_release release;
          ipo::loss::partial_row_stats(ipo::matrix_view<float const>(view),
                                       std::span<ipo::loss::row_stats>(stats));
        }
        for (std::size_t k = 0; k < stats.size(); ++k) {
          mx[k] = stats[k].max;
          sm[k] = stats[k].sum_exp;
        }
      },
      "shard"_a, "max_out"_a, "sum_out"_a,
      "Per-row (max, sum of exp(x - max)) of a vocabulary shard, for vocabulary parallelism.");
}

} // namespace ipo_python
