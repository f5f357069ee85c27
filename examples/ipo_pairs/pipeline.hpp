// ipo-pairs internals shared with benchmarks/bench_detect.cpp: options, trace parsing and the
// detect record.
#pragma once

#include <ipo/ipo.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ipo_pairs {

using json = nlohmann::json;

/// Command-line options (see main.cpp).
struct options {
  std::string prompt_field = "prompt";
  std::string response_field = "response";
  std::string id_field = "id";
  std::string on_error = "fail";
  bool quiet = false;
  std::string triggers_file;
  std::string strategy = "substitute";
  std::string selection = "all";
  std::uint64_t seed = 0;
  std::string prompt_format = "{prompt}\n<think>\n"; // R1-style: the reasoning follows the tag
  bool include_response = false;
  float threshold = 1.0f;
};

/// A data error on one line: reported with the file and line number.
struct line_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One parsed trace line.
struct trace_line {
  std::string id, prompt, completion;
  ipo::trace_parts parts;
  std::string_view reasoning() const { return parts.reasoning.of(completion); }
};

inline std::string string_field(json const& object, std::string const& name, bool required) {
  auto const it = object.find(name);
  if (it == object.end()) {
    if (required) {
      throw line_error("missing field \"" + name + "\"");
    }
    return {};
  }
  if (!it->is_string()) {
    throw line_error("field \"" + name + "\" is " + std::string(it->type_name()) +
                     ", expected a string");
  }
  return it->get<std::string>();
}

inline trace_line parse_trace(std::string const& line, std::size_t line_number, options const& o) {
  json object;
  try {
    object = json::parse(line);
  } catch (json::parse_error const& e) {
    throw line_error(std::string("malformed JSON (") + e.what() + ")");
  }
  if (!object.is_object()) {
    throw line_error("expected a JSON object, got " + std::string(object.type_name()));
  }
  trace_line t;
  if (object.contains(o.prompt_field)) {
    t.prompt = string_field(object, o.prompt_field, true);
  } else if (o.prompt_field == "prompt" && object.contains("question")) {
    t.prompt = string_field(object, "question", true);
  } else {
    throw line_error("missing field \"" + o.prompt_field + "\"" +
                     (o.prompt_field == "prompt" ? " (or \"question\")" : ""));
  }
  t.completion = string_field(object, o.response_field, true);
  auto const id = object.find(o.id_field);
  if (id == object.end()) {
    t.id = std::to_string(line_number);
  } else if (id->is_string()) {
    t.id = id->get<std::string>();
  } else if (id->is_number_integer()) {
    t.id = std::to_string(id->get<long long>());
  } else {
    throw line_error("field \"" + o.id_field + "\" is " + std::string(id->type_name()) +
                     ", expected a string or integer");
  }
  t.parts = ipo::split_trace(t.completion);
  return t;
}

struct detection {
  std::vector<ipo::byte_span> steps;
  std::optional<std::size_t> first;
  std::vector<ipo::step_score> scores;
};

inline detection detect(ipo::lexical_detector const& detector, std::string_view reasoning) {
  detection d;
  ipo::sentence_segmenter{}.segment(reasoning, d.steps);
  d.first = detector.first_compliance(reasoning, d.steps);
  d.scores = detector.last_scores();
  return d;
}

/// The output record of `detect` for one trace.
inline json detect_record(trace_line const& t, ipo::lexical_detector const& detector) {
  std::string_view const reasoning = t.reasoning();
  detection const d = detect(detector, reasoning);
  json first = nullptr;
  if (d.first) {
    ipo::byte_span const s = d.steps[*d.first];
    first = {{"step", *d.first},
             {"begin", s.begin},
             {"end", s.end},
             {"text", std::string(s.of(reasoning))}};
  }
  json compliance = json::array(), triggers = json::array();
  for (std::size_t k = 0; k < d.scores.size(); ++k) {
    if (d.scores[k].count(ipo::cue_kind::compliance) > 0) {
      compliance.push_back(k);
    }
    if (d.scores[k].count(ipo::cue_kind::trigger) + d.scores[k].count(ipo::cue_kind::refusal) > 0) {
      triggers.push_back(k);
    }
  }
  return {{"id", t.id},
          {"n_steps", d.steps.size()},
          {"first_compliance", first},
          {"compliance_steps", compliance},
          {"trigger_steps", triggers}};
}

} // namespace ipo_pairs
