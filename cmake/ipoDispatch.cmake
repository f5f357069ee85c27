# ipo::dispatch: the optional compiled part of ipo (docs/dispatch.md). A consumer that builds with
# no -march flag compiles only the x86-64 baseline paths of the header-only library; linking
# ipo::dispatch adds the matcher's AVX2 and AVX-512 scans and the loss row kernels, chosen at
# run time on CPUs that have them. Each path is src/dispatch/matcher_scan.cpp (and
# loss_rows.cpp) compiled with its own flags, then
# linked into one relocatable object whose symbols are all made local but its entry points
# (ld -r --force-group-allocation, objcopy --keep-global-symbol): the inline functions
# compiled there for AVX2 or AVX-512 (ipo's and the standard library's) can then never stand
# in for the consumer's baseline copies of them. Needs x86-64, ELF, GNU-compatible ld and objcopy.

# The repository root (src/dispatch/): this file's parent, whoever includes it (the root
# project, or python/CMakeLists.txt for a portable extension).
get_filename_component(ipo_dispatch_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

set(ipo_dispatch_supported FALSE)
set(ipo_dispatch_reason "")
if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(ipo_dispatch_reason "not an x86-64 target (${CMAKE_SYSTEM_PROCESSOR}): its baseline SIMD paths are the widest")
elseif(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(ipo_dispatch_reason "not an ELF (Linux) target")
elseif(NOT CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  set(ipo_dispatch_reason "needs g++ or clang++ (compiler: ${CMAKE_CXX_COMPILER_ID})")
else()
  # The partial link needs GNU ld's --force-group-allocation (binutils >= 2.30), whatever
  # linker links the final programs (lld 14 lacks it).
  find_program(IPO_DISPATCH_LD NAMES ld.bfd ld DOC "GNU ld, for ipo::dispatch's partial links")
  find_program(IPO_DISPATCH_OBJCOPY NAMES objcopy llvm-objcopy DOC "objcopy, for ipo::dispatch")
  if(NOT IPO_DISPATCH_LD OR NOT IPO_DISPATCH_OBJCOPY)
    set(ipo_dispatch_reason "GNU ld or objcopy not found")
  else()
    execute_process(COMMAND "${IPO_DISPATCH_LD}" --help OUTPUT_VARIABLE ipo_linker_help ERROR_QUIET)
    if(NOT ipo_linker_help MATCHES "--force-group-allocation")
      set(ipo_dispatch_reason "${IPO_DISPATCH_LD} has no --force-group-allocation (GNU binutils >= 2.30 has)")
    else()
      set(ipo_dispatch_supported TRUE)
    endif()
  endif()
endif()

option(IPO_BUILD_DISPATCH "Build ipo::dispatch, the AVX2/AVX-512 matcher scans and loss row kernels for builds with no -march flag"
       ${ipo_dispatch_supported})
if(NOT IPO_BUILD_DISPATCH)
  if(NOT ipo_dispatch_supported)
    message(STATUS "ipo: ipo::dispatch not built: ${ipo_dispatch_reason}")
  endif()
  return()
endif()
if(NOT ipo_dispatch_supported)
  message(FATAL_ERROR "ipo: IPO_BUILD_DISPATCH=ON but ipo::dispatch cannot be built here: ${ipo_dispatch_reason}")
endif()

# The flags of each path: x86-64-v3 (AVX2, FMA, BMI2), x86-64-v4 (AVX-512 F/BW/CD/DQ/VL, as
# Skylake-SP) and x86-64-v4 with Ice Lake's VBMI2. An -march given in CMAKE_CXX_FLAGS comes
# first on the command line, so these replace it (a -march=native build still gets an AVX2
# scan that runs on AVX2 machines).
set(ipo_dispatch_flags_avx2 -march=x86-64-v3)
set(ipo_dispatch_flags_avx512bw -march=x86-64-v4)
set(ipo_dispatch_flags_avx512vbmi2 -march=x86-64-v4 -mavx512vbmi -mavx512vbmi2)

set(ipo_dispatch_flags_avx512bf16 -march=x86-64-v4 -mavx512bf16)

# The loss row kernels (src/dispatch/loss_rows.cpp) and the fused linear sweep with its Eigen
# products (linear_sweep.cpp) go into the AVX2 and AVX-512BW objects,
# and into one of their own with AVX512_BF16 (Cooper Lake, Sapphire Rapids, Zen 4: one
# instruction rounds 16 floats to bf16); VBMI2 adds nothing to them, BF16 nothing to the scan.
set(ipo_dispatch_sources_avx2 matcher_scan.cpp loss_rows.cpp linear_sweep.cpp)
set(ipo_dispatch_sources_avx512bw matcher_scan.cpp loss_rows.cpp linear_sweep.cpp)
set(ipo_dispatch_sources_avx512vbmi2 matcher_scan.cpp)
set(ipo_dispatch_sources_avx512bf16 loss_rows.cpp linear_sweep.cpp)

set(ipo_dispatch_objects "")
foreach(path IN ITEMS avx2 avx512bw avx512vbmi2 avx512bf16)
  set(scan_target ipo_dispatch_scan_${path})
  list(TRANSFORM ipo_dispatch_sources_${path} PREPEND "${ipo_dispatch_root}/src/dispatch/"
       OUTPUT_VARIABLE path_sources)
  add_library(${scan_target} OBJECT ${path_sources})
  target_link_libraries(${scan_target} PRIVATE ipo::ipo)
  target_compile_definitions(${scan_target} PRIVATE IPO_DISPATCH_NAMESPACE=compiled_${path})
  # No LTO: an object of IR would be localized before it is compiled. No GNU-unique symbols
  # (g++'s binding for inline variables and static locals): objcopy cannot make them local.
  target_compile_options(${scan_target} PRIVATE ${ipo_dispatch_flags_${path}} -fno-lto
                         $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  set_target_properties(${scan_target} PROPERTIES POSITION_INDEPENDENT_CODE ON
                        INTERPROCEDURAL_OPTIMIZATION OFF)
  set(merged "${CMAKE_CURRENT_BINARY_DIR}/ipo_dispatch/${path}.merged.o")
  set(local "${CMAKE_CURRENT_BINARY_DIR}/ipo_dispatch/${path}.o")
  add_custom_command(
    OUTPUT "${local}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/ipo_dispatch"
    COMMAND "${IPO_DISPATCH_LD}" -r --force-group-allocation -o "${merged}" "$<TARGET_OBJECTS:${scan_target}>"
    COMMAND "${IPO_DISPATCH_OBJCOPY}" --wildcard "--keep-global-symbol=_ZN3ipo6detail*compiled_${path}*"
            "--keep-global-symbol=_ZN3ipo4loss6detail*compiled_${path}*" "${merged}" "${local}"
    DEPENDS ${scan_target} "$<TARGET_OBJECTS:${scan_target}>"
    COMMENT "ipo::dispatch: making every symbol of the ${path} scan local but its entry points"
    COMMAND_EXPAND_LISTS VERBATIM)
  set_source_files_properties("${local}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  list(APPEND ipo_dispatch_objects "${local}")
endforeach()

add_library(ipo_dispatch STATIC "${ipo_dispatch_root}/src/dispatch/compiled_paths.cpp" ${ipo_dispatch_objects})
add_library(ipo::dispatch ALIAS ipo_dispatch)
set_target_properties(ipo_dispatch PROPERTIES EXPORT_NAME dispatch OUTPUT_NAME ipo_dispatch
                      POSITION_INDEPENDENT_CODE ON)
target_link_libraries(ipo_dispatch PUBLIC ipo::ipo)
target_compile_definitions(ipo_dispatch PUBLIC IPO_HAS_DISPATCH=1)
