// ipo/loss/detail/compiled_rows.hpp: the loss row kernels of the optional compiled library
// ipo::dispatch (src/dispatch/, docs/dispatch.md), and the architecture tag that calls them.
//
// A header-only build compiles the row kernels for the instruction sets its flags allow (SSE2
// with no -march flag on x86-64). ipo::dispatch compiles row_max_sum_exp and row_gradient for
// fp32, bf16 and fp16 once for AVX2 and once for AVX-512, each in an object whose other symbols
// are all made local. A consumer that links it (IPO_HAS_DISPATCH) runs them through the tag
// library_rows when they are wider than its own best path; dispatch_rows() makes that choice
// on every call (a few comparisons; a call's rows are thousands of elements each). Each set
// also holds fused_linear_preference_loss()'s chunk sweep, so that its Eigen products run as
// wide as the rows (detail::run_linear_sweep in fused_linear.hpp).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ipo/core/dtype.hpp"
#include "ipo/loss/stats.hpp"
#include "ipo/simd/dispatch.hpp"

namespace ipo::loss::detail {

/// (max, sum exp(x - max)) of a row: row_max_sum_exp compiled for one instruction set.
template <class T>
using row_stats_fn = row_stats (*)(T const* x, std::size_t n) noexcept;

/// out = scale * (onehot(target) - softmax(x)): row_gradient compiled for one instruction set.
template <class T>
using row_gradient_fn = void (*)(T const* x, T* out, std::size_t n, std::size_t target, float max,
                                 float log_sum, float scale) noexcept;

struct linear_sweep;   // ipo/loss/fused_linear.hpp
class chunk_evaluator; // ipo/loss/fused_linear.hpp

/// fused_linear_preference_loss()'s chunk sweep (linear_sweep::run: its Eigen products and row
/// kernels) compiled for one instruction set.
using linear_sweep_fn = void (*)(linear_sweep& sweep, bool score, bool differentiate,
                                 chunk_evaluator const& evaluate);

/// One set of row kernels of ipo::dispatch, compiled for one instruction set.
struct compiled_row_kernels {
  /// The xsimd architecture they run (as simd::arch_name() gives it): "avx512bw", "fma3+avx2".
  char const* arch;
  /// The set's name: the architecture, with "+bf16" for the AVX-512 set built with AVX512_BF16.
  char const* path;
  /// Whether the running CPU (and OS) can execute them.
  bool (*cpu_supports)() noexcept;
  row_stats_fn<float> stats_fp32;
  row_stats_fn<bf16> stats_bf16;
  row_stats_fn<fp16> stats_fp16;
  row_gradient_fn<float> gradient_fp32;
  row_gradient_fn<bf16> gradient_bf16;
  row_gradient_fn<fp16> gradient_fp16;
  /// The fused linear chunk sweep, and linear_sweep_layout() where it was compiled: a consumer
  /// whose layout differs (other standard-library flags) runs its own sweep instead.
  linear_sweep_fn sweep;
  std::size_t sweep_layout;

  /// The statistics kernel for storage type T.
  template <class T>
  row_stats_fn<T> stats() const noexcept {
    if constexpr (std::is_same_v<T, float>) {
      return stats_fp32;
    } else if constexpr (std::is_same_v<T, bf16>) {
      return stats_bf16;
    } else {
      static_assert(std::is_same_v<T, fp16>, "row kernels take float, bf16 or fp16");
      return stats_fp16;
    }
  }
  /// The gradient kernel for storage type T.
  template <class T>
  row_gradient_fn<T> gradient() const noexcept {
    if constexpr (std::is_same_v<T, float>) {
      return gradient_fp32;
    } else if constexpr (std::is_same_v<T, bf16>) {
      return gradient_bf16;
    } else {
      static_assert(std::is_same_v<T, fp16>, "row kernels take float, bf16 or fp16");
      return gradient_fp16;
    }
  }
};

#if defined(IPO_HAS_DISPATCH)
/// The row kernel sets ipo::dispatch compiled, best first (src/dispatch/compiled_paths.cpp).
std::span<compiled_row_kernels const> compiled_row_kernel_sets() noexcept;
#endif

/// The architecture tag of a set of ipo::dispatch's row kernels: row_max_sum_exp and
/// row_gradient called with it run that set (the overloads below; the kernels' own templates
/// serve every xsimd tag and simd::scalar).
struct library_rows {
  compiled_row_kernels const* kernels;
};

template <class T>
row_stats row_max_sum_exp(library_rows arch, T const* x, std::size_t n) noexcept {
  return arch.kernels->stats<T>()(x, n);
}

template <class T>
void row_gradient(library_rows arch, T const* x, T* out, std::size_t n, std::size_t target,
                  float max, float log_sum, float scale) noexcept {
  arch.kernels->gradient<T>()(x, out, n, target, max, log_sum, scale);
}

/// The name of the best row-kernel path this translation unit compiled in that the CPU runs
/// (IPO_FORCE_ARCH applied), as simd::arch_name() gives it.
inline std::string_view compiled_in_row_path() {
  return simd::dispatch(
      [](auto arch) -> std::string_view { return simd::arch_name<decltype(arch)>(); });
}

/// The set of ipo::dispatch's row kernels the loss runs instead of its compiled-in path: the
/// widest the CPU runs, when it is wider than that path and within IPO_FORCE_ARCH; else none
/// (always none without the library).
inline compiled_row_kernels const* chosen_library_rows() {
#if defined(IPO_HAS_DISPATCH)
  std::string_view const own = compiled_in_row_path();
  for (compiled_row_kernels const& candidate : compiled_row_kernel_sets()) {
    if (simd::library_path_preferred(own, candidate.arch) && candidate.cpu_supports()) {
      return &candidate;
    }
  }
#endif
  return nullptr;
}

/// Calls kernel(arch) with the row kernels' path: ipo::dispatch's set (library_rows) when
/// chosen_library_rows() finds one, else the best compiled-in architecture (simd::dispatch).
template <class F>
void dispatch_rows(F&& kernel) {
  if (compiled_row_kernels const* library = chosen_library_rows()) {
    std::forward<F>(kernel)(library_rows{library});
    return;
  }
  simd::dispatch(std::forward<F>(kernel));
}

} // namespace ipo::loss::detail

namespace ipo::loss {

/// Which path the CPU loss kernels (preference_loss, fused_linear_preference_loss,
/// partial_row_stats) run here: the compiled-in architecture ("avx512bw", "fma3+avx2", "sse2",
/// "neon64", "scalar"), or "<path> (ipo::dispatch)" for the compiled library's kernels
/// ("avx512bw+bf16", "avx512bw", "fma3+avx2").
inline std::string row_kernel_path() {
  if (detail::compiled_row_kernels const* library = detail::chosen_library_rows()) {
    return std::string(library->path) + " (ipo::dispatch)";
  }
  return std::string(detail::compiled_in_row_path());
}

} // namespace ipo::loss
