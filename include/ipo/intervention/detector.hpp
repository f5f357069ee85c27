// ipo/intervention/detector.hpp: where a reasoning trace first turns toward compliance.
//
// A ComplianceDetector maps (reasoning, steps) to the index of the first compliance step, or
// none. Following the method, step 0 is never the answer: a trace's opening sentence restates
// the request. Two detectors are provided: lexical_detector (the cue lexicon, no model) and
// judge_detector (an LLM judge through the numbered-sentence protocol of judge.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/cues/scorer.hpp"

namespace ipo {

/// A detector: `first_compliance(reasoning, steps)` returns the 0-based index of the first
/// compliance step (>= 1), or std::nullopt when the trace has none.
template <class D>
concept ComplianceDetector = requires(D const& detector, std::string_view reasoning,
                                      std::span<byte_span const> steps) {
  { detector.first_compliance(reasoning, steps) } -> std::same_as<std::optional<std::size_t>>;
};

/// What a safety cue or refusal before the first compliance step means to the lexical
/// detector.
enum class safety_policy {
  ignore, ///< nothing: the first compliance step counts wherever it is (default, as the paper
          ///< looks for the first cue from the second sentence on)
  stop,   ///< a step whose safety + refusal weight reaches the threshold ends the search: the
          ///< trace has turned safe before any compliance cue
  net,    ///< a step counts as compliance when compliance - safety - refusal weight reaches
          ///< the threshold (a step that hedges is not a cue)
};

/// What one step's cue scores say to the lexical detector.
enum class lexical_verdict {
  none,        ///< not a compliance step; the search goes on
  compliance,  ///< a compliance step
  turned_safe, ///< a safety step under safety_policy::stop: the search ends without a cue
};

struct lexical_detector_options {
  float threshold = 1.0f;                       ///< compliance weight a step needs (>= 0)
  safety_policy safety = safety_policy::ignore; ///< what safety cues before compliance mean
};

/// The lexical detector: the first step from index 1 on whose compliance weight (under the
/// chosen safety_policy) reaches the threshold. Keeps scratch between calls; use one per
/// thread.
class lexical_detector {
public:
  explicit lexical_detector(lexicon lex, lexical_detector_options options = {})
      : scorer_(std::move(lex)), options_(options) {
    check_argument(options.threshold >= 0.0f, "ipo::lexical_detector", "options.threshold",
                   options.threshold, "a weight >= 0");
  }

  std::optional<std::size_t> first_compliance(std::string_view reasoning,
                                              std::span<byte_span const> steps) const {
    scorer_.score(reasoning, steps, scores_);
    for (std::size_t k = 1; k < scores_.size(); ++k) {
      switch (verdict(scores_[k])) {
      case lexical_verdict::compliance:
        return k;
      case lexical_verdict::turned_safe:
        return std::nullopt;
      case lexical_verdict::none:
        break;
      }
    }
    return std::nullopt;
  }

  /// The verdict on one step's scores under the options (first_compliance() judges steps from
  /// index 1 on; the streaming monitor decides with this as the steps complete).
  lexical_verdict verdict(step_score const& s) const noexcept {
    float const compliance = s[cue_kind::compliance];
    float const safety = s[cue_kind::safety] + s[cue_kind::refusal];
    if (options_.safety == safety_policy::stop && safety >= options_.threshold && safety > 0.0f) {
      return lexical_verdict::turned_safe;
    }
    float const weight = options_.safety == safety_policy::net ? compliance - safety : compliance;
    return weight >= options_.threshold && compliance > 0.0f ? lexical_verdict::compliance
                                                             : lexical_verdict::none;
  }

  /// The per-step scores of the last first_compliance() call.
  std::vector<step_score> const& last_scores() const noexcept { return scores_; }
  lexical_detector_options const& options() const noexcept { return options_; }
  /// The scorer, and through it the lexicon, the detector decides with.
  lexicon_scorer const& scorer() const noexcept { return scorer_; }

private:
  lexicon_scorer scorer_;
  lexical_detector_options options_;
  mutable std::vector<step_score> scores_;
};

static_assert(ComplianceDetector<lexical_detector>);

} // namespace ipo
