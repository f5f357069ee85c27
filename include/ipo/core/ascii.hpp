// ipo/core/ascii.hpp: the ASCII character classes every text stage shares.
//
// Text is UTF-8 and offsets are bytes, so these look at single bytes and never at the locale
// (std::isspace depends on it). A byte >= 0x80 is never space, letter or digit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ipo {

/// ASCII white space: space, tab, LF, CR, VT, FF.
constexpr bool is_ascii_space(unsigned char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
constexpr bool is_ascii_space(char c) noexcept {
  return is_ascii_space(static_cast<unsigned char>(c));
}

constexpr bool is_ascii_alpha(char c) noexcept {
  return static_cast<unsigned char>(c | 0x20) >= 'a' && static_cast<unsigned char>(c | 0x20) <= 'z';
}
constexpr bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

/// ASCII upper case to lower case; every other byte unchanged.
constexpr unsigned char fold_ascii(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c | 0x20) : c;
}
constexpr char fold_ascii(char c) noexcept {
  return static_cast<char>(fold_ascii(static_cast<unsigned char>(c)));
}

/// True when `a` and `b` are equal up to ASCII letter case.
constexpr bool equal_ascii_folded(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (fold_ascii(a[k]) != fold_ascii(b[k])) {
      return false;
    }
  }
  return true;
}

/// Word bytes (ASCII letters, digits, '_') as a 256-bit set, for branch-free lookups.
inline constexpr std::uint64_t word_byte_bits[4] = {0x03FF000000000000u, 0x07FFFFFE87FFFFFEu, 0, 0};
constexpr bool is_word_byte(unsigned char c) noexcept {
  return ((word_byte_bits[c >> 6] >> (c & 63)) & 1u) != 0;
}

/// The number of ASCII white-space bytes at the end of `text`.
constexpr std::size_t trailing_ascii_space(std::string_view text) noexcept {
  std::size_t n = 0;
  while (n < text.size() && is_ascii_space(text[text.size() - 1 - n])) {
    ++n;
  }
  return n;
}

/// `text` without leading and trailing ASCII white space.
constexpr std::string_view trim_ascii_space(std::string_view text) noexcept {
  std::size_t begin = 0;
  while (begin < text.size() && is_ascii_space(text[begin])) {
    ++begin;
  }
  text.remove_prefix(begin);
  text.remove_suffix(trailing_ascii_space(text));
  return text;
}

/// is_ascii_space() for eight bytes at once: the top bit of each byte of the result is set
/// where that byte of `word` is ASCII white space (exact for every byte value, 0x80-0xFF
/// included), and every other bit is clear.
constexpr std::uint64_t ascii_space_bytes(std::uint64_t word) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101u, top = 0x8080808080808080u;
  std::uint64_t const low = word & ~top; // each byte below 0x80: the sums below cannot carry
  std::uint64_t const is_space = ~((low ^ (ones * ' ')) + ones * 0x7F) & top;
  std::uint64_t const from_tab = (low + ones * (0x80 - '\t')) & top;
  std::uint64_t const past_cr = (low + ones * (0x80 - '\r' - 1)) & top;
  return (is_space | (from_tab & ~past_cr)) & ~word & top;
}

} // namespace ipo
