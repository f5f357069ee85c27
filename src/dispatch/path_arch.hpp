// src/dispatch/path_arch.hpp: the xsimd architecture one copy of ipo::dispatch's paths is
// compiled for, from the flags cmake/ipoDispatch.cmake gives that copy, and the check that
// the copy has its namespace (IPO_DISPATCH_NAMESPACE = compiled_avx2, compiled_avx512bw, ...).
#pragma once

#include "ipo/simd/simd.hpp"

#if !defined(IPO_DISPATCH_NAMESPACE)
#error "IPO_DISPATCH_NAMESPACE names the path this copy compiles (compiled_avx2, ...)"
#endif

#if defined(__AVX512BW__)
using path_arch = xsimd::avx512bw;
#elif defined(__AVX2__) && defined(__FMA__)
using path_arch = xsimd::fma3<xsimd::avx2>;
#else
#error "ipo::dispatch compiles its paths with -mavx2 -mfma or -mavx512bw"
#endif
static_assert(path_arch::supported(), "xsimd does not compile this path in with these flags");
