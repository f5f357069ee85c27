// The binding files of ipo._ipo, one per side of the library; ipo_ext.cpp's module calls each.
#pragma once

#include <nanobind/nanobind.h>

namespace ipo_python {

/// Segmentation, lexicons, detectors, interventions, token labels, build_pairs.
void bind_text(nanobind::module_& m);
/// The CPU (and, when built, CUDA) preference-loss and fused linear ops, and their helpers.
void bind_loss(nanobind::module_& m);
/// The streaming Monitor and guarded decoding.
void bind_runtime(nanobind::module_& m);

} // namespace ipo_python
