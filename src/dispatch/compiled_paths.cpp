// src/dispatch/compiled_paths.cpp: the tables of ipo::dispatch's paths (the matcher scans,
// the loss row kernels and the fused linear sweep), compiled with the consumer's baseline
// flags. The paths themselves are src/dispatch/matcher_scan.cpp, loss_rows.cpp and
// linear_sweep.cpp, compiled once per instruction set.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/dtype.hpp"
#include "ipo/cues/detail/compiled_scans.hpp"
#include "ipo/loss/detail/compiled_rows.hpp"
#include "ipo/loss/stats.hpp"
#include "ipo/simd/dispatch.hpp"

#define IPO_DISPATCH_DECLARE(path)                                                                 \
  namespace ipo::detail::compiled_##path {                                                         \
    void scan(phrase_matcher const& matcher, std::string_view text, std::vector<cue_match>& out);  \
    std::string path_name(phrase_matcher const& matcher);                                          \
    std::size_t matcher_size() noexcept;                                                           \
  }

IPO_DISPATCH_DECLARE(avx512vbmi2)
IPO_DISPATCH_DECLARE(avx512bw)
IPO_DISPATCH_DECLARE(avx2)

#define IPO_DISPATCH_DECLARE_ROWS_OF(T, suffix)                                                    \
  row_stats stats_##suffix(T const* x, std::size_t n) noexcept;                                    \
  void gradient_##suffix(T const* x, T* out, std::size_t n, std::size_t target, float max,         \
                         float log_sum, float scale) noexcept;
#define IPO_DISPATCH_DECLARE_ROWS(path)                                                            \
  namespace ipo::loss::detail::compiled_##path {                                                   \
    IPO_DISPATCH_DECLARE_ROWS_OF(float, fp32)                                                      \
    IPO_DISPATCH_DECLARE_ROWS_OF(bf16, bf16)                                                       \
    IPO_DISPATCH_DECLARE_ROWS_OF(fp16, fp16)                                                       \
    void linear_sweep_run(linear_sweep& sweep, bool score, bool differentiate,                     \
                          chunk_evaluator const& evaluate);                                        \
    std::size_t sweep_layout() noexcept;                                                           \
  }

IPO_DISPATCH_DECLARE_ROWS(avx512bf16)
IPO_DISPATCH_DECLARE_ROWS(avx512bw)
IPO_DISPATCH_DECLARE_ROWS(avx2)

namespace ipo::detail {
namespace {

bool has_avx512bw() noexcept {
  return simd::arch_available<xsimd::avx512bw>();
}

bool has_avx512vbmi2() noexcept {
  return has_avx512bw() && __builtin_cpu_supports("avx512vbmi2") != 0;
}

bool has_avx512bf16() noexcept {
  return has_avx512bw() && __builtin_cpu_supports("avx512bf16") != 0;
}

bool has_avx2_fma() noexcept {
  return simd::arch_available<xsimd::fma3<xsimd::avx2>>();
}

} // namespace

std::span<compiled_scan const> compiled_scans() noexcept {
  static compiled_scan const scans[] = {
      {"avx512bw", has_avx512vbmi2, compiled_avx512vbmi2::scan, compiled_avx512vbmi2::path_name,
       compiled_avx512vbmi2::matcher_size()},
      {"avx512bw", has_avx512bw, compiled_avx512bw::scan, compiled_avx512bw::path_name,
       compiled_avx512bw::matcher_size()},
      {"fma3+avx2", has_avx2_fma, compiled_avx2::scan, compiled_avx2::path_name,
       compiled_avx2::matcher_size()},
  };
  return scans;
}

} // namespace ipo::detail

namespace ipo::loss::detail {

std::span<compiled_row_kernels const> compiled_row_kernel_sets() noexcept {
#define IPO_DISPATCH_ROWS_ENTRY(path)                                                              \
  compiled_##path::stats_fp32, compiled_##path::stats_bf16, compiled_##path::stats_fp16,           \
      compiled_##path::gradient_fp32, compiled_##path::gradient_bf16,                              \
      compiled_##path::gradient_fp16, compiled_##path::linear_sweep_run,                           \
      compiled_##path::sweep_layout()
  static compiled_row_kernels const sets[] = {
      {"avx512bw", "avx512bw+bf16", ipo::detail::has_avx512bf16,
       IPO_DISPATCH_ROWS_ENTRY(avx512bf16)},
      {"avx512bw", "avx512bw", ipo::detail::has_avx512bw, IPO_DISPATCH_ROWS_ENTRY(avx512bw)},
      {"fma3+avx2", "fma3+avx2", ipo::detail::has_avx2_fma, IPO_DISPATCH_ROWS_ENTRY(avx2)},
  };
#undef IPO_DISPATCH_ROWS_ENTRY
  return sets;
}

} // namespace ipo::loss::detail
