// libFuzzer target: a random phrase set (the input's first lines, up to an empty line) and a
// random text (the rest). Every matcher path must agree, and every match must be in bounds
// and ordered; on inputs small enough, the matches must equal the naive reference's.
#include <ipo/cues/matcher.hpp>

#include "../text/naive_matcher.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view input(reinterpret_cast<char const*>(data), size);
  std::size_t const split = input.find("\n\n");
  std::string_view const phrases = input.substr(0, split == std::string_view::npos ? 0 : split);
  std::string_view const text = split == std::string_view::npos ? input : input.substr(split + 2);
  ipo::lexicon lex;
  for (std::size_t pos = 0; pos < phrases.size() && lex.size() < 64;) {
    std::size_t const eol = std::min(phrases.find('\n', pos), phrases.size());
    std::string const phrase(phrases.substr(pos, eol - pos));
    pos = eol + 1;
    try {
      lex.add({phrase, ipo::cue_kind::compliance, 1.0f, phrase.size() % 2 == 0});
    } catch (ipo::argument_error const&) {
      // empty, invalid UTF-8, overlong or duplicate: rejected with an error, as documented
    }
  }
  if (lex.size() == 0) {
    return 0;
  }
  ipo::phrase_matcher const matcher(lex);
  std::vector<ipo::cue_match> reference, other;
  matcher.scan(ipo::simd::scalar{}, text, reference);
  std::size_t previous = 0;
  for (auto const& m : reference) {
    if (m.span.begin < previous || m.span.end <= m.span.begin || m.span.end > text.size() ||
        m.phrase >= lex.size()) {
      std::abort();
    }
    previous = m.span.begin;
  }
  if (text.size() * lex.size() <= 65536) { // the reference costs text x phrases x length
    if (naive::naive_of(lex).run(std::string(text)) != reference) {
      std::abort();
    }
  }
  ipo::simd::for_each_available_arch<ipo::phrase_matcher::matcher_archs>([&](auto arch) {
    other.clear();
    matcher.scan(arch, text, other);
    if (other != reference) {
      std::abort();
    }
  });
  return 0;
}
