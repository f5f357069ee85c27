// ipo/cues/detail/window_filter_avx2.hpp: the matcher's word-start prefilter for AVX2, a
// whole 32-byte block at a time.
//
// In word-start mode with the usual tables (one 8-character table, the short anchors behind a
// two-byte screen), the per-word-start probe loads the 8-byte window, folds and hashes it,
// tests two bits and branches: about 35 instructions and a hard-to-predict branch per word
// start, one byte in five. Here the hashes of all 32 windows of a block are computed at once
// (eight per 256-bit register: the windows assembled by two byte shuffles of one 16-byte
// load, folded, hashed by two vpmulld exactly as hash8 does), stored, and only the word
// starts' table and screen bits are then read, without a branch; the probe runs at the few
// word starts that pass (about 3%) and verifies them. A position the per-word-start probe
// would pass passes here (the same hash, the same bits), so the matches are unchanged.
// Gathering the table words instead (vpgatherdd) was slower on an Ice Lake server (gathers are
// microcoded there under the gather data sampling mitigation): 630-760 MiB/s against 830.
//
// Memory traffic per 32-byte block: the block and the 8 bytes after it (four 16-byte loads),
// 128 bytes of hashes stored and read back, and two 4-byte words per word start from the
// 8 KiB table and the 1 KiB screen, which stay in L1. Compiled where AVX2 is enabled (the
// matcher's run-time dispatch decides whether it runs).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "ipo/config.hpp"
#include "ipo/cues/detail/anchor_tables.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace ipo::detail {

#if defined(__AVX2__)

/// The block-wide probe of one 8-character table (`table_bits`, 64 Ki-bit, hash8) and of the
/// short anchors' screen (`direct_screen`, 8 Ki-bit, anchor_index::direct_screen_key).
class window_filter_avx2 {
public:
  window_filter_avx2(std::uint32_t const* table_bits, std::uint64_t const* direct_screen) noexcept
      : table_bits_(table_bits), direct_screen_(direct_screen) {}

  /// Bit k set when position k of the block is a word start (bit k of `word_starts`) whose
  /// window's hash has its table bit set or whose first two bytes pass the screen (k < 32).
  /// Reads block[0, 40).
  IPO_INLINE std::uint32_t candidates(unsigned char const* block,
                                      std::uint32_t word_starts) const noexcept {
    // Within each 128-bit lane, the 4-byte words starting at bytes 0..3 (low lane) and 4..7
    // (high lane) of a 16-byte load: the low halves of eight windows; +4, their high halves.
    __m256i const low_words = _mm256_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, //
                                               4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10);
    __m256i const high_words =
        _mm256_setr_epi8(4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10, //
                         8, 9, 10, 11, 9, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14);
    __m256i const fold = _mm256_set1_epi32(static_cast<int>(kFold));
    __m256i const multiplier1 = _mm256_set1_epi32(static_cast<int>(kAnchorMultiplier1));
    __m256i const multiplier2 = _mm256_set1_epi32(static_cast<int>(kAnchorMultiplier2));
    alignas(32) std::uint32_t hashes[32];
    for (int part = 0; part < 4; ++part) {
      __m256i const bytes = _mm256_broadcastsi128_si256(
          _mm_loadu_si128(reinterpret_cast<__m128i const*>(block + 8 * part)));
      __m256i const low = _mm256_or_si256(_mm256_shuffle_epi8(bytes, low_words), fold);
      __m256i const high = _mm256_or_si256(_mm256_shuffle_epi8(bytes, high_words), fold);
      __m256i const hash = _mm256_add_epi32(_mm256_mullo_epi32(low, multiplier1),
                                            _mm256_mullo_epi32(high, multiplier2));
      _mm256_store_si256(reinterpret_cast<__m256i*>(hashes + 8 * part),
                         _mm256_srli_epi32(hash, 16));
    }
    std::uint32_t result = 0;
    for (std::uint32_t s = word_starts; s != 0; s &= s - 1) {
      auto const k = static_cast<unsigned>(std::countr_zero(s));
      std::uint32_t const h = hashes[k];
      std::uint16_t first_two;
      std::memcpy(&first_two, block + k, 2);
      std::uint32_t const key = anchor_index::direct_screen_key(first_two);
      std::uint32_t const table_bit = table_bits_[h >> 5] >> (h & 31);
      auto const screen_bit = static_cast<std::uint32_t>(direct_screen_[key >> 6] >> (key & 63));
      result |= ((table_bit | screen_bit) & 1u) << k;
    }
    return result;
  }

private:
  std::uint32_t const* table_bits_;
  std::uint64_t const* direct_screen_;
};

#endif

} // namespace ipo::detail
