// ipo/loss/detail/packed_rows.hpp: a row of logits moved 16 bytes at a time, for the CUDA
// kernels (one 128-bit load or store per thread instead of 4 fp32 or 8 bf16/fp16 ones) and
// for the host block emulator that tests them.
//
// A row starting at any address splits into a scalar head (the elements before its first
// 16-byte boundary), whole 16-byte packs, and a scalar tail. Thread `tid` of `threads` takes
// head and tail elements tid, tid + threads, ... and packs tid, tid + threads, ..., so that
// neighbouring threads still touch neighbouring memory (coalesced).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ipo/config.hpp"

namespace ipo::loss::detail {

/// Bytes in one pack: the widest load a CUDA thread issues.
inline constexpr std::size_t pack_bytes = 16;

/// Elements of T in one pack (4 fp32, 8 bf16 or fp16).
template <class T>
inline constexpr std::size_t pack_lanes = pack_bytes / sizeof(T);

/// One 16-byte pack of elements.
template <class T>
struct alignas(pack_bytes) pack {
  T lane[pack_lanes<T>];
};

/// How a row of n elements splits: `head` scalar elements, `packs` whole packs, `tail` scalar
/// elements (head + packs * pack_lanes + tail == n).
struct row_split {
  std::size_t head = 0;
  std::size_t packs = 0;
  std::size_t tail = 0;
  /// Index of the first tail element.
  template <class T>
  IPO_HOST_DEVICE std::size_t tail_begin() const noexcept {
    return head + packs * pack_lanes<T>;
  }
};

/// Bytes by which p lies past the previous 16-byte boundary.
template <class T>
IPO_HOST_DEVICE std::size_t misalignment(T const* p) noexcept {
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(p) % pack_bytes);
}

/// The split of the n elements at `row`. A row whose address is not a multiple of sizeof(T)
/// (never the case for a real array of T) is all head.
template <class T>
IPO_HOST_DEVICE row_split split_row(T const* row, std::size_t n) noexcept {
  std::size_t const off = misalignment(row);
  if (off % sizeof(T) != 0) {
    return {n, 0, 0};
  }
  std::size_t head = off == 0 ? 0 : (pack_bytes - off) / sizeof(T);
  head = head < n ? head : n;
  std::size_t const packs = (n - head) / pack_lanes<T>;
  return {head, packs, n - head - packs * pack_lanes<T>};
}

/// Loads the pack at p (16-byte aligned).
template <class T>
IPO_HOST_DEVICE IPO_INLINE pack<T> load_pack(T const* p) noexcept {
  pack<T> value;
#if defined(__CUDA_ARCH__)
  // pack is 16-byte aligned and as large as uint4: one ld.global.v4 into its registers.
  *reinterpret_cast<uint4*>(&value) = *reinterpret_cast<uint4 const*>(p);
#else
  for (std::size_t j = 0; j < pack_lanes<T>; ++j) {
    value.lane[j] = p[j];
  }
#endif
  return value;
}

/// Stores a pack at p (16-byte aligned).
template <class T>
IPO_HOST_DEVICE IPO_INLINE void store_pack(T* p, pack<T> const& value) noexcept {
#if defined(__CUDA_ARCH__)
  // __stwb names the 16-byte store; a plain uint4 assignment was split into 4 stores by nvcc 13.
  __stwb(reinterpret_cast<uint4*>(p), *reinterpret_cast<uint4 const*>(&value));
#else
  for (std::size_t j = 0; j < pack_lanes<T>; ++j) {
    p[j] = value.lane[j];
  }
#endif
}

/// Stores 16 zero bytes at p (16-byte aligned), marked as not to be read again soon (the
/// unscored rows of a gradient): a streaming store on the device.
template <class T>
IPO_HOST_DEVICE IPO_INLINE void store_zero_pack(T* p) noexcept {
#if defined(__CUDA_ARCH__)
  __stcs(reinterpret_cast<uint4*>(p), make_uint4(0u, 0u, 0u, 0u));
#else
  std::memset(static_cast<void*>(p), 0, pack_bytes);
#endif
}

} // namespace ipo::loss::detail
