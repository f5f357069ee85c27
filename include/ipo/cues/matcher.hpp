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
// Design (FDR-like). Each phrase is anchored on a window of its canonical characters: 8 of
// them when the phrase has 8 (else 4, 3, 2 or 1), not beginning with a space, chosen for rare
// letters, preferably spanning two words (word pairs are rarer than words), and spread over
// other windows when phrases share one or other phrases contain it.
// - Word-start mode, when every phrase allows it (a word character after a non-word one, or
//   the first character of a whole-word phrase; every phrase of the default lexicon): anchors
//   begin at such characters, so every match holds its anchor at a word start of the text (a
//   word byte after a non-word byte), and only word starts are looked at. A word start whose
//   9 bytes hold no irregular byte (white space other than a single space, or 0xE2, the first
//   byte of a typographic form) is read raw: its 8 bytes, case-folded by OR-ing 0x20 (a fold
//   that can only add false positives), are hashed and looked up; the others are read
//   canonically (below) and looked up the same way. Each window is read one way only.
// - Every-position mode, otherwise: at every text position the 8 raw bytes are hashed per
//   anchor length and looked up in a 64 Ki-bit table, and each "event" (a white-space run
//   other than one space, a typographic form) looks up every anchor window that can hold it,
//   once per window, from its first irregular character; a hit is checked exactly (the bytes
//   equal the anchor up to letter case) before verification.
// - Verification compares the whole phrase with the text in one SIMD batch, which decides when
//   those bytes hold no irregular character; otherwise it compares 8 bytes at a time and reads
//   canonical characters (case folded, a white-space run as one space, a typographic form as
//   its ASCII character) only where the bytes meet an irregular one, backwards before the
//   anchor and forwards after it. Matches are sorted by (start, phrase id) at the end.
// Paths: scalar (an Aho-Corasick automaton over canonical characters, detail/
// phrase_automaton.hpp; for a lexicon whose automaton would pass 32 MiB, the hashes above one
// position at a time), xsimd (4 x W hashes per step, one gather per table), and on AVX-512BW
// a gather-free prefilter (three 2048-bit Bloom tables of 16-bit window hashes held in
// registers, see detail/window_filter_avx512.hpp); with VBMI2 as well, the word-start windows
// of a 4 KiB chunk are packed (vpcompressw) before the lookups, and a window that passes goes
// from its hash straight to its phrases. Every path returns exactly the naive reference's
// matches.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/detail/phrase_automaton.hpp"
#include "ipo/cues/detail/window_filter_avx512.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/simd/stream.hpp"

namespace ipo {

/// One occurrence of a lexicon phrase.
struct cue_match {
  std::uint32_t phrase; ///< the entry's id in the lexicon
  byte_span span;       ///< the matched bytes of the text
  friend constexpr bool operator==(cue_match const&, cue_match const&) noexcept = default;
};

namespace detail {

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
      phrases_.push_back({canonical_phrase(entry.phrase), entry.whole_word});
    }
    build_tables();
    build_anchor_characters();
    build_verifiers();
    check_argument(verify_bytes_.size() <= std::size_t{0xFFFFFFFF}, "ipo::phrase_matcher",
                   "lex.size()", lex.size(), "a lexicon of fewer than 4 GiB of phrase bytes");
    std::vector<std::string> canonical_texts;
    canonical_texts.reserve(phrases_.size());
    for (compiled const& p : phrases_) {
      canonical_texts.push_back(p.text);
    }
    automaton_.build(canonical_texts); // stays empty past its size budget: then hashes
  }

  std::size_t size() const noexcept { return phrases_.size(); }
  /// The canonical form of phrase `id` (what it is matched as).
  std::string const& canonical(std::size_t id) const noexcept { return phrases_[id].text; }
  /// The anchor of phrase `id`: the canonical window the filter looks for (diagnostics).
  std::string_view anchor(std::size_t id) const noexcept {
    return std::string_view(phrases_[id].text).substr(phrases_[id].anchor, phrases_[id].length);
  }

  /// Whether every anchor begins at a word start (see the top of this file): true when every
  /// phrase has a word character after a non-word one, or is whole-word and begins with a
  /// word character. The scan then looks at word starts only (diagnostics).
  bool anchors_at_word_starts() const noexcept { return word_start_anchors_; }

  /// Every match in `text`, in text order, written to `out` (cleared first); the best
  /// available architecture is chosen at run time.
  void find_all(std::string_view text, std::vector<cue_match>& out) const {
    out.clear();
    simd::dispatch<matcher_archs>([&](auto arch) { scan(arch, text, out); });
  }

  /// The path find_all() takes on this machine: the architecture's name (as
  /// simd::arch_name() gives it), then "+vbmi2" when the AVX-512 scan packs word starts, or
  /// "aho-corasick" / "hash" for the scalar path.
  std::string path_name() const {
    return simd::dispatch<matcher_archs>([&](auto arch) -> std::string {
      using Arch = decltype(arch);
      if constexpr (std::is_same_v<Arch, simd::scalar>) {
        return automaton_.empty() ? "scalar (hash)" : "scalar (aho-corasick)";
      } else {
        std::string name = simd::arch_name<Arch>();
#if defined(__AVX512VBMI2__)
        if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
          if (word_start_anchors_ && filter_.usable) { // as scan_word_start_blocks decides
            name += "+vbmi2";
          }
        }
#endif
        return name;
      }
    });
  }

  /// The scan on one architecture (simd::scalar or any xsimd architecture); appends to `out`
  /// and sorts what it appended. Public so that tests can run every path.
  ///
  /// Memory traffic: the text is read once from memory (each byte by a few overlapping loads
  /// from cache, prefetched 4 KiB ahead), plus the filter's tables (8 KiB bit tables per
  /// anchor length, 8 KiB of anchor buckets, the phrases' packed bytes), which stay in L1/L2.
  template <class Arch>
  void scan(Arch arch, std::string_view text, std::vector<cue_match>& out) const {
    auto const* data = reinterpret_cast<unsigned char const*>(text.data());
    std::size_t const n = text.size();
    std::size_t const first_new = out.size();
    match_sink sink(out);
    scan_into(arch, data, n, sink);
    sink.flush();
    sort_matches(out, first_new);
  }

  /// The architectures find_all() may choose, best first (always ending with scalar). Not
  /// AVX-512F without BW: its byte lanes are emulated, and AVX2 scans 2.5x faster there.
  using matcher_archs = simd::without_arch<simd::compiled_archs, xsimd::avx512f>;

private:
  /// Where the scan puts its matches: a staging array that a match is always written to and
  /// kept in only when it counts, so that the hot path appends without a branch; flushed
  /// into the caller's vector when full and at the end.
  class match_sink {
  public:
    explicit match_sink(std::vector<cue_match>& out) noexcept : out_(out) {}
    IPO_INLINE void add(cue_match const& match, bool keep) {
      staged_[count_] = {match.phrase, match.span.begin, match.span.end};
      count_ += keep && match.span.end <= limit_ ? 1u : 0u;
      if (count_ == staged_.size()) [[unlikely]] {
        flush();
      }
    }
    /// Matches that end past `limit` are dropped (the zero padding of a short text's copy).
    void set_limit(std::size_t limit) noexcept { limit_ = limit; }
    void flush() {
      for (std::size_t k = 0; k < count_; ++k) {
        out_.push_back(cue_match{staged_[k].phrase, {staged_[k].begin, staged_[k].end}});
      }
      count_ = 0;
    }

  private:
    // No default member initializers: the staging array is not zero-filled on every scan
    // (6 KiB, a cost that showed on the short texts a streaming monitor scans).
    struct staged_match {
      std::uint32_t phrase;
      std::size_t begin;
      std::size_t end;
    };
    std::vector<cue_match>& out_;
    std::array<staged_match, 256> staged_;
    std::size_t count_ = 0;
    std::size_t limit_ = ~std::size_t{0};
  };

  /// Texts up to this size are scanned from a zero-padded copy (see scan_into).
  static constexpr std::size_t kPaddedScan = 4096;

  template <class Arch>
  void scan_into(Arch arch, unsigned char const* data, std::size_t n, match_sink& out) const {
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      // The block loops stop `reach` bytes before the end (their loads read ahead) and leave
      // the rest to the byte-at-a-time tail below, which is most of a short text (a streaming
      // monitor scans a few hundred bytes at a time). A short text is scanned from a copy
      // followed by zeros instead, so the block loops cover all of it: a zero byte is not a
      // word byte, white space or a typographic form, so word boundaries are the same as at
      // the end of the text, and a match that reaches into the zeros (a phrase may hold NUL
      // bytes) is dropped.
      constexpr std::size_t reach = 2 * xsimd::batch<std::uint8_t, Arch>::size + 8;
      if (n > 0 && n <= kPaddedScan) {
        alignas(64) unsigned char padded[kPaddedScan + reach + 64];
        std::memcpy(padded, data, n);
        std::memset(padded + n, 0, reach + 64);
        out.set_limit(n);
        scan_into(arch, padded, n + reach, n, out);
        out.set_limit(~std::size_t{0});
        return;
      }
    }
    scan_into(arch, data, n, n, out);
  }

  /// The scan of data[0, n) whose matches lie in [0, text_end): bytes past text_end, if any,
  /// are zeros that only let the block loops read ahead.
  template <class Arch>
  void scan_into(Arch arch, unsigned char const* data, std::size_t n, std::size_t text_end,
                 match_sink& out) const {
    std::size_t i = 0;
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      i = word_start_anchors_ ? scan_word_start_blocks(arch, data, n, out)
                              : scan_position_blocks(arch, data, n, out);
    } else if (!automaton_.empty()) {
      scan_automaton(data, n, out);
      return;
    }
    for (; i < text_end; ++i) { // the tail, or the whole text on the scalar hash path
      if (word_start_anchors_) {
        if (is_word_byte(data[i]) && (i == 0 || !is_word_byte(data[i - 1]))) {
          if (irregular_window(data, n, i)) {
            check_canonical(data, n, i, out);
          } else {
            check_position(simd::scalar{}, data, n, i, out);
          }
        }
        continue;
      }
      if (!event_slots_.empty() && is_event(data, n, i)) [[unlikely]] {
        check_event(data, n, i, out);
      }
      check_position(simd::scalar{}, data, n, i, out);
    }
  }

  static constexpr std::uint32_t kMultiplier1 = 0x9E3779B1u;
  static constexpr std::uint32_t kMultiplier2 = 0x85EBCA77u;
  static constexpr std::uint32_t kFold = 0x20202020u;
  // Anchor lengths, one table each: phrases of 8 or more characters are anchored on 8.
  static constexpr std::array<std::uint32_t, 5> kLengths = {8, 4, 3, 2, 1};
  static constexpr std::size_t kMaxPhrasesForHolderCounts = 8192;
  static constexpr std::size_t kVerifyPadding = 64; // zero bytes after a phrase: one SIMD load

  struct compiled {
    std::string text; // canonical phrase
    bool whole_word;
    std::uint32_t anchor = 0; // offset of the anchor window in `text`
    std::uint32_t length = 0; // its length, one of kLengths
  };
  // What verify() reads of a phrase, packed: 12 bytes here, its bytes in verify_bytes_.
  struct verifier {
    std::uint32_t bytes;  // offset in verify_bytes_ of the canonical text, kVerifyPadding zero
                          // bytes, then 0x20 per letter of the text (else 0) and as many zeros
    std::uint16_t length; // of the canonical text
    std::uint16_t anchor; // offset of the anchor window in it
    bool word_before;     // a match must not follow a word byte
    bool word_after;      // a match must not precede a word byte
  };
  // An anchor as the exact check sees it: a text window w (little-endian) holds the anchor
  // when ((w | letters) & mask) == bytes.
  struct anchor_entry {
    std::uint64_t bytes;   // the canonical anchor, zero past its length
    std::uint64_t letters; // 0x20 in each byte that holds a letter (either case matches)
    std::uint64_t mask;    // 0xFF in each byte of the anchor
    std::uint32_t phrase;
  };
  // The anchors of one length: a 64 Ki-bit table of their hashes and, per set bit in bit
  // order, the list of its anchors (CSR indexed by the bit's rank, so that a lookup touches
  // a few small arrays: 8 KiB of bits, 8 KiB of ranks, a few KiB of anchors).
  struct table {
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
      return std::span<anchor_entry const>(entries).subspan(offsets[r],
                                                            offsets[r + 1] - offsets[r]);
    }
  };
  // An (anchor length, character offset) pair at which some anchor holds a space, quote,
  // apostrophe or dash: where an irregular text character can sit inside an anchor window.
  struct event_slot {
    std::uint8_t table;
    std::uint8_t offset;
  };

  static bool is_plain(char c) noexcept {
    return c != ' ' && !detail::has_typographic_form(c);
  }

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

  /// Whether every match of phrase p has a word start (a word byte after a non-word byte or
  /// at the text's start) at character k: a word character after a non-word character (a
  /// space, a quote, a dash and their text forms are all non-word bytes), or the first
  /// character of a whole-word phrase.
  static bool starts_a_word(compiled const& p, std::size_t k) noexcept {
    auto const c = static_cast<unsigned char>(p.text[k]);
    return is_word_byte(c) &&
           (k == 0 ? p.whole_word : !is_word_byte(static_cast<unsigned char>(p.text[k - 1])));
  }

  /// Picks each phrase's anchor: the longest window length of kLengths that fits, and among
  /// its windows that neither begin nor end with a space, the one least likely in English
  /// text: letter rarities summed, halved inside common words, a bonus for spanning two
  /// words (word pairs are rarer than words), penalised by how many phrases already use the
  /// same window (phrases sharing a word spread over their other words).
  void choose_anchors() {
    word_start_anchors_ = std::all_of(phrases_.begin(), phrases_.end(), [](compiled const& p) {
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
    if (phrases_.size() <= kMaxPhrasesForHolderCounts) {
      std::vector<std::string_view> own;
      for (compiled const& p : phrases_) {
        own.clear();
        for (std::uint32_t const length : kLengths) {
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
    for (auto& p : phrases_) {
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
      for (std::uint32_t const length : kLengths) {
        double best_score = -1e300;
        bool found = false;
        for (std::size_t k = 0; k + length <= t.size(); ++k) {
          // A window may end with a space only in word-start mode, where each window is
          // read either raw or canonically, never both.
          if (t[k] == ' ' ||
              (word_start_anchors_ ? !starts_a_word(p, k) : t[k + length - 1] == ' ')) {
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

  static std::uint64_t from_little_endian(std::uint64_t w) noexcept {
    if constexpr (std::endian::native == std::endian::big) {
      std::uint64_t r = 0;
      for (int k = 0; k < 8; ++k) {
        r = (r << 8) | ((w >> (8 * k)) & 0xFFu);
      }
      return r;
    } else {
      return w;
    }
  }

  /// The 8 bytes at p as a little-endian word, zero-padded past the end of the text.
  static std::uint64_t window_at(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
    if (p + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, data + p, 8);
      return from_little_endian(w);
    }
    std::uint64_t w = 0;
    for (std::size_t k = 0; p + k < n && k < 8; ++k) {
      w |= static_cast<std::uint64_t>(data[p + k]) << (8 * k);
    }
    return w;
  }

  /// The table hash of a window whose two 4-byte words were OR-ed with kFold (a fold that can
  /// only add false positives; the exact check follows).
  static std::uint32_t hash(table const& t, std::uint32_t low, std::uint32_t high) noexcept {
    std::uint32_t const product = (low & t.low_mask) * kMultiplier1;
    return (t.length == 8 ? product + high * kMultiplier2 : product) >> 16;
  }
  static bool has_bit(table const& t, std::uint32_t h) noexcept {
    return (t.bits[h >> 5] >> (h & 31) & 1u) != 0;
  }

  void build_tables() {
    choose_anchors();
    for (std::size_t k = 0; k < kLengths.size(); ++k) {
      tables_[k].length = kLengths[k];
      tables_[k].low_mask = kLengths[k] >= 4 ? 0xFFFFFFFFu : (1u << (8 * kLengths[k])) - 1u;
    }
    auto table_of = [](std::uint32_t length) {
      return static_cast<std::size_t>(std::find(kLengths.begin(), kLengths.end(), length) -
                                      kLengths.begin());
    };
    std::vector<anchor_entry> anchors(phrases_.size());
    std::vector<std::uint32_t> hashes(phrases_.size());
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      compiled const& p = phrases_[id];
      anchor_entry& a = anchors[id];
      a = {0, 0, 0, id};
      for (std::uint32_t k = 0; k < p.length; ++k) {
        auto const c = static_cast<unsigned char>(p.text[p.anchor + k]);
        a.bytes |= std::uint64_t{c} << (8 * k);
        a.mask |= std::uint64_t{0xFF} << (8 * k);
        a.letters |= std::uint64_t{c >= 'a' && c <= 'z' ? 0x20u : 0u} << (8 * k);
      }
      table& t = tables_[table_of(p.length)];
      hashes[id] = hash(t, static_cast<std::uint32_t>(a.bytes) | kFold,
                        static_cast<std::uint32_t>(a.bytes >> 32) | kFold);
      if (t.bits.empty()) {
        t.bits.assign(65536 / 32, 0);
      }
      t.bits[hashes[id] >> 5] |= std::uint32_t{1} << (hashes[id] & 31);
    }
    auto rank_of = [](table const& t, std::uint32_t h) {
      return t.rank[h >> 5] + static_cast<std::uint32_t>(std::popcount(
                                  t.bits[h >> 5] & ((std::uint32_t{1} << (h & 31)) - 1u)));
    };
    std::array<std::vector<std::uint32_t>, kLengths.size()> fill;
    for (std::size_t k = 0; k < kLengths.size(); ++k) {
      table& t = tables_[k];
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
      active_.push_back(static_cast<std::uint8_t>(k));
      long_anchors_ = long_anchors_ || t.length == 8;
    }
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      table& t = tables_[table_of(phrases_[id].length)];
      ++t.offsets[rank_of(t, hashes[id]) + 1];
    }
    for (std::size_t k = 0; k < kLengths.size(); ++k) {
      table& t = tables_[k];
      for (std::size_t r = 1; r < t.offsets.size(); ++r) {
        t.offsets[r] += t.offsets[r - 1];
      }
      if (!t.offsets.empty()) {
        t.entries.resize(t.offsets.back());
        fill[k].assign(t.offsets.begin(), t.offsets.end() - 1);
      }
    }
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      std::size_t const k = table_of(phrases_[id].length);
      tables_[k].entries[fill[k][rank_of(tables_[k], hashes[id])]++] = anchors[id];
    }
    std::size_t short_count = 0;
    for (anchor_entry const& a : anchors) {
      short_count += a.mask != ~std::uint64_t{0};
    }
    // The in-register tables filter well up to about a thousand long anchors.
    filter_.usable = anchors.size() - short_count <= 1024 &&
                     short_count <= detail::window_filter_tables::kMaxShortAnchors;
    if (filter_.usable) {
      for (anchor_entry const& a : anchors) {
        std::uint64_t const folded = a.bytes | 0x2020202020202020u;
        if (a.mask == ~std::uint64_t{0}) {
          filter_.add_long(folded, a.phrase);
        } else {
          filter_.add_short(static_cast<std::uint32_t>(folded & a.mask),
                            static_cast<std::uint32_t>(a.mask), a.phrase);
        }
      }
    }
    for (compiled const& p : phrases_) {
      for (std::uint32_t k = 0; k < p.length; ++k) {
        if (!is_plain(p.text[p.anchor + k])) {
          event_slots_.push_back(
              {static_cast<std::uint8_t>(table_of(p.length)), static_cast<std::uint8_t>(k)});
          back_reach_ = std::max(back_reach_, k);
        }
      }
    }
    std::sort(event_slots_.begin(), event_slots_.end(), [](event_slot a, event_slot b) {
      return a.table != b.table ? a.table < b.table : a.offset < b.offset;
    });
    event_slots_.erase(std::unique(event_slots_.begin(), event_slots_.end(),
                                   [](event_slot a, event_slot b) {
                                     return a.table == b.table && a.offset == b.offset;
                                   }),
                       event_slots_.end());
  }

  /// Asks for the text 4 KiB ahead of offset i: the hardware prefetcher alone leaves the scan
  /// waiting on memory for about a tenth of its time.
  IPO_INLINE static void prefetch_ahead(unsigned char const* data, std::size_t n,
                                        std::size_t i) noexcept {
    if (i + kPrefetchDistance < n) {
      simd::prefetch(data + i + kPrefetchDistance);
    }
  }
  static constexpr std::size_t kPrefetchDistance = 4096;

  /// What one SIMD block of bytes holds, one bit per byte.
  struct block_masks {
    std::uint64_t word;      // ASCII letters, digits and underscores
    std::uint64_t white;     // ASCII white space
    std::uint64_t irregular; // bytes after which raw and canonical characters may differ
  };

  /// Classifies the block at data (`previous_white`: whether the byte before it is white
  /// space). Irregular: white space other than ' ', white space after white space, and 0xE2
  /// (the first byte of the typographic forms), as irregular_window() reads them.
  template <class Arch>
  static block_masks classify_block(Arch, unsigned char const* data, bool previous_white) noexcept {
    using bytes = xsimd::batch<std::uint8_t, Arch>;
    bytes const b = bytes::load_unaligned(data);
    std::uint64_t const word = simd::to_bitmask(
        ((b | bytes(std::uint8_t(0x20))) - bytes(std::uint8_t('a'))) < bytes(std::uint8_t(26)) ||
        (b - bytes(std::uint8_t('0'))) < bytes(std::uint8_t(10)) || b == bytes(std::uint8_t('_')));
    auto const other_white = (b - bytes(std::uint8_t('\t'))) < bytes(std::uint8_t(5));
    std::uint64_t const white = simd::to_bitmask(other_white || b == bytes(std::uint8_t(' ')));
    std::uint64_t const odd = simd::to_bitmask(other_white || b == bytes(std::uint8_t(0xE2)));
    return {word, white, odd | (white & ((white << 1) | std::uint64_t{previous_white}))};
  }

  /// Bit j: whether any of bits j..j+8 of the 2 x `block`-bit word (high above low) is set.
  template <std::size_t block>
  static std::uint64_t within_nine(std::uint64_t low, std::uint64_t high) noexcept {
    if constexpr (block == 64) {
      auto const shift = [](std::uint64_t lo, std::uint64_t hi, int d) {
        return (lo >> d) | (hi << (64 - d));
      };
      std::uint64_t const one_lo = low | shift(low, high, 1), one_hi = high | (high >> 1);
      std::uint64_t const two_lo = one_lo | shift(one_lo, one_hi, 2),
                          two_hi = one_hi | (one_hi >> 2);
      return two_lo | shift(two_lo, two_hi, 4) | shift(low, high, 8);
    } else {
      static_assert(block <= 32);
      std::uint64_t x = low | (high << block);
      x |= (x >> 1);
      x |= (x >> 2);
      x = x | (x >> 4) | ((low | (high << block)) >> 8);
      return x & ((std::uint64_t{1} << block) - 1);
    }
  }

#if defined(__AVX512BW__)
  /// The in-register prefilter on AVX-512BW when the lexicon suits it, else none.
  template <class Arch>
  std::optional<detail::window_filter_avx512> register_filter(Arch) const noexcept {
    std::optional<detail::window_filter_avx512> filter;
    if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
      if (filter_.usable) {
        filter.emplace(filter_);
      }
    }
    return filter;
  }
#endif

  /// The word starts of consecutive blocks (from the text's first), split into those read raw
  /// and those read canonically (whose 9 bytes hold an irregular byte). Classifies each block
  /// once, one block ahead.
  template <class Arch>
  class word_start_walker {
  public:
    static constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
    struct starts {
      std::uint64_t raw, canonical;
    };
    word_start_walker(Arch arch, unsigned char const* data) noexcept
        : current_(classify_block(arch, data, false)) {}
    /// The block at `data`, the one after the last step's; reads data[0..2 block - 1].
    IPO_INLINE starts step(Arch arch, unsigned char const* data) noexcept {
      block_masks const next =
          classify_block(arch, data + block, ((current_.white >> (block - 1)) & 1u) != 0);
      std::uint64_t const all = current_.word & ~((current_.word << 1) | previous_word_);
      previous_word_ = ((current_.word >> (block - 1)) & 1u) != 0;
      std::uint64_t irregular = 0;
      if ((current_.irregular | next.irregular) != 0) [[unlikely]] {
        irregular = within_nine<block>(current_.irregular, next.irregular);
      }
      current_ = next;
      return {all & ~irregular, all & irregular};
    }

  private:
    block_masks current_;
    bool previous_word_ = false; // whether the byte before the current block is a word byte
  };

  /// Word-start mode (every anchor begins at a word start): per block, the word starts whose
  /// 9 bytes from there hold no irregular byte are filtered and checked on their raw bytes,
  /// the others (near a white-space run or a typographic form, rare) read canonically.
  /// Returns where the tail begins.
  template <class Arch>
  std::size_t scan_word_start_blocks(Arch arch, unsigned char const* data, std::size_t n,
                                     match_sink& out) const {
    constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
    static_assert(block <= 64);
    std::size_t i = 0;
    if (n < 2 * block + 8) {
      return i;
    }
#if defined(__AVX512BW__)
    auto const in_registers = register_filter(arch);
#if defined(__AVX512VBMI2__)
    if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
      if (in_registers) {
        return scan_word_starts_staged(arch, data, n, *in_registers, out);
      }
    }
#endif
#endif
    word_start_walker<Arch> walker(arch, data);
    for (; i + 2 * block + 8 <= n; i += block) {
      prefetch_ahead(data, n, i);
      auto const [raw, canonical] = walker.step(arch, data + i);
      for (std::uint64_t s = canonical; s != 0; s &= s - 1) {
        check_canonical(data, n, i + static_cast<std::size_t>(std::countr_zero(s)), out);
      }
#if defined(__AVX512BW__)
      if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (in_registers) {
          __mmask32 odd;
          for (std::uint32_t lanes = detail::window_filter_avx512::pairs(raw, odd) &
                                     in_registers->candidates(data + i, odd);
               lanes != 0; lanes &= lanes - 1) {
            auto const k = static_cast<std::size_t>(std::countr_zero(lanes));
            check_position(arch, data, n, i + 2 * k + ((odd >> k) & 1u), out);
          }
          continue;
        }
      }
#endif
      // Without registers for the tables, each word start (about one byte in five) is
      // hashed and looked up on its own: cheaper than gathering at every position.
      for (std::uint64_t s = raw; s != 0; s &= s - 1) {
        check_position(arch, data, n, i + static_cast<std::size_t>(std::countr_zero(s)), out);
      }
    }
    return i;
  }

#if defined(__AVX512VBMI2__)
  /// scan_word_start_blocks() with the in-register filter on AVX-512 VBMI2: per chunk of 64
  /// blocks, the raw word-start windows are hashed and packed (one block at a time), then
  /// looked up 32 at a time, and the candidates checked in text order together with the
  /// windows read canonically.
  template <class Arch>
  std::size_t scan_word_starts_staged(Arch arch, unsigned char const* data, std::size_t n,
                                      detail::window_filter_avx512 const& filter,
                                      match_sink& out) const {
    constexpr std::size_t block = 64;
    using staged_windows = detail::window_filter_avx512::staged_windows;
    constexpr std::size_t kChunkBlocks = staged_windows::capacity / (block / 2);
    static_assert(kChunkBlocks * block <= 65536, "offsets in a chunk fit 16 bits");
    // Per thread, not per call: 16 KiB allocated and zeroed per scan cost more than a short
    // step's scan (lanes past `count` are masked out, so stale contents are never used).
    static thread_local staged_windows staged_storage;
    staged_windows* const staged = &staged_storage;
    staged->count = 0;
    std::array<std::uint16_t, staged_windows::capacity> canonical, raw, raw_hash;
    word_start_walker<Arch> walker(arch, data);
    std::size_t i = 0;
    while (i + 2 * block + 8 <= n) {
      std::size_t const chunk = i;
      std::size_t canonical_count = 0;
      for (std::size_t b = 0; b < kChunkBlocks && i + 2 * block + 8 <= n; ++b, i += block) {
        prefetch_ahead(data, n, i);
        auto const [raw_starts, canonical_starts] = walker.step(arch, data + i);
        auto const offset = static_cast<std::uint16_t>(i - chunk);
        for (std::uint64_t s = canonical_starts; s != 0; s &= s - 1) {
          canonical[canonical_count++] = static_cast<std::uint16_t>(offset + std::countr_zero(s));
        }
        filter.stage(data + i, raw_starts, offset, *staged);
      }
      std::size_t raw_count = 0;
      filter.drain(*staged, [&](std::uint16_t p, std::uint16_t h) {
        raw[raw_count] = p;
        raw_hash[raw_count++] = h;
      });
      for (std::size_t c = 0, r = 0; c < canonical_count || r < raw_count;) {
        if (r == raw_count || (c < canonical_count && canonical[c] < raw[r])) {
          check_canonical(data, n, chunk + canonical[c++], out);
        } else {
          check_filtered(arch, data, n, chunk + raw[r], raw_hash[r], out);
          ++r;
        }
      }
    }
    return i;
  }

  /// A raw window that passed the in-register filter with hash h: the phrases whose long
  /// anchor has that hash, and those whose short anchor the window begins with, are verified
  /// (the whole phrase is compared, anchor included). Reads text[p..p+7].
  template <class Arch>
  IPO_INLINE void check_filtered(Arch arch, unsigned char const* data, std::size_t n, std::size_t p,
                                 std::uint16_t h, match_sink& out) const {
    using tables = detail::window_filter_tables;
    for (std::uint16_t e = filter_.first_long.empty() ? tables::kNone
                                                      : filter_.first_long[h % tables::kBuckets];
         e != tables::kNone; e = filter_.long_anchors[e].next) {
      if (filter_.long_anchors[e].hash == h) {
        verify_at_anchor(arch, filter_.long_anchors[e].phrase, data, n, p, out);
      }
    }
    if (!filter_.short_anchors.empty()) {
      std::uint32_t const folded = static_cast<std::uint32_t>(load8(data + p)) | kFold;
      for (detail::short_anchor const& a : filter_.short_anchors) {
        std::uint32_t const mask = a.first_mask | (std::uint32_t{a.second_mask} << 16);
        if ((folded & mask) == (a.first | (std::uint32_t{a.second} << 16))) {
          verify_at_anchor(arch, a.phrase, data, n, p, out);
        }
      }
    }
  }
#endif

  /// Every-position mode: the hash filter at every position, and the events among the bytes.
  /// Returns where the tail begins.
  template <class Arch>
  std::size_t scan_position_blocks(Arch arch, unsigned char const* data, std::size_t n,
                                   match_sink& out) const {
    constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
    bool const with_events = !event_slots_.empty();
    bool previous_space = false; // whether the byte before the block is white space
#if defined(__AVX512BW__)
    auto const in_registers = register_filter(arch);
#endif
    std::size_t i = 0;
    for (; i + block + 8 <= n; i += block) {
      prefetch_ahead(data, n, i);
      if (with_events) {
        check_block_events(arch, data, n, i, previous_space, out);
      }
#if defined(__AVX512BW__)
      if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (in_registers) {
          for (std::size_t parity = 0; parity < 2; ++parity) {
            for (std::uint64_t lanes = in_registers->candidates(data + i + parity); lanes != 0;
                 lanes &= lanes - 1) {
              check_position(arch, data, n,
                             i + 2 * static_cast<std::size_t>(std::countr_zero(lanes)) + parity,
                             out);
            }
          }
          continue;
        }
      }
#endif
      for_gather_candidates(arch, data + i,
                            [&](std::size_t j) { check_position(arch, data, n, i + j, out); });
    }
    return i;
  }

  /// Calls f(j) for each position j of the block at data whose window may hold an anchor:
  /// the window at 4k + m is lane k of the loads at m (its first 4 bytes) and m + 4 (the next
  /// 4); each active table's bit is fetched for all lanes with one gather. Reads data[0..B+7].
  template <class Arch, class F>
  void for_gather_candidates(Arch, unsigned char const* data, F&& f) const {
    using words = xsimd::batch<std::uint32_t, Arch>;
    static_assert(4 * words::size == xsimd::batch<std::uint8_t, Arch>::size);
    words const fold(kFold), first_multiplier(kMultiplier1), second_multiplier(kMultiplier2),
        low5(31u), one(1u), zero(0u);
    for (std::size_t m = 0; m < 4; ++m) {
      words const low =
          words::load_unaligned(reinterpret_cast<std::uint32_t const*>(data + m)) | fold;
      words const product = low * first_multiplier;
      words high_term = zero;
      if (long_anchors_) {
        high_term =
            (words::load_unaligned(reinterpret_cast<std::uint32_t const*>(data + m + 4)) | fold) *
            second_multiplier;
      }
      words hit = zero;
      for (std::uint8_t const k : active_) {
        table const& t = tables_[k];
        words const h = t.length == 8   ? (product + high_term) >> 16
                        : t.length == 4 ? product >> 16
                                        : ((low & words(t.low_mask)) * first_multiplier) >> 16;
        words const word = simd::gather(t.bits.data(), h >> 5);
        hit = hit | ((word >> (h & low5)) & one);
      }
      for (std::uint64_t lanes = simd::to_bitmask(hit != zero); lanes != 0; lanes &= lanes - 1) {
        f(4 * static_cast<std::size_t>(std::countr_zero(lanes)) + m);
      }
    }
  }

  /// Whether the 9 bytes from p (fewer at the end) hold an irregular byte, as classify_block()
  /// defines it: then the window at p is read canonically.
  static bool irregular_window(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
    for (std::size_t r = p; r < n && r <= p + 8; ++r) {
      unsigned char const b = data[r];
      if (b == 0xE2 ||
          (is_ascii_space(b) && (b != ' ' || (r > 0 && is_ascii_space(data[r - 1]))))) {
        return true;
      }
    }
    return false;
  }

  /// Looks up canonical characters `window` (the first in the low byte; those past the
  /// table's anchor length are ignored) in table t, and verifies each anchor equal to them
  /// as found at text offset p.
  void check_canonical_window(table const& t, std::uint64_t window, unsigned char const* data,
                              std::size_t n, std::size_t p, match_sink& out) const {
    std::uint64_t const w =
        t.length == 8 ? window : window & ((std::uint64_t{1} << (8 * t.length)) - 1);
    std::uint32_t const h =
        hash(t, static_cast<std::uint32_t>(w) | kFold, static_cast<std::uint32_t>(w >> 32) | kFold);
    if (!has_bit(t, h)) {
      return;
    }
    for (anchor_entry const& a : t.anchors_of(h)) {
      if (a.bytes == w) {
        verify(a.phrase, data, n, p, out);
      }
    }
  }

  /// The window at p read canonically (up to 8 characters) and looked up in every table.
  void check_canonical(unsigned char const* data, std::size_t n, std::size_t p,
                       match_sink& out) const {
    std::uint64_t window = 0;
    std::uint32_t count = 0; // characters read, all of which some anchor has at their offset
    for (std::size_t t = p; count < 8 && t < n; ++count) {
      unsigned char const c = next_character(data, n, t);
      if (((anchor_characters_[count][c >> 6] >> (c & 63)) & 1u) == 0) {
        break; // most windows here end a paragraph, and anchors seldom hold its end
      }
      window |= std::uint64_t{c} << (8 * count);
    }
    for (std::uint8_t const k : active_) {
      table const& t = tables_[k];
      if (t.length > count) {
        continue;
      }
      check_canonical_window(t, window, data, n, p, out);
    }
  }

  void build_anchor_characters() {
    for (compiled const& p : phrases_) {
      for (std::uint32_t k = 0; k < p.length; ++k) {
        auto const c = static_cast<unsigned char>(p.text[p.anchor + k]);
        anchor_characters_[k][c >> 6] |= std::uint64_t{1} << (c & 63);
      }
    }
  }

  void build_verifiers() {
    verifiers_.reserve(phrases_.size());
    for (compiled const& p : phrases_) {
      auto const is_word = [](char c) { return is_word_byte(static_cast<unsigned char>(c)); };
      verifiers_.push_back(
          {static_cast<std::uint32_t>(verify_bytes_.size()),
           static_cast<std::uint16_t>(p.text.size()), static_cast<std::uint16_t>(p.anchor),
           p.whole_word && is_word(p.text.front()), p.whole_word && is_word(p.text.back())});
      verify_bytes_.insert(verify_bytes_.end(), p.text.begin(), p.text.end());
      verify_bytes_.insert(verify_bytes_.end(), kVerifyPadding, 0);
      for (char const c : p.text) {
        verify_bytes_.push_back(c >= 'a' && c <= 'z' ? 0x20 : 0);
      }
      verify_bytes_.insert(verify_bytes_.end(), kVerifyPadding, 0);
    }
  }

  /// Sorts out[first..] by (start, phrase id). Matches arrive almost in order (a phrase starts
  /// at most its length before its anchor), so an insertion sort does it in about one pass;
  /// std::sort takes over if the input turns out to be far from sorted.
  static void sort_matches(std::vector<cue_match>& out, std::size_t first) {
    auto const before = [](cue_match const& a, cue_match const& b) {
      return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.phrase < b.phrase;
    };
    std::size_t budget = 8 * (out.size() - first) + 64; // element moves allowed
    for (std::size_t k = first + 1; k < out.size(); ++k) {
      if (!before(out[k], out[k - 1])) {
        continue;
      }
      cue_match const moving = out[k];
      std::size_t j = k;
      for (; j > first && before(moving, out[j - 1]) && budget > 0; --j, --budget) {
        out[j] = out[j - 1];
      }
      out[j] = moving;
      if (budget == 0) {
        std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), before);
        return;
      }
    }
  }

  /// Tests the raw window at p against every anchor length: an anchor is found where the text
  /// bytes equal it up to letter case, i.e. where every character of the window is regular.
  template <class Arch>
  IPO_INLINE void check_position(Arch arch, unsigned char const* data, std::size_t n, std::size_t p,
                                 match_sink& out) const {
    std::uint64_t const raw = window_at(data, n, p);
    std::uint32_t const low = static_cast<std::uint32_t>(raw) | kFold;
    std::uint32_t const high = static_cast<std::uint32_t>(raw >> 32) | kFold;
    for (std::uint8_t const k : active_) {
      table const& t = tables_[k];
      std::uint32_t const h = hash(t, low, high);
      if (has_bit(t, h) && p + t.length <= n) [[unlikely]] {
        for (anchor_entry const& a : t.anchors_of(h)) {
          if (((raw | a.letters) & a.mask) == a.bytes) {
            verify_at_anchor(arch, a.phrase, data, n, p, out);
          }
        }
      }
    }
  }

  /// The events among the bytes of one SIMD batch at text[i] (the text holds a byte after
  /// them): each start of a white-space run other than one ' ' and each possible typographic
  /// form goes to is_event(), then check_event(). `previous_space` carries whether the byte
  /// before the batch is white space from one call to the next.
  template <class Arch>
  void check_block_events(Arch, unsigned char const* data, std::size_t n, std::size_t i,
                          bool& previous_space, match_sink& out) const {
    using bytes = xsimd::batch<std::uint8_t, Arch>;
    constexpr std::size_t block = bytes::size;
    bytes const b = bytes::load_unaligned(data + i);
    std::uint64_t const space = simd::to_bitmask(b == bytes(std::uint8_t(' ')));
    std::uint64_t const white =
        space | simd::to_bitmask((b - bytes(std::uint8_t('\t'))) < bytes(std::uint8_t(5)));
    std::uint64_t const before = (white << 1) | std::uint64_t{previous_space};
    std::uint64_t const after =
        (white >> 1) | (std::uint64_t{is_ascii_space(data[i + block])} << (block - 1));
    std::uint64_t events =
        (white & ~before & (~space | after)) | simd::to_bitmask(b == bytes(std::uint8_t(0xE2)));
    previous_space = ((white >> (block - 1)) & 1u) != 0;
    for (; events != 0; events &= events - 1) {
      std::size_t const position = i + static_cast<std::size_t>(std::countr_zero(events));
      if (is_event(data, n, position)) [[unlikely]] {
        check_event(data, n, position, out);
      }
    }
  }

  /// The scalar path: the automaton reads the text's canonical characters once; each phrase
  /// ending at a character starts `length` characters back (a ring of character offsets).
  void scan_automaton(unsigned char const* data, std::size_t n, match_sink& out) const {
    constexpr std::size_t kRing = 512;
    static_assert(kRing >= max_phrase_bytes, "a phrase has at most max_phrase_bytes characters");
    std::array<std::size_t, kRing> starts{};
    std::uint32_t state = 0;
    std::size_t count = 0;
    for (std::size_t t = 0; t < n;) {
      std::size_t const start = t;
      state = automaton_.next(state, next_character(data, n, t));
      starts[count++ & (kRing - 1)] = start;
      for (std::uint32_t const id : automaton_.outputs(state)) {
        finish_match(id, data, n, starts[(count - verifiers_[id].length) & (kRing - 1)], t, out);
      }
    }
  }

  /// Whether the canonical character starting at text[p] is irregular: a white-space run other
  /// than one ' ', or a typographic form. The raw-window check cannot see an anchor across
  /// one; check_event() looks for those at the first irregular character of the window.
  static bool is_event(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
    unsigned char const b = data[p];
    if (is_ascii_space(b)) {
      return (p == 0 || !is_ascii_space(data[p - 1])) &&
             (b != ' ' || (p + 1 < n && is_ascii_space(data[p + 1])));
    }
    return b == 0xE2 && p + 2 < n && data[p + 1] == 0x80 &&
           (detail::is_typographic_tail('\'', data[p + 2]) ||
            detail::is_typographic_tail('"', data[p + 2]) ||
            detail::is_typographic_tail('-', data[p + 2]));
  }

  /// At an irregular character starting at text[p]: decodes the canonical characters around
  /// it (backwards while they are regular, so that a window is looked at only from its first
  /// irregular character) and tests each anchor window that can hold it.
  void check_event(unsigned char const* data, std::size_t n, std::size_t p, match_sink& out) const {
    std::uint64_t before = 0; // the regular characters before p, the nearest in the top byte
    std::array<std::size_t, 8> start{};
    start[0] = p;
    std::uint32_t regular = 0;
    for (std::size_t t = p; regular < back_reach_ && t > 0;) {
      std::size_t const end = t;
      unsigned char const c = previous_character(data, t);
      if (end - t != 1 || (c == ' ' && data[t] != ' ')) {
        break;
      }
      before |= std::uint64_t{c} << (8 * (7 - regular));
      start[++regular] = t;
    }
    std::uint64_t after = 0; // the characters from p on, the first in the low byte
    std::uint32_t ahead = 0;
    for (std::size_t t = p; ahead < 8 && t < n; ++ahead) {
      after |= std::uint64_t{next_character(data, n, t)} << (8 * ahead);
    }
    for (event_slot const slot : event_slots_) {
      table const& t = tables_[slot.table];
      std::uint32_t const q = slot.offset;
      if (q > regular || t.length - q > ahead) {
        continue;
      }
      check_canonical_window(t, q == 0 ? after : (before >> (8 * (8 - q))) | (after << (8 * q)),
                             data, n, start[q], out);
    }
  }

  /// Reads the canonical character at text[t] forwards: returns it and advances t.
  IPO_INLINE static unsigned char next_character(unsigned char const* data, std::size_t n,
                                                 std::size_t& t) noexcept {
    unsigned char const b = data[t];
    if (is_ascii_space(b)) {
      while (t < n && is_ascii_space(data[t])) {
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
    return fold_ascii(b);
  }

  /// Reads the canonical character ending at text[t - 1] backwards: returns it and moves t
  /// to its first byte. Segments the bytes exactly as next_character() does: E2 80 xx forms
  /// cannot overlap, and a white-space run is one character either way.
  static unsigned char previous_character(unsigned char const* data, std::size_t& t) noexcept {
    unsigned char const b = data[t - 1];
    if (is_ascii_space(b)) {
      while (t > 0 && is_ascii_space(data[t - 1])) {
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
    return fold_ascii(b);
  }

  /// 8 bytes from p as a little-endian word.
  static std::uint64_t load8(void const* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return from_little_endian(w);
  }

  /// Where text bytes differ from phrase bytes, what the first differing byte says.
  enum class byte_compare { equal, differ, irregular };

  /// Compares text[0, count) with the phrase's bytes [k, k + count), 8 at a time, forwards
  /// or backwards; `readable` bytes may be read from `text` on. At the first difference met:
  /// `irregular` when the text byte may begin (forwards) or end (backwards) an irregular
  /// character, for the canonical reading to decide, and `differ` when no reading can match.
  byte_compare compare_raw(verifier const& v, std::size_t k, unsigned char const* text,
                           std::size_t count, std::size_t readable, bool forwards) const noexcept {
    unsigned char const* const phrase = verify_bytes_.data() + v.bytes + k;
    unsigned char const* const letters = phrase + v.length + kVerifyPadding;
    for (std::size_t done = 0; done < count;) {
      std::size_t const c = std::min<std::size_t>(8, count - done);
      std::size_t const offset = forwards ? done : count - done - c;
      std::uint64_t raw;
      if (offset + 8 <= readable) {
        raw = load8(text + offset);
      } else {
        raw = 0;
        for (std::size_t b = 0; b < c; ++b) {
          raw |= std::uint64_t{text[offset + b]} << (8 * b);
        }
      }
      std::uint64_t const keep = c == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * c)) - 1;
      // The phrase's strings carry 8 bytes of zero padding, so these loads stay inside them.
      std::uint64_t const diff = ((raw | load8(letters + offset)) ^ load8(phrase + offset)) & keep;
      if (diff != 0) {
        std::size_t const at =
            offset + static_cast<std::size_t>(forwards ? std::countr_zero(diff) / 8
                                                       : (63 - std::countl_zero(diff)) / 8);
        unsigned char const b = text[at];
        bool const irregular =
            is_ascii_space(b) || (forwards ? b == 0xE2
                                           : detail::is_typographic_tail('\'', b) ||
                                                 detail::is_typographic_tail('"', b) ||
                                                 detail::is_typographic_tail('-', b));
        return irregular ? byte_compare::irregular : byte_compare::differ;
      }
      done += c;
    }
    return byte_compare::equal;
  }

  /// verify() with a SIMD first try: the whole phrase compared with the bytes from where it
  /// would begin, in one batch, which decides when those bytes hold no irregular character
  /// (no white space but single spaces, no byte >= 0x80): then the raw reading is the
  /// canonical one. Otherwise, and for phrases longer than a batch, verify().
  template <class Arch>
  IPO_INLINE void verify_at_anchor(Arch, std::uint32_t id, unsigned char const* data, std::size_t n,
                                   std::size_t j, match_sink& out) const {
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      using bytes = xsimd::batch<std::uint8_t, Arch>;
      constexpr std::size_t width = bytes::size;
      static_assert(width <= kVerifyPadding);
      verifier const& v = verifiers_[id];
      std::size_t const begin = j - v.anchor;
      if (v.length <= width && j >= v.anchor && begin + width < n) {
        alignas(64) static constexpr std::array<std::uint8_t, 64> lane = [] {
          std::array<std::uint8_t, 64> a{};
          for (std::size_t k = 0; k < a.size(); ++k) {
            a[k] = static_cast<std::uint8_t>(k);
          }
          return a;
        }();
        unsigned char const* const phrase = verify_bytes_.data() + v.bytes;
        bytes const text = bytes::load_unaligned(data + begin);
        bytes const next = bytes::load_unaligned(data + begin + 1);
        auto const inside =
            bytes::load_aligned(lane.data()) < bytes(static_cast<std::uint8_t>(v.length));
        auto const other_white = (text - bytes(std::uint8_t('\t'))) < bytes(std::uint8_t(5));
        auto const space = text == bytes(std::uint8_t(' '));
        auto const next_white = ((next - bytes(std::uint8_t('\t'))) < bytes(std::uint8_t(5))) ||
                                next == bytes(std::uint8_t(' '));
        auto const irregular =
            inside && (other_white || text >= bytes(std::uint8_t(0x80)) || (space && next_white));
        if (!xsimd::any(irregular)) {
          bytes const folded = text | bytes::load_unaligned(phrase + v.length + kVerifyPadding);
          finish_match(id, data, n, begin, begin + v.length, out,
                       !xsimd::any(inside && (folded != bytes::load_unaligned(phrase))));
          return;
        }
      }
    }
    verify(id, data, n, j, out);
  }

  /// Verifies phrase `id` with its anchor at text offset j; appends the match. Tries the
  /// bytes first (a phrase written with single spaces and ASCII punctuation, as it mostly
  /// is), and reads canonical characters only where the bytes meet an irregular one.
  void verify(std::uint32_t id, unsigned char const* data, std::size_t n, std::size_t j,
              match_sink& out) const {
    verifier const& v = verifiers_[id];
    std::size_t const suffix = v.length - v.anchor;
    if (j < v.anchor || j + suffix > n) {
      return; // every canonical character takes at least one byte
    }
    byte_compare const after = compare_raw(v, v.anchor, data + j, suffix, n - j, true);
    if (after == byte_compare::differ) {
      return;
    }
    byte_compare const before =
        compare_raw(v, 0, data + j - v.anchor, v.anchor, n - (j - v.anchor), false);
    if (before == byte_compare::differ) {
      return;
    }
    if (after == byte_compare::equal && before == byte_compare::equal) {
      finish_match(id, data, n, j - v.anchor, j + suffix, out);
      return;
    }
    verify_canonical(id, data, n, j, out);
  }

  /// Appends the match [begin, end) of phrase `id` unless a word boundary it needs is missing.
  /// `matched` says whether the phrase's characters matched (decided without a branch by the
  /// SIMD verification); n > 0.
  IPO_INLINE void finish_match(std::uint32_t id, unsigned char const* data, std::size_t n,
                               std::size_t begin, std::size_t end, match_sink& out,
                               bool matched = true) const {
    verifier const& v = verifiers_[id];
    // The bytes next to the match, read without a branch (an in-range byte at the text's ends).
    bool const word_before = (begin > 0) & is_word_byte(data[begin - (begin > 0)]);
    bool const word_after = (end < n) & is_word_byte(data[end - (end == n)]);
    out.add({id, {begin, end}},
            matched & !((v.word_before & word_before) | (v.word_after & word_after)));
  }

  /// verify() reading canonical characters: forwards from the anchor, backwards before it.
  void verify_canonical(std::uint32_t id, unsigned char const* data, std::size_t n, std::size_t j,
                        match_sink& out) const {
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
    finish_match(id, data, n, begin, end, out);
  }

  std::vector<compiled> phrases_;
  // Per offset in an anchor window, the canonical characters some anchor has there (256 bits).
  std::array<std::array<std::uint64_t, 4>, 8> anchor_characters_{};
  std::vector<verifier> verifiers_;         // per phrase, what verify() reads
  std::vector<unsigned char> verify_bytes_; // and its bytes
  std::array<table, kLengths.size()> tables_;
  std::vector<std::uint8_t> active_;    // indices of the tables in use
  bool long_anchors_ = false;           // whether the 8-character table is in use
  bool word_start_anchors_ = false;     // whether every anchor begins at a word start
  std::vector<event_slot> event_slots_; // where irregular characters can sit in anchors
  std::uint32_t back_reach_ = 0;        // the largest offset in event_slots_
  detail::phrase_automaton automaton_;  // the scalar path (empty for a huge lexicon)
  detail::window_filter_tables filter_; // the gather-free prefilter's tables (AVX-512BW)
};

} // namespace ipo
