// ipo/runtime/detail/stream_text.hpp: the streaming monitor's text: the buffer its pieces are
// appended to, and the character counts that decide when a step's scores are final
// (docs/runtime.md).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "ipo/config.hpp"
#include "ipo/core/ascii.hpp"

namespace ipo {

namespace detail {

// The monitor's character counts: a lower bound of the canonical characters a phrase match spans
// (the same both ways): a white-space run is one, a UTF-8 continuation byte none, any other
// byte one.
inline constexpr bool is_continuation_byte(unsigned char c) noexcept {
  return (c & 0xC0) == 0x80;
}

/// A growing byte string whose append is inline and cheap for token-sized pieces (std::string's
/// append is a call into the C++ library and then to memcpy, which costs more than a token).
class text_buffer {
public:
  text_buffer() = default;
  text_buffer(text_buffer const& other) : storage_(other.storage_), size_(other.size_) {
    refresh();
  }
  text_buffer(text_buffer&& other) noexcept
      : storage_(std::move(other.storage_)), size_(std::exchange(other.size_, 0)) {
    refresh();
    other.refresh();
  }
  text_buffer& operator=(text_buffer const& other) {
    if (this != &other) {
      storage_ = other.storage_;
      size_ = other.size_;
      refresh();
    }
    return *this;
  }
  text_buffer& operator=(text_buffer&& other) noexcept {
    if (this != &other) {
      storage_ = std::move(other.storage_);
      size_ = std::exchange(other.size_, 0);
      refresh();
      other.storage_.clear();
      other.refresh();
    }
    return *this;
  }
  ~text_buffer() = default;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  char back() const noexcept { return data_[size_ - 1]; }
  void pop_back() noexcept { --size_; }
  void clear() noexcept { size_ = 0; }
  std::string_view view() const noexcept { return {data_, size_}; }

  IPO_INLINE void append(std::string_view text) {
    std::size_t const n = text.size();
    if (n > capacity_ - size_) [[unlikely]] {
      grow(n);
    }
    char* dst = data_ + size_;
    char const* src = text.data();
    size_ += n;
    // Up to 16 bytes as two overlapping fixed-size copies (each one move), else memcpy.
    if (n >= 8 && n <= 16) {
      copy_fixed<8>(dst, src);
      copy_fixed<8>(dst + n - 8, src + n - 8);
    } else if (n >= 4 && n < 8) {
      copy_fixed<4>(dst, src);
      copy_fixed<4>(dst + n - 4, src + n - 4);
    } else if (n > 0 && n < 4) {
      dst[0] = src[0];
      dst[n / 2] = src[n / 2];
      dst[n - 1] = src[n - 1];
    } else if (n > 16) {
      std::memcpy(dst, src, n);
    }
  }

private:
  /// Room for `n` more bytes (kept out of append(), so that append() is inlined).
  void grow(std::size_t n) {
    storage_.resize(std::max({2 * storage_.size(), size_ + n, std::size_t{256}}));
    refresh();
  }

  void refresh() noexcept {
    data_ = storage_.data();
    capacity_ = storage_.size();
  }

  template <std::size_t N>
  static void copy_fixed(char* dst, char const* src) noexcept {
    char bytes[N];
    std::memcpy(bytes, src, N);
    std::memcpy(dst, bytes, N);
  }

  std::vector<char> storage_; // its size is the capacity
  char* data_ = nullptr;      // storage_'s, kept here so that append() loads no vector fields
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

/// Whether the 8 bytes at `at` count as 8 characters: no byte >= 0x80 (so no continuation
/// byte), no two white-space bytes side by side, and no white space at the edge that touches
/// `neighbour` when `neighbour` (the byte the count reaches next: after them when
/// `neighbour_above`, else before them) is white space too.
inline bool eight_characters(char const* at, unsigned char neighbour,
                             bool neighbour_above) noexcept {
  std::uint64_t word;
  std::memcpy(&word, at, sizeof word);
  if ((word & 0x8080808080808080u) != 0) {
    return false;
  }
  std::uint64_t const space = ascii_space_bytes(word);
  if ((space & (space >> 8)) != 0) { // adjacent in memory whichever the byte order
    return false;
  }
  if (!is_ascii_space(neighbour)) {
    return true;
  }
  unsigned char const edge = static_cast<unsigned char>(neighbour_above ? at[7] : at[0]);
  return !is_ascii_space(edge);
}

/// Where `enough` characters after `from` end in `text` (or its end). Runs of 8 plain bytes
/// are counted a word at a time.
inline std::size_t position_after_characters(std::string_view text, std::size_t from,
                                             std::size_t enough) noexcept {
  std::size_t count = 0, i = from;
  std::size_t const n = text.size();
  while (i < n && count < enough) {
    if (enough - count > 8 && n - i > 8 &&
        eight_characters(text.data() + i, static_cast<unsigned char>(text[i + 8]), true)) {
      i += 8;
      count += 8;
      continue;
    }
    unsigned char const c = static_cast<unsigned char>(text[i++]);
    if (is_ascii_space(c)) {
      while (i < n && is_ascii_space(text[i])) {
        ++i;
      }
    }
    count += is_continuation_byte(c) ? 0 : 1;
  }
  return i;
}

/// The last position of `text` with at least `enough` characters after it, or npos.
inline std::size_t last_position_with_characters_after(std::string_view text,
                                                       std::size_t enough) noexcept {
  std::size_t count = 0, i = text.size();
  while (i > 0 && count < enough) {
    if (enough - count > 8 && i > 8 &&
        eight_characters(text.data() + i - 8, static_cast<unsigned char>(text[i - 9]), false)) {
      i -= 8;
      count += 8;
      continue;
    }
    unsigned char const c = static_cast<unsigned char>(text[--i]);
    if (is_ascii_space(c)) {
      while (i > 0 && is_ascii_space(text[i - 1])) {
        --i;
      }
    }
    count += is_continuation_byte(c) ? 0 : 1;
  }
  return count >= enough ? i : std::string_view::npos;
}

} // namespace detail

} // namespace ipo
