// Built with -march=native: the matcher's wide paths are compiled into this translation unit.
#include "../dispatch_check.hpp"

std::string native_path(std::vector<ipo::cue_match>& matches) {
  ipo::phrase_matcher const matcher(dispatch_check::lexicon());
  matcher.find_all(dispatch_check::text(), matches);
  return matcher.path_name();
}
