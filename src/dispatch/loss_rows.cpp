// src/dispatch/loss_rows.cpp: the loss row kernels of ipo::dispatch, compiled once per
// instruction set (cmake/ipoDispatch.cmake: IPO_DISPATCH_NAMESPACE = compiled_avx2,
// compiled_avx512bw or compiled_avx512bf16, with that path's flags; with AVX512_BF16 the bf16
// stores round 16 floats in one instruction). As for the matcher scans, every symbol of the
// object but the entry points below is made local after compiling.
#include <cstddef>

#include "ipo/core/dtype.hpp"
#include "ipo/loss/detail/row_kernels.hpp"
#include "ipo/loss/stats.hpp"

#include "path_arch.hpp"

namespace ipo::loss::detail::IPO_DISPATCH_NAMESPACE {

row_stats stats_fp32(float const* x, std::size_t n) noexcept {
  return row_max_sum_exp(path_arch{}, x, n);
}
row_stats stats_bf16(bf16 const* x, std::size_t n) noexcept {
  return row_max_sum_exp(path_arch{}, x, n);
}
row_stats stats_fp16(fp16 const* x, std::size_t n) noexcept {
  return row_max_sum_exp(path_arch{}, x, n);
}

void gradient_fp32(float const* x, float* out, std::size_t n, std::size_t target, float max,
                   float log_sum, float scale) noexcept {
  row_gradient(path_arch{}, x, out, n, target, max, log_sum, scale);
}
void gradient_bf16(bf16 const* x, bf16* out, std::size_t n, std::size_t target, float max,
                   float log_sum, float scale) noexcept {
  row_gradient(path_arch{}, x, out, n, target, max, log_sum, scale);
}
void gradient_fp16(fp16 const* x, fp16* out, std::size_t n, std::size_t target, float max,
                   float log_sum, float scale) noexcept {
  row_gradient(path_arch{}, x, out, n, target, max, log_sum, scale);
}

} // namespace ipo::loss::detail::IPO_DISPATCH_NAMESPACE
