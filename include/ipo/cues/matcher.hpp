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
// Design: a fingerprint prefilter finds the positions where some phrase could start; the
// phrases registered under that position's (case-folded) first two bytes are then verified
// exactly. The SIMD prefilter is Teddy-style: phrases are spread over 8 buckets by first
// letter; for the bytes at offsets 0, 1 and 2, two 16-entry nibble tables give the buckets
// whose phrases accept that byte (both letter cases, every white-space byte, the lead byte of
// the typographic forms), and a position survives when one bucket accepts all three. That is
// 6 byte shuffles and a few ANDs per 16/32/64 bytes. Architectures without a byte shuffle use
// the scalar path, which looks up the two-byte key of every position directly.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
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
      phrases_.push_back({canonical_phrase(entry.phrase), entry.whole_word});
    }
    build_index();
    build_fingerprints();
  }

  std::size_t size() const noexcept { return phrases_.size(); }
  /// The canonical form of phrase `id` (what it is matched as).
  std::string const& canonical(std::size_t id) const noexcept { return phrases_[id].text; }

  /// Every match in `text`, in text order, appended to `out` after clearing it; the best
  /// available architecture is chosen at run time.
  void find_all(std::string_view text, std::vector<cue_match>& out) const {
    out.clear();
    simd::dispatch<matcher_archs>([&](auto arch) { scan(arch, text, out); });
  }

  /// The scan on one architecture (the scalar path, or one with has_byte_shuffle); appends
  /// to `out`. Public so that tests can run every path.
  template <class Arch>
  void scan(Arch, std::string_view text, std::vector<cue_match>& out) const {
    auto const* data = reinterpret_cast<unsigned char const*>(text.data());
    std::size_t const n = text.size();
    std::size_t i = 0;
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      using bytes = xsimd::batch<std::uint8_t, Arch>;
      constexpr std::size_t W = bytes::size;
      std::array<bytes, 3> lo, hi;
      for (std::size_t k = 0; k < 3; ++k) {
        lo[k] = repeat_table<Arch>(low_nibble_[k]);
        hi[k] = repeat_table<Arch>(high_nibble_[k]);
      }
      bytes const zero(std::uint8_t(0));
      for (; i + W + 2 <= n; i += W) {
        bytes accept = zero;
        bytes x = bytes::load_unaligned(data + i);
        accept = simd::shuffle_bytes<Arch>(lo[0], x) & simd::shuffle_bytes<Arch>(hi[0], x >> 4);
        x = bytes::load_unaligned(data + i + 1);
        accept =
            accept & simd::shuffle_bytes<Arch>(lo[1], x) & simd::shuffle_bytes<Arch>(hi[1], x >> 4);
        x = bytes::load_unaligned(data + i + 2);
        accept =
            accept & simd::shuffle_bytes<Arch>(lo[2], x) & simd::shuffle_bytes<Arch>(hi[2], x >> 4);
        for (std::uint64_t bits = simd::to_bitmask(accept != zero); bits != 0; bits &= bits - 1) {
          verify_at(data, n, i + static_cast<std::size_t>(std::countr_zero(bits)), out);
        }
      }
    }
    for (; i < n; ++i) {
      verify_at(data, n, i, out);
    }
  }

private:
  struct compiled {
    std::string text; // canonical phrase
    bool whole_word;
  };

  // The architectures find_all() dispatches over: those with a byte shuffle, then scalar.
  template <class Kept, class... Candidates>
  struct keep_shufflers;
  template <class... Kept>
  struct keep_shufflers<simd::arch_list<Kept...>> {
    using type = simd::arch_list<Kept..., simd::scalar>;
  };
  template <class... Kept, class First, class... Rest>
  struct keep_shufflers<simd::arch_list<Kept...>, First, Rest...>
      : keep_shufflers<
            std::conditional_t<simd::has_byte_shuffle<First>, simd::arch_list<Kept..., First>,
                               simd::arch_list<Kept...>>,
            Rest...> {};
  template <class List>
  struct shufflers_of;
  template <class... Archs>
  struct shufflers_of<simd::arch_list<Archs...>> : keep_shufflers<simd::arch_list<>, Archs...> {};

public:
  /// The architectures find_all() may choose, best first (always ending with scalar).
  using matcher_archs = typename shufflers_of<simd::compiled_archs>::type;

private:
  static unsigned char canonical_byte(unsigned char c) noexcept {
    return detail::is_text_space(c) ? static_cast<unsigned char>(' ') : detail::fold_ascii(c);
  }

  void build_index() {
    // CSR lists of phrase ids keyed by the canonical bytes at offsets 0 and 1.
    std::vector<std::uint32_t> count(65536 + 1, 0);
    auto const for_each_key = [&](compiled const& p, auto&& visit) {
      char const c0 = p.text[0];
      bool const any_second = p.text.size() == 1 || detail::has_typographic_form(c0);
      for (unsigned char b0 : detail::bytes_for(c0)) {
        unsigned char const k0 = canonical_byte(b0);
        if (any_second) {
          for (unsigned k1 = 0; k1 < 256; ++k1) {
            visit(static_cast<std::size_t>(k0) << 8 | k1);
          }
        } else {
          for (unsigned char b1 : detail::bytes_for(p.text[1])) {
            visit(static_cast<std::size_t>(k0) << 8 | canonical_byte(b1));
          }
        }
      }
    };
    // A key may be produced twice for one phrase (two bytes with one canonical byte): dedupe.
    std::vector<std::uint32_t> last(65536, UINT32_MAX);
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      for_each_key(phrases_[id], [&](std::size_t key) {
        if (last[key] != id) {
          last[key] = id;
          ++count[key + 1];
        }
      });
    }
    for (std::size_t k = 0; k < 65536; ++k) {
      count[k + 1] += count[k];
    }
    offsets_ = count;
    ids_.assign(offsets_.back(), 0);
    std::fill(last.begin(), last.end(), UINT32_MAX);
    for (std::uint32_t id = 0; id < phrases_.size(); ++id) {
      for_each_key(phrases_[id], [&](std::size_t key) {
        if (last[key] != id) {
          last[key] = id;
          ids_[count[key]++] = id;
        }
      });
    }
  }

  void build_fingerprints() {
    // Buckets by first character, largest groups first into the lightest bucket.
    std::array<std::size_t, 256> per_first{};
    for (auto const& p : phrases_) {
      ++per_first[static_cast<unsigned char>(p.text[0])];
    }
    std::vector<unsigned> firsts;
    for (unsigned c = 0; c < 256; ++c) {
      if (per_first[c] != 0) {
        firsts.push_back(c);
      }
    }
    std::sort(firsts.begin(), firsts.end(),
              [&](unsigned a, unsigned b) { return per_first[a] > per_first[b]; });
    std::array<std::size_t, 8> load{};
    std::array<std::uint8_t, 256> bucket_of{};
    for (unsigned c : firsts) {
      auto const lightest =
          static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      bucket_of[c] = static_cast<std::uint8_t>(lightest);
      load[lightest] += per_first[c];
    }
    for (auto& table : low_nibble_) {
      table.fill(0);
    }
    for (auto& table : high_nibble_) {
      table.fill(0);
    }
    auto const accept = [&](std::size_t position, std::uint8_t bit, unsigned char byte) {
      low_nibble_[position][byte & 15] |= bit;
      high_nibble_[position][byte >> 4] |= bit;
    };
    for (auto const& p : phrases_) {
      auto const bit =
          static_cast<std::uint8_t>(1u << bucket_of[static_cast<unsigned char>(p.text[0])]);
      std::string_view const t = p.text;
      // Offsets 1 and 2 hold a known character only while every character before them is a
      // single text byte: not after a typographic-capable character or a white-space run.
      bool const known1 = t.size() >= 2 && !detail::has_typographic_form(t[0]);
      bool const known2 =
          known1 && t.size() >= 3 && !detail::has_typographic_form(t[1]) && t[1] != ' ';
      for (unsigned char b : detail::bytes_for(t[0])) {
        accept(0, bit, b);
      }
      for (std::size_t position = 1; position < 3; ++position) {
        bool const known = position == 1 ? known1 : known2;
        if (known) {
          for (unsigned char b : detail::bytes_for(t[position])) {
            accept(position, bit, b);
          }
        } else {
          for (unsigned nibble = 0; nibble < 16; ++nibble) {
            low_nibble_[position][nibble] |= bit;
            high_nibble_[position][nibble] |= bit;
          }
        }
      }
    }
  }

  template <class Arch>
  static xsimd::batch<std::uint8_t, Arch>
  repeat_table(std::array<std::uint8_t, 16> const& table) noexcept {
    using bytes = xsimd::batch<std::uint8_t, Arch>;
    alignas(64) std::uint8_t lanes[bytes::size];
    for (std::size_t k = 0; k < bytes::size; ++k) {
      lanes[k] = table[k % 16];
    }
    return bytes::load_aligned(lanes);
  }

  /// Checks every phrase registered under the two bytes at `i`; appends the matches.
  void verify_at(unsigned char const* data, std::size_t n, std::size_t i,
                 std::vector<cue_match>& out) const {
    std::size_t const key = static_cast<std::size_t>(canonical_byte(data[i])) << 8 |
                            (i + 1 < n ? canonical_byte(data[i + 1]) : 0u);
    for (std::uint32_t k = offsets_[key]; k < offsets_[key + 1]; ++k) {
      std::uint32_t const id = ids_[k];
      std::size_t end = 0;
      if (match_at(phrases_[id], data, n, i, end)) {
        out.push_back({id, {i, end}});
      }
    }
  }

  static bool match_at(compiled const& p, unsigned char const* data, std::size_t n, std::size_t i,
                       std::size_t& end) noexcept {
    std::size_t t = i;
    for (char const c : p.text) {
      if (c == ' ') {
        if (t >= n || !detail::is_text_space(data[t])) {
          return false;
        }
        while (t < n && detail::is_text_space(data[t])) {
          ++t;
        }
        continue;
      }
      if (t >= n) {
        return false;
      }
      unsigned char const b = data[t];
      if (detail::has_typographic_form(c) && b == 0xE2) {
        if (t + 2 < n && data[t + 1] == 0x80 && detail::is_typographic_tail(c, data[t + 2])) {
          t += 3;
          continue;
        }
        return false;
      }
      if (detail::fold_ascii(b) != static_cast<unsigned char>(c)) {
        return false;
      }
      ++t;
    }
    if (p.whole_word) {
      if (detail::is_word_byte(static_cast<unsigned char>(p.text.front())) && i > 0 &&
          detail::is_word_byte(data[i - 1])) {
        return false;
      }
      if (detail::is_word_byte(static_cast<unsigned char>(p.text.back())) && t < n &&
          detail::is_word_byte(data[t])) {
        return false;
      }
    }
    end = t;
    return true;
  }

  std::vector<compiled> phrases_;
  std::vector<std::uint32_t> offsets_; // 65537 entries: CSR offsets by two-byte key
  std::vector<std::uint32_t> ids_;
  std::array<std::array<std::uint8_t, 16>, 3> low_nibble_{}, high_nibble_{};
};

} // namespace ipo
