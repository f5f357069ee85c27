// libFuzzer target: every segmenter keeps its invariant (ordered, disjoint, trimmed spans
// that cover the text with white space between them) on any input.
#include <ipo/steps/segmenters.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "../text/segment_invariant.hpp"

namespace {
void check(std::string_view text, std::vector<ipo::byte_span> const& spans) {
  if (segment_invariant::violation(text, spans) != nullptr) {
    std::abort();
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  static ipo::sentence_segmenter const sentence;
  static ipo::paragraph_segmenter const paragraph;
  static ipo::marker_segmenter const markers;
  std::vector<ipo::byte_span> spans;
  sentence.segment(text, spans);
  check(text, spans);
  paragraph.segment(text, spans);
  check(text, spans);
  markers.segment(text, spans);
  check(text, spans);
  return 0;
}
