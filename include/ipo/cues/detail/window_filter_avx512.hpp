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
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ipo/config.hpp"

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

namespace ipo::detail {

/// A short anchor (1..4 bytes) compared directly: the folded first two 16-bit words of the
/// window, masked to the anchor's length, equal `first` and `second`.
struct short_anchor {
  std::uint16_t first, first_mask, second, second_mask;
  std::uint32_t phrase; // whose anchor it is
};

/// The tables, built once per matcher whatever the CPU; scan() uses them on AVX-512BW only.
struct window_filter_tables {
  static constexpr std::uint16_t kWordMultipliers[4] = {0x9E37, 0x85EB, 0xC2B3, 0x27D5};
  static constexpr std::uint16_t kRehash[3] = {1, 0x6A09, 0xBB67};
  static constexpr std::size_t kMaxShortAnchors = 8;

  static constexpr std::uint16_t kNone = 0xFFFF;

  bool usable = false; // false when the lexicon is too large for the tables to filter well
  std::array<std::array<std::uint16_t, 128>, 3> bits{};
  std::vector<short_anchor> short_anchors;
  // The long anchors by hash, so that a window passing the filter goes straight to its
  // phrases: per bucket (the hash's low 12 bits, 8 KiB in all) the first anchor or kNone,
  // and per anchor the next one in its bucket, its hash and its phrase.
  static constexpr std::uint32_t kBuckets = 4096;
  struct long_anchor {
    std::uint16_t next, hash;
    std::uint32_t phrase;
  };
  std::vector<std::uint16_t> first_long;
  std::vector<long_anchor> long_anchors;

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
  /// The 16-bit hash of an 8-byte window whose bytes were OR-ed with 0x20 (little-endian).
  static std::uint16_t hash(std::uint64_t folded_window) noexcept {
    std::uint16_t words[4];
    for (int k = 0; k < 4; ++k) {
      words[k] = static_cast<std::uint16_t>(folded_window >> (16 * k));
    }
    return hash(words);
  }
  /// Adds the anchor of `phrase`, 8 bytes OR-ed with 0x20 (at most 1024 such anchors).
  void add_long(std::uint64_t folded_window, std::uint32_t phrase) {
    std::uint16_t const h = hash(folded_window);
    for (int k = 0; k < 3; ++k) {
      std::uint32_t const g = index(h, k);
      bits[k][g >> 4] = static_cast<std::uint16_t>(bits[k][g >> 4] | (1u << (g & 15)));
    }
    if (first_long.empty()) {
      first_long.assign(kBuckets, kNone);
    }
    long_anchors.push_back({first_long[h % kBuckets], h, phrase});
    first_long[h % kBuckets] = static_cast<std::uint16_t>(long_anchors.size() - 1);
  }
  /// Adds the anchor of `phrase`: `folded` holds its bytes OR-ed with 0x20, `mask` 0xFF in
  /// each of its bytes.
  void add_short(std::uint32_t folded, std::uint32_t mask, std::uint32_t phrase) {
    short_anchors.push_back({static_cast<std::uint16_t>(folded & mask),
                             static_cast<std::uint16_t>(mask),
                             static_cast<std::uint16_t>((folded & mask) >> 16),
                             static_cast<std::uint16_t>(mask >> 16), phrase});
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
    __m512i w0, w1;
    __m512i const h = window_hashes(data, odd, w0, w1);
    return hits(h, w0, w1);
  }

#if defined(__AVX512VBMI2__)
  /// Word-start windows waiting for the lookups, packed (vpcompressw) so that the lookups run
  /// on full registers: a block of text holds about 12 word starts in its 32 pairs of bytes.
  struct staged_windows {
    static constexpr std::size_t capacity = 64 * 32; // 64 blocks of 32 lanes
    alignas(64) std::uint16_t hash[capacity + 32];
    alignas(64) std::uint16_t position[capacity + 32]; // offsets from the first block staged
    alignas(64) std::uint16_t first[capacity + 32];    // the folded first 2 bytes
    alignas(64) std::uint16_t second[capacity + 32];   // and the next 2, for short anchors
    std::size_t count = 0;
  };

  /// Stages the windows at the positions of `starts` (bits 0..63, never two adjacent ones
  /// set) of the block at data, whose first byte is at `offset` from the first block staged.
  IPO_INLINE void stage(unsigned char const* data, std::uint64_t starts, std::uint16_t offset,
                        staged_windows& s) const noexcept {
    __mmask32 odd;
    __mmask32 const any = pairs(starts, odd);
    __m512i w0, w1;
    __m512i const h = window_hashes(data, odd, w0, w1);
    static constexpr auto even = [] {
      std::array<std::uint16_t, 32> a{};
      for (std::size_t k = 0; k < a.size(); ++k) {
        a[k] = static_cast<std::uint16_t>(2 * k);
      }
      return a;
    }();
    __m512i const base = _mm512_add_epi16(_mm512_loadu_si512(even.data()),
                                          _mm512_set1_epi16(static_cast<short>(offset)));
    __m512i const position = _mm512_mask_add_epi16(base, odd, base, _mm512_set1_epi16(1));
    _mm512_storeu_si512(s.hash + s.count, _mm512_maskz_compress_epi16(any, h));
    _mm512_storeu_si512(s.position + s.count, _mm512_maskz_compress_epi16(any, position));
    if (!tables_.short_anchors.empty()) {
      _mm512_storeu_si512(s.first + s.count, _mm512_maskz_compress_epi16(any, w0));
      _mm512_storeu_si512(s.second + s.count, _mm512_maskz_compress_epi16(any, w1));
    }
    s.count += static_cast<std::size_t>(std::popcount(any));
  }

  /// Calls f(position, hash) for each staged window that may hold an anchor, in order;
  /// empties s.
  template <class F>
  IPO_INLINE void drain(staged_windows& s, F&& f) const {
    for (std::size_t k = 0; k < s.count; k += 32) {
      std::size_t const left = s.count - k;
      __mmask32 const valid = left >= 32 ? ~__mmask32{0} : (__mmask32{1} << left) - 1u;
      for (__mmask32 lanes =
               valid & hits(_mm512_load_si512(s.hash + k), _mm512_load_si512(s.first + k),
                            _mm512_load_si512(s.second + k));
           lanes != 0; lanes &= lanes - 1) {
        std::size_t const lane = k + static_cast<std::size_t>(std::countr_zero(lanes));
        f(s.position[lane], s.hash[lane]);
      }
    }
    s.count = 0;
  }
#endif

  /// Positions 0..63 (one bit each in `positions`, never two adjacent ones set, as word starts
  /// never are) as 32 pairs of bytes: bit k of the result is set when pair k holds one, bit k
  /// of `odd` when it is 2k + 1.
  IPO_INLINE static __mmask32 pairs(std::uint64_t positions, __mmask32& odd) noexcept {
    __m512i const bytes = _mm512_movm_epi8(positions);
    odd = _mm512_movepi16_mask(bytes); // the high byte of a 16-bit lane is byte 2k + 1
    return _mm512_test_epi16_mask(bytes, bytes);
  }

private:
  /// The hashes of the windows at data[2k + odd_k], and their folded first and second 16-bit
  /// words (for the short anchors).
  IPO_INLINE static __m512i window_hashes(unsigned char const* data, __mmask32 odd, __m512i& w0,
                                          __m512i& w1) noexcept {
    __m512i const fold = _mm512_set1_epi16(0x2020);
    __m512i h = _mm512_setzero_si512();
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
    return h;
  }

  /// The lanes whose hash h passes the three Bloom tables or whose words w0, w1 hold a short
  /// anchor.
  IPO_INLINE __mmask32 hits(__m512i h, __m512i w0, __m512i w1) const noexcept {
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
