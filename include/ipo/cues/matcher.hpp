// ipo/cues/matcher.hpp: a compiled multi-phrase matcher for cue lexicons.
//
// Semantics (the naive reference in the tests implements the same, plainly):
// - ASCII letters match case-insensitively; other bytes match themselves;
// - an apostrophe, a double quote or a hyphen in a phrase also matches its typographic forms
//   in the text (U+2018/U+2019, U+201C/U+201D, U+2013/U+2014);
// - a space in a phrase matches any run of ASCII white space (space, tab, CR, LF, VT, FF);
// - a whole-word phrase must not begin right after, nor end right before, an ASCII letter,
//   digit or underscore, on the sides where the phrase itself begins or ends with one;
// - every match of every phrase is reported, overlaps included, ordered by start offset and
//   then phrase id.
//
// Design (FDR-like): each phrase is anchored on a window of up to 4 bytes inside one of its
// plain words (no space, quote, apostrophe or dash), which the text must contain literally up
// to case; the window with the rarest letters is chosen, spreading phrases that share a
// common word over their rarer ones. At every text
// position a multiplicative hash of the 4-byte window, case-folded by OR-ing 0x20 into each
// byte (a fold that can only add false positives), indexes a 64 Ki-bit table per anchor
// length; a set bit sends the phrases registered under that hash to exact verification, which
// walks the phrase backwards from the anchor and forwards after it, one canonical character at
// a time (case folded, a white-space run read as one space, a typographic form as its ASCII
// character). The SIMD paths compute 4 x W hashes per step with xsimd and test the bitmap
// words they index; the scalar path does the same one position at a time. Matches are sorted
// by (start, phrase id) at the end.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo {

/// One occurrence of a lexicon phrase.
struct cue_match {
  std::uint32_t phrase; ///< the entry's id in the lexicon
  byte_span span;       ///< the matched bytes of the text
  friend constexpr bool operator==(cue_match const&, cue_match const&) noexcept = default;
};

namespace detail {

inline constexpr bool is_text_space(unsigned char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline constexpr bool is_word_byte(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}
inline constexpr unsigned char fold_ascii(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c | 0x20) : c;
}
/// Characters whose typographic forms are E2 80 xx sequences.
inline constexpr bool has_typographic_form(char c) noexcept {
  return c == '\'' || c == '"' || c == '-';
}
inline constexpr bool is_typographic_tail(char ascii, unsigned char third) noexcept {
  switch (ascii) {
  case '\'':
    return third == 0x98 || third == 0x99;
  case '"':
    return third == 0x9C || third == 0x9D;
  case '-':
    return third == 0x93 || third == 0x94;
  default:
    return false;
  }
}

/// The text bytes that can stand at the place of canonical phrase character `c`.
inline std::vector<unsigned char> bytes_for(char c) {
  auto const u = static_cast<unsigned char>(c);
  if (c == ' ') {
    return {' ', '\t', '\n', '\r', '\v', '\f'};
  }
  if (has_typographic_form(c)) {
    return {u, 0xE2};
  }
  if (u >= 'a' && u <= 'z') {
    return {u, static_cast<unsigned char>(u - 32)};
  }
  return {u};
}

} // namespace detail

/// The compiled matcher (see the top of this file). Immutable after construction, so one
/// matcher may serve many threads.
class phrase_matcher {
public:
  /// Compiles every phrase of `lex`. Phrase ids are lexicon entry ids.
  explicit phrase_matcher(lexicon const& lex) {
    check_argument(lex.size() < (std::size_t{1} << 31), "ipo::phrase_matcher", "lex.size()",
                   lex.size(), "fewer than 2^31 phrases");
    phrases_.reserve(lex.size());
    for (auto const& entry : lex.entries()) {
      phrases_.push_back(compile(canonical_phrase(entry.phrase), entry.whole_word));
    }
    build_tables();
  }

  std::size_t size() const noexcept { return phrases_.size(); }
  /// The canonical form of phrase `id` (what it is matched as).
  std::string const& canonical(std::size_t id) const noexcept { return phrases_[id].text; }

  /// Every match in `text`, in text order, written to `out` (cleared first); the best
  /// available architecture is chosen at run time.
  void find_all(std::string_view text, std::vector<cue_match>& out) const {
    out.clear();
    simd::dispatch<matcher_archs>([&](auto arch) { scan(arch, text, out); });
  }

  /// The scan on one architecture (simd::scalar or any xsimd architecture); appends to `out`
  /// and sorts what it appended. Public so that tests can run every path.
  template <class Arch>
  void scan(Arch, std::string_view text, std::vector<cue_match>& out) const {
    auto const* data = reinterpret_cast<unsigned char const*>(text.data());
    std::size_t const n = text.size();
    std::size_t const first_new = out.size();
    std::size_t i = 0;
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      using words = xsimd::batch<std::uint32_t, Arch>;
      constexpr std::size_t W = words::size;
      words const fold(0x20202020u), multiplier(kHashMultiplier), low5(31u), one(1u), zero(0u);
      // Step of 4W positions: the window at i + 4k + m is lane k of the load at i + m. Each
      // active table's bit is fetched for all lanes with one gather; only positions with a set
      // bit go on to the scalar check.
      for (; i + 4 * W + 3 <= n; i += 4 * W) {
        for (std::size_t m = 0; m < 4; ++m) {
          words const folded =
              words::load_unaligned(reinterpret_cast<std::uint32_t const*>(data + i + m)) | fold;
          words hit = zero;
          for (std::uint8_t const k : active_) {
            table const& t = tables_[k];
            words const h = ((folded & words(t.mask)) * multiplier) >> 16;
            words const word = words::gather(t.bits.data(), h >> 5);
            hit = hit | ((word >> (h & low5)) & one);
          }
          for (std::uint64_t lanes = simd::to_bitmask(hit != zero); lanes != 0;
               lanes &= lanes - 1) {
            std::size_t const position =
                i + 4 * static_cast<std::size_t>(std::countr_zero(lanes)) + m;
            std::uint32_t window;
            std::memcpy(&window, data + position, 4);
            check_position(data, n, position, from_little_endian(window) | 0x20202020u, out, false);
          }
          if (!unanchored_.empty()) {
            for (std::size_t lane = 0; lane < W; ++lane) {
              check_unanchored(data, n, i + 4 * lane + m, out);
            }
          }
        }
      }
    }
    for (; i + 4 <= n; ++i) { // an unaligned 4-byte load while one fits
      std::uint32_t window;
      std::memcpy(&window, data + i, 4);
      check_position(data, n, i, from_little_endian(window) | 0x20202020u, out);
    }
    for (; i < n; ++i) {
      check_position(data, n, i, window_at(data, n, i) | 0x20202020u, out);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_new), out.end(),
              [](cue_match const& a, cue_match const& b) {
                return a.span.begin != b.span.begin ? a.span.begin < b.span.begin
                                                    : a.phrase < b.phrase;
              });
  }

  /// The architectures find_all() may choose, best first (always ending with scalar).
  using matcher_archs = simd::compiled_archs;

private:
  static constexpr std::uint32_t kHashMultiplier = 0x9E3779B1u;

  struct compiled {
    std::string text; // canonical phrase
    bool whole_word;
    std::uint32_t anchor;        // offset of the anchor in `text`
    std::uint32_t anchor_length; // 1..4 bytes; 0 for a phrase without a plain character
  };
  // Phrases anchored on windows of one length: a 64 Ki-bit table and CSR lists by hash.
  struct table {
    std::uint32_t mask = 0;          // keeps the anchor's bytes of a 4-byte little-endian window
    std::vector<std::uint32_t> bits; // 65536 bits
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> ids;
  };

  static bool is_plain(char c) noexcept { return c != ' ' && !detail::has_typographic_form(c); }

  static compiled compile(std::string text, bool whole_word) {
    return {std::move(text), whole_word, 0, 0}; // the anchor is chosen by choose_anchors()
  }

  /// How unlikely a byte is in English text: -log2 of its letter frequency; other bytes count
  /// as fairly rare.
  static double rarity(unsigned char c) noexcept {
    static constexpr double per_mille[26] = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2,  8, 40, 24,
                                             67, 75, 19, 1,  60,  63, 91, 28, 10, 24, 2, 20, 1};
    if (c >= 'a' && c <= 'z') {
      return -std::log2(per_mille[c - 'a'] / 1000.0);
    }
    return c == '.' || c == ',' ? 4.0 : 6.0;
  }

  /// Frequent English 4-grams (inside common words such as "should", "about", "think"): a
  /// window among them makes a poor anchor, since it hits every few hundred bytes of prose.
  static bool is_common_window(std::string_view w) noexcept {
    // Windows are 4 plain bytes, so only 4-letter entries can ever match.
    static constexpr std::string_view common[] = {
        "tion", "ould", "woul", "shou", "coul", "houl", "ther", "that", "with", "ment", "ight",
        "ever", "here", "nder", "ally", "ting", "thin", "hink", "abou", "bout", "need", "ause",
        "this", "have", "from", "they", "were", "will", "what", "when", "your", "hich", "whic",
        "heir", "thei", "some", "them", "then", "than", "been", "more", "make", "like", "just",
        "into", "only", "also", "over", "such", "even", "most", "othe", "firs", "irst", "user",
        "ings", "ions", "able", "ance", "ence", "ough", "ring", "self", "tive", "ativ", "ctio",
        "ecti", "atio", "ower", "very", "know", "want", "wher", "help", "give", "thes", "hese",
        "thos", "hose", "each", "much", "many", "well", "back", "time"};
    for (auto const c : common) {
      if (c == w) {
        return true;
      }
    }
    return false;
  }

  /// Picks each phrase's anchor: among the windows of up to 4 bytes inside its runs of plain
  /// characters (longest runs first, 4-byte windows whenever a run allows), the one with the
  /// rarest bytes, penalised by how many phrases already use the same window, so that phrases
  /// sharing a common word ("should", "think") spread over their rarer words.
  void choose_anchors() {
    std::unordered_map<std::string, std::size_t> uses;
    for (auto& p : phrases_) {
      std::string const& t = p.text;
      std::size_t longest = 0;
      for (std::size_t k = 0; k < t.size();) {
        if (!is_plain(t[k])) {
          ++k;
          continue;
        }
        std::size_t end = k;
        while (end < t.size() && is_plain(t[end])) {
          ++end;
        }
        longest = std::max(longest, end - k);
        k = end;
      }
      if (longest == 0) {
        p.anchor_length = 0; // no plain character: tried at every position that can start it
        continue;
      }
      std::size_t const length = std::min<std::size_t>(longest, 4);
      double best_score = -1e300;
      for (std::size_t k = 0; k + length <= t.size(); ++k) {
        bool plain = true;
        double score = 0;
        for (std::size_t m = 0; m < length && plain; ++m) {
          plain = is_plain(t[k + m]);
          score += rarity(static_cast<unsigned char>(t[k + m]));
        }
        if (!plain) {
          continue;
        }
        auto const it = uses.find(t.substr(k, length));
        score -= 4.0 * static_cast<double>(it == uses.end() ? 0 : it->second);
        score -= is_common_window(std::string_view(t).substr(k, length)) ? 12.0 : 0.0;
        if (score > best_score) {
          best_score = score;
          p.anchor = static_cast<std::uint32_t>(k);
        }
      }
      p.anchor_length = static_cast<std::uint32_t>(length);
      ++uses[t.substr(p.anchor, length)];
    }
  }

  static std::uint32_t hash(std::uint32_t folded_window) noexcept {
    return (folded_window * kHashMultiplier) >> 16;
  }

  static std::uint32_t from_little_endian(std::uint32_t w) noexcept {
    if constexpr (std::endian::native == std::endian::big) {
      return ((w & 0xFFu) << 24) | ((w & 0xFF00u) << 8) | ((w >> 8) & 0xFF00u) | (w >> 24);
    } else {
      return w;
    }
  }

  /// The 4 bytes at i as a little-endian word, zero-padded past the end of the text.
  static std::uint32_t window_at(unsigned char const* data, std::size_t n, std::size_t i) noexcept {
    std::uint32_t w = 0;
    for (std::size_t k = 0; k < 4 && i + k < n; ++k) {
      w |= static_cast<std::uint32_t>(data[i + k]) << (8 * k);
    }
    return w;
  }

  static std::uint32_t anchor_window(compiled const& p) noexcept {
    std::uint32_t w = 0;
    for (std::uint32_t k = 0; k < p.anchor_length; ++k) {
      w |= static_cast<std::uint32_t>(static_cast<unsigned char>(p.text[p.anchor + k])) << (8 * k);
    }
    return w;
  }

  void build_tables() {
    choose_anchors();
    for (std::uint32_t length = 1; length <= 4; ++length) {
      tables_[length - 1].mask = length == 4 ? 0xFFFFFFFFu : ((1u << (8 * length)) - 1u);
    }
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      if (phrases_[id].anchor_length == 0) {
        unanchored_.push_back(id);
        for (unsigned char b : detail::bytes_for(phrases_[id].text[0])) {
          unanchored_start_[b] = true;
        }
      }
    }
    for (auto const& p : phrases_) {
      if (p.anchor_length == 0) {
        continue;
      }
      table& t = tables_[p.anchor_length - 1];
      if (t.bits.empty()) {
        t.bits.assign(65536 / 32, 0);
        t.offsets.assign(65537, 0);
      }
      ++t.offsets[hash(anchor_window(p) | (0x20202020u & t.mask)) + 1];
    }
    for (auto& t : tables_) {
      if (t.bits.empty()) {
        continue;
      }
      for (std::size_t h = 0; h < 65536; ++h) {
        t.offsets[h + 1] += t.offsets[h];
      }
      t.ids.assign(t.offsets.back(), 0);
    }
    std::array<std::vector<std::uint32_t>, 4> fill;
    for (std::size_t k = 0; k < 4; ++k) {
      if (!tables_[k].bits.empty()) {
        fill[k].assign(tables_[k].offsets.begin(), tables_[k].offsets.end() - 1);
      }
    }
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      if (phrases_[id].anchor_length == 0) {
        continue;
      }
      std::size_t const k = phrases_[id].anchor_length - 1;
      table& t = tables_[k];
      std::uint32_t const h = hash(anchor_window(phrases_[id]) | (0x20202020u & t.mask));
      t.bits[h >> 5] |= std::uint32_t{1} << (h & 31);
      t.ids[fill[k][h]++] = id;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (!tables_[k].bits.empty()) {
        active_.push_back(static_cast<std::uint8_t>(k));
      }
    }
  }

  /// Tests position i, whose 4-byte window folded is `folded`, against every anchor length.
  IPO_INLINE void check_position(unsigned char const* data, std::size_t n, std::size_t i,
                                 std::uint32_t folded, std::vector<cue_match>& out,
                                 bool with_unanchored = true) const {
    for (std::uint8_t const k : active_) {
      table const& t = tables_[k];
      std::uint32_t const h = hash(folded & t.mask);
      if ((t.bits[h >> 5] >> (h & 31) & 1u) != 0) [[unlikely]] {
        for (std::uint32_t e = t.offsets[h]; e < t.offsets[h + 1]; ++e) {
          verify(t.ids[e], data, n, i, out);
        }
      }
    }
    if (with_unanchored) {
      check_unanchored(data, n, i, out);
    }
  }

  /// Tries the phrases without a plain character at position i.
  IPO_INLINE void check_unanchored(unsigned char const* data, std::size_t n, std::size_t i,
                                   std::vector<cue_match>& out) const {
    if (!unanchored_.empty() && unanchored_start_[data[i]]) [[unlikely]] {
      for (std::uint32_t const id : unanchored_) {
        verify(id, data, n, i, out);
      }
    }
  }

  /// Reads the canonical character at text[t] forwards: returns it and advances t.
  static unsigned char next_character(unsigned char const* data, std::size_t n,
                                      std::size_t& t) noexcept {
    unsigned char const b = data[t];
    if (detail::is_text_space(b)) {
      while (t < n && detail::is_text_space(data[t])) {
        ++t;
      }
      return ' ';
    }
    if (b == 0xE2 && t + 2 < n && data[t + 1] == 0x80) {
      for (char const ascii : {'\'', '"', '-'}) {
        if (detail::is_typographic_tail(ascii, data[t + 2])) {
          t += 3;
          return static_cast<unsigned char>(ascii);
        }
      }
    }
    ++t;
    return detail::fold_ascii(b);
  }

  /// Reads the canonical character ending at text[t - 1] backwards: returns it and moves t
  /// to its first byte. Segments the bytes exactly as next_character() does: E2 80 xx forms
  /// cannot overlap, and a white-space run is one character either way.
  static unsigned char previous_character(unsigned char const* data, std::size_t& t) noexcept {
    unsigned char const b = data[t - 1];
    if (detail::is_text_space(b)) {
      while (t > 0 && detail::is_text_space(data[t - 1])) {
        --t;
      }
      return ' ';
    }
    if (t >= 3 && data[t - 3] == 0xE2 && data[t - 2] == 0x80) {
      for (char const ascii : {'\'', '"', '-'}) {
        if (detail::is_typographic_tail(ascii, b)) {
          t -= 3;
          return static_cast<unsigned char>(ascii);
        }
      }
    }
    --t;
    return detail::fold_ascii(b);
  }

  /// Verifies phrase `id` with its anchor at text offset j; appends the match.
  void verify(std::uint32_t id, unsigned char const* data, std::size_t n, std::size_t j,
              std::vector<cue_match>& out) const {
    compiled const& p = phrases_[id];
    // Anchor bytes and the rest of the phrase, forwards from j.
    std::size_t end = j;
    for (std::size_t k = p.anchor; k < p.text.size(); ++k) {
      if (end >= n || next_character(data, n, end) != static_cast<unsigned char>(p.text[k])) {
        return;
      }
    }
    // The part before the anchor, backwards from j.
    std::size_t begin = j;
    for (std::size_t k = p.anchor; k > 0; --k) {
      if (begin == 0 ||
          previous_character(data, begin) != static_cast<unsigned char>(p.text[k - 1])) {
        return;
      }
    }
    if (p.whole_word) {
      if (detail::is_word_byte(static_cast<unsigned char>(p.text.front())) && begin > 0 &&
          detail::is_word_byte(data[begin - 1])) {
        return;
      }
      if (detail::is_word_byte(static_cast<unsigned char>(p.text.back())) && end < n &&
          detail::is_word_byte(data[end])) {
        return;
      }
    }
    out.push_back({id, {begin, end}});
  }

  std::vector<compiled> phrases_;
  std::array<table, 4> tables_;              // by anchor length 1..4
  std::vector<std::uint8_t> active_;         // indices of the tables in use
  std::vector<std::uint32_t> unanchored_;    // phrases without a plain character
  std::array<bool, 256> unanchored_start_{}; // bytes at which one of them can start
};

} // namespace ipo
