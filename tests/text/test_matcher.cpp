#include "ipo/cues/cue_match.hpp"
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/matcher.hpp"
#include "ipo/cues/scorer.hpp"

#include "naive_matcher.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace doctest {
template <>
struct StringMaker<ipo::cue_match> {
  static String convert(ipo::cue_match const& m) {
    return ("{" + std::to_string(m.phrase) + ", [" + std::to_string(m.span.begin) + ", " +
            std::to_string(m.span.end) + ")}")
        .c_str();
  }
};
} // namespace doctest

namespace {

using naive::naive_of;

void check_all_paths(ipo::phrase_matcher const& m, std::vector<ipo::cue_match> const& expected,
                     std::string const& text) {
  ipo::simd::for_each_available_arch<ipo::phrase_matcher::matcher_archs>([&](auto arch) {
    INFO("architecture " << std::string(arch.name()));
    std::vector<ipo::cue_match> got;
    m.scan(arch, text, got);
    REQUIRE(got.size() == expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      REQUIRE(got[k] == expected[k]);
    }
  });
  std::vector<ipo::cue_match> dispatched;
  m.find_all(text, dispatched);
  CHECK(dispatched == expected);
}

// Whether every phrase can be anchored at a word start, by the rule the matcher documents: a
// word character (ASCII letter, digit, '_') after a non-word character of the canonical phrase,
// or a whole-word phrase's first character.
bool word_start_anchorable(ipo::lexicon const& lex) {
  auto const is_word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  for (auto const& entry : lex.entries()) {
    std::string const t = ipo::canonical_phrase(entry.phrase);
    bool found = entry.whole_word && is_word(t[0]);
    for (std::size_t k = 1; k < t.size() && !found; ++k) {
      found = is_word(t[k]) && !is_word(t[k - 1]);
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

} // namespace

TEST_CASE("word bytes are the ASCII letters, digits and underscore") {
  for (int c = 0; c < 256; ++c) {
    bool const expected =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    CHECK(ipo::is_word_byte(static_cast<unsigned char>(c)) == expected);
  }
}

TEST_CASE("hand-worked matches: case, typographic forms, white-space runs, word boundaries") {
  ipo::lexicon lex;
  lex.add({"I'll start by", ipo::cue_kind::compliance, 1.0f, true});
  lex.add({"wait", ipo::cue_kind::safety, 1.0f, true});
  lex.add({"harm", ipo::cue_kind::safety, 1.0f, false});
  lex.add({"step-by-step", ipo::cue_kind::compliance, 1.0f, true});
  ipo::phrase_matcher const m(lex);
  std::string const text = "I\xE2\x80\x99LL  start\nby harming. Waiting, wait! step\xE2\x80\x94"
                           "by-step";
  // Byte offsets counted by hand: "I'll start by" is 0..16 (a 3-byte apostrophe, two spaces, a
  // newline), "harm" inside "harming" (substring mode) 17..21, "wait" 35..39 but not inside
  // "Waiting", and "step-by-step" with an em dash (3 bytes) 41..55.
  std::vector<ipo::cue_match> const expected = {
      {0, {0, 16}}, {2, {17, 21}}, {1, {35, 39}}, {3, {41, 55}}};
  check_all_paths(m, expected, text);
  CHECK(naive_of(lex).run(text) == expected);
}

TEST_CASE("random and adversarial inputs: every path equals the naive reference") {
  std::mt19937 rng(29);
  std::string const alphabet = "abAB '-\"\n\t_1";
  std::vector<std::string> const extras = {"\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x94",
                                           "\xE2\x80\xA6", "\xC3\xA9"};
  auto random_text = [&](std::size_t length) {
    std::string s;
    while (s.size() < length) {
      if (rng() % 10 == 0) {
        s += extras[rng() % extras.size()];
      } else {
        s += alphabet[rng() % alphabet.size()];
      }
    }
    return s;
  };
  for (int trial = 0; trial < 300; ++trial) {
    // Every third trial is all whole-word, which the matcher scans at word starts only.
    ipo::lexicon const lex =
        naive::random_lexicon(rng, 30, trial % 3 == 0, [&] { return random_text(1 + rng() % 5); });
    if (lex.size() == 0) {
      continue;
    }
    ipo::phrase_matcher const m(lex);
    CHECK(m.anchors_at_word_starts() == word_start_anchorable(lex));
    auto const naive = naive_of(lex);
    for (std::size_t length : {0u, 1u, 2u, 3u, 15u, 16u, 17u, 63u, 64u, 65u, 200u, 300u}) {
      std::string const text = random_text(length);
      CAPTURE(text);
      check_all_paths(m, naive.run(text), text);
    }
  }
}

TEST_CASE("long phrases in texts made of their mutated copies: every path equals the naive "
          "reference") {
  // Phrases of up to 14 characters anchor on 8-character windows that span spaces, quotes and
  // dashes; the texts repeat them with white-space runs, typographic forms and case changed,
  // so the anchors are crossed by irregular characters at every offset and at block edges.
  std::mt19937 rng(43);
  std::string const letters = "abcdeh";
  std::string const joiners = " '-\"";
  auto random_phrase = [&] {
    std::string p;
    for (std::size_t k = 0, length = 1 + rng() % 14; k < length; ++k) {
      p += rng() % 4 == 0 ? joiners[rng() % joiners.size()] : letters[rng() % letters.size()];
    }
    return p;
  };
  auto mutate = [&](std::string const& phrase) {
    std::string out;
    for (char const c : phrase) {
      switch (rng() % 4 != 0 ? c : '\0') {
      case ' ':
        out += std::vector<std::string>{"  ", "\n", "\t ", "\r\n", " \n\n"}[rng() % 5];
        break;
      case '\'':
        out += rng() % 2 ? "\xE2\x80\x99" : "\xE2\x80\x98";
        break;
      case '"':
        out += rng() % 2 ? "\xE2\x80\x9C" : "\xE2\x80\x9D";
        break;
      case '-':
        out += rng() % 2 ? "\xE2\x80\x94" : "\xE2\x80\x93";
        break;
      default:
        out += rng() % 5 == 0 && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
      }
    }
    return out;
  };
  for (int trial = 0; trial < 150; ++trial) {
    ipo::lexicon lex;
    std::vector<std::string> phrases;
    for (std::size_t k = 0, count = 1 + rng() % 12; k < count; ++k) {
      std::string const p = random_phrase();
      if (ipo::canonical_phrase(p).empty() || lex.find(p) != lex.size()) {
        continue;
      }
      lex.add({p, ipo::cue_kind::compliance, 1.0f, trial % 3 == 0 || rng() % 2 == 0});
      phrases.push_back(p);
    }
    if (lex.size() == 0) {
      continue;
    }
    ipo::phrase_matcher const m(lex);
    CHECK(m.anchors_at_word_starts() == word_start_anchorable(lex));
    auto const naive = naive_of(lex);
    for (std::size_t length : {10u, 70u, 150u, 400u}) {
      std::string text;
      while (text.size() < length) {
        text += rng() % 3 == 0 ? std::string(1, letters[rng() % letters.size()])
                               : mutate(phrases[rng() % phrases.size()]);
        text += std::vector<std::string>{"", " ", "  ", "\n", "-"}[rng() % 5];
      }
      CAPTURE(text);
      check_all_paths(m, naive.run(text), text);
    }
  }
}

TEST_CASE("overlapping phrases, shared prefixes, matches at buffer ends") {
  ipo::lexicon lex;
  for (std::string p : {"ab", "abab", "b a", "ba", "a", "aba"}) {
    lex.add({p, ipo::cue_kind::safety, 1.0f, false});
  }
  ipo::phrase_matcher const m(lex);
  auto const naive = naive_of(lex);
  for (std::string text : {std::string("abababab"), std::string(100, 'a') + "b",
                           "b" + std::string(70, 'a'), std::string("ab  \n a"), std::string("a")}) {
    check_all_paths(m, naive.run(text), text);
  }
}

TEST_CASE("the default lexicon on reasoning text, and a 100,000-phrase lexicon") {
  auto const lex = ipo::default_lexicon();
  ipo::phrase_matcher const m(lex);
  std::string const text =
      "Okay, so the user wants a phishing email. I\xE2\x80\x99ll start by crafting a message that "
      "appears to come "
      "from a trusted bank. Wait, maybe I have to refuse, since this could cause real harm. "
      "As this is hypothetical, it's not illegal to think about it, right?";
  auto const expected = naive_of(lex).run(text);
  CHECK(expected.size() >= 6);
  CHECK(m.anchors_at_word_starts()); // all whole-word phrases beginning with a letter
  check_all_paths(m, expected, text);

  ipo::lexicon big;
  std::mt19937 rng(31);
  while (big.size() < 100000) {
    std::string p;
    for (std::size_t k = 0, len = 3 + rng() % 8; k < len; ++k) {
      p += static_cast<char>('a' + rng() % 26);
    }
    if (big.find(p) == big.size()) {
      big.add({p, ipo::cue_kind::compliance, 1.0f, true});
    }
  }
  ipo::phrase_matcher const huge(big);
  std::string sample;
  for (int k = 0; k < 400; ++k) {
    sample += big[rng() % big.size()].phrase + (k % 5 == 0 ? "x " : " ");
  }
  check_all_paths(huge, naive_of(big).run(sample), sample);
}

TEST_CASE("the lexicon scorer sums weights per step and kind") {
  ipo::lexicon lex;
  lex.add({"start by", ipo::cue_kind::compliance, 1.5f, true});
  lex.add({"refuse", ipo::cue_kind::safety, 2.0f, true});
  lex.add({"harm", ipo::cue_kind::safety, 0.5f, true});
  ipo::lexicon_scorer const scorer(lex);
  std::string const text = "I will start by planning. I should refuse: harm, harm.";
  std::vector<ipo::byte_span> const steps = {{0, 25}, {26, 54}};
  std::vector<ipo::step_score> scores;
  scorer.score(text, steps, scores);
  REQUIRE(scores.size() == 2);
  CHECK(scores[0][ipo::cue_kind::compliance] == 1.5f);
  CHECK(scores[0][ipo::cue_kind::safety] == 0.0f);
  CHECK(scores[1][ipo::cue_kind::safety] == 3.0f); // 2.0 + 0.5 + 0.5
  CHECK(scores[1].count(ipo::cue_kind::safety) == 3);
}

TEST_CASE("the lexicon scorer rejects steps out of order, overlapping or outside the text") {
  ipo::lexicon lex;
  lex.add({"refuse", ipo::cue_kind::safety, 2.0f, true});
  ipo::lexicon_scorer const scorer(lex);
  std::string const text = "I refuse. I refuse again."; // 25 bytes
  std::vector<ipo::step_score> scores(3);
  auto const rejects = [&](std::vector<ipo::byte_span> const& steps, std::string const& named) {
    try {
      scorer.score(text, steps, scores);
      FAIL("no error for step " << named);
    } catch (ipo::argument_error const& e) {
      CHECK(std::string(e.what()).find("'" + named + "'") != std::string::npos);
    }
    CHECK(scores.empty());
  };
  rejects({{10, 25}, {0, 9}}, "steps[1]");                                  // out of order
  rejects({{0, 12}, {10, 25}}, "steps[1]");                                 // overlapping
  rejects({{0, 9}, {10, 26}}, "steps[1]");                                  // past the text's end
  rejects({{9, 0}}, "steps[0]");                                            // end before begin
  scorer.score(text, std::vector<ipo::byte_span>{{0, 9}, {9, 25}}, scores); // adjacent is fine
  REQUIRE(scores.size() == 2);
  CHECK(scores[0].count(ipo::cue_kind::safety) == 1);
  CHECK(scores[1].count(ipo::cue_kind::safety) == 1);
}

namespace {
// A user-written scorer: one compliance point per question mark in a step.
struct question_scorer {
  void score(std::string_view text, std::span<ipo::byte_span const> steps,
             std::vector<ipo::step_score>& out) const {
    out.assign(steps.size(), {});
    for (std::size_t k = 0; k < steps.size(); ++k) {
      for (char c : steps[k].of(text)) {
        out[k].weight[0] += c == '?' ? 1.0f : 0.0f;
      }
    }
  }
};
} // namespace

TEST_CASE("a user-written scorer models the concept") {
  static_assert(ipo::CueScorer<question_scorer>);
  std::vector<ipo::step_score> out;
  std::vector<ipo::byte_span> const steps = {{0, 3}};
  question_scorer{}.score("a??", steps, out);
  CHECK(out[0][ipo::cue_kind::compliance] == 2.0f);
}

TEST_CASE("the scalar path's automaton: Aho-Corasick's example, and its size budget") {
  // "he", "she", "his", "hers" in "ushers": she and he end after 4 characters, hers after 6.
  ipo::detail::phrase_automaton automaton;
  REQUIRE(automaton.build({"he", "she", "his", "hers"}));
  std::string const text = "ushers";
  std::vector<std::pair<std::uint32_t, std::size_t>> found; // (phrase, characters read)
  std::uint32_t state = 0;
  for (std::size_t k = 0; k < text.size(); ++k) {
    state = automaton.next(state, static_cast<unsigned char>(text[k]));
    for (std::uint32_t const id : automaton.outputs(state)) {
      found.emplace_back(id, k + 1);
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::pair<std::uint32_t, std::size_t>> const expected = {{0, 4}, {1, 4}, {3, 6}};
  CHECK(found == expected);
  // Past its table budget the automaton stays empty (the matcher then hashes on the scalar
  // path too): 200,000 distinct 12-letter phrases need about 2.4 million states.
  std::vector<std::string> many;
  std::mt19937 rng(3);
  for (int k = 0; k < 200000; ++k) {
    std::string p;
    for (int c = 0; c < 12; ++c) {
      p += static_cast<char>('a' + rng() % 26);
    }
    many.push_back(p);
  }
  ipo::detail::phrase_automaton big;
  CHECK_FALSE(big.build(many));
  CHECK(big.empty());
}
