// src/dispatch/compiled_scans.cpp: the table of ipo::dispatch's matcher scans, compiled with
// the consumer's baseline flags. The scans themselves are src/dispatch/matcher_scan.cpp,
// compiled once per instruction set.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/cues/detail/compiled_scans.hpp"
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

namespace ipo::detail {
namespace {

bool has_avx512bw() noexcept {
  return simd::arch_available<xsimd::avx512bw>();
}

bool has_avx512vbmi2() noexcept {
  return has_avx512bw() && __builtin_cpu_supports("avx512vbmi2") != 0;
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
