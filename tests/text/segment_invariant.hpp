// The invariant every segmenter keeps, checked by the property tests and the fuzz target:
// spans in order, disjoint, non-empty, trimmed, and only white space between and around them.
#pragma once

#include "ipo/core/byte_span.hpp"

#include <string_view>
#include <vector>

namespace segment_invariant {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// Empty when the invariant holds, else what is wrong.
inline char const* violation(std::string_view text, std::vector<ipo::byte_span> const& spans) {
  std::size_t cursor = 0;
  for (auto s : spans) {
    if (s.begin < cursor || s.end <= s.begin || s.end > text.size()) {
      return "spans out of order, empty or out of bounds";
    }
    if (is_space(text[s.begin]) || is_space(text[s.end - 1])) {
      return "a span is not trimmed";
    }
    for (std::size_t k = cursor; k < s.begin; ++k) {
      if (!is_space(text[k])) {
        return "a non-space byte between spans";
      }
    }
    cursor = s.end;
  }
  for (std::size_t k = cursor; k < text.size(); ++k) {
    if (!is_space(text[k])) {
      return "a non-space byte after the last span";
    }
  }
  return nullptr;
}

} // namespace segment_invariant
