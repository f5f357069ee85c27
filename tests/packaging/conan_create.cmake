# conan create, offline: a private Conan home, no remote, and a profile that declares Eigen and
# xsimd as provided by the platform ([platform_requires]), so find_package() takes the system
# copies. The recipe's own requirements (eigen/3.4.0, xsimd/13.2.0) are what ConanCenter users
# get; here the system's Eigen 3.4 and xsimd 8.1 stand in for them.
# A platform requirement carries no include directories, so the profile adds the system's
# Eigen include directory (SYSTEM_INCLUDES) to the compiler flags, as a system install would.
# Arguments: -DCONAN=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DSYSTEM_INCLUDES=...
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/src")
# A copy of what the recipe exports, so that test_package's build folder stays out of the sources.
foreach(item IN ITEMS CMakeLists.txt LICENSE cmake conan include src)
  file(COPY "${SOURCE_DIR}/${item}" DESTINATION "${WORK_DIR}/src")
endforeach()
set(ENV{CONAN_HOME} "${WORK_DIR}/home")

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("${out}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed (${code}): ${ARGN}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CONAN} profile detect --force)
file(READ "${WORK_DIR}/src/conan/conanfile.py" recipe)
string(REGEX MATCH "eigen/[0-9.]+" eigen_ref "${recipe}")
string(REGEX MATCH "xsimd/[0-9.]+" xsimd_ref "${recipe}")
set(include_flags "")
foreach(dir IN LISTS SYSTEM_INCLUDES)
  string(APPEND include_flags "\"-isystem${dir}\", ")
endforeach()
file(WRITE "${WORK_DIR}/offline.profile" "include(default)
[settings]
compiler.cppstd=20
[platform_requires]
${eigen_ref}
${xsimd_ref}
[conf]
tools.cmake.cmaketoolchain:generator=${GENERATOR}
tools.build:cxxflags=[${include_flags}]
")
run(${CONAN} create "${WORK_DIR}/src/conan" --profile:all "${WORK_DIR}/offline.profile" --build=missing --no-remote)
if(NOT last_output MATCHES "from Conan: fp16\\(1.5\\) = 1.5")
  message(FATAL_ERROR "conan create finished but test_package did not print its check line")
endif()
# The recipe's default dispatch=True on x86-64 Linux: test_package's matcher (built with no
# -march flag) takes a scan of ipo::dispatch on a CPU with AVX2.
file(READ /proc/cpuinfo cpuinfo)
if(cpuinfo MATCHES " avx2 " AND NOT last_output MATCHES "matcher path: [^\n]*\\(ipo::dispatch\\)")
  message(FATAL_ERROR "conan create finished but test_package's matcher did not take an ipo::dispatch scan")
endif()
