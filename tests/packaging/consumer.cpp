// A minimal ipo consumer: includes the umbrella header, uses a few names, checks a value; with
// ipo::dispatch linked (IPO_HAS_DISPATCH), also that the matcher takes the CPU's widest path.
#include <ipo/ipo.hpp>

#if defined(IPO_HAS_DISPATCH)
#include "dispatch_check.hpp"
#endif

#include <cstdio>

int main() {
  ipo::bf16 const half = ipo::bf16::from_float(0.5f);
  auto const archs = ipo::simd::available_arch_names();
  std::printf("ipo %s, bf16(0.5) = %g, best SIMD path: %s\n", ipo::version.string,
              static_cast<double>(half.to_float()), archs.front().c_str());
  bool ok = half.to_float() == 0.5f && !archs.empty();
#if defined(IPO_HAS_DISPATCH)
  ipo::phrase_matcher const matcher(dispatch_check::lexicon());
  std::vector<ipo::cue_match> matches;
  matcher.find_all(dispatch_check::text(), matches);
  std::printf("matcher path with ipo::dispatch: %s\n", matcher.path_name().c_str());
  ok = ok && dispatch_check::matches_are_right(matches) &&
       dispatch_check::rank_of(matcher.path_name()) >= dispatch_check::widest_rank();
#endif
  return ok ? 0 : 1;
}
