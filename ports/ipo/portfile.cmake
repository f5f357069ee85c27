# vcpkg overlay port for ipo. Use: vcpkg install ipo --overlay-ports=ports
# SOURCE_PATH defaults to this repository; a registry port would use vcpkg_from_github instead.
# The library is header-only; the default feature "dispatch" adds the static library
# ipo::dispatch (the matcher's AVX2/AVX-512 scans for builds with no -march flag) on x64 Linux.
if(NOT DEFINED SOURCE_PATH)
  get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
endif()

# features:begin (tests/packaging/vcpkg_port.cmake evaluates this block)
set(ipo_dispatch OFF)
if("dispatch" IN_LIST FEATURES AND VCPKG_TARGET_ARCHITECTURE STREQUAL "x64" AND VCPKG_TARGET_IS_LINUX)
  set(ipo_dispatch ON)
endif()
# features:end

set(VCPKG_BUILD_TYPE release) # the headers, and a release ipo::dispatch that debug builds link too

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DIPO_BUILD_TESTS=OFF
    -DIPO_BUILD_EXAMPLES=OFF
    -DIPO_BUILD_BENCHMARKS=OFF
    -DIPO_INSTALL=ON
    -DIPO_INSTALL_TOOLS=OFF
    -DIPO_BUILD_DISPATCH=${ipo_dispatch}
    -Dipo_config_dir=share/ipo
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME ipo CONFIG_PATH share/ipo)

if(NOT ipo_dispatch)
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib")
endif()
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
