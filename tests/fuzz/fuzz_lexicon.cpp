// libFuzzer target: the TSV lexicon loader either parses or throws ipo::argument_error.
#include <ipo/cues/lexicon.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  try {
    auto const lex =
        ipo::parse_lexicon_tsv(std::string_view(reinterpret_cast<char const*>(data), size), "fuzz");
    for (auto const& entry : lex.entries()) {
      (void)ipo::canonical_phrase(entry.phrase);
    }
  } catch (ipo::argument_error const&) {
  }
  return 0;
}
