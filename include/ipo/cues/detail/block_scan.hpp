// ipo/cues/detail/block_scan.hpp: what the matcher's SIMD scans see of a block of text.
//
// One SIMD block (16, 32 or 64 bytes) is classified into bit masks, one bit per byte: word
// bytes, white space, and "irregular" bytes after which raw and canonical characters may
// differ. The word-start walker turns consecutive blocks into the word starts to look up,
// split into those read raw (the common case) and those read canonically (docs/matcher.md).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ipo/config.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/simd/stream.hpp"

namespace ipo::detail {

/// How far ahead of the scan the text is prefetched.
inline constexpr std::size_t kPrefetchDistance = 4096;

/// Asks for the text 4 KiB ahead of offset i: the hardware prefetcher alone leaves the scan
/// waiting on memory for about a tenth of its time.
IPO_INLINE void prefetch_ahead(unsigned char const* data, std::size_t n, std::size_t i) noexcept {
  if (i + kPrefetchDistance < n) {
    simd::prefetch(data + i + kPrefetchDistance);
  }
}

/// What one SIMD block of bytes holds, one bit per byte.
struct block_masks {
  std::uint64_t word;      // ASCII letters, digits and underscores
  std::uint64_t white;     // ASCII white space
  std::uint64_t irregular; // bytes after which raw and canonical characters may differ
};

/// Classifies SIMD blocks. Its byte constants are made once, where the scan loop begins, and
/// hidden from the optimiser (simd::opaque), which otherwise rebuilds each broadcast on every
/// block.
template <class Arch>
class block_classifier {
public:
  /// The block at data (`previous_white`: whether the byte before it is white space).
  /// Irregular: white space other than ' ', white space after white space, and 0xE2 (the
  /// first byte of the typographic forms), as irregular_window() reads them.
  IPO_INLINE block_masks classify(unsigned char const* data, bool previous_white) const noexcept {
    bytes const b = bytes::load_unaligned(reinterpret_cast<std::int8_t const*>(data));
    bytes const lower = b | case_bit_;
    std::uint64_t const word = simd::to_bitmask((lower + to_letters_) < letters_end_ ||
                                                (b + to_digits_) < digits_end_ || b == underscore_);
    auto const other_white = (b + to_other_white_) < other_white_end_;
    std::uint64_t const white = simd::to_bitmask(other_white || b == space_);
    std::uint64_t const odd = simd::to_bitmask(other_white || b == typographic_);
    return {word, white, odd | (white & ((white << 1) | std::uint64_t{previous_white}))};
  }

private:
  // Signed bytes: each range is one add and one signed compare (simd::signed_range_shift).
  using bytes = xsimd::batch<std::int8_t, Arch>;
  static bytes splat(int v) noexcept {
    return simd::opaque(bytes(static_cast<std::int8_t>(static_cast<std::uint8_t>(v))));
  }
  static bytes shift_for(unsigned char lo) noexcept {
    return simd::opaque(bytes(simd::signed_range_shift(lo)));
  }
  static bytes end_for(unsigned count) noexcept {
    return simd::opaque(bytes(simd::signed_range_bound(count)));
  }
  bytes case_bit_ = splat(0x20);
  bytes to_letters_ = shift_for('a'), letters_end_ = end_for(26);
  bytes to_digits_ = shift_for('0'), digits_end_ = end_for(10);
  bytes to_other_white_ = shift_for('\t'), other_white_end_ = end_for(5); // \t \n \v \f \r
  bytes underscore_ = splat('_'), space_ = splat(' '), typographic_ = splat(0xE2);
};

/// Bit j: whether any of bits j..j+8 of the 2 x `block`-bit word (high above low) is set.
template <std::size_t block>
std::uint64_t within_nine(std::uint64_t low, std::uint64_t high) noexcept {
  if constexpr (block == 64) {
    auto const shift = [](std::uint64_t lo, std::uint64_t hi, int d) {
      return (lo >> d) | (hi << (64 - d));
    };
    std::uint64_t const one_lo = low | shift(low, high, 1), one_hi = high | (high >> 1);
    std::uint64_t const two_lo = one_lo | shift(one_lo, one_hi, 2), two_hi = one_hi | (one_hi >> 2);
    return two_lo | shift(two_lo, two_hi, 4) | shift(low, high, 8);
  } else {
    static_assert(block <= 32);
    std::uint64_t x = low | (high << block);
    x |= (x >> 1);
    x |= (x >> 2);
    x = x | (x >> 4) | ((low | (high << block)) >> 8);
    return x & ((std::uint64_t{1} << block) - 1);
  }
}

/// The word starts of consecutive blocks (from the text's first), split into those read raw
/// and those read canonically (whose 9 bytes hold an irregular byte). Classifies each block
/// once, one block ahead.
template <class Arch>
class word_start_walker {
public:
  static constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
  struct starts {
    std::uint64_t raw, canonical;
  };
  word_start_walker(Arch, unsigned char const* data) noexcept
      : current_(classifier_.classify(data, false)) {}
  /// The block at `data`, the one after the last step's; reads data[0..2 block - 1].
  IPO_INLINE starts step(Arch, unsigned char const* data) noexcept {
    block_masks const next =
        classifier_.classify(data + block, ((current_.white >> (block - 1)) & 1u) != 0);
    std::uint64_t const all = current_.word & ~((current_.word << 1) | previous_word_);
    previous_word_ = ((current_.word >> (block - 1)) & 1u) != 0;
    std::uint64_t irregular = 0;
    if ((current_.irregular | next.irregular) != 0) [[unlikely]] {
      irregular = within_nine<block>(current_.irregular, next.irregular);
    }
    current_ = next;
    return {all & ~irregular, all & irregular};
  }

private:
  block_classifier<Arch> classifier_; // declared first: current_'s initialiser uses it
  block_masks current_;
  bool previous_word_ = false; // whether the byte before the current block is a word byte
};

} // namespace ipo::detail
