// ipo/cues/cue_match.hpp: one occurrence of a lexicon phrase in a text (what the matcher finds).
#pragma once

#include <cstdint>

#include "ipo/core/byte_span.hpp"

namespace ipo {

/// One occurrence of a lexicon phrase.
struct cue_match {
  std::uint32_t phrase; ///< the entry's id in the lexicon
  byte_span span;       ///< the matched bytes of the text
  friend constexpr bool operator==(cue_match const&, cue_match const&) noexcept = default;
};

} // namespace ipo
