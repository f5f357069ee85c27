// ipo/cuda.hpp: the CUDA backend (compile with nvcc; link ipo::cuda). Never included by
// ipo/ipo.hpp. See ipo/loss/cuda/preference_loss.cuh for the API.
#pragma once

#if !defined(__CUDACC__)
#error "ipo/cuda.hpp is CUDA code: compile the including file with nvcc and link ipo::cuda"
#endif

#include "ipo/loss/cuda/fused_linear.cuh"
#include "ipo/loss/cuda/kernels.cuh"
#include "ipo/loss/cuda/preference_loss.cuh"
