// ipo-pairs: the records it reads and writes (shared with benchmarks/bench_detect.cpp).
//
//   trace        {"id", "prompt" (or "question"), "response"}: field names are options
//   detect       {"id", "n_steps", "finished", "first_compliance": {"step", "begin", "end",
//                "text"} | null, "compliance_steps", "safety_steps"}
//   prefix       {"id", "round", "trigger_id", "h", "strategy", "prompt", "prefix",
//                "kept_bytes", "original", "original_response", "prefix_digest"}: one
//                (trace, trigger) attempt; a generator continues prompt + prefix. `original` is
//                the reasoning being corrected from the divergence (byte kept_bytes of
//                `prefix`) on, `original_response` what followed it; `prefix_digest` is
//                SHA-256 over every other field, so a record cannot change unnoticed.
//   continuation {"prefix_digest", "continuation"[, "finish_reason"]}: the generator's text
//                after the prefix; "finish_reason": "length" marks a cut-off generation. Any of
//                "id", "round", "trigger_id", "prompt", "prefix" it also carries (a prefix record
//                with a "continuation" added is a continuation record) must equal the prefix's.
//   pair         {"prompt", "chosen", "rejected", "id", "round", "trigger_id", "h",
//                "strategy", "prefix_digest"}: TRL's DPOTrainer reads the first three.
#pragma once

#include <ipo/core/byte_span.hpp>
#include <ipo/cues/default_lexicon.hpp>
#include <ipo/intervention/detector.hpp>
#include <ipo/intervention/pattern_detector.hpp>
#include <ipo/intervention/rounds.hpp>
#include <ipo/steps/segmenters.hpp>
#include <ipo/trace/split.hpp>

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io.hpp"
#include "json.hpp"
#include "sha256.hpp"

namespace ipo_pairs {

/// Command-line options (main.cpp documents each).
struct options {
  std::string prompt_field = "prompt";
  std::string response_field = "response";
  std::string id_field = "id";
  std::string on_error = "fail";
  std::string duplicate_ids = "error";
  bool quiet = false;
  std::size_t threads = 0; // 0: one per core
  std::string detector = "patterns";
  float threshold = 1.0f; // the lexical detector's
  // intervene
  std::string triggers_file;
  std::string strategy = "substitute";
  std::string selection = "all";
  std::uint64_t seed = 0;
  // join
  std::string prompt_format = "{prompt}\n<think>\n"; // R1-style: the reasoning follows the tag
  bool include_response = false;
  std::size_t max_rounds = 1;
  std::string next_path;
};

// ---------------------------------------------------------------------------------- reading

inline char const* json_type_name(simdjson::dom::element_type type) noexcept {
  switch (type) {
  case simdjson::dom::element_type::ARRAY:
    return "an array";
  case simdjson::dom::element_type::OBJECT:
    return "an object";
  case simdjson::dom::element_type::INT64:
  case simdjson::dom::element_type::UINT64:
  case simdjson::dom::element_type::DOUBLE:
    return "a number";
  case simdjson::dom::element_type::STRING:
    return "a string";
  case simdjson::dom::element_type::BOOL:
    return "a boolean";
  case simdjson::dom::element_type::NULL_VALUE:
    return "null";
  }
  return "?";
}

/// Parses one line as a JSON object, or throws line_error saying where and why.
inline simdjson::dom::object parse_object(simdjson::dom::parser& parser, line const& l) {
  auto parsed = parser.parse(l.text.data(), l.text.size(), false); // batches are padded
  if (parsed.error() != simdjson::SUCCESS) {
    if (auto const fault = find_json_fault(l.text)) {
      throw line_error("malformed JSON at byte " + std::to_string(fault->offset) + ": " +
                       fault->what + ", near " + excerpt(l.text, fault->offset));
    }
    throw line_error(std::string("malformed JSON: ") + simdjson::error_message(parsed.error()));
  }
  simdjson::dom::element const root = parsed.value_unsafe();
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    throw line_error(std::string("expected a JSON object, got ") + json_type_name(root.type()));
  }
  return root.get_object().value_unsafe();
}

/// The fields of one object that a command reads, found in one pass; each may appear once.
template <std::size_t N>
class fields {
public:
  fields(simdjson::dom::object object, std::array<std::string_view, N> const& names)
      : names_(names) {
    for (auto [key, value] : object) {
      for (std::size_t k = 0; k < N; ++k) {
        if (key == names_[k]) {
          if (found_[k]) {
            throw line_error("field \"" + std::string(key) + "\" appears twice");
          }
          found_[k] = true;
          values_[k] = value;
        }
      }
    }
  }

  bool has(std::size_t k) const noexcept { return found_[k]; }
  std::string_view name(std::size_t k) const noexcept { return names_[k]; }

  /// The string field k; throws when it is missing or not a string.
  std::string_view string(std::size_t k) const {
    require(k);
    if (values_[k].type() != simdjson::dom::element_type::STRING) {
      wrong_type(k, "a string");
    }
    return values_[k].get_string().value_unsafe();
  }
  /// A non-negative integer field k.
  std::uint64_t count(std::size_t k) const {
    require(k);
    auto const type = values_[k].type();
    if (type == simdjson::dom::element_type::UINT64) {
      return values_[k].get_uint64().value_unsafe();
    }
    if (type == simdjson::dom::element_type::INT64 && values_[k].get_int64().value_unsafe() >= 0) {
      return static_cast<std::uint64_t>(values_[k].get_int64().value_unsafe());
    }
    wrong_type(k, "a non-negative integer");
  }
  /// An id: a string, or an integer that fits a signed 64-bit integer (as decimal text).
  std::string id(std::size_t k) const {
    require(k);
    switch (values_[k].type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(values_[k].get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(values_[k].get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      throw line_error("field \"" + std::string(names_[k]) +
                       "\" = " + std::to_string(values_[k].get_uint64().value_unsafe()) +
                       " does not fit a signed 64-bit integer: write it as a string");
    default:
      wrong_type(k, "a string or an integer");
    }
  }

private:
  void require(std::size_t k) const {
    if (!found_[k]) {
      throw line_error("missing field \"" + std::string(names_[k]) + "\"");
    }
  }
  [[noreturn]] void wrong_type(std::size_t k, char const* expected) const {
    throw line_error("field \"" + std::string(names_[k]) + "\" is " +
                     json_type_name(values_[k].type()) + ", expected " + expected);
  }

  std::array<std::string_view, N> names_;
  std::array<simdjson::dom::element, N> values_{};
  std::array<bool, N> found_{};
};

/// One trace line. The views point into the parser's buffers: use them before the next parse.
struct trace_view {
  std::string id;
  std::string_view prompt;
  std::string_view completion;
  ipo::trace_parts parts;
  std::string_view reasoning() const { return parts.reasoning.of(completion); }
  std::string_view response() const { return parts.response.of(completion); }
};

inline trace_view read_trace(simdjson::dom::parser& parser, line const& l, options const& o) {
  fields<4> const f(parse_object(parser, l),
                    {o.prompt_field, "question", o.response_field, o.id_field});
  trace_view t;
  if (f.has(0) || o.prompt_field != "prompt" || !f.has(1)) {
    t.prompt = f.string(0);
  } else {
    t.prompt = f.string(1); // STAR-1 style records: "question"
  }
  t.completion = f.string(2);
  t.id = f.has(3) ? f.id(3) : std::to_string(l.number);
  t.parts = ipo::split_trace(t.completion);
  return t;
}

// ---------------------------------------------------------------------------------- detection

/// The detector the commands use (--detector): the pattern detector (default) or the
/// lexical one, with its scratch; one per thread. Models ipo::ComplianceDetector and
/// ipo::ResumableDetector, so join's re-detection takes its context from the whole reasoning.
class cli_detector {
public:
  explicit cli_detector(options const& o)
      : patterns_(o.detector == "patterns"), lexical_(ipo::default_lexicon(), {o.threshold}) {}

  std::optional<std::size_t> first_compliance(std::string_view reasoning,
                                              std::span<ipo::byte_span const> steps,
                                              std::string_view request = {}) const {
    return patterns_ ? pattern_.first_compliance(reasoning, steps, request)
                     : lexical_.first_compliance(reasoning, steps);
  }
  std::optional<std::size_t> first_compliance_from(std::string_view reasoning,
                                                   std::span<ipo::byte_span const> steps,
                                                   std::size_t from) const {
    return patterns_ ? pattern_.first_compliance_from(reasoning, steps, from)
                     : ipo::first_compliance_after(lexical_, reasoning, steps, from);
  }

  /// After a first_compliance() call: whether step k leans toward compliance and whether it
  /// turns toward safety (lexical: compliance / safety or refusal cues; patterns: the step's
  /// stance, compliance counted only with harm in context).
  bool complies(std::size_t k) const {
    if (patterns_) {
      auto const& p = pattern_.last_patterns()[k];
      return p.stance == ipo::step_stance::compliance && p.harm_context;
    }
    return lexical_.last_scores()[k].count(ipo::cue_kind::compliance) > 0;
  }
  bool turns_safe(std::size_t k) const {
    if (patterns_) {
      return pattern_.last_patterns()[k].stance == ipo::step_stance::refusal;
    }
    auto const& s = lexical_.last_scores()[k];
    return s.count(ipo::cue_kind::safety) + s.count(ipo::cue_kind::refusal) > 0;
  }

private:
  bool patterns_;
  ipo::pattern_detector pattern_;
  ipo::lexical_detector lexical_;
};

/// A detector, a segmenter and their scratch: one per thread.
struct detection {
  explicit detection(options const& o) : detector(o) {}
  cli_detector detector;
  ipo::sentence_segmenter segmenter;
  std::vector<ipo::byte_span> steps;
  std::optional<std::size_t> first;

  void run(std::string_view reasoning, std::string_view request) {
    segmenter.segment(reasoning, steps);
    first = detector.first_compliance(reasoning, steps, request);
  }
};

/// Appends the detect record of a trace whose detection `d` just ran.
inline void write_detect_record(std::string& out, trace_view const& t, detection const& d) {
  std::string first = "null", compliance = "[", safety = "[";
  if (d.first) {
    ipo::byte_span const s = d.steps[*d.first];
    first.clear();
    json_object(first)
        .field("step", std::uint64_t{*d.first})
        .field("begin", std::uint64_t{s.begin})
        .field("end", std::uint64_t{s.end})
        .field("text", s.of(t.reasoning()))
        .close();
  }
  for (std::size_t k = 0; k < d.steps.size(); ++k) {
    if (d.detector.complies(k)) {
      compliance += (compliance.size() > 1 ? "," : "") + std::to_string(k);
    }
    if (d.detector.turns_safe(k)) {
      safety += (safety.size() > 1 ? "," : "") + std::to_string(k);
    }
  }
  json_object(out)
      .field("id", t.id)
      .field("n_steps", std::uint64_t{d.steps.size()})
      .field("finished", !t.parts.truncated)
      .raw("first_compliance", first)
      .raw("compliance_steps", compliance + "]")
      .raw("safety_steps", safety + "]")
      .end();
}

// ---------------------------------------------------------------------------------- prefixes

/// A prefix record as read back (owning its strings).
struct prefix_record {
  std::string id, strategy, prompt, prefix, original, original_response, digest;
  std::uint64_t round = 0, trigger_id = 0, h = 0, kept_bytes = 0;
};

/// SHA-256 over every field of a prefix record but the digest, each length-prefixed.
inline std::string prefix_digest(prefix_record const& r) {
  sha256 hash;
  hash.update("ipo-pairs prefix record v1");
  for (std::string_view text :
       {std::string_view(r.id), std::string_view(r.strategy), std::string_view(r.prompt),
        std::string_view(r.prefix), std::string_view(r.original),
        std::string_view(r.original_response)}) {
    hash.update_u64(text.size()).update(text);
  }
  for (std::uint64_t number : {r.round, r.trigger_id, r.h, r.kept_bytes}) {
    hash.update_u64(number);
  }
  return hash.hex();
}

/// The prefix record of an attempt (its digest computed).
inline prefix_record to_prefix_record(ipo::intervention_attempt const& a) {
  prefix_record r;
  r.id = a.trace_id;
  r.strategy = ipo::strategy_name(a.cut.strategy);
  r.prompt = a.prompt;
  r.prefix = a.cut.prefix;
  r.original = a.reasoning.substr(a.cut.kept_bytes);
  r.original_response = a.response;
  r.round = a.round;
  r.trigger_id = a.cut.trigger_id;
  r.h = a.cut.step;
  r.kept_bytes = a.cut.kept_bytes;
  r.digest = prefix_digest(r);
  return r;
}

inline void write_prefix_record(std::string& out, prefix_record const& r) {
  json_object(out)
      .field("id", r.id)
      .field("round", r.round)
      .field("trigger_id", r.trigger_id)
      .field("h", r.h)
      .field("strategy", r.strategy)
      .field("prompt", r.prompt)
      .field("prefix", r.prefix)
      .field("kept_bytes", r.kept_bytes)
      .field("original", r.original)
      .field("original_response", r.original_response)
      .field("prefix_digest", r.digest)
      .end();
}

/// True for 64 lower-case hex digits.
inline bool is_digest(std::string_view text) noexcept {
  if (text.size() != 64) {
    return false;
  }
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

/// Reads and checks a prefix record: every field present and typed, a known strategy,
/// kept_bytes inside the prefix, and the digest matching the fields.
inline prefix_record read_prefix_record(simdjson::dom::parser& parser, line const& l) {
  fields<11> const f(parse_object(parser, l),
                     {"id", "round", "trigger_id", "h", "strategy", "prompt", "prefix",
                      "kept_bytes", "original", "original_response", "prefix_digest"});
  prefix_record r;
  r.id = f.id(0);
  r.round = f.count(1);
  r.trigger_id = f.count(2);
  r.h = f.count(3);
  r.strategy = f.string(4);
  r.prompt = f.string(5);
  r.prefix = f.string(6);
  r.kept_bytes = f.count(7);
  r.original = f.string(8);
  r.original_response = f.string(9);
  r.digest = f.string(10);
  if (!ipo::parse_strategy(r.strategy)) {
    throw line_error(
        "field \"strategy\" = \"" + r.strategy +
        "\" is not one of substitute, truncate_and_trigger, harmful_prefix, backtrack");
  }
  if (r.kept_bytes > r.prefix.size()) {
    throw line_error("field \"kept_bytes\" = " + std::to_string(r.kept_bytes) +
                     " is past the end of \"prefix\" (" + std::to_string(r.prefix.size()) +
                     " bytes)");
  }
  if (!is_digest(r.digest)) {
    throw line_error("field \"prefix_digest\" is not 64 lower-case hex digits");
  }
  if (prefix_digest(r) != r.digest) {
    throw line_error("the record does not match its prefix_digest: it was changed after "
                     "`ipo-pairs intervene` wrote it");
  }
  return r;
}

/// The attempt a prefix record stands for.
inline ipo::intervention_attempt to_attempt(prefix_record const& r) {
  ipo::intervention_attempt a;
  a.trace_id = r.id;
  a.prompt = r.prompt;
  a.reasoning = r.prefix.substr(0, r.kept_bytes) + r.original;
  a.response = r.original_response;
  a.round = r.round;
  a.cut.strategy = *ipo::parse_strategy(r.strategy);
  a.cut.step = r.h;
  a.cut.trigger_id = r.trigger_id;
  a.cut.kept_bytes = r.kept_bytes;
  a.cut.prefix = r.prefix;
  return a;
}

// ---------------------------------------------------------------------------------- pairs

/// `format` with its "{prompt}" replaced by `prompt` (once, left to right; the prompt's own
/// text is never scanned for "{prompt}").
inline std::string render_prompt(std::string_view format, std::string_view prompt) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t next = format.find("{prompt}"); next != std::string_view::npos;
       next = format.find("{prompt}", at)) {
    out.append(format.substr(at, next - at)).append(prompt);
    at = next + 8;
  }
  out.append(format.substr(at));
  return out;
}

inline void write_pair_record(std::string& out, ipo::preference_pair const& pair,
                              std::string_view prompt_format, std::string_view digest) {
  ipo::dpo_record const record =
      ipo::to_dpo_record(pair, render_prompt(prompt_format, pair.prompt));
  json_object(out)
      .field("prompt", record.prompt)
      .field("chosen", record.chosen)
      .field("rejected", record.rejected)
      .field("id", pair.trace_id)
      .field("round", std::uint64_t{pair.round})
      .field("trigger_id", std::uint64_t{pair.trigger_id})
      .field("h", std::uint64_t{pair.step})
      .field("strategy", ipo::strategy_name(pair.strategy))
      .field("prefix_digest", digest)
      .end();
}

} // namespace ipo_pairs
