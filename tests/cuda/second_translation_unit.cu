// A second translation unit that includes the whole CUDA backend: linking it with
// test_cuda_device.cu checks that the headers can be included from several .cu files (no
// multiply defined kernels or functions).
#include <ipo/cuda.hpp>

std::size_t ipo_second_translation_unit_workspace() {
  return ipo::loss::cuda::preference_loss_workspace_bytes(16, 2) +
         ipo::loss::cuda::fused_linear_workspace_bytes(16, 2, 8, 32, 16);
}
