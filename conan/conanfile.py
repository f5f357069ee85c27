"""Conan 2 recipe for ipo, a header-only C++20 library.

Build from the repository root:  conan create conan/ --build=missing
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
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    def set_version(self):
        # The single source of the version is include/ipo/config.hpp.
        text = load(self, os.path.join(self.recipe_folder, "..", "include", "ipo", "config.hpp"))
        parts = [re.search(rf"#define IPO_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def export_sources(self):
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
            copy(self, pattern, os.path.join(self.recipe_folder, ".."), self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        self.requires("eigen/3.4.0")
        self.requires("xsimd/13.2.0")

    def package_id(self):
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
        toolchain.generate()
        CMakeDeps(self).generate()

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "ipo")
        self.cpp_info.set_property("cmake_target_name", "ipo::ipo")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
