// A minimal ipo consumer: includes the umbrella header, uses a few names, checks a value.
#include <ipo/ipo.hpp>

#include <cstdio>

int main() {
  ipo::bf16 const half = ipo::bf16::from_float(0.5f);
  auto const archs = ipo::simd::available_arch_names();
  std::printf("ipo %s, bf16(0.5) = %g, best SIMD path: %s\n", ipo::version.string,
              static_cast<double>(half.to_float()), archs.front().c_str());
  return half.to_float() == 0.5f && !archs.empty() ? 0 : 1;
}
