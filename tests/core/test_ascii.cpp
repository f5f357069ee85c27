#include "ipo/core/ascii.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

TEST_CASE("ASCII classes for every byte, against the C locale's definitions written out") {
  for (int b = 0; b < 256; ++b) {
    auto const c = static_cast<unsigned char>(b);
    CAPTURE(b);
    bool const space = b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r';
    bool const upper = b >= 'A' && b <= 'Z';
    bool const lower = b >= 'a' && b <= 'z';
    bool const digit = b >= '0' && b <= '9';
    CHECK(ipo::is_ascii_space(c) == space);
    CHECK(ipo::is_ascii_space(static_cast<char>(c)) == space);
    CHECK(ipo::is_ascii_alpha(static_cast<char>(c)) == (upper || lower));
    CHECK(ipo::is_ascii_digit(static_cast<char>(c)) == digit);
    CHECK(ipo::is_word_byte(c) == (upper || lower || digit || b == '_'));
    CHECK(ipo::fold_ascii(c) == (upper ? b + 32 : b));
  }
  CHECK(ipo::equal_ascii_folded("E.g", "e.G"));
  CHECK_FALSE(ipo::equal_ascii_folded("eg", "e.g"));
  CHECK_FALSE(ipo::equal_ascii_folded("\xC3\xA9", "\xC3\x89")); // no folding past ASCII
  CHECK(ipo::trim_ascii_space(" \t\r\nword here \n") == "word here");
  CHECK(ipo::trim_ascii_space(" \n ").empty());
  CHECK(ipo::trailing_ascii_space("end. \n\n") == 3);
  CHECK(ipo::trailing_ascii_space("end.") == 0);
}

TEST_CASE("ascii_space_bytes marks exactly the white-space bytes of a word, for every byte value") {
  for (int b = 0; b < 256; ++b) {
    for (unsigned position = 0; position < 8; ++position) {
      unsigned char bytes[8];
      for (unsigned k = 0; k < 8; ++k) { // neighbours of every kind around the byte under test
        bytes[k] = static_cast<unsigned char>(b * 7 + k * 31 + position);
      }
      bytes[position] = static_cast<unsigned char>(b);
      std::uint64_t word = 0; // byte k at bits 8k, whatever the machine's byte order
      for (unsigned k = 0; k < 8; ++k) {
        word |= std::uint64_t{bytes[k]} << (8 * k);
      }
      std::uint64_t const marks = ipo::ascii_space_bytes(word);
      CAPTURE(b);
      CAPTURE(position);
      REQUIRE((marks & ~0x8080808080808080u) == 0);
      for (unsigned k = 0; k < 8; ++k) {
        bool const space = bytes[k] == ' ' || (bytes[k] >= '\t' && bytes[k] <= '\r');
        REQUIRE(((marks >> (8 * k + 7)) & 1u) == (space ? 1u : 0u));
      }
    }
  }
}
