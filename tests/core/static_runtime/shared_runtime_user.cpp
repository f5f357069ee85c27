// A shared object that uses the shared libstdc++ (as NumPy and PyTorch do): loaded first, it
// formats numbers through iostreams, which numbers the locale facets in that runtime.
#include <sstream>
#include <string>

extern "C" __attribute__((visibility("default"))) int ipo_shared_runtime_warm_up() {
  std::ostringstream out;
  out << 12345 << ' ' << 0.25;
  return static_cast<int>(out.str().size());
}
