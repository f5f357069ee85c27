// Prints the ipo version and the SIMD paths its kernels can dispatch to on this machine.
// scripts/demo runs it until the ipo-pairs pipeline replaces it as the main example.
#include <ipo/ipo.hpp>

#include <cstdio>

int main() {
  std::printf("ipo %s (header-only, C++20), built against xsimd %d\n", ipo::version.string,
              ipo::simd::xsimd_major_version);
  std::printf("SIMD paths available on this machine, best first:");
  for (auto const& name : ipo::simd::available_arch_names()) {
    std::printf(" %s", name.c_str());
  }
  std::printf("\n");
  return 0;
}
