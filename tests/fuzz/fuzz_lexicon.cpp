// libFuzzer target: the two TSV loaders (the cue lexicon, the pattern detector's class lexicon)
// either parse or throw ipo::argument_error; and the pattern detector, run over the input as
// reasoning, returns a step inside it (or none) whatever the bytes.
#include <ipo/cues/cue_patterns.hpp>
#include <ipo/cues/lexicon.hpp>
#include <ipo/intervention/pattern_detector.hpp>
#include <ipo/steps/segmenters.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  try {
    auto const lex = ipo::parse_lexicon_tsv(text, "fuzz");
    for (auto const& entry : lex.entries()) {
      (void)ipo::canonical_phrase(entry.phrase);
    }
  } catch (ipo::argument_error const&) {
  }
  try {
    ipo::cue_pattern_scorer const scorer(text, "fuzz");
    (void)scorer.size();
  } catch (ipo::argument_error const&) {
  }
  static ipo::pattern_detector const detector;
  static ipo::sentence_segmenter const segmenter;
  std::vector<ipo::byte_span> steps;
  segmenter.segment(text, steps);
  auto const found = detector.first_compliance(text, steps, text.substr(0, size / 4));
  if (found && (*found == 0 || *found >= steps.size())) {
    std::abort();
  }
  if (detector.last_patterns().size() != steps.size()) {
    std::abort();
  }
  return 0;
}
