// ipo._ipo, text side: segmentation, lexicons, detectors, interventions, token labels, and
// Algorithm 1 (build_pairs). Character offsets are converted from the library's byte offsets
// where Python asks for them; every call that does real work releases the GIL.
#include <ipo/intervention.hpp>
#include <ipo/text.hpp>

#include <nanobind/nanobind.h>
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
#include <vector>

#include "bindings.hpp"
#include "text_support.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ipo_python {
namespace {

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

void bind_text(nb::module_& m) {
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
}

} // namespace ipo_python
