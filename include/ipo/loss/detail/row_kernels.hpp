// ipo/loss/detail/row_kernels.hpp: the two per-row kernels of the preference loss, written
// once per architecture tag (an xsimd architecture, or simd::scalar for plain loops).
//
//   row_max_sum_exp:  one read of the row.  (max, sum exp(x - max)) by blocks of kBlock
//                     elements: a block's max, then its exps re-read from L1, so each element
//                     costs one exp and the row is read from memory once.
//   row_gradient:     one read + one write of the row. out = scale * (onehot(target) - exp(x -
//                     lse)); `out` may alias `x` (in-place gradient), each element is read
//                     before it is written.
// bf16 / fp16 rows are widened to fp32 a block at a time into a stack buffer; all arithmetic
// and accumulation is fp32.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ipo/config.hpp"
#include "ipo/core/dtype.hpp"
#include "ipo/loss/detail/fast_exp.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/simd/stream.hpp"

namespace ipo::loss::detail {

inline constexpr std::size_t kBlock = 1024; // elements per block: 4 KiB of fp32, stays in L1

struct max_sum {
  float max;
  float sum_exp;
};

/// Merges a block's (max, sum) into the running one; both are fp32.
IPO_INLINE void absorb_block(max_sum& running, float block_max, float block_sum_at_max) noexcept {
  running.sum_exp = running.sum_exp * std::exp(running.max - block_max) + block_sum_at_max;
  running.max = block_max;
}

template <class T>
IPO_INLINE void widen(T const* src, float* dst, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = to_float(src[i]);
  }
}

template <class T>
IPO_INLINE void narrow(float const* src, T* dst, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = from_float<T>(src[i]);
  }
}

// ---- block primitives on fp32 data -------------------------------------------------------

IPO_INLINE float block_max(simd::scalar, float const* x, std::size_t n) noexcept {
  float m = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    m = x[i] > m ? x[i] : m;
  }
  return m;
}

IPO_INLINE float block_sum_exp(simd::scalar, float const* x, std::size_t n, float shift) noexcept {
  float s = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    s += std::exp(x[i] - shift);
  }
  return s;
}

IPO_INLINE void block_gradient(simd::scalar, float const* x, float* out, std::size_t n, float max,
                               float log_sum, float neg_scale) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = neg_scale * std::exp((x[i] - max) - log_sum);
  }
}

template <class A>
IPO_INLINE float block_max(A, float const* x, std::size_t n) noexcept {
  using batch = xsimd::batch<float, A>;
  constexpr std::size_t W = batch::size;
  float m = -std::numeric_limits<float>::infinity();
  std::size_t i = 0;
  if (n >= W) {
    batch acc = batch::load_unaligned(x);
    for (i = W; i + W <= n; i += W) {
      acc = xsimd::max(acc, batch::load_unaligned(x + i));
    }
    m = simd::reduce_max(acc);
  }
  for (; i < n; ++i) {
    m = x[i] > m ? x[i] : m;
  }
  return m;
}

template <class A>
IPO_INLINE float block_sum_exp(A, float const* x, std::size_t n, float shift) noexcept {
  using batch = xsimd::batch<float, A>;
  constexpr std::size_t W = batch::size;
  batch acc(0.0f);
  batch const s(shift);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    acc += exp_nonpositive<A>(batch::load_unaligned(x + i) - s);
  }
  float total = simd::reduce_add(acc);
  for (; i < n; ++i) {
    total += std::exp(x[i] - shift);
  }
  return total;
}

template <class A>
IPO_INLINE void block_gradient(A, float const* x, float* out, std::size_t n, float max,
                               float log_sum, float neg_scale) noexcept {
  using batch = xsimd::batch<float, A>;
  constexpr std::size_t W = batch::size;
  batch const m(max), l(log_sum), k(neg_scale);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    (k * exp_nonpositive<A>((batch::load_unaligned(x + i) - m) - l)).store_unaligned(out + i);
  }
  for (; i < n; ++i) {
    out[i] = neg_scale * std::exp((x[i] - max) - log_sum);
  }
}

/// Asks for the block kAhead blocks after `x` (within the `left` elements of the row): the
/// hardware prefetcher alone leaves a single thread short of memory bandwidth here.
template <class T>
IPO_INLINE void prefetch_ahead(T const* x, std::size_t left) noexcept {
  constexpr std::size_t kAhead = 2;
  if (left > (kAhead + 1) * kBlock) {
    char const* p = reinterpret_cast<char const*>(x + kAhead * kBlock);
    for (std::size_t b = 0; b < kBlock * sizeof(T); b += 64) {
      simd::prefetch(p + b);
    }
  }
}

// ---- row kernels --------------------------------------------------------------------------

/// (max, sum exp(x - max)) of x[0..n) in fp32; {-inf, 0} for an empty or all -inf row.
template <class Arch, class T>
max_sum row_max_sum_exp(Arch arch, T const* x, std::size_t n) noexcept {
  max_sum running{-std::numeric_limits<float>::infinity(), 0.0f};
  alignas(64) float widened[std::is_same_v<T, float> ? 1 : kBlock];
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    std::size_t const len = std::min(kBlock, n - begin);
    prefetch_ahead(x + begin, n - begin);
    float const* block = nullptr;
    if constexpr (std::is_same_v<T, float>) {
      block = x + begin;
    } else {
      widen(x + begin, widened, len);
      block = widened;
    }
    float const m = std::max(running.max, block_max(arch, block, len));
    if (m == -std::numeric_limits<float>::infinity()) {
      continue; // every element so far is -inf: nothing to add
    }
    absorb_block(running, m, block_sum_exp(arch, block, len, m));
  }
  return running;
}

/// out[v] = scale * ((v == target) - softmax(x)[v]) for v in [0, n), with the softmax taken as
/// exp((x - max) - log_sum) from the row's statistics (kept apart so that logits of 1e4 lose
/// no precision to a rounded log-sum-exp). out may alias x.
template <class Arch, class T>
void row_gradient(Arch arch, T const* x, T* out, std::size_t n, std::size_t target, float max,
                  float log_sum, float scale) noexcept {
  float const target_softmax =
      std::exp((to_float(x[target]) - max) - log_sum); // read before any write
  alignas(64) float widened[std::is_same_v<T, float> ? 1 : kBlock];
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    std::size_t const len = std::min(kBlock, n - begin);
    prefetch_ahead(x + begin, n - begin);
    if constexpr (std::is_same_v<T, float>) {
      block_gradient(arch, x + begin, out + begin, len, max, log_sum, -scale);
    } else {
      widen(x + begin, widened, len);
      block_gradient(arch, widened, widened, len, max, log_sum, -scale);
      narrow(widened, out + begin, len);
    }
  }
  out[target] = from_float<T>(scale * (1.0f - target_softmax));
}

} // namespace ipo::loss::detail
