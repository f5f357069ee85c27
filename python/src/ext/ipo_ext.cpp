// ipo._ipo: the ipo library bound for Python with nanobind.
//
// Text side: strings in, byte offsets converted to character offsets where Python wants them.
// Loss side: arrays in through DLPack (PyTorch tensors, NumPy arrays) with no copy; outputs are
// written into caller-provided arrays (the gradient may be the logits' own memory). Every call
// that does real work releases the GIL. ipo's errors arrive as ValueError (ipo::argument_error)
// and RuntimeError (ipo::runtime_error), with the library's message.
#include <ipo/intervention.hpp>
#include <ipo/loss.hpp>
#include <ipo/runtime.hpp>
#include <ipo/text.hpp>

#if defined(IPO_PYTHON_HAVE_CUDA)
#include "cuda_bridge.hpp"
#endif

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

// ------------------------------------------------------------------------------------ offsets

/// Character offset of every byte offset in `offsets` (which must be sorted ascending).
std::vector<std::size_t> to_char_offsets(std::string_view utf8, std::vector<std::size_t> offsets) {
  std::size_t chars = 0, at = 0;
  for (auto& offset : offsets) {
    for (; at < offset && at < utf8.size(); ++at) {
      chars += (static_cast<unsigned char>(utf8[at]) & 0xC0) != 0x80 ? 1 : 0;
    }
    offset = chars;
  }
  return offsets;
}

std::size_t byte_offset_of_char(std::string_view utf8, std::size_t char_offset, char const* name) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (chars == char_offset) {
        return i;
      }
      ++chars;
    }
  }
  if (chars == char_offset) {
    return utf8.size();
  }
  throw nb::value_error((std::string(name) + " = " + std::to_string(char_offset) +
                         " is past the end of the text (" + std::to_string(chars) + " characters)")
                            .c_str());
}

bool want_chars(std::string_view offsets) {
  if (offsets == "char") {
    return true;
  }
  if (offsets == "byte") {
    return false;
  }
  throw nb::value_error(
      ("offsets = \"" + std::string(offsets) + "\": expected \"char\" or \"byte\"").c_str());
}

using spans = std::vector<std::pair<std::size_t, std::size_t>>;

spans as_spans(std::string_view text, std::vector<ipo::byte_span> const& steps, bool chars) {
  std::vector<std::size_t> flat;
  flat.reserve(2 * steps.size());
  for (auto const& s : steps) {
    flat.push_back(s.begin);
    flat.push_back(s.end);
  }
  if (chars) {
    flat = to_char_offsets(text, std::move(flat));
  }
  spans out(steps.size());
  for (std::size_t k = 0; k < steps.size(); ++k) {
    out[k] = {flat[2 * k], flat[2 * k + 1]};
  }
  return out;
}

// ------------------------------------------------------------------------------------ segmenters

enum class segment_mode { sentence, paragraph, markers };

segment_mode parse_mode(std::string_view mode) {
  if (mode == "sentence") {
    return segment_mode::sentence;
  }
  if (mode == "paragraph") {
    return segment_mode::paragraph;
  }
  if (mode == "markers") {
    return segment_mode::markers;
  }
  throw nb::value_error(
      ("mode = \"" + std::string(mode) + "\": expected \"sentence\", \"paragraph\" or \"markers\"")
          .c_str());
}

struct segmenters {
  ipo::sentence_segmenter sentence;
  ipo::paragraph_segmenter paragraph;
  ipo::marker_segmenter markers;
  void segment(segment_mode mode, std::string_view text, std::vector<ipo::byte_span>& out) const {
    switch (mode) {
    case segment_mode::sentence:
      sentence.segment(text, out);
      return;
    case segment_mode::paragraph:
      paragraph.segment(text, out);
      return;
    case segment_mode::markers:
      markers.segment(text, out);
      return;
    }
  }
};

segmenters const& shared_segmenters() {
  static segmenters const s;
  return s;
}

// ------------------------------------------------------------------------------------ detector

/// The Python Detector: the pattern detector or the lexical one (any ComplianceDetector).
class py_detector {
public:
  py_detector(std::string const& kind, std::optional<ipo::lexicon> lexicon, float threshold,
              std::string const& safety_policy, std::optional<std::string> patterns_tsv)
      : kind_(kind) {
    if (kind == "patterns") {
      pattern_.emplace(patterns_tsv ? ipo::cue_pattern_scorer(*patterns_tsv, "patterns_tsv")
                                    : ipo::cue_pattern_scorer());
    } else if (kind == "lexical") {
      ipo::safety_policy policy = ipo::safety_policy::ignore;
      if (safety_policy == "stop") {
        policy = ipo::safety_policy::stop;
      } else if (safety_policy == "net") {
        policy = ipo::safety_policy::net;
      } else if (safety_policy != "ignore") {
        throw nb::value_error(
            ("safety_policy = \"" + safety_policy + "\": expected \"ignore\", \"stop\" or \"net\"")
                .c_str());
      }
      lexical_.emplace(lexicon ? std::move(*lexicon) : ipo::default_lexicon(),
                       ipo::lexical_detector_options{threshold, policy});
    } else {
      throw nb::value_error(
          ("kind = \"" + kind + "\": expected \"patterns\" or \"lexical\"").c_str());
    }
  }

  std::optional<std::size_t> first_compliance(std::string_view reasoning,
                                              std::span<ipo::byte_span const> steps,
                                              std::string_view request = {}) const {
    return pattern_ ? pattern_->first_compliance(reasoning, steps, request)
                    : lexical_->first_compliance(reasoning, steps);
  }
  std::optional<std::size_t> first_compliance_from(std::string_view reasoning,
                                                   std::span<ipo::byte_span const> steps,
                                                   std::size_t from) const {
    return pattern_ ? pattern_->first_compliance_from(reasoning, steps, from)
                    : ipo::first_compliance_after(*lexical_, reasoning, steps, from);
  }
  /// Per step, after first_compliance(): does it comply, does it turn safe.
  std::pair<bool, bool> step_marks(std::size_t k) const {
    if (pattern_) {
      auto const& p = pattern_->last_patterns()[k];
      return {p.stance == ipo::step_stance::compliance && p.harm_context,
              p.stance == ipo::step_stance::refusal};
    }
    auto const& s = lexical_->last_scores()[k];
    return {s.count(ipo::cue_kind::compliance) > 0,
            s.count(ipo::cue_kind::safety) + s.count(ipo::cue_kind::refusal) > 0};
  }
  std::string const& kind() const noexcept { return kind_; }
  /// The lexical detector, when this is one (a monitor decides it from its own scores).
  ipo::lexical_detector const* lexical() const noexcept { return lexical_ ? &*lexical_ : nullptr; }

private:
  std::string kind_;
  std::optional<ipo::pattern_detector> pattern_;
  std::optional<ipo::lexical_detector> lexical_;
};

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

// ------------------------------------------------------------------------------------ build_pairs

/// A Generator that calls a Python callable with [(prompt, prefix), ...] (GIL held).
struct python_generator {
  nb::callable fn;
  void generate(std::span<ipo::generation_request const> requests, std::vector<std::string>& out) {
    nb::gil_scoped_acquire acquire;
    nb::list batch;
    for (auto const& r : requests) {
      batch.append(nb::make_tuple(std::string(r.prompt), std::string(r.prefix)));
    }
    nb::object const result = fn(batch);
    out = nb::cast<std::vector<std::string>>(result);
  }
};

nb::dict pair_dict(ipo::preference_pair const& p) {
  nb::dict d;
  d["trace_id"] = p.trace_id;
  d["prompt"] = p.prompt;
  d["shared_prefix"] = p.shared_prefix;
  d["chosen"] = p.chosen;
  d["rejected"] = p.rejected;
  d["step"] = p.step;
  d["trigger_id"] = p.trigger_id;
  d["round"] = p.round;
  d["strategy"] = ipo::strategy_name(p.strategy);
  d["trigger_bytes"] = p.trigger_bytes;
  return d;
}

ipo::intervention_strategy parse_strategy(std::string const& name) {
  auto const s = ipo::parse_strategy(name);
  if (!s) {
    throw nb::value_error(
        ("strategy = \"" + name +
         "\": expected substitute, truncate_and_trigger, harmful_prefix or backtrack")
            .c_str());
  }
  return *s;
}

} // namespace

// ------------------------------------------------------------------------------------ runtime

/// stream_monitor over one of the three segmenters, with the lexical detector (decided from
/// the streamed scores) or a Detector (asked on the completed steps).
class py_monitor {
public:
  py_monitor(std::optional<py_detector> detector, std::string const& mode, bool expect_open_tag)
      : mode_(mode) {
    ipo::monitor_options options;
    options.expect_open_tag = expect_open_tag;
    segment_mode const m = parse_mode(mode);
    auto make = [&](auto segmenter) {
      using S = decltype(segmenter);
      if (detector && detector->lexical()) {
        monitor_.template emplace<ipo::stream_monitor<S>>(*detector->lexical(), segmenter, options);
      } else if (detector) {
        monitor_.template emplace<ipo::stream_monitor<S, py_detector>>(
            *detector, ipo::default_lexicon(), segmenter, options);
      } else {
        monitor_.template emplace<ipo::stream_monitor<S>>(
            ipo::lexical_detector(ipo::default_lexicon()), segmenter, options);
      }
    };
    if (m == segment_mode::paragraph) {
      make(ipo::paragraph_segmenter{});
    } else if (m == segment_mode::markers) {
      make(ipo::marker_segmenter{});
    } else {
      make(ipo::sentence_segmenter{});
    }
  }

  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), monitor_);
  }

  nb::list events_of(std::vector<ipo::monitor_event> const& events) {
    return visit([&](auto& monitor) {
      nb::list out;
      std::string_view const reasoning = monitor.reasoning();
      for (ipo::monitor_event const& e : events) {
        nb::dict d;
        switch (e.kind) {
        case ipo::monitor_event_kind::step:
          d["kind"] = "step";
          break;
        case ipo::monitor_event_kind::first_compliance:
          d["kind"] = "first_compliance";
          break;
        case ipo::monitor_event_kind::reasoning_end:
          d["kind"] = "reasoning_end";
          break;
        }
        d["step"] = e.step;
        if (e.kind != ipo::monitor_event_kind::reasoning_end) {
          d["span"] = std::make_pair(e.span.begin, e.span.end);
          d["text"] = std::string(e.span.of(reasoning));
          d["compliance"] = e.score[ipo::cue_kind::compliance];
          d["safety"] = e.score[ipo::cue_kind::safety];
          d["refusal"] = e.score[ipo::cue_kind::refusal];
        }
        out.append(d);
      }
      return out;
    });
  }

  std::string const& mode() const noexcept { return mode_; }

  using variant = std::variant<ipo::stream_monitor<ipo::sentence_segmenter>,
                               ipo::stream_monitor<ipo::marker_segmenter>,
                               ipo::stream_monitor<ipo::paragraph_segmenter>,
                               ipo::stream_monitor<ipo::sentence_segmenter, py_detector>,
                               ipo::stream_monitor<ipo::marker_segmenter, py_detector>,
                               ipo::stream_monitor<ipo::paragraph_segmenter, py_detector>>;

private:
  std::string mode_;
  variant monitor_;
};

/// A decoded piece as bytes: a bytes object as it is, a str in UTF-8.
std::string piece_bytes(nb::handle piece) {
  if (nb::isinstance<nb::bytes>(piece)) {
    nb::bytes const b = nb::borrow<nb::bytes>(piece);
    return std::string(b.c_str(), b.size());
  }
  return nb::cast<std::string>(piece);
}

/// A Python object with start(text) and next() -> str | bytes | None, as a StreamingGenerator.
struct py_stream_generator {
  nb::object target;
  std::string piece;
  void start(std::string_view text) {
    nb::gil_scoped_acquire acquire;
    target.attr("start")(nb::str(text.data(), text.size()));
  }
  std::optional<std::string_view> next() {
    nb::gil_scoped_acquire acquire;
    nb::object const out = target.attr("next")();
    if (out.is_none()) {
      return std::nullopt;
    }
    piece = piece_bytes(out);
    return std::string_view(piece);
  }
};

ipo::trigger_selection parse_selection(std::string const& name) {
  if (name == "round-robin" || name == "round_robin") {
    return ipo::trigger_selection::round_robin;
  }
  if (name == "random") {
    return ipo::trigger_selection::random;
  }
  if (name == "all") {
    return ipo::trigger_selection::all;
  }
  throw nb::value_error(
      ("selection = \"" + name + "\": expected \"all\", \"round-robin\" or \"random\"").c_str());
}

NB_MODULE(_ipo, m) {
  m.doc() = "ipo: Intervened Preference Optimization (C++ core)";
  m.attr("__version__") = IPO_VERSION_STRING;
  m.def("simd_paths", &ipo::simd::available_arch_names,
        "The SIMD paths this build can choose on this CPU, best first.");
  m.def(
      "matcher_path", [] { return ipo::phrase_matcher(ipo::default_lexicon()).path_name(); },
      "The path the phrase matcher takes on this CPU (a compiled-in one, or a scan of "
      "ipo::dispatch in a portable build).");
  m.def("loss_kernel_path", &ipo::loss::row_kernel_path,
        "The path the CPU loss kernels take on this CPU (a compiled-in one, or ipo::dispatch's "
        "row kernels in a portable build).");

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

  // ---------------------------------------------------------------- text side
  m.def(
      "split_trace",
      [](std::string const& completion, std::string_view offsets) {
        bool const chars = want_chars(offsets);
        ipo::trace_parts parts;
        {
          nb::gil_scoped_release release;
          parts = ipo::split_trace(completion);
        }
        auto to_output = [&](std::size_t byte) {
          return chars ? to_char_offsets(completion, {byte})[0] : byte;
        };
        std::size_t const sorted[6] = {
            to_output(parts.preamble.begin),  to_output(parts.preamble.end),
            to_output(parts.reasoning.begin), to_output(parts.reasoning.end),
            to_output(parts.response.begin),  to_output(parts.response.end)};
        nb::dict d;
        d["reasoning"] = std::string(parts.reasoning.of(completion));
        d["response"] = std::string(parts.response.of(completion));
        d["preamble"] = std::string(parts.preamble.of(completion));
        d["reasoning_span"] = std::make_pair(sorted[2], sorted[3]);
        d["response_span"] = std::make_pair(sorted[4], sorted[5]);
        d["has_open_tag"] = parts.has_open_tag;
        d["has_close_tag"] = parts.has_close_tag;
        d["truncated"] = parts.truncated;
        return d;
      },
      "completion"_a, "offsets"_a = "char",
      "Split a completion at <think> ... </think>: reasoning, response, their spans.");

  m.def(
      "segment",
      [](std::string const& text, std::string_view mode, std::string_view offsets) {
        segment_mode const m = parse_mode(mode);
        bool const chars = want_chars(offsets);
        std::vector<ipo::byte_span> steps;
        {
          nb::gil_scoped_release release;
          shared_segmenters().segment(m, text, steps);
        }
        return as_spans(text, steps, chars);
      },
      "text"_a, "mode"_a = "sentence", "offsets"_a = "char",
      "Steps of a reasoning text as (begin, end) offsets (characters or bytes).");

  m.def(
      "segment_batch",
      [](std::vector<std::string> const& texts, std::string_view mode, std::string_view offsets) {
        segment_mode const m = parse_mode(mode);
        bool const chars = want_chars(offsets);
        std::vector<spans> out(texts.size());
        {
          nb::gil_scoped_release release;
          std::vector<ipo::byte_span> steps;
          for (std::size_t k = 0; k < texts.size(); ++k) {
            shared_segmenters().segment(m, texts[k], steps);
            out[k] = as_spans(texts[k], steps, chars);
          }
        }
        return out;
      },
      "texts"_a, "mode"_a = "sentence", "offsets"_a = "char",
      "segment() over a list (for datasets.map(batched=True)); the GIL is released.");

  nb::class_<ipo::lexicon>(m, "Lexicon", "Weighted cue phrases (compliance, safety, refusal).")
      .def_static("default", &ipo::default_lexicon, "The embedded default lexicon.")
      .def_static(
          "from_tsv",
          [](std::string_view text, std::string_view source) {
            return ipo::parse_lexicon_tsv(text, source);
          },
          "text"_a, "source"_a = "lexicon",
          "KIND<tab>WEIGHT<tab>PHRASE[<tab>word|substring] lines.")
      .def("__len__", &ipo::lexicon::size)
      .def_prop_ro("entries", [](ipo::lexicon const& lex) {
        std::vector<std::tuple<std::string, std::string, float, bool>> out;
        for (auto const& e : lex.entries()) {
          out.emplace_back(e.phrase, ipo::cue_kind_name(e.kind), e.weight, e.whole_word);
        }
        return out;
      });

  nb::class_<py_detector>(m, "Detector",
                          "The first compliance step of reasoning traces: kind \"patterns\" "
                          "(word-class patterns, the default) or \"lexical\" (a cue lexicon).")
      .def(nb::init<std::string const&, std::optional<ipo::lexicon>, float, std::string const&,
                    std::optional<std::string>>(),
           "kind"_a = "patterns", "lexicon"_a = nb::none(), "threshold"_a = 1.0f,
           "safety_policy"_a = "ignore", "patterns_tsv"_a = nb::none())
      .def_prop_ro("kind", &py_detector::kind)
      .def(
          "first_compliance",
          [](py_detector const& d, std::string const& reasoning, std::string const& request) {
            std::vector<ipo::byte_span> steps;
            nb::gil_scoped_release release;
            shared_segmenters().sentence.segment(reasoning, steps);
            return d.first_compliance(reasoning, steps, request);
          },
          "reasoning"_a, "request"_a = "",
          "Index of the first compliance sentence (>= 1), or None.")
      .def(
          "analyse",
          [](py_detector const& d, std::string const& reasoning, std::string const& request,
             std::string_view offsets) {
            bool const chars = want_chars(offsets);
            std::vector<ipo::byte_span> steps;
            std::optional<std::size_t> first;
            std::vector<bool> complies, safe;
            {
              nb::gil_scoped_release release;
              shared_segmenters().sentence.segment(reasoning, steps);
              first = d.first_compliance(reasoning, steps, request);
              for (std::size_t k = 0; k < steps.size(); ++k) {
                auto const [c, s] = d.step_marks(k);
                complies.push_back(c);
                safe.push_back(s);
              }
            }
            nb::dict out;
            out["steps"] = as_spans(reasoning, steps, chars);
            out["first_compliance"] = first;
            out["compliance_steps"] = complies;
            out["safety_steps"] = safe;
            return out;
          },
          "reasoning"_a, "request"_a = "", "offsets"_a = "char",
          "Sentences, the first compliance step, and per sentence whether it complies or "
          "turns safe.")
      .def(
          "detect_batch",
          [](py_detector const& d, std::vector<std::string> const& reasonings,
             std::optional<std::vector<std::string>> const& requests) {
            if (requests && requests->size() != reasonings.size()) {
              throw nb::value_error("requests must have one entry per reasoning");
            }
            std::vector<std::optional<std::size_t>> out(reasonings.size());
            nb::gil_scoped_release release;
            std::vector<ipo::byte_span> steps;
            for (std::size_t k = 0; k < reasonings.size(); ++k) {
              shared_segmenters().sentence.segment(reasonings[k], steps);
              out[k] = d.first_compliance(reasonings[k], steps,
                                          requests ? std::string_view((*requests)[k]) : "");
            }
            return out;
          },
          "reasonings"_a, "requests"_a = nb::none(),
          "first_compliance() over a list; the GIL is released.");

  m.def(
      "default_triggers", [] { return ipo::default_trigger_bank().triggers(); },
      "The built-in safety-trigger sentences.");

  m.def(
      "make_intervention",
      [](std::string const& reasoning, std::size_t h, std::string const& trigger,
         std::string const& strategy, std::size_t trigger_id, std::uint64_t seed,
         std::optional<std::string> const& trace_id) {
        std::vector<ipo::byte_span> steps;
        shared_segmenters().sentence.segment(reasoning, steps);
        std::uint64_t const s = trace_id ? ipo::trace_seed(seed, *trace_id) : seed;
        auto const cut = ipo::make_intervention(parse_strategy(strategy), reasoning, steps, h,
                                                trigger, trigger_id, s);
        nb::dict d;
        d["prefix"] = cut.prefix;
        d["kept_bytes"] = cut.kept_bytes;
        d["kept_chars"] = to_char_offsets(reasoning, {cut.kept_bytes})[0];
        d["step"] = cut.step;
        d["trigger_id"] = cut.trigger_id;
        d["strategy"] = ipo::strategy_name(cut.strategy);
        return d;
      },
      "reasoning"_a, "h"_a, "trigger"_a, "strategy"_a = "substitute", "trigger_id"_a = 0,
      "seed"_a = 0, "trace_id"_a = nb::none(),
      "The prefix a generator continues from: the reasoning before sentence h, then the trigger.");

  m.def(
      "pair_labels",
      [](std::vector<std::int64_t> const& token_ids,
         std::vector<std::pair<std::size_t, std::size_t>> const& offsets, std::string const& text,
         std::size_t divergence, std::optional<std::size_t> scored_end, std::int64_t ignore_index) {
        // Tokenizer offsets are characters of `text`: to bytes, as ipo works in.
        std::vector<std::size_t> const bytes = ipo::char_to_byte_offsets(text);
        auto byte_of = [&](std::size_t c, char const* name) {
          if (c >= bytes.size()) {
            throw nb::value_error(
                (std::string(name) + " = " + std::to_string(c) + " is past the end of the text")
                    .c_str());
          }
          return bytes[c];
        };
        std::vector<ipo::byte_span> spans_bytes;
        for (auto const& [b, e] : offsets) {
          spans_bytes.push_back({byte_of(b, "offset begin"), byte_of(e, "offset end")});
        }
        std::vector<std::int64_t> labels;
        ipo::pair_labels<std::int64_t>(
            token_ids, spans_bytes, byte_of(divergence, "divergence"), labels,
            scored_end ? byte_of(*scored_end, "scored_end") : static_cast<std::size_t>(-1),
            ignore_index);
        return labels;
      },
      "token_ids"_a, "offsets"_a, "text"_a, "divergence"_a, "scored_end"_a = nb::none(),
      "ignore_index"_a = -100,
      "Labels from a tokenizer's character offsets: ignore_index up to the divergence (a "
      "character offset of text), token ids after it.");

  m.def(
      "to_dpo_record",
      [](std::string const& shared_prefix, std::string const& chosen, std::string const& rejected,
         std::string const& rendered_prompt) {
        ipo::preference_pair p;
        p.shared_prefix = shared_prefix;
        p.chosen = chosen;
        p.rejected = rejected;
        auto const r = ipo::to_dpo_record(p, rendered_prompt);
        nb::dict d;
        d["prompt"] = r.prompt;
        d["chosen"] = r.chosen;
        d["rejected"] = r.rejected;
        return d;
      },
      "shared_prefix"_a, "chosen"_a, "rejected"_a, "rendered_prompt"_a,
      "The trainer record of a pair, by the seam rule (no white space at the prompt's end).");

  m.def(
      "build_pairs",
      [](std::vector<std::tuple<std::string, std::string, std::string, std::string>> const& traces,
         nb::callable generate, py_detector const* detector,
         std::optional<std::vector<std::string>> const& triggers, std::size_t rounds,
         std::string const& selection, std::uint64_t seed, std::string const& strategy,
         bool include_response) {
        std::vector<ipo::reasoning_trace> input;
        for (auto const& [id, prompt, reasoning, response] : traces) {
          input.push_back({id, prompt, reasoning, response});
        }
        ipo::trigger_bank const bank =
            triggers ? ipo::trigger_bank(*triggers) : ipo::default_trigger_bank();
        ipo::pair_building_options options;
        options.rounds = rounds;
        options.seed = seed;
        options.strategy = parse_strategy(strategy);
        options.ending =
            include_response ? ipo::pair_ending::response : ipo::pair_ending::reasoning;
        options.selection = parse_selection(selection);
        py_detector const fallback("patterns", std::nullopt, 1.0f, "ignore", std::nullopt);
        py_detector const& d = detector ? *detector : fallback;
        python_generator generator{std::move(generate)};
        ipo::pair_building_result result;
        {
          nb::gil_scoped_release release; // reacquired around each call of `generate`
          result = ipo::build_preference_pairs(std::span<ipo::reasoning_trace const>(input),
                                               shared_segmenters().sentence, d, generator, bank,
                                               options);
        }
        nb::list pairs, round_stats;
        for (auto const& p : result.pairs) {
          pairs.append(pair_dict(p));
        }
        for (auto const& r : result.rounds) {
          nb::dict s;
          s["attempted"] = r.attempted;
          s["pairs"] = r.without_cue;
          s["still_complying"] = r.with_cue;
          s["unfinished"] = r.unfinished;
          round_stats.append(s);
        }
        nb::dict out;
        out["pairs"] = pairs;
        out["rounds"] = round_stats;
        out["traces"] = result.traces;
        out["traces_with_cue"] = result.traces_with_cue;
        return out;
      },
      "traces"_a, "generate"_a, "detector"_a = nb::none(), "triggers"_a = nb::none(),
      "rounds"_a = 1, "selection"_a = "all", "seed"_a = 0, "strategy"_a = "substitute",
      "include_response"_a = false,
      "Algorithm 1 over (id, prompt, reasoning, response) traces; `generate` takes a list of "
      "(prompt, prefix) and returns one continuation per item.");

  // ---------------------------------------------------------------- loss side
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

  nb::class_<py_monitor>(
      m, "Monitor",
      "Follows reasoning while it is decoded (ipo::stream_monitor): feed() it the "
      "decoded text in pieces of any size; it returns the events it completed.")
      .def(nb::init<std::optional<py_detector>, std::string const&, bool>(),
           "detector"_a = nb::none(), "mode"_a = "sentence", "expect_open_tag"_a = false)
      .def(
          "feed",
          [](py_monitor& self, nb::handle piece) {
            std::string const bytes = piece_bytes(piece);
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) { monitor.feed(bytes, events); });
            return self.events_of(events);
          },
          "piece"_a, "Feeds decoded text (str, or bytes that may split a UTF-8 sequence).")
      .def(
          "finish",
          [](py_monitor& self) {
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) { monitor.finish(events); });
            return self.events_of(events);
          },
          "The end of the stream: the last steps and the reasoning_end event.")
      .def("reset", [](py_monitor& self) { self.visit([](auto& monitor) { monitor.reset(); }); })
      .def(
          "restart",
          [](py_monitor& self, std::string const& reasoning, std::size_t reasoning_offset,
             std::size_t judged_from) {
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) {
              monitor.restart(reasoning, reasoning_offset, judged_from, events);
            });
            return self.events_of(events);
          },
          "reasoning"_a, "reasoning_offset"_a, "judged_from"_a,
          "Starts again inside the reasoning from `reasoning` (a rollback's kept text and trigger) "
          "at "
          "stream byte `reasoning_offset`; steps beginning before byte `judged_from` are not "
          "judged.")
      .def(
          "intervene",
          [](py_monitor& self, std::string const& trigger, std::size_t trigger_id) {
            return self.visit([&](auto& monitor) {
              if (!monitor.first_compliance()) {
                throw nb::value_error("intervene(): no first compliance step yet");
              }
              ipo::intervention const cut = ipo::make_intervention(
                  ipo::intervention_strategy::substitute, monitor.reasoning(), monitor.steps(),
                  *monitor.first_compliance(), trigger, trigger_id);
              nb::dict d;
              d["step"] = cut.step;
              d["prefix"] = cut.prefix;
              d["kept_bytes"] = cut.kept_bytes;
              d["offset"] = monitor.reasoning_offset() + cut.kept_bytes;
              return d;
            });
          },
          "trigger"_a, "trigger_id"_a = 0,
          "The substitution at the first compliance step: `prefix` (the reasoning to continue "
          "from), "
          "`offset` (stream byte where the removed text begins).")
      .def_prop_ro("mode", &py_monitor::mode)
      .def_prop_ro("reasoning",
                   [](py_monitor& self) {
                     return self.visit(
                         [](auto& monitor) { return std::string(monitor.reasoning()); });
                   })
      .def_prop_ro("reasoning_offset",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.reasoning_offset(); });
                   })
      .def_prop_ro("steps",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) {
                       std::vector<std::pair<std::size_t, std::size_t>> out;
                       for (ipo::byte_span const s : monitor.steps()) {
                         out.emplace_back(s.begin, s.end);
                       }
                       return out;
                     });
                   })
      .def_prop_ro("first_compliance",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.first_compliance(); });
                   })
      .def_prop_ro("reasoning_ended",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.reasoning_ended(); });
                   })
      .def_prop_ro("closed", [](py_monitor& self) {
        return self.visit([](auto& monitor) { return monitor.closed(); });
      });

  m.def(
      "guard",
      [](nb::object generator, std::string const& prompt, py_monitor& monitor,
         std::optional<std::vector<std::string>> triggers, std::size_t max_interventions,
         std::string const& selection, std::uint64_t seed) {
        ipo::trigger_bank const bank =
            triggers ? ipo::trigger_bank(*triggers) : ipo::default_trigger_bank();
        ipo::guard_options options;
        options.max_interventions = max_interventions;
        options.selection = parse_selection(selection);
        options.seed = seed;
        py_stream_generator adapter{std::move(generator), {}};
        ipo::guard_result result;
        {
          nb::gil_scoped_release release;
          result = monitor.visit(
              [&](auto& mon) { return ipo::guard(adapter, prompt, mon, bank, options); });
        }
        nb::dict d;
        d["completion"] = result.completion;
        nb::list interventions;
        for (ipo::guard_intervention const& i : result.interventions) {
          nb::dict x;
          x["step"] = i.step;
          x["offset"] = i.offset;
          x["removed"] = i.removed;
          x["trigger_id"] = i.trigger_id;
          interventions.append(x);
        }
        d["interventions"] = interventions;
        d["reasoning_ended"] = result.reasoning_ended;
        d["first_compliance"] = result.first_compliance;
        return d;
      },
      "generator"_a, "prompt"_a, "monitor"_a, "triggers"_a = nb::none(), "max_interventions"_a = 2,
      "selection"_a = "round-robin", "seed"_a = 0,
      "Guarded decoding (ipo::guard): `generator` has start(text) and next() -> str | bytes | "
      "None.");

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
