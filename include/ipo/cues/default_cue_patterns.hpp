// ipo/cues/default_cue_patterns.hpp: the default class lexicon of the pattern scorer
// (cues/cue_patterns.hpp): 722 English phrases in 13 word classes, as data, kept in two
// halves under cues/detail/ (the classes that make a clause comply, and those that cancel or
// gate it) and joined here at compile time. The classes and what the scorer makes of them are
// described at the top of cue_patterns.hpp and in docs/detector.md; the labelled evaluation
// set in examples/data/cue_eval/ says how well they do.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ipo/cues/detail/cue_patterns_compliance.hpp"
#include "ipo/cues/detail/cue_patterns_context.hpp"

namespace ipo {

namespace detail {
/// The two halves of the default class lexicon, one after the other.
constexpr auto join_default_cue_patterns() {
  std::array<char, compliance_cue_patterns_tsv.size() + context_cue_patterns_tsv.size()> text{};
  std::size_t k = 0;
  for (char const c : compliance_cue_patterns_tsv) {
    text[k++] = c;
  }
  for (char const c : context_cue_patterns_tsv) {
    text[k++] = c;
  }
  return text;
}
inline constexpr auto default_cue_patterns_text = join_default_cue_patterns();
} // namespace detail

/// The default class lexicon: CLASS <tab> PHRASE per line ('#' comments). Phrases are matched
/// as the phrase matcher does: whole words, any letter case, typographic apostrophes and
/// dashes, a space for any white-space run.
inline constexpr std::string_view
    default_cue_patterns_tsv(detail::default_cue_patterns_text.data(),
                             detail::default_cue_patterns_text.size());

} // namespace ipo
