// ipo/cues/detail/phrase_verifier.hpp: the matcher's exact check of a phrase at an anchor.
//
// Verification compares the whole phrase with the text in one SIMD batch, which decides when
// those bytes hold no irregular character; otherwise it compares 8 bytes at a time and reads
// canonical characters (canonical_reading.hpp) only where the bytes meet an irregular one,
// backwards before the anchor and forwards after it; then it checks the word boundaries a
// whole-word phrase needs (docs/matcher.md).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "ipo/config.hpp"
#include "ipo/core/ascii.hpp"
#include "ipo/cues/detail/anchor_tables.hpp"
#include "ipo/cues/detail/canonical_reading.hpp"
#include "ipo/cues/detail/match_sink.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo::detail {

/// Every phrase packed for verification. Immutable once built.
class phrase_verifier {
  static constexpr std::size_t kVerifyPadding = 64; // zero bytes after a phrase: one SIMD load
  // What verify() reads of a phrase, packed: 12 bytes here, its bytes in verify_bytes_.
  struct verifier {
    std::uint32_t bytes;  // offset in verify_bytes_ of the canonical text, kVerifyPadding zero
                          // bytes, then 0x20 per letter of the text (else 0) and as many zeros
    std::uint16_t length; // of the canonical text
    std::uint16_t anchor; // offset of the anchor window in it
    bool word_before;     // a match must not follow a word byte
    bool word_after;      // a match must not precede a word byte
  };

public:
  /// Packs the canonical text, letter mask and word-boundary needs of every phrase.
  explicit phrase_verifier(std::vector<compiled_phrase> const& phrases) {
    verifiers_.reserve(phrases.size());
    for (compiled_phrase const& p : phrases) {
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

  /// The canonical length of phrase `id` in characters.
  std::size_t length(std::uint32_t id) const noexcept { return verifiers_[id].length; }
  /// The bytes verification reads, all phrases together (for the size limit).
  std::size_t packed_bytes() const noexcept { return verify_bytes_.size(); }

  /// verify() with a SIMD first try: the whole phrase compared with the bytes from where it
  /// would begin, in one batch, which decides when those bytes hold no irregular character
  /// (no white space but single spaces, no byte >= 0x80): then the raw reading is the
  /// canonical one. Otherwise, and for phrases longer than a batch, verify().
  template <class Arch>
  IPO_INLINE void verify_at_anchor(Arch, std::uint32_t id, unsigned char const* data, std::size_t n,
                                   std::size_t j, match_sink& out) const {
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      // Signed bytes: each range test is one add and one signed compare
      // (simd::signed_range_shift).
      using bytes = xsimd::batch<std::int8_t, Arch>;
      constexpr std::size_t width = bytes::size;
      static_assert(width <= kVerifyPadding);
      verifier const& v = verifiers_[id];
      std::size_t const begin = j - v.anchor;
      if (v.length <= width && j >= v.anchor && begin + width < n) {
        alignas(64) static constexpr std::array<std::int8_t, 64> lane = [] {
          std::array<std::int8_t, 64> a{};
          for (std::size_t k = 0; k < a.size(); ++k) {
            a[k] = static_cast<std::int8_t>(k);
          }
          return a;
        }();
        auto const load = [](unsigned char const* p) {
          return bytes::load_unaligned(reinterpret_cast<std::int8_t const*>(p));
        };
        auto const other_white_of = [](bytes x) { // \t \n \v \f \r
          return (x + bytes(simd::signed_range_shift('\t'))) < bytes(simd::signed_range_bound(5));
        };
        unsigned char const* const phrase = verify_bytes_.data() + v.bytes;
        bytes const text = load(data + begin);
        bytes const next = load(data + begin + 1);
        auto const inside =
            bytes::load_aligned(lane.data()) < bytes(static_cast<std::int8_t>(v.length));
        auto const other_white = other_white_of(text);
        auto const space = text == bytes(std::int8_t(' '));
        auto const next_white = other_white_of(next) || next == bytes(std::int8_t(' '));
        auto const irregular =
            inside && (other_white || text < bytes(std::int8_t(0)) || (space && next_white));
        if (!xsimd::any(irregular)) {
          bytes const folded = text | load(phrase + v.length + kVerifyPadding);
          finish_match(id, data, n, begin, begin + v.length, out,
                       !xsimd::any(inside && (folded != load(phrase))));
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

private:
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
            is_ascii_space(b) || (forwards ? b == 0xE2 : is_any_typographic_tail(b));
        return irregular ? byte_compare::irregular : byte_compare::differ;
      }
      done += c;
    }
    return byte_compare::equal;
  }

  /// verify() reading canonical characters: forwards from the anchor, backwards before it.
  void verify_canonical(std::uint32_t id, unsigned char const* data, std::size_t n, std::size_t j,
                        match_sink& out) const {
    verifier const& v = verifiers_[id];
    unsigned char const* const text = verify_bytes_.data() + v.bytes; // the canonical phrase
    // Anchor bytes and the rest of the phrase, forwards from j.
    std::size_t end = j;
    for (std::size_t k = v.anchor; k < v.length; ++k) {
      if (end >= n || next_character(data, n, end) != text[k]) {
        return;
      }
    }
    // The part before the anchor, backwards from j.
    std::size_t begin = j;
    for (std::size_t k = v.anchor; k > 0; --k) {
      if (begin == 0 || previous_character(data, begin) != text[k - 1]) {
        return;
      }
    }
    finish_match(id, data, n, begin, end, out);
  }

  std::vector<verifier> verifiers_;         // per phrase, what verify() reads
  std::vector<unsigned char> verify_bytes_; // and its bytes
};

} // namespace ipo::detail
