// The process of a Python interpreter with NumPy or PyTorch and an ipo extension that links
// libstdc++ statically: this program uses nothing of the C++ runtime itself, dlopens (with
// RTLD_LOCAL, as Python does) a library that uses the shared libstdc++, then the plugin with
// its own static copy, and checks the error messages the plugin builds. Two copies of the
// runtime share their locale facet ids (unique symbols), so a message formatted through
// iostreams would read the wrong facet; ipo's messages must not depend on that.
// Usage: host SHARED_RUNTIME_USER.so PLUGIN.so
#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

namespace {

void* open_or_die(char const* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "dlopen(%s): %s\n", path, dlerror());
  }
  return handle;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SHARED_RUNTIME_USER.so PLUGIN.so\n", argv[0]);
    return 2;
  }
  void* user = open_or_die(argv[1]);
  if (user == nullptr) {
    return 2;
  }
  auto const warm_up = reinterpret_cast<int (*)()>(dlsym(user, "ipo_shared_runtime_warm_up"));
  if (warm_up == nullptr || warm_up() != 10) {
    std::fprintf(stderr, "the shared-runtime library did not format \"12345 0.25\"\n");
    return 2;
  }
  void* plugin = open_or_die(argv[2]);
  if (plugin == nullptr) {
    return 2;
  }
  using message_fn = int (*)(int, char*, std::size_t);
  auto const message = reinterpret_cast<message_fn>(dlsym(plugin, "ipo_plugin_message"));
  if (message == nullptr) {
    std::fprintf(stderr, "dlsym: %s\n", dlerror());
    return 2;
  }
  char const* const expected[] = {
      "ipo::loss::preference_loss: argument 'labels[5]' = 10000 is invalid: expected a token id "
      "in [0, 37)",
      "ipo::f: argument 'beta' = -0.5 is invalid: expected a finite value > 0",
      "ipo::f: argument 'mode' = \"bad\" is invalid: expected a known mode"};
  int failures = 0;
  for (int which = 0; which < 3; ++which) {
    char buffer[512];
    int const rc = message(which, buffer, sizeof buffer);
    if (rc != 1 || std::strcmp(buffer, expected[which]) != 0) {
      std::fprintf(stderr, "case %d: got (rc %d) \"%s\"\n  expected \"%s\"\n", which, rc,
                   rc == 1 ? buffer : "", expected[which]);
      ++failures;
    }
  }
  std::printf("%d of 3 messages wrong\n", failures);
  return failures == 0 ? 0 : 1;
}
