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

#include "path_arch.hpp"

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
