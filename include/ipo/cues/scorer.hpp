// ipo/cues/scorer.hpp: per-step cue scores.
//
// A step's score is the summed weight of the matches that start inside it, per cue kind.
// A match that starts in one step and runs into the next counts for the step it starts in.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
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
  explicit lexicon_scorer(lexicon lex) : lexicon_(std::move(lex)), matcher_(lexicon_) {}

  void score(std::string_view text, std::span<byte_span const> steps,
             std::vector<step_score>& out) const {
    out.assign(steps.size(), step_score{});
    matcher_.find_all(text, matches_);
    std::size_t step = 0;
    for (auto const& match : matches_) { // matches and steps are both in text order
      while (step < steps.size() && steps[step].end <= match.span.begin) {
        ++step;
      }
      if (step == steps.size()) {
        break;
      }
      if (match.span.begin < steps[step].begin) {
        continue; // starts in the white space between steps
      }
      auto const& entry = lexicon_[match.phrase];
      auto const kind = static_cast<std::size_t>(entry.kind);
      out[step].weight[kind] += entry.weight;
      ++out[step].matches[kind];
    }
  }

  /// The matches found by the last score() call.
  std::vector<cue_match> const& last_matches() const noexcept { return matches_; }
  lexicon const& lexicon_entries() const noexcept { return lexicon_; }
  phrase_matcher const& matcher() const noexcept { return matcher_; }

private:
  lexicon lexicon_;
  phrase_matcher matcher_;
  mutable std::vector<cue_match> matches_;
};

static_assert(CueScorer<lexicon_scorer>);

} // namespace ipo
