// Shared by the binding files: byte and character offsets, the segmenters, the Python
// Detector (pattern or lexical), and the trigger selection's names.
#pragma once

#include <ipo/intervention.hpp>
#include <ipo/text.hpp>

#include <nanobind/nanobind.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipo_python {

namespace nb = nanobind;

// ------------------------------------------------------------------------------------ offsets

/// Character offset of every byte offset in `offsets` (which must be sorted ascending).
inline std::vector<std::size_t> to_char_offsets(std::string_view utf8,
                                                std::vector<std::size_t> offsets) {
  std::size_t chars = 0, at = 0;
  for (auto& offset : offsets) {
    for (; at < offset && at < utf8.size(); ++at) {
      chars += (static_cast<unsigned char>(utf8[at]) & 0xC0) != 0x80 ? 1 : 0;
    }
    offset = chars;
  }
  return offsets;
}

inline std::size_t byte_offset_of_char(std::string_view utf8, std::size_t char_offset,
                                       char const* name) {
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

inline bool want_chars(std::string_view offsets) {
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

inline spans as_spans(std::string_view text, std::vector<ipo::byte_span> const& steps, bool chars) {
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

inline segment_mode parse_mode(std::string_view mode) {
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

inline segmenters const& shared_segmenters() {
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

inline ipo::trigger_selection parse_selection(std::string const& name) {
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

} // namespace ipo_python
