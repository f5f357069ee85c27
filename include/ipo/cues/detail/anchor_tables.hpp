// ipo/cues/detail/anchor_tables.hpp: the matcher's anchors and the hash tables that find them.
//
// Each phrase is anchored on a window of its canonical characters (8 of them when the phrase
// has 8, else 4, 3, 2 or 1), chosen for rare letters, preferably spanning two words, and spread
// over other windows when phrases share one or other phrases contain it. Per anchor length, a
// 64 Ki-bit table of anchor hashes says whether a text window may hold an anchor, and per set
// bit a short list says which (docs/matcher.md). The AVX-512BW prefilter's in-register tables
// (window_filter_avx512.hpp) are filled from the same anchors.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/cues/detail/canonical_reading.hpp"
#include "ipo/cues/detail/window_filter_avx512.hpp"

namespace ipo::detail {

inline constexpr std::uint32_t kAnchorMultiplier1 = 0x9E3779B1u;
inline constexpr std::uint32_t kAnchorMultiplier2 = 0x85EBCA77u;
/// OR-ed into the 4-byte words of a window before hashing: folds ASCII letters to lower case
/// (and other bytes to something else: a fold that can only add false positives).
inline constexpr std::uint32_t kFold = 0x20202020u;
/// Anchor lengths, one table each: phrases of 8 or more characters are anchored on 8.
inline constexpr std::array<std::uint32_t, 5> kAnchorLengths = {8, 4, 3, 2, 1};

/// A phrase as the matcher compiles it.
struct compiled_phrase {
  std::string text; // canonical phrase
  bool whole_word;
  std::uint32_t anchor = 0; // offset of the anchor window in `text`
  std::uint32_t length = 0; // its length, one of kAnchorLengths
};

/// An anchor as the exact check sees it: a text window w (little-endian) holds the anchor when
/// ((w | letters) & mask) == bytes.
struct anchor_entry {
  std::uint64_t bytes;   // the canonical anchor, zero past its length
  std::uint64_t letters; // 0x20 in each byte that holds a letter (either case matches)
  std::uint64_t mask;    // 0xFF in each byte of the anchor
  std::uint32_t phrase;
};

/// The anchors of one length: a 64 Ki-bit table of their hashes and, per set bit in bit order,
/// the list of its anchors (CSR indexed by the bit's rank, so that a lookup touches a few small
/// arrays: 8 KiB of bits, 8 KiB of ranks, a few KiB of anchors).
struct anchor_table {
  std::uint32_t length = 0;
  std::uint32_t low_mask = 0;         // the bytes of the first 4-byte word that are hashed
  std::vector<std::uint32_t> bits;    // 65536 bits
  std::vector<std::uint32_t> rank;    // per 32-bit word of `bits`: the set bits before it
  std::vector<std::uint32_t> offsets; // per set bit, by rank: where its anchors begin
  std::vector<anchor_entry> entries;

  /// The anchors whose hash is h (whose bit is set).
  std::span<anchor_entry const> anchors_of(std::uint32_t h) const noexcept {
    std::uint32_t const below = bits[h >> 5] & ((std::uint32_t{1} << (h & 31)) - 1u);
    std::uint32_t const r = rank[h >> 5] + static_cast<std::uint32_t>(std::popcount(below));
    return std::span<anchor_entry const>(entries).subspan(offsets[r], offsets[r + 1] - offsets[r]);
  }
};

/// The hash of a window in the 8-character table (its two 4-byte words OR-ed with kFold).
inline std::uint32_t hash8(std::uint32_t low, std::uint32_t high) noexcept {
  return (low * kAnchorMultiplier1 + high * kAnchorMultiplier2) >> 16;
}
/// The table hash of a window whose two 4-byte words were OR-ed with kFold.
inline std::uint32_t hash(anchor_table const& t, std::uint32_t low, std::uint32_t high) noexcept {
  return t.length == 8 ? hash8(low, high) : ((low & t.low_mask) * kAnchorMultiplier1) >> 16;
}
/// Bit h of a table's bits.
inline bool bit_at(std::uint32_t const* bits, std::uint32_t h) noexcept {
  return (bits[h >> 5] >> (h & 31) & 1u) != 0;
}
inline bool has_bit(anchor_table const& t, std::uint32_t h) noexcept {
  return bit_at(t.bits.data(), h);
}

/// An (anchor length, character offset) pair at which some anchor holds a space, quote,
/// apostrophe or dash: where an irregular text character can sit inside an anchor window.
struct event_slot {
  std::uint8_t table;
  std::uint8_t offset;
};

/// The phrases, their anchors and every table built from them. Immutable once built.
class anchor_index {
public:
  /// Chooses the phrases' anchors and builds the tables.
  explicit anchor_index(std::vector<compiled_phrase> compiled) : phrases(std::move(compiled)) {
    build_tables();
    build_anchor_characters();
    build_word_start_lookup();
  }

  /// Tables with at most this many anchors, all shorter than 8 characters, are compared anchor
  /// by anchor in word-start mode (`direct_anchors`) instead of hashed.
  static constexpr std::size_t kDirectPerTable = 4;
  static constexpr std::size_t kDirectAnchors = 8;

  /// The key of a window in `direct_screen`: the low 5 bits of its first two bytes (bits 0-4
  /// and 8-12), which letter case does not change.
  static std::uint32_t direct_screen_key(std::uint64_t window) noexcept {
    return static_cast<std::uint32_t>(window) & 0x1F1Fu;
  }

  std::vector<compiled_phrase> phrases;
  std::array<anchor_table, kAnchorLengths.size()> tables;
  std::vector<std::uint8_t> active;    // indices of the tables in use
  bool long_anchors = false;           // whether the 8-character table is in use
  bool word_start_anchors = false;     // whether every anchor begins at a word start
  std::vector<event_slot> event_slots; // where irregular characters can sit in anchors
  std::uint32_t back_reach = 0;        // the largest offset in event_slots
  // Per offset in an anchor window, the canonical characters some anchor has there (256 bits).
  std::array<std::array<std::uint64_t, 4>, 8> anchor_characters{};
  window_filter_tables filter; // the gather-free prefilter's tables (AVX-512BW)
  // Word-start mode without the in-register filter: the anchors compared directly, the screen
  // of their first two bytes (bit k: one of them may begin a window of key k), and the tables
  // looked up by hash.
  std::vector<anchor_entry> direct_anchors;
  std::array<std::uint64_t, 128> direct_screen{};
  std::vector<std::uint8_t> hashed_tables;

private:
  static constexpr std::size_t kMaxPhrasesForHolderCounts = 8192;

  /// Whether every match of phrase p has a word start (a word byte after a non-word byte or at
  /// the text's start) at character k: a word character after a non-word character (a space,
  /// a quote, a dash and their text forms are all non-word bytes), or the first character of a
  /// whole-word phrase.
  /// How unlikely a canonical character is in English text: -log2 of its frequency; other
  /// bytes count as fairly rare.
  static double rarity(unsigned char c) noexcept {
    static constexpr double per_mille[26] = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2,  8, 40, 24,
                                             67, 75, 19, 1,  60,  63, 91, 28, 10, 24, 2, 20, 1};
    if (c >= 'a' && c <= 'z') {
      return -std::log2(per_mille[c - 'a'] / 1000.0);
    }
    if (c == ' ') {
      return 2.5; // about one character in six
    }
    return c == '.' || c == ',' ? 4.0 : 6.0;
  }

  /// Frequent English 4-grams (inside common words such as "should", "about", "think"): a
  /// 4-character anchor among them hits every few hundred bytes of prose.
  static bool is_common_window(std::string_view w) noexcept {
    static constexpr std::string_view common[] = {
        "tion", "ould", "woul", "shou", "coul", "houl", "ther", "that", "with", "ment", "ight",
        "ever", "here", "nder", "ally", "ting", "thin", "hink", "abou", "bout", "need", "ause",
        "this", "have", "from", "they", "were", "will", "what", "when", "your", "hich", "whic",
        "heir", "thei", "some", "them", "then", "than", "been", "more", "make", "like", "just",
        "into", "only", "also", "over", "such", "even", "most", "othe", "firs", "irst", "user",
        "ings", "ions", "able", "ance", "ence", "ough", "ring", "self", "tive", "ativ", "ctio",
        "ecti", "atio", "ower", "very", "know", "want", "wher", "help", "give", "thes", "hese",
        "thos", "hose", "each", "much", "many", "well", "back", "time", "the ", " the", "and ",
        " and", "ing ", " to ", "e th", "d th", " of ", "s th"};
    for (auto const c : common) {
      if (c == w) {
        return true;
      }
    }
    return false;
  }

  /// Frequent English words (function words and the verbs of reasoning text): an anchor made
  /// of them hits often, since every sentence holds some.
  static bool is_common_word(std::string_view w) noexcept {
    static constexpr std::string_view common[] = {
        "a",    "i",      "the",   "to",       "be",    "is",       "it",    "this",  "that",
        "of",   "and",    "or",    "in",       "on",    "for",      "with",  "as",    "at",
        "by",   "so",     "if",    "not",      "but",   "me",       "my",    "we",    "you",
        "they", "them",   "their", "he",       "she",   "an",       "are",   "was",   "were",
        "been", "should", "would", "could",    "will",  "can",      "have",  "has",   "do",
        "does", "let",    "make",  "how",      "what",  "about",    "need",  "think", "first",
        "like", "just",   "also",  "some",     "more",  "here",     "there", "now",   "then",
        "user", "want",   "wants", "asking",   "ask",   "question", "i'll",  "i'm",   "it's",
        "from", "into",   "which", "when",     "where", "than",     "other", "way",   "one",
        "two",  "three",  "maybe", "probably", "sure",  "okay",     "hmm",   "wait"};
    for (auto const c : common) {
      if (c == w) {
        return true;
      }
    }
    return false;
  }

  static bool starts_a_word(compiled_phrase const& p, std::size_t k) noexcept {
    auto const c = static_cast<unsigned char>(p.text[k]);
    return is_word_byte(c) &&
           (k == 0 ? p.whole_word : !is_word_byte(static_cast<unsigned char>(p.text[k - 1])));
  }

  /// Picks each phrase's anchor: the longest window length of kAnchorLengths that fits, and among
  /// its windows that neither begin nor end with a space, the one least likely in English
  /// text: letter rarities summed, halved inside common words, a bonus for spanning two
  /// words (word pairs are rarer than words), penalised by how many phrases already use the
  /// same window (phrases sharing a word spread over their other words).
  void choose_anchors() {
    word_start_anchors = std::all_of(phrases.begin(), phrases.end(), [](compiled_phrase const& p) {
      for (std::size_t k = 0; k < p.text.size(); ++k) {
        if (starts_a_word(p, k)) {
          return true;
        }
      }
      return false;
    });
    // How many phrases hold each window: an anchor inside other phrases hits wherever they
    // occur, only for its own verification to fail. Counted for lexicons of ordinary size.
    std::unordered_map<std::string_view, std::size_t> holders;
    if (phrases.size() <= kMaxPhrasesForHolderCounts) {
      std::vector<std::string_view> own;
      for (compiled_phrase const& p : phrases) {
        own.clear();
        for (std::uint32_t const length : kAnchorLengths) {
          for (std::size_t k = 0; k + length <= p.text.size(); ++k) {
            own.push_back(std::string_view(p.text).substr(k, length));
          }
        }
        std::sort(own.begin(), own.end());
        own.erase(std::unique(own.begin(), own.end()), own.end());
        for (std::string_view const w : own) {
          ++holders[w];
        }
      }
    }
    std::unordered_map<std::string, std::size_t> uses;
    std::vector<double> weight;
    for (auto& p : phrases) {
      std::string_view const t = p.text;
      weight.assign(t.size(), 0.0);
      for (std::size_t k = 0; k < t.size();) { // per character: its rarity, by word
        std::size_t end = k;
        while (end < t.size() && t[end] != ' ') {
          ++end;
        }
        bool const common = is_common_word(t.substr(k, end - k));
        for (std::size_t c = k; c < end; ++c) {
          weight[c] = rarity(static_cast<unsigned char>(t[c])) * (common ? 0.5 : 1.0);
        }
        if (end < t.size()) {
          weight[end] = rarity(' ');
        }
        k = end + 1;
      }
      for (std::uint32_t const length : kAnchorLengths) {
        double best_score = -1e300;
        bool found = false;
        for (std::size_t k = 0; k + length <= t.size(); ++k) {
          // A window may end with a space only in word-start mode, where each window is
          // read either raw or canonically, never both.
          if (t[k] == ' ' ||
              (word_start_anchors ? !starts_a_word(p, k) : t[k + length - 1] == ' ')) {
            continue;
          }
          std::string_view const w = t.substr(k, length);
          double score = 0;
          for (std::size_t c = k; c < k + length; ++c) {
            score += weight[c];
          }
          score += w.find(' ') != std::string_view::npos ? 4.0 : 0.0;
          auto const it = uses.find(std::string(w));
          score -= 4.0 * static_cast<double>(it == uses.end() ? 0 : it->second);
          auto const held = holders.find(w);
          score -= 6.0 * static_cast<double>(held == holders.end() ? 0 : held->second - 1);
          score -= length == 4 && is_common_window(w) ? 12.0 : 0.0;
          if (score > best_score) {
            best_score = score;
            p.anchor = static_cast<std::uint32_t>(k);
            found = true;
          }
        }
        if (found) { // a phrase is trimmed, so length 1 always finds a window
          p.length = length;
          ++uses[std::string(t.substr(p.anchor, length))];
          break;
        }
      }
    }
  }

  void build_tables() {
    choose_anchors();
    for (std::size_t k = 0; k < kAnchorLengths.size(); ++k) {
      tables[k].length = kAnchorLengths[k];
      tables[k].low_mask =
          kAnchorLengths[k] >= 4 ? 0xFFFFFFFFu : (1u << (8 * kAnchorLengths[k])) - 1u;
    }
    auto table_of = [](std::uint32_t length) {
      return static_cast<std::size_t>(
          std::find(kAnchorLengths.begin(), kAnchorLengths.end(), length) - kAnchorLengths.begin());
    };
    std::vector<anchor_entry> anchors(phrases.size());
    std::vector<std::uint32_t> hashes(phrases.size());
    for (std::uint32_t id = 0; id < phrases.size(); ++id) {
      compiled_phrase const& p = phrases[id];
      anchor_entry& a = anchors[id];
      a = {0, 0, 0, id};
      for (std::uint32_t k = 0; k < p.length; ++k) {
        auto const c = static_cast<unsigned char>(p.text[p.anchor + k]);
        a.bytes |= std::uint64_t{c} << (8 * k);
        a.mask |= std::uint64_t{0xFF} << (8 * k);
        a.letters |= std::uint64_t{c >= 'a' && c <= 'z' ? 0x20u : 0u} << (8 * k);
      }
      anchor_table& t = tables[table_of(p.length)];
      hashes[id] = hash(t, static_cast<std::uint32_t>(a.bytes) | kFold,
                        static_cast<std::uint32_t>(a.bytes >> 32) | kFold);
      if (t.bits.empty()) {
        t.bits.assign(65536 / 32, 0);
      }
      t.bits[hashes[id] >> 5] |= std::uint32_t{1} << (hashes[id] & 31);
    }
    auto rank_of = [](anchor_table const& t, std::uint32_t h) {
      return t.rank[h >> 5] + static_cast<std::uint32_t>(std::popcount(
                                  t.bits[h >> 5] & ((std::uint32_t{1} << (h & 31)) - 1u)));
    };
    std::array<std::vector<std::uint32_t>, kAnchorLengths.size()> fill;
    for (std::size_t k = 0; k < kAnchorLengths.size(); ++k) {
      anchor_table& t = tables[k];
      if (t.bits.empty()) {
        continue;
      }
      t.rank.assign(t.bits.size(), 0);
      std::uint32_t set = 0;
      for (std::size_t w = 0; w < t.bits.size(); ++w) {
        t.rank[w] = set;
        set += static_cast<std::uint32_t>(std::popcount(t.bits[w]));
      }
      t.offsets.assign(set + 1, 0);
      active.push_back(static_cast<std::uint8_t>(k));
      long_anchors = long_anchors || t.length == 8;
    }
    for (std::uint32_t id = 0; id < phrases.size(); ++id) {
      anchor_table& t = tables[table_of(phrases[id].length)];
      ++t.offsets[rank_of(t, hashes[id]) + 1];
    }
    for (std::size_t k = 0; k < kAnchorLengths.size(); ++k) {
      anchor_table& t = tables[k];
      for (std::size_t r = 1; r < t.offsets.size(); ++r) {
        t.offsets[r] += t.offsets[r - 1];
      }
      if (!t.offsets.empty()) {
        t.entries.resize(t.offsets.back());
        fill[k].assign(t.offsets.begin(), t.offsets.end() - 1);
      }
    }
    for (std::uint32_t id = 0; id < phrases.size(); ++id) {
      std::size_t const k = table_of(phrases[id].length);
      tables[k].entries[fill[k][rank_of(tables[k], hashes[id])]++] = anchors[id];
    }
    std::size_t short_count = 0;
    for (anchor_entry const& a : anchors) {
      short_count += a.mask != ~std::uint64_t{0};
    }
    // The in-register tables filter well up to about a thousand long anchors.
    filter.usable = anchors.size() - short_count <= 1024 &&
                    short_count <= detail::window_filter_tables::kMaxShortAnchors;
    if (filter.usable) {
      for (anchor_entry const& a : anchors) {
        std::uint64_t const folded = a.bytes | 0x2020202020202020u;
        if (a.mask == ~std::uint64_t{0}) {
          filter.add_long(folded, a.phrase);
        } else {
          filter.add_short(static_cast<std::uint32_t>(folded & a.mask),
                           static_cast<std::uint32_t>(a.mask), a.phrase);
        }
      }
    }
    for (compiled_phrase const& p : phrases) {
      for (std::uint32_t k = 0; k < p.length; ++k) {
        if (!is_plain(p.text[p.anchor + k])) {
          event_slots.push_back(
              {static_cast<std::uint8_t>(table_of(p.length)), static_cast<std::uint8_t>(k)});
          back_reach = std::max(back_reach, k);
        }
      }
    }
    std::sort(event_slots.begin(), event_slots.end(), [](event_slot a, event_slot b) {
      return a.table != b.table ? a.table < b.table : a.offset < b.offset;
    });
    event_slots.erase(std::unique(event_slots.begin(), event_slots.end(),
                                  [](event_slot a, event_slot b) {
                                    return a.table == b.table && a.offset == b.offset;
                                  }),
                      event_slots.end());
  }

  void build_word_start_lookup() {
    for (std::uint8_t const k : active) {
      anchor_table const& t = tables[k];
      if (t.length < 8 && t.entries.size() <= kDirectPerTable &&
          direct_anchors.size() + t.entries.size() <= kDirectAnchors) {
        for (anchor_entry const& a : t.entries) {
          direct_anchors.push_back(a);
          // Every key a window holding `a` can have: any second byte when `a` has one byte.
          bool const one_byte = ((a.mask >> 8) & 0xFFu) == 0;
          for (std::uint32_t second = 0; second < (one_byte ? 32u : 1u); ++second) {
            std::uint64_t const window =
                one_byte ? (a.bytes & 0xFFu) | (std::uint64_t{second} << 8) : a.bytes;
            std::uint32_t const key = direct_screen_key(window);
            direct_screen[key >> 6] |= std::uint64_t{1} << (key & 63);
          }
        }
      } else {
        hashed_tables.push_back(k);
      }
    }
  }

  void build_anchor_characters() {
    for (compiled_phrase const& p : phrases) {
      for (std::uint32_t k = 0; k < p.length; ++k) {
        auto const c = static_cast<unsigned char>(p.text[p.anchor + k]);
        anchor_characters[k][c >> 6] |= std::uint64_t{1} << (c & 63);
      }
    }
  }
};

} // namespace ipo::detail
