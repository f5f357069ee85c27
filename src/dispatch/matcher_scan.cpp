// src/dispatch/matcher_scan.cpp: one matcher scan of ipo::dispatch, compiled once per
// instruction set (cmake/ipoDispatch.cmake gives each copy its flags and its namespace,
// IPO_DISPATCH_NAMESPACE = compiled_avx2, compiled_avx512bw or compiled_avx512vbmi2). Every
// symbol of the object but the entry points below is made local after compiling, so that the
// inline functions compiled here for AVX2 or AVX-512 never stand in for a consumer's copy.
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ipo/cues/matcher.hpp"

#if !defined(IPO_DISPATCH_NAMESPACE)
#error "IPO_DISPATCH_NAMESPACE names the path this copy compiles (compiled_avx2, ...)"
#endif

#if defined(__AVX512BW__)
using path_arch = xsimd::avx512bw;
#elif defined(__AVX2__) && defined(__FMA__)
using path_arch = xsimd::fma3<xsimd::avx2>;
#else
#error "ipo::dispatch compiles its scans with -mavx2 -mfma or -mavx512bw"
#endif
static_assert(path_arch::supported(), "xsimd does not compile this path in with these flags");

namespace ipo::detail::IPO_DISPATCH_NAMESPACE {

void scan(phrase_matcher const& matcher, std::string_view text, std::vector<cue_match>& out) {
  matcher.scan(path_arch{}, text, out);
}

std::string path_name(phrase_matcher const& matcher) {
  return matcher.path_name_on(path_arch{});
}

std::size_t matcher_size() noexcept {
  return sizeof(phrase_matcher);
}

} // namespace ipo::detail::IPO_DISPATCH_NAMESPACE
