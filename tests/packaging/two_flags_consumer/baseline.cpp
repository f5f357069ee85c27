// Built with -march=x86-64 and linked with ipo::dispatch and with native.cpp (-march=native):
// both translation units must find the same, right matches on the widest path of the CPU,
// this one through the library's scans.
#include "../dispatch_check.hpp"

#include <cstdio>

std::string native_path(std::vector<ipo::cue_match>& matches);

int main() {
  ipo::phrase_matcher const matcher(dispatch_check::lexicon());
  std::vector<ipo::cue_match> baseline_matches, native_matches;
  matcher.find_all(dispatch_check::text(), baseline_matches);
  std::string const baseline = matcher.path_name();
  std::string const native = native_path(native_matches);
  int const widest = dispatch_check::widest_rank();
  std::printf("baseline TU: %s%s; native TU: %s; widest on this CPU: rank %d\n", baseline.c_str(),
              matcher.uses_compiled_scan() ? " (ipo::dispatch)" : "", native.c_str(), widest);
  bool const ok = dispatch_check::matches_are_right(baseline_matches) &&
                  dispatch_check::matches_are_right(native_matches) &&
                  dispatch_check::rank_of(baseline) == widest &&
                  dispatch_check::rank_of(native) == widest &&
                  matcher.uses_compiled_scan() == (widest > 1);
  return ok ? 0 : 1;
}
