// ipo/intervention/pattern_detector.hpp: the first compliance step by word-class patterns.
//
// The default ComplianceDetector of the ipo-pairs command line: cues/cue_patterns.hpp decides
// each step's stance; the first step (from step 1 on) whose stance is compliance while harm is
// in context is the answer, and a step whose stance is refusal ends the search (the trace has
// turned safe before complying). It generalises past the literal phrases of lexical_detector,
// which stays available, and runs in one matcher pass over the reasoning.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/cues/cue_patterns.hpp"
#include "ipo/intervention/detector.hpp"

namespace ipo {

/// The pattern detector (see the top of this file). Keeps scratch between calls: one per
/// thread.
class pattern_detector {
public:
  pattern_detector() = default;
  explicit pattern_detector(cue_pattern_scorer scorer) : scorer_(std::move(scorer)) {}

  /// The first compliance step of `reasoning`, or none. `request`, when given, is the prompt:
  /// harm it names counts as context from step 0 on.
  std::optional<std::size_t> first_compliance(std::string_view reasoning,
                                              std::span<byte_span const> steps,
                                              std::string_view request = {}) const {
    scorer_.analyse(reasoning, steps, request, patterns_);
    for (std::size_t k = 0; k < patterns_.size(); ++k) {
      step_pattern const& p = patterns_[k];
      if (p.stance == step_stance::refusal) {
        return std::nullopt;
      }
      if (k >= 1 && p.stance == step_stance::compliance && p.harm_context) {
        return k;
      }
    }
    return std::nullopt;
  }

  /// The first compliance step after step `from` (Algorithm 1's re-detection: `from` is the
  /// step that holds the divergence). Harm context comes from every step; refusals do not end
  /// the search, since the question is whether the continuation complies anywhere.
  std::optional<std::size_t> first_compliance_from(std::string_view reasoning,
                                                   std::span<byte_span const> steps,
                                                   std::size_t from,
                                                   std::string_view request = {}) const {
    scorer_.analyse(reasoning, steps, request, patterns_);
    for (std::size_t k = std::max<std::size_t>(from + 1, 1); k < patterns_.size(); ++k) {
      if (patterns_[k].stance == step_stance::compliance && patterns_[k].harm_context) {
        return k;
      }
    }
    return std::nullopt;
  }

  /// The per-step analysis of the last first_compliance() call.
  std::vector<step_pattern> const& last_patterns() const noexcept { return patterns_; }

private:
  cue_pattern_scorer scorer_;
  mutable std::vector<step_pattern> patterns_;
};

static_assert(ComplianceDetector<pattern_detector>);

} // namespace ipo
