#include "ipo/trace/utf8.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

namespace {

// A plain decoder: the offset of the first invalid byte, by decoding code points and checking
// their ranges (no shared code with ipo's validator).
std::size_t reference_first_invalid(std::string const& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto const b = static_cast<unsigned char>(s[i]);
    std::size_t length;
    std::uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      length = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4, cp = b & 0x07;
    } else {
      return i;
    }
    if (i + length > s.size()) {
      return i;
    }
    for (std::size_t k = 1; k < length; ++k) {
      auto const c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    std::uint32_t const minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return s.size();
}

} // namespace

TEST_CASE("a table of valid and invalid sequences") {
  struct row {
    std::string text;
    std::size_t first_invalid;
  };
  row const rows[] = {
      {"", 0},
      {"plain ascii", 11},
      {"caf\xC3\xA9", 5},
      {"\xE2\x80\x99 quote", 9},
      {"emoji \xF0\x9F\x98\x80!", 11},
      {"\xC0\x80", 0},               // overlong NUL
      {"a\xE0\x80\xAF", 1},          // overlong '/'
      {"\xED\xA0\x80", 0},           // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},       // above U+10FFFF
      {"abc\xE2\x82", 3},            // truncated at the end
      {"\x80", 0},                   // stray continuation
      {"ok\xF8\x88\x80\x80\x80", 2}, // five-byte form
      {"\xFF", 0},
  };
  for (auto const& r : rows) {
    CAPTURE(r.text);
    CHECK(ipo::find_invalid_utf8(r.text) == r.first_invalid);
    CHECK(reference_first_invalid(r.text) == r.first_invalid);
  }
}

TEST_CASE("random byte strings: every SIMD path agrees with a plain decoder") {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> length(0, 300);
  for (int trial = 0; trial < 3000; ++trial) {
    std::string s(static_cast<std::size_t>(length(rng)), 'a');
    int const mode = trial % 3;
    for (auto& c : s) {
      unsigned const r = rng();
      c = static_cast<char>(mode == 0   ? r % 256
                            : mode == 1 ? (r % 50 == 0 ? r % 256 : 'x')
                                        : "\xC3\xA9\xE2\x80\x99x"[r % 6]);
    }
    std::size_t const expected = reference_first_invalid(s);
    ipo::simd::for_each_available_arch(
        [&](auto arch) { REQUIRE(ipo::detail::first_invalid_utf8(arch, s) == expected); });
  }
}

TEST_CASE("reject names the byte offset; replace substitutes maximal subparts with U+FFFD") {
  CHECK_THROWS_WITH_AS(ipo::check_utf8("ab\xFF", "f", "text"),
                       doctest::Contains("invalid UTF-8 at byte 2"), ipo::argument_error);
  CHECK(ipo::replace_invalid_utf8("a\xFF"
                                  "b") == "a\xEF\xBF\xBD"
                                          "b");
  CHECK(ipo::replace_invalid_utf8("x\xE2\x82") == "x\xEF\xBF\xBD"); // one truncated sequence
  CHECK(ipo::replace_invalid_utf8("\xF0\x80\x80") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // F0 80 is no prefix
  CHECK(ipo::replace_invalid_utf8("fine \xC3\xA9") == "fine \xC3\xA9");
  std::string storage;
  CHECK(ipo::apply_utf8_policy("ok", ipo::utf8_policy::reject, storage, "f", "t") == "ok");
  CHECK(ipo::apply_utf8_policy("o\x80k", ipo::utf8_policy::replace, storage, "f", "t") ==
        "o\xEF\xBF\xBDk");
  std::mt19937 rng(5);
  for (int trial = 0; trial < 500; ++trial) { // the replacement is always valid
    std::string s(64, ' ');
    for (auto& c : s) {
      c = static_cast<char>(rng() % 256);
    }
    CHECK(ipo::is_valid_utf8(ipo::replace_invalid_utf8(s)));
  }
}
