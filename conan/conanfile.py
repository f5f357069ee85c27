"""Conan 2 recipe for ipo, a header-only C++20 library with an optional compiled part.

Build from the repository root:  conan create conan/ --build=missing

Option ``dispatch`` (Linux x86-64 only, default True) builds ipo::dispatch, the matcher's AVX2
and AVX-512 scans chosen at run time for consumers that build with no -march flag; the
package is then a static library (ipo::ipo links it; ipo::dispatch names the same target).
Elsewhere, or with dispatch=False, the package is header-only.
"""

import os
import re

from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load

from conan import ConanFile

required_conan_version = ">=2.0"


class IpoConan(ConanFile):
    name = "ipo"
    description = (
        "Intervened Preference Optimization: step segmentation, cue scoring, corrective "
        "intervention and fused DPO-family preference-loss kernels"
    )
    license = "Apache-2.0"
    url = "https://github.com/ipo-project/ipo"
    homepage = "https://github.com/ipo-project/ipo"
    topics = ("llm", "alignment", "dpo", "preference-optimization", "simd", "header-only")
    package_type = "static-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"dispatch": [True, False]}
    default_options = {"dispatch": True}
    no_copy_source = True

    def set_version(self):
        # The single source of the version is include/ipo/config.hpp.
        text = load(self, os.path.join(self.recipe_folder, "..", "include", "ipo", "config.hpp"))
        parts = [re.search(rf"#define IPO_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def export_sources(self):
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*"):
            copy(self, pattern, os.path.join(self.recipe_folder, ".."), self.export_sources_folder)

    def config_options(self):
        if self.settings.os != "Linux" or self.settings.arch != "x86_64":
            del self.options.dispatch  # header-only there: the baseline paths are the widest

    def configure(self):
        if not self.options.get_safe("dispatch"):
            self.package_type = "header-library"

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        self.requires("eigen/3.4.0")
        self.requires("xsimd/13.2.0")

    def package_id(self):
        if not self.info.options.get_safe("dispatch"):
            self.info.clear()

    def validate(self):
        check_min_cppstd(self, 20)

    def generate(self):
        toolchain = CMakeToolchain(self)
        toolchain.cache_variables["IPO_BUILD_TESTS"] = False
        toolchain.cache_variables["IPO_BUILD_EXAMPLES"] = False
        toolchain.cache_variables["IPO_BUILD_BENCHMARKS"] = False
        toolchain.cache_variables["IPO_INSTALL"] = True
        toolchain.cache_variables["IPO_INSTALL_TOOLS"] = False  # the library only
        toolchain.cache_variables["IPO_BUILD_DISPATCH"] = bool(self.options.get_safe("dispatch"))
        toolchain.generate()
        CMakeDeps(self).generate()

    def build(self):
        if self.options.get_safe("dispatch"):
            cmake = CMake(self)
            cmake.configure()
            cmake.build()

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "ipo")
        self.cpp_info.set_property("cmake_target_name", "ipo::ipo")
        self.cpp_info.bindirs = []
        if self.options.get_safe("dispatch"):
            self.cpp_info.libs = ["ipo_dispatch"]
            self.cpp_info.defines = ["IPO_HAS_DISPATCH=1"]
            self.cpp_info.set_property("cmake_target_aliases", ["ipo::dispatch"])
        else:
            self.cpp_info.libdirs = []
