# Performs by hand what ports/ipo/portfile.cmake asks vcpkg to do, since the vcpkg tool cannot
# be downloaded here: configure with the portfile's own OPTIONS (read from the file, so the two
# cannot drift), install into a staging "installed tree" with the config under share/ipo, check
# the files vcpkg would check, then build and run a consumer against that tree.
# Arguments: -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DCTEST=...
cmake_minimum_required(VERSION 3.25) # policies as in a port (IN_LIST)
file(REMOVE_RECURSE "${WORK_DIR}")
set(port_dir "${SOURCE_DIR}/ports/ipo")
set(prefix "${WORK_DIR}/installed/x64-linux")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("${out}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed (${code}): ${ARGN}")
  endif()
endfunction()

file(READ "${port_dir}/portfile.cmake" portfile)
# The portfile's feature logic, run as vcpkg would for `vcpkg install ipo` (default features)
# on x64-linux; its variables then stand in for ${...} in the OPTIONS below.
string(REGEX MATCH "# features:begin[^\n]*\n(.*)# features:end" _ "${portfile}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "no features:begin/end block in ${port_dir}/portfile.cmake")
endif()
set(FEATURES core dispatch)
set(VCPKG_TARGET_ARCHITECTURE x64)
set(VCPKG_TARGET_IS_LINUX ON)
cmake_language(EVAL CODE "${CMAKE_MATCH_1}")
string(REGEX MATCH "vcpkg_cmake_configure\\(([^)]*)\\)" _ "${portfile}")
string(REGEX MATCH "OPTIONS(.*)" _ "${CMAKE_MATCH_1}")
string(REGEX MATCHALL "-D[A-Za-z0-9_]+=[^ \t\r\n]+" options "${CMAKE_MATCH_1}")
string(CONFIGURE "${options}" options)
if(NOT options)
  message(FATAL_ERROR "could not read the OPTIONS of vcpkg_cmake_configure from ${port_dir}/portfile.cmake")
endif()
message(STATUS "portfile options: ${options}")

# vcpkg_cmake_configure + vcpkg_cmake_install (release only, as the port sets VCPKG_BUILD_TYPE).
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/buildtree" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_INSTALL_PREFIX=${prefix}" ${options})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/buildtree")
run(${CMAKE_COMMAND} --install "${WORK_DIR}/buildtree")

# What vcpkg_cmake_config_fixup and the post-build checks expect of a header-only port.
foreach(expected IN ITEMS include/ipo/ipo.hpp share/ipo/ipoConfig.cmake share/ipo/ipoConfigVersion.cmake
                         share/ipo/ipoTargets.cmake)
  if(NOT EXISTS "${prefix}/${expected}")
    message(FATAL_ERROR "the port did not install ${expected}")
  endif()
endforeach()
file(GLOB_RECURSE binaries RELATIVE "${prefix}" "${prefix}/lib/*" "${prefix}/bin/*")
set(expected_binaries "")
if(ipo_dispatch)
  set(expected_binaries lib/libipo_dispatch.a)
endif()
if(NOT "${binaries}" STREQUAL "${expected_binaries}")
  message(FATAL_ERROR "the port installed the binaries [${binaries}], expected [${expected_binaries}]")
endif()
foreach(file IN ITEMS vcpkg.json usage)
  if(NOT EXISTS "${port_dir}/${file}")
    message(FATAL_ERROR "ports/ipo/${file} is missing")
  endif()
endforeach()
file(READ "${port_dir}/vcpkg.json" manifest)
string(JSON port_version GET "${manifest}" version-semver)
file(STRINGS "${SOURCE_DIR}/include/ipo/config.hpp" lines REGEX "^#define IPO_VERSION_(MAJOR|MINOR|PATCH) ")
string(REGEX MATCHALL "[0-9]+" numbers "${lines}")
string(JOIN "." header_version ${numbers})
if(NOT port_version STREQUAL header_version)
  message(FATAL_ERROR "ports/ipo/vcpkg.json says ${port_version}, include/ipo/config.hpp says ${header_version}")
endif()
file(INSTALL "${port_dir}/usage" DESTINATION "${prefix}/share/ipo")

# A consumer, as with a vcpkg toolchain (which puts the installed tree on CMAKE_PREFIX_PATH).
run(${CTEST} --build-and-test "${SOURCE_DIR}/tests/packaging/find_package_consumer" "${WORK_DIR}/consumer"
    --build-generator "${GENERATOR}" --build-options "-DCMAKE_PREFIX_PATH=${prefix}" --test-command consumer)
