// ipo/ipo.hpp: the umbrella header. Includes every CPU-side public header of ipo.
// CUDA headers (ipo/cuda.hpp, ipo/loss/cuda/) are never included from here.
#pragma once

#include "ipo/config.hpp"
#include "ipo/core/dtype.hpp"
#include "ipo/core/error.hpp"
#include "ipo/core/matrix_view.hpp"
#include "ipo/intervention.hpp"
#include "ipo/loss.hpp"
#include "ipo/runtime.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"
#include "ipo/text.hpp"
