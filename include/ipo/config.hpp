// ipo/config.hpp: version macros and the few portability macros every ipo header uses.
#pragma once

#define IPO_VERSION_MAJOR 0
#define IPO_VERSION_MINOR 1
#define IPO_VERSION_PATCH 0

#define IPO_DETAIL_STRINGIFY2(x) #x
#define IPO_DETAIL_STRINGIFY(x) IPO_DETAIL_STRINGIFY2(x)
/// "MAJOR.MINOR.PATCH" as a string literal.
#define IPO_VERSION_STRING                                                                         \
  IPO_DETAIL_STRINGIFY(IPO_VERSION_MAJOR)                                                          \
  "." IPO_DETAIL_STRINGIFY(IPO_VERSION_MINOR) "." IPO_DETAIL_STRINGIFY(IPO_VERSION_PATCH)
/// One integer that grows with every release: MAJOR * 10000 + MINOR * 100 + PATCH.
#define IPO_VERSION (IPO_VERSION_MAJOR * 10000 + IPO_VERSION_MINOR * 100 + IPO_VERSION_PATCH)

/// Marks math written once for the host and for CUDA devices; empty for a host compiler.
#if defined(__CUDACC__)
#define IPO_HOST_DEVICE __host__ __device__
#else
#define IPO_HOST_DEVICE
#endif

/// A small function that should be inlined into its (hot) caller.
#if defined(__CUDACC__)
#define IPO_INLINE __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define IPO_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define IPO_INLINE __forceinline
#else
#define IPO_INLINE inline
#endif

/// 1 when this translation unit is compiled by nvcc (or clang in CUDA mode), else 0.
#if defined(__CUDACC__)
#define IPO_HAS_CUDA_COMPILER 1
#else
#define IPO_HAS_CUDA_COMPILER 0
#endif

namespace ipo {

/// The library version this header belongs to, for run-time reporting.
struct version_info {
  int major;
  int minor;
  int patch;
  const char* string;
};

/// The version of the ipo headers compiled into the caller.
inline constexpr version_info version{IPO_VERSION_MAJOR, IPO_VERSION_MINOR, IPO_VERSION_PATCH,
                                      IPO_VERSION_STRING};

} // namespace ipo
