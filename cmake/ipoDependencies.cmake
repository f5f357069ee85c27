# Finds ipo's two required dependencies and checks their minimum versions.
# Used by the project itself and by the installed ipoConfig.cmake, so both say the same thing.
# No version is passed to find_package: Eigen and xsimd ship SameMajorVersion files, so
# asking for 3.4 or 8.1 would lock out Eigen 5 or xsimd 13/14 (Conan, vcpkg) users.
include(CMakeFindDependencyMacro)

foreach(_ipo_dep IN ITEMS Eigen3 xsimd)
  if(_ipo_dep STREQUAL "Eigen3")
    set(_ipo_target Eigen3::Eigen)
    set(_ipo_minimum 3.4)
  else()
    set(_ipo_target xsimd)
    set(_ipo_minimum 8.1)
  endif()
  if(NOT TARGET ${_ipo_target})
    if(_ipo_from_config)
      find_dependency(${_ipo_dep} CONFIG) # returns from ipoConfig.cmake with ipo_FOUND false
    else()
      find_package(${_ipo_dep} CONFIG REQUIRED)
    endif()
  endif()
  if(DEFINED ${_ipo_dep}_VERSION AND ${_ipo_dep}_VERSION VERSION_LESS _ipo_minimum)
    message(FATAL_ERROR "ipo needs ${_ipo_dep} >= ${_ipo_minimum}, found ${${_ipo_dep}_VERSION} "
                        "(${_ipo_dep}_DIR=${${_ipo_dep}_DIR})")
  endif()
endforeach()

# Debian 12's xsimd 8.1 target lists "xtl" in its link interface without finding it (xtl is
# only used for xtl::xcomplex support, which ipo does not enable). Find it if it is there;
# otherwise an empty stand-in keeps the linker from looking for a libxtl that does not exist.
get_target_property(_ipo_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
if(_ipo_xsimd_links AND "xtl" IN_LIST _ipo_xsimd_links AND NOT TARGET xtl)
  find_package(xtl CONFIG QUIET)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
