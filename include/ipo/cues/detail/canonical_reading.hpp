// ipo/cues/detail/canonical_reading.hpp: how the matcher reads text as canonical characters.
//
// A canonical character is an ASCII letter folded to lower case, a run of ASCII white space
// read as one ' ', a typographic quote or dash (E2 80 xx) read as its ASCII form, or any other
// byte as itself. A character is "irregular" when its bytes differ from its canonical form
// beyond letter case: a white-space run other than one ' ', or a typographic form. The
// matcher's fast paths compare raw bytes and fall back to these readers only near an
// irregular character (docs/matcher.md).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ipo/config.hpp"
#include "ipo/core/ascii.hpp"

namespace ipo::detail {

/// Characters whose typographic forms are E2 80 xx sequences.
inline constexpr bool has_typographic_form(char c) noexcept {
  return c == '\'' || c == '"' || c == '-';
}
/// Whether E2 80 `third` is a typographic form of `ascii` (U+2018/9, U+201C/D, U+2013/4).
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
/// Whether E2 80 `third` is a typographic form of any of the three.
inline constexpr bool is_any_typographic_tail(unsigned char third) noexcept {
  return is_typographic_tail('\'', third) || is_typographic_tail('"', third) ||
         is_typographic_tail('-', third);
}

/// A character that is never irregular: not a space and without typographic forms.
inline constexpr bool is_plain(char c) noexcept {
  return c != ' ' && !has_typographic_form(c);
}

inline std::uint64_t from_little_endian(std::uint64_t w) noexcept {
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

/// 8 bytes from p as a little-endian word.
inline std::uint64_t load8(void const* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return from_little_endian(w);
}

/// The 8 bytes at p as a little-endian word, zero-padded past the end of the text.
inline std::uint64_t window_at(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
  if (p + 8 <= n) {
    return load8(data + p);
  }
  std::uint64_t w = 0;
  for (std::size_t k = 0; p + k < n && k < 8; ++k) {
    w |= static_cast<std::uint64_t>(data[p + k]) << (8 * k);
  }
  return w;
}

/// Reads the canonical character at text[t] forwards: returns it and advances t.
IPO_INLINE unsigned char next_character(unsigned char const* data, std::size_t n,
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
      if (is_typographic_tail(ascii, data[t + 2])) {
        t += 3;
        return static_cast<unsigned char>(ascii);
      }
    }
  }
  ++t;
  return fold_ascii(b);
}

/// Reads the canonical character ending at text[t - 1] backwards: returns it and moves t to
/// its first byte. Segments the bytes exactly as next_character() does: E2 80 xx forms cannot
/// overlap, and a white-space run is one character either way.
inline unsigned char previous_character(unsigned char const* data, std::size_t& t) noexcept {
  unsigned char const b = data[t - 1];
  if (is_ascii_space(b)) {
    while (t > 0 && is_ascii_space(data[t - 1])) {
      --t;
    }
    return ' ';
  }
  if (t >= 3 && data[t - 3] == 0xE2 && data[t - 2] == 0x80) {
    for (char const ascii : {'\'', '"', '-'}) {
      if (is_typographic_tail(ascii, b)) {
        t -= 3;
        return static_cast<unsigned char>(ascii);
      }
    }
  }
  --t;
  return fold_ascii(b);
}

/// Whether the 9 bytes from p (fewer at the end) hold an irregular byte, as the block
/// classifier (detail/block_scan.hpp) defines it: white space other than ' ', white space
/// after white space, or 0xE2. The window at p is then read canonically.
inline bool irregular_window(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
  for (std::size_t r = p; r < n && r <= p + 8; ++r) {
    unsigned char const b = data[r];
    if (b == 0xE2 || (is_ascii_space(b) && (b != ' ' || (r > 0 && is_ascii_space(data[r - 1]))))) {
      return true;
    }
  }
  return false;
}

/// Whether the canonical character starting at text[p] is irregular: a white-space run other
/// than one ' ', or a typographic form. A raw-window check cannot see an anchor across one;
/// the matcher looks for those from the first irregular character of the window.
inline bool is_event(unsigned char const* data, std::size_t n, std::size_t p) noexcept {
  unsigned char const b = data[p];
  if (is_ascii_space(b)) {
    return (p == 0 || !is_ascii_space(data[p - 1])) &&
           (b != ' ' || (p + 1 < n && is_ascii_space(data[p + 1])));
  }
  return b == 0xE2 && p + 2 < n && data[p + 1] == 0x80 && is_any_typographic_tail(data[p + 2]);
}

} // namespace ipo::detail
