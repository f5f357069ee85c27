// ipo/simd/stream.hpp: memory hints for streaming kernels: zero-filling with non-temporal
// stores, and software prefetch.
//
// A plain store to a line that is not in cache first reads the line (read for ownership), so
// memset of a buffer the size of a gradient costs a read and a write per byte; streaming
// stores write without the read. Used for the zero gradient of unscored rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ipo/config.hpp"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace ipo::simd {

/// Below this many bytes a plain memset is as fast (the lines may well be cached).
inline constexpr std::size_t kStreamingThreshold = 4096;

/// Sets `bytes` bytes at `p` to zero; with streaming stores where the target has them and
/// the buffer is large. Call streaming_fence() before other threads read the memory.
inline void zero_fill_streaming(void* p, std::size_t bytes) noexcept {
#if defined(__SSE2__)
  if (bytes >= kStreamingThreshold) {
    auto* c = static_cast<unsigned char*>(p);
    std::size_t const head =
        (64 - (reinterpret_cast<std::uintptr_t>(c) & 63u)) & 63u; // up to a 64-byte boundary
    std::memset(c, 0, head);
    c += head;
    bytes -= head;
    for (; bytes >= 64; c += 64, bytes -= 64) {
#if defined(__AVX512F__)
      _mm512_stream_si512(reinterpret_cast<__m512i*>(c), _mm512_setzero_si512());
#elif defined(__AVX__)
      _mm256_stream_si256(reinterpret_cast<__m256i*>(c), _mm256_setzero_si256());
      _mm256_stream_si256(reinterpret_cast<__m256i*>(c + 32), _mm256_setzero_si256());
#else
      for (int k = 0; k < 64; k += 16) {
        _mm_stream_si128(reinterpret_cast<__m128i*>(c + k), _mm_setzero_si128());
      }
#endif
    }
    std::memset(c, 0, bytes);
    return;
  }
#endif
  std::memset(p, 0, bytes);
}

/// Orders this thread's streaming stores before its later stores (and thus before a join).
inline void streaming_fence() noexcept {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

/// Asks for the cache line holding `p` ahead of its use (a hint; no effect where unsupported).
/// Always inlined: GCC 12 drops the prefetch of an inline function that an always-inline
/// caller inlines.
IPO_INLINE void prefetch(void const* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#elif defined(__SSE2__)
  _mm_prefetch(static_cast<char const*>(p), _MM_HINT_T0);
#else
  (void)p;
#endif
}

} // namespace ipo::simd
