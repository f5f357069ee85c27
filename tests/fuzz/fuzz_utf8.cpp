// libFuzzer target: the validator agrees on every SIMD path, and replacement yields valid text.
#include <ipo/trace/utf8.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  std::size_t const scalar = ipo::detail::first_invalid_utf8(ipo::simd::scalar{}, text);
  ipo::simd::for_each_available_arch([&](auto arch) {
    if (ipo::detail::first_invalid_utf8(arch, text) != scalar) {
      std::abort();
    }
  });
  if (!ipo::is_valid_utf8(ipo::replace_invalid_utf8(text))) {
    std::abort();
  }
  return 0;
}
