// ipo/loss/detail/row_kernels.hpp: the two per-row kernels of the preference loss, written
// once per architecture tag (an xsimd architecture, or simd::scalar for plain loops).
//
//   row_max_sum_exp:  one read of the row. (max, sum exp(x - max)) by blocks of kBlock
//                     elements, each summed as exp(x - shift) against the running shift (the
//                     first block's max) while its max is taken in the same sweep: one exp
//                     per element, one sweep. A block whose max passes the shift by more than
//                     kShiftSlack is summed again, against its max (for the precision of the
//                     largest terms); a row whose max keeps rising costs one more sum a block.
//   row_gradient:     one read + one write of the row. out = scale * (onehot(target) - exp(x -
//                     lse)); `out` may alias `x` (in-place gradient), each element is read
//                     before it is written.
// bf16 / fp16 rows are converted in registers where simd::fp32_lanes can (AVX-512), else
// widened to fp32 a block at a time through a stack buffer; all arithmetic and accumulation is
// fp32.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "ipo/config.hpp"
#include "ipo/core/dtype.hpp"
#include "ipo/loss/detail/fast_exp.hpp"
#include "ipo/loss/stats.hpp"
#include "ipo/simd/convert.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/simd/stream.hpp"

namespace ipo::loss::detail {

inline constexpr std::size_t kBlock = 1024; // elements per block: 4 KiB of fp32, stays in L1
/// How far a block's max may pass the running shift and still be summed against it. A term's
/// error grows with its argument (fp32 rounds x - shift to 24 bits: 1.2e-7 per unit), and the
/// largest terms decide the sum, so this stays small; random rows rarely pass it after their
/// first block, and a row whose max keeps rising costs at most one more sum per block.
inline constexpr float kShiftSlack = 4.0f;

/// A block's sum of exp(x - shift) and its max.
struct sum_and_max {
  float sum;
  float max;
};

/// True when architecture Arch reads storage type T straight into fp32 (scalar code always
/// does, element by element); otherwise blocks are widened through a buffer.
template <class Arch, class T>
inline constexpr bool reads_directly =
    std::is_same_v<Arch, simd::scalar> || simd::fp32_lanes<Arch, T>::available;

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

// ---- block primitives, scalar ------------------------------------------------------------

template <class T>
IPO_INLINE float block_max(simd::scalar, T const* x, std::size_t n) noexcept {
  float m = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    float const v = to_float(x[i]);
    m = v > m ? v : m;
  }
  return m;
}

template <class T>
IPO_INLINE sum_and_max block_sum_exp(simd::scalar, scaled_exp<simd::scalar> const& e, T const* x,
                                     std::size_t n) noexcept {
  sum_and_max r{0.0f, -std::numeric_limits<float>::infinity()};
  for (std::size_t i = 0; i < n; ++i) {
    float const v = to_float(x[i]);
    r.sum += e(v);
    r.max = v > r.max ? v : r.max;
  }
  return r;
}

template <class T>
IPO_INLINE void block_gradient(simd::scalar, scaled_exp<simd::scalar> const& e, T const* x, T* out,
                               std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = from_float<T>(e(to_float(x[i])));
  }
}

// ---- block primitives, SIMD (T read through simd::fp32_lanes) ----------------------------

/// Calls f(std::integral_constant<std::size_t, I>{}) for I = 0 .. N-1, unrolled.
template <std::size_t N, class F>
IPO_INLINE void unrolled(F&& f) noexcept {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::make_index_sequence<N>{});
}

template <class A, class T>
IPO_INLINE float block_max(A, T const* x, std::size_t n) noexcept {
  using lanes = simd::fp32_lanes<A, T>;
  using batch = typename lanes::batch;
  batch acc(-std::numeric_limits<float>::infinity());
  std::size_t i = 0;
  for (; i + lanes::step <= n; i += lanes::step) {
    auto const v = lanes::load(x + i);
    unrolled<lanes::parts>([&](auto p) { acc = xsimd::max(acc, v[p]); });
  }
  float m = simd::reduce_max(acc);
  for (; i < n; ++i) {
    float const v = to_float(x[i]);
    m = v > m ? v : m;
  }
  return m;
}

template <class A, class T>
IPO_INLINE sum_and_max block_sum_exp(A, scaled_exp<A> const& e, T const* x,
                                     std::size_t n) noexcept {
  using lanes = simd::fp32_lanes<A, T>;
  using batch = typename lanes::batch;
  // Four independent sums hide the add latency: kUnroll steps of `parts` batches each.
  constexpr std::size_t kUnroll = lanes::parts >= 4 ? 1 : 4 / lanes::parts;
  constexpr std::size_t kSums = kUnroll * lanes::parts;
  std::array<batch, kSums> sums;
  sums.fill(batch(0.0f));
  batch top(-std::numeric_limits<float>::infinity());
  std::size_t i = 0;
  for (; i + kUnroll * lanes::step <= n; i += kUnroll * lanes::step) {
    unrolled<kUnroll>([&](auto u) {
      auto const v = lanes::load(x + i + u * lanes::step);
      unrolled<lanes::parts>([&](auto p) {
        top = xsimd::max(top, v[p]);
        sums[u * lanes::parts + p] += e(v[p]);
      });
    });
  }
  for (; i + lanes::step <= n; i += lanes::step) {
    auto const v = lanes::load(x + i);
    unrolled<lanes::parts>([&](auto p) {
      top = xsimd::max(top, v[p]);
      sums[p] += e(v[p]);
    });
  }
  unrolled<kSums - 1>([&](auto s) { sums[0] += sums[s + 1]; });
  sum_and_max r{simd::reduce_add(sums[0]), simd::reduce_max(top)};
  for (; i < n; ++i) { // by the vector code on one lane: no call, so no spilled constants
    float const v = to_float(x[i]);
    r.sum += e.at(v);
    r.max = v > r.max ? v : r.max;
  }
  return r;
}

template <class A, class T>
IPO_INLINE void block_gradient(A, scaled_exp<A> const& e, T const* x, T* out,
                               std::size_t n) noexcept {
  using lanes = simd::fp32_lanes<A, T>;
  std::size_t i = 0;
  for (; i + lanes::step <= n; i += lanes::step) {
    auto v = lanes::load(x + i);
    unrolled<lanes::parts>([&](auto p) { v[p] = e(v[p]); });
    lanes::store(out + i, v);
  }
  for (; i < n; ++i) {
    out[i] = from_float<T>(e.at(to_float(x[i])));
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
row_stats row_max_sum_exp(Arch arch, T const* x, std::size_t n) noexcept {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  constexpr bool kDirect = reads_directly<Arch, T>;
  using block_type = std::conditional_t<kDirect, T, float>;
  alignas(64) float widened[kDirect ? 1 : kBlock];
  float shift = kNegInf, sum = 0.0f, max = kNegInf; // sum is of exp(x - shift)
  scaled_exp<Arch> e(0.0f, 0.0f, 1.0f);
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    std::size_t const len = std::min(kBlock, n - begin);
    prefetch_ahead(x + begin, n - begin);
    block_type const* block = nullptr;
    if constexpr (kDirect) {
      block = x + begin;
    } else {
      widen(x + begin, widened, len);
      block = widened;
    }
    if (shift == kNegInf) { // nothing but -inf so far: this block's max becomes the shift
      shift = block_max(arch, block, len);
      if (shift == kNegInf) {
        continue;
      }
      e = scaled_exp<Arch>(shift, 0.0f, 1.0f);
    }
    sum_and_max part = block_sum_exp(arch, e, block, len);
    if (part.max > shift + kShiftSlack) { // rare: rescale what came before, sum again
      sum *= std::exp(shift - part.max);
      shift = part.max;
      e = scaled_exp<Arch>(shift, 0.0f, 1.0f);
      part = block_sum_exp(arch, e, block, len);
    }
    sum += part.sum;
    max = part.max > max ? part.max : max;
  }
  if (max == kNegInf) {
    return {kNegInf, 0.0f};
  }
  // The term at the shift counts exactly 1 (the exp gives 1 only to within a few ulps there):
  // a one-element row has sum 1 and log-probability 0 exactly.
  sum /= e.at(shift);
  return {max, sum * std::exp(shift - max)};
}

/// out[v] = scale * ((v == target) - softmax(x)[v]) for v in [0, n), with the softmax taken as
/// exp((x - max) - log_sum) from the row's statistics (kept apart so that logits of 1e4 lose
/// no precision to a rounded log-sum-exp). out may alias x.
template <class Arch, class T>
void row_gradient(Arch arch, T const* x, T* out, std::size_t n, std::size_t target, float max,
                  float log_sum, float scale) noexcept {
  float const target_softmax =
      std::exp((to_float(x[target]) - max) - log_sum); // read before any write
  scaled_exp<Arch> const e(max, -log_sum, -scale);
  constexpr bool kDirect = reads_directly<Arch, T>;
  alignas(64) float widened[kDirect ? 1 : kBlock];
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    std::size_t const len = std::min(kBlock, n - begin);
    prefetch_ahead(x + begin, n - begin);
    if constexpr (kDirect) {
      block_gradient(arch, e, x + begin, out + begin, len);
    } else {
      widen(x + begin, widened, len);
      block_gradient(arch, e, widened, widened, len);
      narrow(widened, out + begin, len);
    }
  }
  out[target] = from_float<T>(scale * (1.0f - target_softmax));
}

} // namespace ipo::loss::detail
