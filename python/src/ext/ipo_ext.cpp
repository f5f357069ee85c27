// ipo._ipo: the ipo library bound for Python with nanobind, one file per side of the library
// (bind_text.cpp, bind_loss.cpp, bind_runtime.cpp). ipo's errors arrive as ValueError
// (ipo::argument_error) and RuntimeError (ipo::runtime_error), with the library's message.
#include <ipo/config.hpp>
#include <ipo/cues/default_lexicon.hpp>
#include <ipo/cues/matcher.hpp>
#include <ipo/loss.hpp>
#include <ipo/simd/dispatch.hpp>

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"

namespace nb = nanobind;

NB_MODULE(_ipo, m) {
  m.doc() = "ipo: Intervened Preference Optimization (C++ core)";
  m.attr("__version__") = IPO_VERSION_STRING;
  m.def("simd_paths", &ipo::simd::available_arch_names,
        "The SIMD paths this build can choose on this CPU, best first.");
  m.def(
      "matcher_path", [] { return ipo::phrase_matcher(ipo::default_lexicon()).path_name(); },
      "The path the phrase matcher takes on this CPU (a compiled-in one, or a scan of "
      "ipo::dispatch in a portable build).");
  m.def("loss_kernel_path", &ipo::loss::row_kernel_path,
        "The path the CPU loss kernels take on this CPU (a compiled-in one, or ipo::dispatch's "
        "row kernels in a portable build).");

  ipo_python::bind_text(m);
  ipo_python::bind_loss(m);
  ipo_python::bind_runtime(m);
}
