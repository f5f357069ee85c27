// A shared object that links libstdc++ statically, as a Python extension built with
// -static-libstdc++ does, loaded by host.cpp beside a library with the shared libstdc++. It
// throws and catches ipo's argument errors with a number, a float and a string as the value.
#include "ipo/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

extern "C" __attribute__((visibility("default"))) int ipo_plugin_message(int which, char* buffer,
                                                                         std::size_t size) {
  try {
    switch (which) {
    case 0:
      ipo::check_argument(false, "ipo::loss::preference_loss", "labels[5]", std::int64_t{10000},
                          "a token id in [0, 37)");
      break;
    case 1:
      ipo::check_argument(false, "ipo::f", "beta", -0.5, "a finite value > 0");
      break;
    default:
      ipo::check_argument(false, "ipo::f", "mode", std::string("bad"), "a known mode");
    }
  } catch (ipo::argument_error const& e) {
    std::string const text = e.what();
    if (text.size() + 1 > size) {
      return -1;
    }
    std::memcpy(buffer, text.c_str(), text.size() + 1);
    return 1;
  }
  return 0;
}
