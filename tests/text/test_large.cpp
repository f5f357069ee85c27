// Texts past 2 GiB: offsets are 64-bit everywhere, so a 2.1 GiB reasoning text is scanned and
// segmented like a small one. The expected counts come from one chunk, scanned alone, times the
// number of copies (chunks start and end at sentence boundaries, so nothing spans two).
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/matcher.hpp"
#include "ipo/steps/segmenters.hpp"
#include "ipo/trace/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

TEST_CASE("a 2.1 GiB text: validation, matching and segmentation past the 2^31 byte mark") {
  std::string chunk;
  while (chunk.size() < (std::size_t{1} << 20)) {
    chunk +=
        "Okay, so the user wants a plan. I'll start by crafting a message that looks official. "
        "Wait, maybe I have to refuse, because this could cause real harm. The numbers add up to "
        "42. ";
  }
  std::size_t const copies = (std::size_t{2150} << 20) / chunk.size() + 1;
  std::string text;
  text.reserve(copies * chunk.size());
  for (std::size_t k = 0; k < copies; ++k) {
    text += chunk;
  }
  REQUIRE(text.size() > (std::size_t{1} << 31));
  CHECK(ipo::is_valid_utf8(text));

  ipo::phrase_matcher const matcher(ipo::default_lexicon());
  std::vector<ipo::cue_match> in_chunk, all;
  matcher.find_all(chunk, in_chunk);
  matcher.find_all(text, all);
  REQUIRE(all.size() == copies * in_chunk.size());
  ipo::cue_match const& last = all.back();
  CHECK(last.span.begin == (copies - 1) * chunk.size() + in_chunk.back().span.begin);
  CHECK(last.span.end > (std::size_t{1} << 31));

  std::vector<ipo::byte_span> steps_in_chunk, steps;
  ipo::sentence_segmenter const segmenter;
  segmenter.segment(chunk, steps_in_chunk);
  segmenter.segment(text, steps);
  REQUIRE(steps.size() == copies * steps_in_chunk.size());
  CHECK(steps.back().end == text.size() - 1); // the text ends with one space
}
