#include <ipo/ipo.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main() {
  ipo::fp16 const value = ipo::fp16::from_float(1.5f);
  std::printf("ipo %s from Conan: fp16(1.5) = %g\n", ipo::version.string,
              static_cast<double>(value.to_float()));
  ipo::phrase_matcher const matcher(ipo::default_lexicon());
  std::vector<ipo::cue_match> matches;
  matcher.find_all("Sure, here's how to do it. I'll start by listing the steps.", matches);
  std::printf("matcher path: %s%s, %zu matches\n", matcher.path_name().c_str(),
              matcher.uses_compiled_scan() ? " (ipo::dispatch)" : "", matches.size());
  return value.to_float() == 1.5f && !matches.empty() ? 0 : 1;
}
