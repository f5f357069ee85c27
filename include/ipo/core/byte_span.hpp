// ipo/core/byte_span.hpp: a half-open range of byte offsets into a text.
#pragma once

#include <cstddef>
#include <string_view>

namespace ipo {

/// Bytes [begin, end) of some UTF-8 text. Offsets always refer to the original string.
struct byte_span {
  std::size_t begin = 0;
  std::size_t end = 0;

  constexpr std::size_t size() const noexcept { return end - begin; }
  constexpr bool empty() const noexcept { return end == begin; }
  /// The bytes of `text` this span covers (no bounds check).
  constexpr std::string_view of(std::string_view text) const noexcept {
    return text.substr(begin, end - begin);
  }
  friend constexpr bool operator==(byte_span, byte_span) noexcept = default;
};

} // namespace ipo
