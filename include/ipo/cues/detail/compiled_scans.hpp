// ipo/cues/detail/compiled_scans.hpp: the matcher scans of the optional compiled library
// ipo::dispatch (src/dispatch/, docs/dispatch.md).
//
// A header-only build compiles only the paths its flags allow: with no -march flag, SSE2 and
// scalar on x86-64. ipo::dispatch compiles the AVX2 and AVX-512 scans once each, in objects
// of their own built with those flags, in which every symbol but the entry points is made
// local (so no inline function compiled for AVX-512 can stand in for the baseline copy of
// it). A consumer that links ipo::dispatch (which defines IPO_HAS_DISPATCH) gets them chosen
// at run time, when the matcher is built. Without the library this header only declares.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ipo {
class phrase_matcher;
struct cue_match;
} // namespace ipo

namespace ipo::detail {

/// One scan of ipo::dispatch: a path compiled for one instruction set.
struct compiled_scan {
  /// The xsimd architecture it runs (as simd::arch_name() gives it): "avx512bw", "fma3+avx2".
  char const* arch;
  /// Whether the running CPU (and OS) can execute it.
  bool (*cpu_supports)() noexcept;
  /// Appends the matches of `text` to `out` and sorts them, as phrase_matcher::scan() does.
  void (*scan)(phrase_matcher const& matcher, std::string_view text, std::vector<cue_match>& out);
  /// The path's name, as phrase_matcher::path_name() gives it.
  std::string (*path_name)(phrase_matcher const& matcher);
  /// sizeof(phrase_matcher) where it was compiled: a scan compiled from other headers than
  /// the consumer's is never used.
  std::size_t matcher_size;
};

#if defined(IPO_HAS_DISPATCH)
/// The scans ipo::dispatch compiled, best first (defined in src/dispatch/compiled_scans.cpp).
std::span<compiled_scan const> compiled_scans() noexcept;
#endif

} // namespace ipo::detail
