// ipo::dispatch: the matcher scans compiled for AVX2 and AVX-512 in their own objects, used
// by a consumer built with no -march flag. Every scan this CPU can run is checked against the
// naive reference, and the path a matcher chooses against the CPU's features as the compiler's
// own cpuid builtin reports them.
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/detail/compiled_scans.hpp"
#include "ipo/cues/matcher.hpp"

#include "../packaging/dispatch_check.hpp"
#include "naive_matcher.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#if !defined(IPO_HAS_DISPATCH)
#error "this test links ipo::dispatch"
#endif

namespace {

std::string random_text(std::mt19937& rng, std::size_t length) {
  static std::string const alphabet = "abcAB '-\"\n\t_1.";
  static std::vector<std::string> const extras = {"\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x94",
                                                  "\xC3\xA9", "  "};
  std::string s;
  while (s.size() < length) {
    if (rng() % 12 == 0) {
      s += extras[rng() % extras.size()];
    } else {
      s += alphabet[rng() % alphabet.size()];
    }
  }
  return s;
}

// Every scan of ipo::dispatch the CPU supports gives the naive reference's matches.
void check_every_compiled_scan(ipo::phrase_matcher const& m, naive::naive_matcher const& naive,
                               std::string const& text) {
  std::vector<ipo::cue_match> const expected = naive.run(text);
  for (ipo::detail::compiled_scan const& scan : ipo::detail::compiled_scans()) {
    if (!scan.cpu_supports()) {
      continue;
    }
    INFO("ipo::dispatch path " << scan.path_name(m));
    std::vector<ipo::cue_match> got;
    scan.scan(m, text, got);
    REQUIRE(got.size() == expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      REQUIRE(got[k].phrase == expected[k].phrase);
      REQUIRE(got[k].span.begin == expected[k].span.begin);
      REQUIRE(got[k].span.end == expected[k].span.end);
    }
  }
  std::vector<ipo::cue_match> dispatched;
  m.find_all(text, dispatched);
  CHECK(dispatched == expected);
}

} // namespace

TEST_CASE("ipo::dispatch lists its scans, each compiled from these headers") {
  auto const scans = ipo::detail::compiled_scans();
  REQUIRE(scans.size() == 3);
  for (ipo::detail::compiled_scan const& scan : scans) {
    CHECK(scan.matcher_size == sizeof(ipo::phrase_matcher));
    CHECK(ipo::simd::x86_path_rank(scan.arch) >= 3);
  }
}

TEST_CASE("every ipo::dispatch scan this CPU runs equals the naive reference") {
  std::mt19937 rng(41);
  ipo::phrase_matcher const defaults(ipo::default_lexicon());
  auto const default_naive = naive::naive_of(ipo::default_lexicon());
  std::string const prose =
      "Okay, the user wants step-by-step instructions. I\xE2\x80\x99ll start by listing what "
      "they need. Sure, here\xE2\x80\x99s how:\n\n  First, gather the materials. Wait, this "
      "could hurt someone; I should refuse and explain why instead.";
  for (std::size_t repeat : {1u, 3u, 40u}) { // short texts (padded copy) and long ones
    std::string text;
    for (std::size_t k = 0; k < repeat; ++k) {
      text += prose + " ";
    }
    check_every_compiled_scan(defaults, default_naive, text);
  }
  for (int trial = 0; trial < 120; ++trial) {
    // Every third trial is all whole-word: the word-start scans, else every position.
    ipo::lexicon const lex = naive::random_lexicon(
        rng, 25, trial % 3 == 0, [&] { return random_text(rng, 1 + rng() % 12); });
    if (lex.size() == 0) {
      continue;
    }
    ipo::phrase_matcher const m(lex);
    auto const naive = naive::naive_of(lex);
    for (std::size_t length : {0u, 1u, 17u, 64u, 65u, 130u, 700u, 5000u}) {
      std::string const text = random_text(rng, length);
      CAPTURE(text);
      check_every_compiled_scan(m, naive, text);
    }
  }
}

TEST_CASE("a matcher takes the widest path of the CPU, from its own flags or ipo::dispatch") {
  ipo::phrase_matcher const m(ipo::default_lexicon());
  std::string const name = m.path_name();
  CAPTURE(name);
  // The path this translation unit's flags compiled in, and the widest the library adds.
  int const own = ipo::simd::dispatch<ipo::phrase_matcher::matcher_archs>(
      [](auto arch) { return ipo::simd::x86_path_rank(ipo::simd::arch_name<decltype(arch)>()); });
  int const library = dispatch_check::widest_rank(); // 1 (SSE2) without AVX2
  char const* forced = std::getenv("IPO_FORCE_ARCH");
  if (forced == nullptr || *forced == '\0') {
    CHECK(dispatch_check::rank_of(name) == std::max(own, library));
    CHECK(m.uses_compiled_scan() == (library > own));
    if (library == 4 && library > own) {
      // "+vbmi2" exactly when the CPU has VBMI2 (the default lexicon suits the packed scan).
      CHECK((name.find("+vbmi2") != std::string::npos) ==
            (__builtin_cpu_supports("avx512vbmi2") != 0));
    }
  } else {
    // IPO_FORCE_ARCH caps the library's paths as it caps the compiled-in ones (ctest runs this
    // case with IPO_FORCE_ARCH=avx2 and =sse2).
    std::string_view const cap = forced;
    if (cap == "sse2") {
      CHECK_FALSE(m.uses_compiled_scan());
      CHECK(name == "sse2");
    } else if (cap == "avx2") {
      CHECK(ipo::simd::x86_path_rank(name) == std::min(3, std::max(own, library)));
    }
  }
}
