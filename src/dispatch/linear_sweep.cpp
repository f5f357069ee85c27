// src/dispatch/linear_sweep.cpp: fused_linear_preference_loss()'s chunk sweep (the Eigen
// products and the row kernels) in ipo::dispatch, compiled once per instruction set with the
// loss row kernels (cmake/ipoDispatch.cmake). As for the other paths, every symbol of the
// object but the entry points below is made local after compiling, Eigen's included.
#include <cstddef>

#include "ipo/loss/fused_linear.hpp"

#include "path_arch.hpp"

namespace ipo::loss::detail::IPO_DISPATCH_NAMESPACE {

void linear_sweep_run(linear_sweep& sweep, bool score, bool differentiate,
                      chunk_evaluator const& evaluate) {
  sweep.run(score, differentiate, evaluate);
}

std::size_t sweep_layout() noexcept {
  return linear_sweep_layout();
}

} // namespace ipo::loss::detail::IPO_DISPATCH_NAMESPACE
