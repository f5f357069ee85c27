// The objectives under test, each paired with its plain fp64 reference formula.
#pragma once

#include "ipo/loss/objectives.hpp"
#include "reference.hpp"

#include <string>
#include <tuple>

namespace cases {

namespace L = ipo::loss;

/// Calls visit(objective, reference_fn) for every objective, with non-default parameters
/// where the objective has them, so that each parameter is exercised.
template <class Visit>
void for_each_objective(Visit visit) {
  visit(L::sigmoid_loss{0.1, 0.0}, reference::sigmoid(0.1, 0.0));
  visit(L::sigmoid_loss{0.05, 0.2}, reference::sigmoid(0.05, 0.2));
  visit(L::hinge_loss{0.1}, reference::hinge(0.1));
  visit(L::identity_po_loss{0.1, true}, reference::identity_po(0.1, true));
  visit(L::identity_po_loss{0.5, false}, reference::identity_po(0.5, false));
  visit(L::robust_loss{0.1, 0.1}, reference::robust(0.1, 0.1));
  visit(L::exo_pair_loss{0.1, 1e-3}, reference::exo_pair(0.1, 1e-3));
  visit(L::nca_pair_loss{0.1}, reference::nca_pair(0.1));
  visit(L::bco_pair_loss{0.1}, reference::bco_pair(0.1));
  visit(L::sppo_hard_loss{0.1}, reference::sppo_hard(0.1));
  visit(L::apo_zero_loss{0.1}, reference::apo_zero(0.1));
  visit(L::apo_down_loss{0.1}, reference::apo_down(0.1));
  visit(L::discopop_loss{0.1, 0.05}, reference::discopop(0.1, 0.05));
  visit(L::sigmoid_norm_loss{0.1}, reference::sigmoid_norm(0.1));
  visit(L::simpo_loss{2.0, 0.5}, reference::simpo(2.0, 0.5));
}

} // namespace cases
