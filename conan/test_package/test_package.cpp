#include <ipo/ipo.hpp>

#include <cstdio>

int main() {
  ipo::fp16 const value = ipo::fp16::from_float(1.5f);
  std::printf("ipo %s from Conan: fp16(1.5) = %g\n", ipo::version.string,
              static_cast<double>(value.to_float()));
  return value.to_float() == 1.5f ? 0 : 1;
}
