#include "ipo/steps/segmenters.hpp"

#include "segment_invariant.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

std::vector<std::string> texts_of(std::string const& text,
                                  std::vector<ipo::byte_span> const& spans) {
  std::vector<std::string> out;
  for (auto s : spans) {
    out.emplace_back(s.of(text));
  }
  return out;
}

template <class S>
std::vector<std::string> split(S const& segmenter, std::string const& text) {
  std::vector<ipo::byte_span> spans;
  segmenter.segment(text, spans);
  return texts_of(text, spans);
}

void check_invariant(std::string const& text, std::vector<ipo::byte_span> const& spans) {
  char const* const problem = segment_invariant::violation(text, spans);
  INFO((problem ? problem : ""));
  REQUIRE(problem == nullptr);
}

} // namespace

TEST_CASE("sentences: punctuation, blank lines, and the places that are not boundaries") {
  ipo::sentence_segmenter const s;
  using v = std::vector<std::string>;
  CHECK(split(s, "The value is 3.14 here. Next sentence follows!") ==
        v{"The value is 3.14 here.", "Next sentence follows!"});
  CHECK(split(s, "Use tools, e.g. a hammer. Then stop here.") ==
        v{"Use tools, e.g. a hammer.", "Then stop here."});
  CHECK(split(s, "Compare A vs. B carefully. It matters a lot.") ==
        v{"Compare A vs. B carefully.", "It matters a lot."});
  CHECK(split(s, "Wait... maybe not?! I should check again.") ==
        v{"Wait... maybe not?!", "I should check again."});
  CHECK(split(s, "He said \"stop here.\" Then he left the room.") ==
        v{"He said \"stop here.\"", "Then he left the room."});
  CHECK(split(s, "See https://example.com/a.b for details. Then go on.") ==
        v{"See https://example.com/a.b for details.", "Then go on."});
  CHECK(split(s, "Call `obj.run(). now` in code. Done with it now.") ==
        v{"Call `obj.run(). now` in code.", "Done with it now."});
  CHECK(split(s, "Plan:\n1. Gather the facts\n2. Write it down") ==
        v{"Plan:\n1. Gather the facts\n2. Write it down"});
  CHECK(split(s, "First paragraph has no stop\n\nSecond paragraph too") ==
        v{"First paragraph has no stop", "Second paragraph too"});
  CHECK(split(s, "```\nx = 1. y = 2.\n\nz = 3\n```") == v{"```\nx = 1. y = 2.\n\nz = 3\n```"});
  // Fragments shorter than 10 bytes join a neighbour.
  CHECK(split(s, "Okay. So the user wants a plan. Hmm. Fine then, let us go.") ==
        v{"Okay. So the user wants a plan. Hmm.", "Fine then, let us go."});
  CHECK(split(s, "").empty());
  CHECK(split(s, " \n\t ").empty());
}

TEST_CASE("paragraphs and reasoning markers") {
  using v = std::vector<std::string>;
  CHECK(split(ipo::paragraph_segmenter{}, "one. two.\n \nthree\r\n\r\nfour") ==
        v{"one. two.", "three", "four"});
  ipo::marker_segmenter const m;
  CHECK(split(m, "I could write the plan now Wait, that would be harmful to them") ==
        v{"I could write the plan now", "Wait, that would be harmful to them"});
  CHECK(split(m, "Let me think about this request first.\nHmm, it asks for something risky") ==
        v{"Let me think about this request first.", "Hmm, it asks for something risky"});
  CHECK(split(m, "Waiting for the answer is fine here") ==
        v{"Waiting for the answer is fine here"}); // whole word
  ipo::marker_segmenter const custom({"Therefore"});
  CHECK(split(custom, "A holds and B holds Therefore C holds too") ==
        v{"A holds and B holds", "Therefore C holds too"});
}

TEST_CASE("property: every segmenter covers random texts exactly") {
  std::vector<std::string> const pieces = {
      "Wait", ",",    " ",      "  ",   "\n",           "\n\n",     "\r\n", ".",        "...",
      "?",    "!",    "e.g.",   "3.14", "1.",           "`",        "```",  "\"",       ")",
      "Hmm",  "word", "Let me", "x",    "\xE2\x80\x99", "\xC3\xA9", "\t",   "Okay, so", "However",
      "vs."};
  std::mt19937 rng(23);
  ipo::sentence_segmenter const sentence;
  ipo::paragraph_segmenter const paragraph;
  ipo::marker_segmenter const markers;
  ipo::sentence_segmenter const no_merge(ipo::sentence_options{0, {}});
  std::vector<ipo::byte_span> spans;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text;
    std::size_t const count = rng() % 60;
    for (std::size_t k = 0; k < count; ++k) {
      text += pieces[rng() % pieces.size()];
    }
    CAPTURE(text);
    sentence.segment(text, spans);
    check_invariant(text, spans);
    paragraph.segment(text, spans);
    check_invariant(text, spans);
    markers.segment(text, spans);
    check_invariant(text, spans);
    no_merge.segment(text, spans);
    check_invariant(text, spans);
  }
}

TEST_CASE("the byte finder equals a plain search on every architecture") {
  std::mt19937 rng(71);
  ipo::simd::for_each_available_arch([&](auto arch) {
    using A = decltype(arch);
    INFO("architecture " << std::string(arch.name()));
    for (int trial = 0; trial < 200; ++trial) {
      bool in_set[256] = {};
      std::size_t const values = 1 + rng() % 20; // past 16 the finder falls back to a table
      for (std::size_t k = 0; k < values; ++k) {
        in_set[rng() % 256] = true;
      }
      std::string text(rng() % 300, '\0');
      for (char& c : text) {
        c = static_cast<char>(rng() % 8 == 0 ? rng() % 256 : 'a' + rng() % 3);
      }
      ipo::detail::byte_set const set(in_set);
      ipo::detail::byte_finder<A> finder(text, set);
      std::size_t expected = 0;
      for (std::size_t i = 0; i <= text.size(); ++i) {
        expected = i;
        while (expected < text.size() && !in_set[static_cast<unsigned char>(text[expected])]) {
          ++expected;
        }
        REQUIRE(finder.next(i) == expected);
      }
    }
  });
}

TEST_CASE("sentence and marker splitting agree on every architecture") {
  std::vector<std::string> const pieces = {"Wait",   " ",  "\n\n", ".",  "?",        "e.g.",
                                           "3.14",   "`",  "Hmm",  "so", "However",  "x",
                                           "Let me", "\t", "!",    "1.", "word word"};
  std::mt19937 rng(73);
  auto const markers = ipo::default_reasoning_markers();
  ipo::detail::abbreviation_set const abbreviations(ipo::sentence_options{}.abbreviations);
  for (int trial = 0; trial < 500; ++trial) {
    std::string text;
    for (std::size_t k = 0, count = rng() % 120; k < count; ++k) {
      text += pieces[rng() % pieces.size()];
    }
    CAPTURE(text);
    for (auto const* marker_list :
         {&markers, static_cast<std::vector<std::string> const*>(nullptr)}) {
      std::vector<std::string> const none;
      auto const& m = marker_list ? *marker_list : none;
      std::vector<ipo::byte_span> reference;
      ipo::detail::split_sentences(ipo::simd::scalar{}, text, abbreviations, m, reference);
      ipo::simd::for_each_available_arch([&](auto arch) {
        std::vector<ipo::byte_span> spans;
        ipo::detail::split_sentences(arch, text, abbreviations, m, spans);
        CHECK(spans == reference);
      });
    }
  }
}

namespace {
// A user-written segmenter: one step per line.
struct line_segmenter {
  void segment(std::string_view text, std::vector<ipo::byte_span>& out) const {
    out.clear();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '\n') {
        if (i > start) {
          out.push_back({start, i});
        }
        start = i + 1;
      }
    }
  }
};
} // namespace

TEST_CASE("a user-written segmenter models the concept") {
  static_assert(ipo::Segmenter<line_segmenter>);
  CHECK(split(line_segmenter{}, "a\nbc") == std::vector<std::string>{"a", "bc"});
}

TEST_CASE("abbreviations are looked up case-insensitively, short and long alike") {
  ipo::detail::abbreviation_set const set({"e.g", "approx", "p", "", "Incorporated", "Dept"});
  CHECK(set.contains("E.G"));
  CHECK(set.contains("approx"));
  CHECK(set.contains("P"));
  CHECK(set.contains("dept"));
  CHECK(set.contains("INCORPORATED")); // longer than 8 bytes: compared one by one
  CHECK_FALSE(set.contains("appro"));
  CHECK_FALSE(set.contains("approxi"));
  CHECK_FALSE(set.contains("pp"));
  CHECK_FALSE(set.contains(""));
  CHECK_FALSE(set.contains("Incorporate"));
  ipo::sentence_segmenter const segmenter(ipo::sentence_options{0, {"Dept"}});
  std::vector<ipo::byte_span> steps;
  segmenter.segment("Ask the dept. of water. Then go.", steps);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0] == ipo::byte_span{0, 23});
}
