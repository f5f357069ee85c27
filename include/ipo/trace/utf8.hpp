// ipo/trace/utf8.hpp: UTF-8 validation with a SIMD fast path for ASCII runs.
//
// Valid means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequence. The validator never reads past the end of its input.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ipo/core/error.hpp"
#include "ipo/simd/dispatch.hpp"

namespace ipo {

/// What to do with invalid UTF-8.
enum class utf8_policy {
  reject,  ///< throw ipo::argument_error naming the byte offset of the first invalid byte
  replace, ///< replace each maximal invalid subpart with U+FFFD (as the Unicode standard advises)
};

namespace detail {

/// Length of the valid sequence starting at s[i], or 0 if the bytes there are not one.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char const b0 = byte(i);
  std::size_t const left = s.size() - i;
  auto const cont = [&](std::size_t k) { return k < left && (byte(i + k) & 0xC0) == 0x80; };
  if (b0 < 0x80) {
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return cont(1) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) {
      return 0;
    }
    unsigned char const b1 = byte(i + 1);
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) { // overlong, surrogate
      return 0;
    }
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) {
      return 0;
    }
    unsigned char const b1 = byte(i + 1);
    if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) { // overlong, > U+10FFFF
      return 0;
    }
    return 4;
  }
  return 0;
}

/// Length of the maximal invalid subpart at s[i] (s[i] starts no valid sequence): the lead
/// byte plus the continuation bytes that could still have completed it.
inline std::size_t invalid_subpart_length(std::string_view s, std::size_t i) noexcept {
  auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char const b0 = byte(i);
  std::size_t const length = (b0 >= 0xF0 && b0 <= 0xF4)   ? 4
                             : (b0 >= 0xE0 && b0 <= 0xEF) ? 3
                             : (b0 >= 0xC2 && b0 <= 0xDF) ? 2
                                                          : 1;
  if (length == 1) {
    return 1;
  }
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (b0 == 0xE0) {
    lo = 0xA0;
  } else if (b0 == 0xED) {
    hi = 0x9F;
  } else if (b0 == 0xF0) {
    lo = 0x90;
  } else if (b0 == 0xF4) {
    hi = 0x8F;
  }
  if (i + 1 >= s.size() || byte(i + 1) < lo || byte(i + 1) > hi) {
    return 1;
  }
  std::size_t n = 2;
  while (n < length && i + n < s.size() && (byte(i + n) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

/// Offset of the first byte >= 0x80 at or after `from`, or s.size(): the ASCII fast path.
template <class A>
std::size_t skip_ascii(A, std::string_view s, std::size_t from) noexcept {
  if constexpr (std::is_same_v<A, simd::scalar>) {
    while (from < s.size() && static_cast<unsigned char>(s[from]) < 0x80) {
      ++from;
    }
    return from;
  } else {
    // Signed bytes: >= 0x80 is < 0, one compare (xsimd 8 splits AVX2's unsigned compares).
    using bytes = xsimd::batch<std::int8_t, A>;
    constexpr std::size_t W = bytes::size;
    auto const* data = reinterpret_cast<std::int8_t const*>(s.data());
    while (from + W <= s.size()) {
      std::uint64_t const high =
          simd::to_bitmask(bytes::load_unaligned(data + from) < bytes(std::int8_t(0)));
      if (high != 0) {
        return from + static_cast<std::size_t>(std::countr_zero(high));
      }
      from += W;
    }
    return skip_ascii(simd::scalar{}, s, from);
  }
}

template <class A>
std::size_t first_invalid_utf8(A arch, std::string_view s) noexcept {
  std::size_t i = 0;
  while (true) {
    i = skip_ascii(arch, s, i);
    if (i >= s.size()) {
      return s.size();
    }
    std::size_t const length = utf8_sequence_length(s, i);
    if (length == 0) {
      return i;
    }
    i += length;
  }
}

} // namespace detail

/// Offset of the first byte that does not start a valid UTF-8 sequence, or text.size() when
/// the whole text is valid.
inline std::size_t find_invalid_utf8(std::string_view text) noexcept {
  return simd::dispatch([&](auto arch) { return detail::first_invalid_utf8(arch, text); });
}

/// True when `text` is valid UTF-8.
inline bool is_valid_utf8(std::string_view text) noexcept {
  return find_invalid_utf8(text) == text.size();
}

/// Throws ipo::argument_error naming `argument` and the byte offset unless `text` is valid.
inline void check_utf8(std::string_view text, std::string_view function,
                       std::string_view argument) {
  std::size_t const bad = find_invalid_utf8(text);
  if (bad != text.size()) {
    throw_argument_error(
        function, argument, "invalid UTF-8 at byte " + std::to_string(bad),
        "valid UTF-8 (byte " + std::to_string(bad) + " = 0x" +
            [&] {
              char hex[3];
              static constexpr char digits[] = "0123456789ABCDEF";
              auto const b = static_cast<unsigned char>(text[bad]);
              hex[0] = digits[b >> 4];
              hex[1] = digits[b & 15];
              hex[2] = 0;
              return std::string(hex);
            }() +
            " does not start a valid sequence)");
  }
}

/// A valid UTF-8 copy of `text`: each maximal invalid subpart becomes U+FFFD (EF BF BD).
inline std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t const bad = detail::first_invalid_utf8(simd::scalar{}, text.substr(i)) + i;
    out.append(text.substr(i, bad - i));
    if (bad >= text.size()) {
      break;
    }
    out.append("\xEF\xBF\xBD");
    std::size_t const skip = detail::invalid_subpart_length(text, bad);
    i = bad + skip;
  }
  return out;
}

/// Applies a policy: returns `text` unchanged when valid; otherwise throws (reject) or returns
/// the replaced copy (replace). `storage` holds the copy so that the view stays valid.
inline std::string_view apply_utf8_policy(std::string_view text, utf8_policy policy,
                                          std::string& storage, std::string_view function,
                                          std::string_view argument) {
  if (is_valid_utf8(text)) {
    return text;
  }
  if (policy == utf8_policy::reject) {
    check_utf8(text, function, argument);
  }
  storage = replace_invalid_utf8(text);
  return storage;
}

} // namespace ipo
