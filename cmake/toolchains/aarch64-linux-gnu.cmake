# Cross-compiles for 64-bit ARM Linux with Debian's g++-aarch64-linux-gnu; tests run under
# qemu-user (Debian's qemu-user), so the NEON and scalar paths are checked on an x86 machine.
# Used by the aarch64 preset (scripts/test-aarch64). Header-only dependencies (Eigen, xsimd,
# doctest) come from the host's /usr/include, which the Debian cross compiler searches last.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
# Compiled host libraries (simdjson, OpenSSL, Google Benchmark) are x86-64: not for this build.
set(CMAKE_DISABLE_FIND_PACKAGE_simdjson ON)
set(CMAKE_DISABLE_FIND_PACKAGE_OpenSSL ON)
set(CMAKE_DISABLE_FIND_PACKAGE_benchmark ON)
# Debian installs header-only xsimd's CMake files under the host's multiarch folder.
if(NOT xsimd_DIR)
  file(GLOB _ipo_xsimd_config_dirs /usr/lib/*/cmake/xsimd)
  if(_ipo_xsimd_config_dirs)
    list(GET _ipo_xsimd_config_dirs 0 _ipo_xsimd_config_dir)
    set(xsimd_DIR "${_ipo_xsimd_config_dir}" CACHE PATH "xsimd's CMake package (header-only)")
  endif()
endif()
