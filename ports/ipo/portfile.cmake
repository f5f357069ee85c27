# vcpkg overlay port for ipo (header-only). Use: vcpkg install ipo --overlay-ports=ports
# SOURCE_PATH defaults to this repository; a registry port would use vcpkg_from_github instead.
if(NOT DEFINED SOURCE_PATH)
  get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
endif()

set(VCPKG_BUILD_TYPE release) # header-only: one configuration is enough

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DIPO_BUILD_TESTS=OFF
    -DIPO_BUILD_EXAMPLES=OFF
    -DIPO_BUILD_BENCHMARKS=OFF
    -DIPO_INSTALL=ON
    -DIPO_INSTALL_TOOLS=OFF
    -Dipo_config_dir=share/ipo
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME ipo CONFIG_PATH share/ipo)

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
