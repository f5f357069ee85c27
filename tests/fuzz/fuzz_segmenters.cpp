// libFuzzer target: every segmenter keeps its invariant (ordered, disjoint, trimmed spans
// that cover the text with white space between them) on any input.
#include <ipo/steps/segmenters.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {
bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
void check(std::string_view text, std::vector<ipo::byte_span> const& spans) {
  std::size_t cursor = 0;
  for (auto s : spans) {
    if (s.begin < cursor || s.end <= s.begin || s.end > text.size() || space(text[s.begin]) ||
        space(text[s.end - 1])) {
      std::abort();
    }
    for (std::size_t k = cursor; k < s.begin; ++k) {
      if (!space(text[k])) {
        std::abort();
      }
    }
    cursor = s.end;
  }
  for (std::size_t k = cursor; k < text.size(); ++k) {
    if (!space(text[k])) {
      std::abort();
    }
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
