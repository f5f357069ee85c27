// The aggregate headers and the small value types they expose.
#include "ipo/core/byte_span.hpp"
#include "ipo/intervention.hpp"
#include "ipo/loss.hpp"
#include "ipo/loss/options.hpp"
#include "ipo/runtime.hpp"
#include "ipo/text.hpp"

#include <doctest/doctest.h>

#include <string_view>

TEST_CASE("byte_span addresses bytes of the original text") {
  std::string_view const text = "caf\xC3\xA9 au lait";
  ipo::byte_span const span{3, 5}; // the two bytes of U+00E9
  CHECK(span.size() == 2);
  CHECK(span.of(text) == "\xC3\xA9");
  CHECK_FALSE(span.empty());
  CHECK(ipo::byte_span{4, 4}.empty());
  CHECK(ipo::byte_span{1, 2} == ipo::byte_span{1, 2});
}

TEST_CASE("the aggregate headers expose every stage") {
  static_assert(ipo::Segmenter<ipo::sentence_segmenter>);
  static_assert(ipo::CueScorer<ipo::lexicon_scorer>);
  static_assert(ipo::ComplianceDetector<ipo::lexical_detector>);
  static_assert(ipo::StreamingSegmenter<ipo::sentence_segmenter>);
  static_assert(sizeof(ipo::stream_monitor<>) > 0 && sizeof(ipo::guard_options) > 0);
  static_assert(ipo::loss::PairwiseObjective<ipo::loss::sigmoid_loss>);
  ipo::loss::preference_loss_options const defaults;
  CHECK(defaults.ignore_index == -100); // Hugging Face's convention
  CHECK(defaults.shift_labels);
  CHECK(defaults.layout == ipo::loss::pair_layout::concatenated);
  CHECK(defaults.sequence_length == 0); // must be set: preference_loss rejects 0
}
