// ipo/cues/scorer.hpp: per-step cue scores.
//
// A step's score is the summed weight of the matches that start inside it, per cue kind.
// A match that starts in one step and runs into the next counts for the step it starts in.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/cues/matcher.hpp"

namespace ipo {

/// Summed cue weights of one step, indexed by cue_kind.
struct step_score {
  std::array<float, cue_kind_count> weight{};
  std::array<std::uint32_t, cue_kind_count> matches{};
  float operator[](cue_kind kind) const noexcept { return weight[static_cast<std::size_t>(kind)]; }
  std::uint32_t count(cue_kind kind) const noexcept {
    return matches[static_cast<std::size_t>(kind)];
  }
};

/// A cue scorer: `score(text, steps, out)` writes one step_score per step of `text` into `out`
/// (resized to steps.size()).
template <class S>
concept CueScorer = requires(S const& scorer, std::string_view text,
                             std::span<byte_span const> steps, std::vector<step_score>& out) {
  scorer.score(text, steps, out);
};

/// The default scorer: the lexicon's compiled matcher over the whole text, then each match
/// assigned to the step it starts in. Keeps its match buffer between calls (not thread-safe;
/// use one scorer per thread, they can share nothing but the lexicon).
class lexicon_scorer {
public:
  explicit lexicon_scorer(lexicon lex) : lexicon_(std::move(lex)), matcher_(lexicon_) {
    cues_.reserve(lexicon_.size());
    for (auto const& entry : lexicon_.entries()) {
      cues_.push_back({static_cast<std::uint32_t>(entry.kind), entry.weight});
    }
  }

  /// Scores each step of `text`. The steps must be in text order, not overlap and lie inside
  /// the text (as every segmenter writes them); otherwise throws ipo::argument_error naming
  /// the first step that does not, and leaves `out` empty.
  ///
  /// Memory traffic: the matcher's, then one pass over the steps and the matches, and one
  /// write of `out`.
  void score(std::string_view text, std::span<byte_span const> steps,
             std::vector<step_score>& out) const {
    matcher_.find_all(text, matches_);
    out.resize(steps.size());
    std::size_t m = 0; // the first match not yet assigned or passed over
    std::size_t previous_end = 0;
    for (std::size_t k = 0; k < steps.size(); ++k) {
      byte_span const step = steps[k];
      if (step.begin < previous_end || step.end < step.begin || step.end > text.size())
          [[unlikely]] {
        out.clear();
        throw_argument_error("ipo::lexicon_scorer::score", "steps[" + std::to_string(k) + "]",
                             "[" + std::to_string(step.begin) + ", " + std::to_string(step.end) +
                                 ")",
                             "steps in text order, not overlapping, inside the text of " +
                                 std::to_string(text.size()) + " bytes");
      }
      previous_end = step.end;
      while (m < matches_.size() && matches_[m].span.begin < step.begin) {
        ++m; // starts in the white space between steps
      }
      step_score score{};
      for (; m < matches_.size() && matches_[m].span.begin < step.end; ++m) {
        cue const c = cues_[matches_[m].phrase];
        score.weight[c.kind] += c.weight;
        ++score.matches[c.kind];
      }
      out[k] = score;
    }
  }

  /// The matches found by the last score() call.
  std::vector<cue_match> const& last_matches() const noexcept { return matches_; }
  lexicon const& lexicon_entries() const noexcept { return lexicon_; }
  phrase_matcher const& matcher() const noexcept { return matcher_; }

private:
  struct cue {
    std::uint32_t kind;
    float weight;
  };

  lexicon lexicon_;
  phrase_matcher matcher_;
  std::vector<cue> cues_; // per phrase id: its kind and weight, packed
  mutable std::vector<cue_match> matches_;
};

static_assert(CueScorer<lexicon_scorer>);

} // namespace ipo
