// ipo/cues/detail/window_filter_avx512.hpp: the matcher's gather-free prefilter for AVX-512BW.
//
// A gather costs about as much as the rest of the scan on current x86 cores, so on AVX-512BW
// the matcher keeps its anchor hashes in registers instead: three 2048-bit Bloom tables of
// 16-bit hashes of the case-folded 8-byte windows (eight registers of 16-bit lanes, looked up
// with vpermi2w), plus a direct comparison for the few anchors shorter than 8 bytes. Every
// position with a true anchor passes; about 1% of other positions pass too and are rejected
// by the exact scalar check that follows. Used only where this file is compiled with
// AVX-512BW enabled and the CPU has it (the matcher's run-time dispatch decides).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ipo/config.hpp"

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

namespace ipo::detail {

/// A short anchor (1..4 bytes) compared directly: the folded first two 16-bit words of the
/// window, masked to the anchor's length, equal `words`.
struct short_anchor {
  std::uint16_t first, first_mask, second, second_mask;
};

/// The tables, built once per matcher whatever the CPU; scan() uses them on AVX-512BW only.
struct window_filter_tables {
  static constexpr std::uint16_t kWordMultipliers[4] = {0x9E37, 0x85EB, 0xC2B3, 0x27D5};
  static constexpr std::uint16_t kRehash[3] = {1, 0x6A09, 0xBB67};
  static constexpr std::size_t kMaxShortAnchors = 8;

  bool usable = false; // false when the lexicon is too large for the tables to filter well
  std::array<std::array<std::uint16_t, 128>, 3> bits{};
  std::vector<short_anchor> short_anchors;

  /// The 16-bit hash of a window from its four 16-bit words, each OR-ed with 0x2020.
  static std::uint16_t hash(std::uint16_t const (&words)[4]) noexcept {
    std::uint32_t h = 0;
    for (int k = 0; k < 4; ++k) {
      h += std::uint32_t{words[k]} * kWordMultipliers[k];
    }
    return static_cast<std::uint16_t>(h);
  }
  /// The 11-bit Bloom index of hash h in table k.
  static std::uint32_t index(std::uint16_t h, int k) noexcept {
    return static_cast<std::uint16_t>(std::uint32_t{h} * kRehash[k]) >> 5;
  }
  void add_long(std::uint64_t folded_window) noexcept {
    std::uint16_t words[4];
    for (int k = 0; k < 4; ++k) {
      words[k] = static_cast<std::uint16_t>(folded_window >> (16 * k));
    }
    std::uint16_t const h = hash(words);
    for (int k = 0; k < 3; ++k) {
      std::uint32_t const g = index(h, k);
      bits[k][g >> 4] = static_cast<std::uint16_t>(bits[k][g >> 4] | (1u << (g & 15)));
    }
  }
  /// `folded` holds the anchor's bytes OR-ed with 0x20, `mask` 0xFF in each of its bytes.
  void add_short(std::uint32_t folded, std::uint32_t mask) {
    short_anchors.push_back({static_cast<std::uint16_t>(folded & mask),
                             static_cast<std::uint16_t>(mask),
                             static_cast<std::uint16_t>((folded & mask) >> 16),
                             static_cast<std::uint16_t>(mask >> 16)});
  }
};

#if defined(__AVX512BW__)

/// The filter in registers for one scan.
class window_filter_avx512 {
public:
  explicit window_filter_avx512(window_filter_tables const& t) noexcept : tables_(t) {
    for (int k = 0; k < 3; ++k) {
      for (int r = 0; r < 4; ++r) {
        bits_[k][r] = _mm512_loadu_si512(t.bits[k].data() + 32 * r);
      }
    }
  }

  /// Bit k is set when the window at data[2k + odd_k] (k < 32, odd_k bit k of `odd`) may
  /// hold an anchor; reads data[0..70].
  IPO_INLINE __mmask32 candidates(unsigned char const* data, __mmask32 odd = 0) const noexcept {
    __m512i const fold = _mm512_set1_epi16(0x2020);
    __m512i h = _mm512_setzero_si512();
    __m512i w0 = fold, w1 = fold;
    for (int k = 0; k < 4; ++k) {
      __m512i const w =
          _mm512_or_si512(_mm512_mask_blend_epi16(odd, _mm512_loadu_si512(data + 2 * k),
                                                  _mm512_loadu_si512(data + 2 * k + 1)),
                          fold);
      h = _mm512_add_epi16(h,
                           _mm512_mullo_epi16(w, _mm512_set1_epi16(static_cast<short>(
                                                     window_filter_tables::kWordMultipliers[k]))));
      if (k == 0) {
        w0 = w;
      } else if (k == 1) {
        w1 = w;
      }
    }
    __mmask32 hit = lookup(0, h) & lookup(1, rehash(h, 1)) & lookup(2, rehash(h, 2));
    for (short_anchor const& a : tables_.short_anchors) {
      __mmask32 const first = _mm512_cmpeq_epi16_mask(
          _mm512_and_si512(w0, _mm512_set1_epi16(static_cast<short>(a.first_mask))),
          _mm512_set1_epi16(static_cast<short>(a.first)));
      hit |= _mm512_mask_cmpeq_epi16_mask(
          first, _mm512_and_si512(w1, _mm512_set1_epi16(static_cast<short>(a.second_mask))),
          _mm512_set1_epi16(static_cast<short>(a.second)));
    }
    return hit;
  }

  /// Positions 0..63 (one bit each in `positions`, never two adjacent ones set, as word starts
  /// never are) as 32 pairs of bytes: bit k of the result is set when pair k holds one, bit k
  /// of `odd` when it is 2k + 1.
  IPO_INLINE static __mmask32 pairs(std::uint64_t positions, __mmask32& odd) noexcept {
    __m512i const bytes = _mm512_movm_epi8(positions);
    odd = _mm512_movepi16_mask(bytes); // the high byte of a 16-bit lane is byte 2k + 1
    return _mm512_test_epi16_mask(bytes, bytes);
  }

private:
  IPO_INLINE static __m512i rehash(__m512i h, int k) noexcept {
    return _mm512_mullo_epi16(
        h, _mm512_set1_epi16(static_cast<short>(window_filter_tables::kRehash[k])));
  }
  // Bit (h >> 5) of table k, per lane: word (h >> 9) of 128 via two vpermi2w, bit (h >> 5) & 15.
  IPO_INLINE __mmask32 lookup(int k, __m512i h) const noexcept {
    __m512i const word_index = _mm512_srli_epi16(h, 9);
    __m512i const low = _mm512_permutex2var_epi16(bits_[k][0], word_index, bits_[k][1]);
    __m512i const high = _mm512_permutex2var_epi16(bits_[k][2], word_index, bits_[k][3]);
    __mmask32 const upper = _mm512_test_epi16_mask(word_index, _mm512_set1_epi16(64));
    __m512i const word = _mm512_mask_blend_epi16(upper, low, high);
    __m512i const bit = _mm512_sllv_epi16(
        _mm512_set1_epi16(1), _mm512_and_si512(_mm512_srli_epi16(h, 5), _mm512_set1_epi16(15)));
    return _mm512_test_epi16_mask(word, bit);
  }

  window_filter_tables const& tables_;
  __m512i bits_[3][4];
};

#endif

} // namespace ipo::detail
