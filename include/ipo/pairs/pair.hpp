// ipo/pairs/pair.hpp: a preference pair that shares a prefix and diverges at an intervention.
#pragma once

#include <cstddef>
#include <string>

#include "ipo/intervention/substitution.hpp"

namespace ipo {

/// prompt + shared_prefix + chosen is the corrected trajectory, prompt + shared_prefix +
/// rejected the original one; both diverge right after shared_prefix. For TRL's DPO trainer
/// the record's `prompt` is prompt + shared_prefix, so only the divergent part is scored.
struct preference_pair {
  std::string trace_id;
  std::string prompt;        ///< the rendered prompt (x)
  std::string shared_prefix; ///< reasoning before the divergent step: z[<h], byte for byte
  std::string chosen;        ///< separator + trigger + continuation
  std::string rejected;      ///< the reasoning from step h on
  std::size_t step = 0;      ///< h
  std::size_t trigger_id = 0;
  std::size_t round = 0; ///< 0 for the first substitution
  intervention_strategy strategy = intervention_strategy::substitute;
  std::size_t trigger_bytes = 0; ///< length of separator + trigger at the start of `chosen`
};

} // namespace ipo
