// The naive reference matcher for the matcher tests and the matcher fuzz target: at every
// offset, every phrase, compared character by character with the documented rules. Written
// plainly, sharing nothing with ipo::phrase_matcher.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ipo/cues/lexicon.hpp"
#include "ipo/cues/matcher.hpp"

namespace naive {

struct naive_matcher {
  std::vector<std::string> phrases; // canonical forms
  std::vector<bool> whole_word;

  static bool space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  }
  static bool word(unsigned char c) { return std::isalnum(c) != 0 || c == '_'; }
  static unsigned char lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
  }

  // Length of the typographic form of ASCII `c` at text[t], or 0.
  static std::size_t typographic(std::string const& text, std::size_t t, char c) {
    static std::string const forms[3][2] = {{"\xE2\x80\x98", "\xE2\x80\x99"},
                                            {"\xE2\x80\x9C", "\xE2\x80\x9D"},
                                            {"\xE2\x80\x93", "\xE2\x80\x94"}};
    int const row = c == '\'' ? 0 : c == '"' ? 1 : c == '-' ? 2 : -1;
    if (row < 0) {
      return 0;
    }
    for (auto const& form : forms[row]) {
      if (text.compare(t, 3, form) == 0) {
        return 3;
      }
    }
    return 0;
  }

  std::vector<ipo::cue_match> run(std::string const& text) const {
    std::vector<ipo::cue_match> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (std::size_t id = 0; id < phrases.size(); ++id) {
        std::string const& p = phrases[id];
        std::size_t t = i;
        bool ok = true;
        for (std::size_t k = 0; k < p.size() && ok; ++k) {
          if (p[k] == ' ') {
            std::size_t const from = t;
            while (t < text.size() && space(static_cast<unsigned char>(text[t]))) {
              ++t;
            }
            ok = t > from;
          } else if (std::size_t const len = t < text.size() ? typographic(text, t, p[k]) : 0;
                     len != 0) {
            t += len;
          } else {
            ok = t < text.size() &&
                 lower(static_cast<unsigned char>(text[t])) == static_cast<unsigned char>(p[k]);
            ++t;
          }
        }
        if (!ok) {
          continue;
        }
        if (whole_word[id]) {
          if (word(static_cast<unsigned char>(p.front())) && i > 0 &&
              word(static_cast<unsigned char>(text[i - 1]))) {
            continue;
          }
          if (word(static_cast<unsigned char>(p.back())) && t < text.size() &&
              word(static_cast<unsigned char>(text[t]))) {
            continue;
          }
        }
        out.push_back({static_cast<std::uint32_t>(id), {i, t}});
      }
    }
    return out;
  }
};

inline naive_matcher naive_of(ipo::lexicon const& lex) {
  naive_matcher n;
  for (auto const& e : lex.entries()) {
    n.phrases.push_back(ipo::canonical_phrase(e.phrase));
    n.whole_word.push_back(e.whole_word);
  }
  return n;
}

/// A random lexicon for the path-equality tests: 1 to `max_phrases` draws of
/// `random_phrase()`, keeping the distinct ones with a non-empty canonical form; all whole-word
/// when `all_whole_word` (the matcher then scans word starts only), else each at random.
template <class Rng, class Phrase>
ipo::lexicon random_lexicon(Rng& rng, std::size_t max_phrases, bool all_whole_word,
                            Phrase&& random_phrase) {
  ipo::lexicon lex;
  std::size_t const phrases = 1 + rng() % max_phrases;
  for (std::size_t k = 0; k < phrases; ++k) {
    std::string const p = random_phrase();
    if (ipo::canonical_phrase(p).empty() || lex.find(p) != lex.size()) {
      continue;
    }
    lex.add({p, ipo::cue_kind::compliance, 1.0f, all_whole_word || rng() % 2 == 0});
  }
  return lex;
}

} // namespace naive
