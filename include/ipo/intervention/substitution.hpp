// ipo/intervention/substitution.hpp: building the prefix a generator continues from.
//
// Every strategy keeps the reasoning verbatim up to the end of some step (`kept_bytes`, never
// followed by white space of its own), then the white space that followed those bytes in the
// original, then the trigger:
//   substitute            (the paper) cut at the end of step h-1: the trigger takes the place
//                         of step h, and the generator writes what follows.
//   truncate_and_trigger  the same prefix, recorded under the name inference-time
//                         intervention uses (ReasoningGuard); kept for provenance.
//   harmful_prefix        cut at the end of a seeded random step k in [1, n-1] (DeRTa-style
//                         refusal data: a harmful prefix of random length, then a safe
//                         transition); h = k.
//   backtrack             keep the whole reasoning, then the trigger as a self-check that opens
//                         with its transition phrase (Chain-of-Guardrails); h = n. Its pairs
//                         diverge at the end of the reasoning, so they need the response.
// Separator rule: the white space between the kept bytes and the trigger is the white space
// that followed the kept bytes in the original reasoning, so that the two sides of a pair
// (trigger + continuation, original from step h on) begin with the same bytes; one space when
// nothing followed (backtrack at the end of the reasoning).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/pairs/pair.hpp"

namespace ipo {

/// One intervention on one reasoning.
struct intervention {
  intervention_strategy strategy = intervention_strategy::substitute;
  std::size_t step = 0; ///< h: the step replaced (substitute) or where the cut is
  std::size_t trigger_id = 0;
  std::size_t kept_bytes = 0; ///< reasoning bytes kept verbatim: the shared prefix of a pair
  std::string prefix;         ///< reasoning[0, kept_bytes) + separator + trigger
};

namespace detail {
inline intervention make_intervention(intervention_strategy strategy, std::size_t step,
                                      std::size_t trigger_id, std::string_view reasoning,
                                      std::size_t kept, std::string_view trigger) {
  while (kept > 0 && is_ascii_space(reasoning[kept - 1])) {
    --kept; // white space before the cut goes with the separator
  }
  std::size_t separator_end = kept;
  while (separator_end < reasoning.size() && is_ascii_space(reasoning[separator_end])) {
    ++separator_end;
  }
  intervention out{strategy, step, trigger_id, kept,
                   std::string(reasoning.substr(0, separator_end))};
  if (separator_end == kept && kept > 0) {
    out.prefix += ' ';
  }
  out.prefix += trigger;
  return out;
}
} // namespace detail

/// Builds the intervention for `strategy` at step `h` (harmful_prefix draws its own cut from
/// `seed`, best a trace's own: ipo::trace_seed(); backtrack ignores h). Throws
/// ipo::argument_error when h is out of range.
inline intervention make_intervention(intervention_strategy strategy, std::string_view reasoning,
                                      std::span<byte_span const> steps, std::size_t h,
                                      std::string_view trigger, std::size_t trigger_id = 0,
                                      std::uint64_t seed = 0) {
  constexpr char const* fn = "ipo::make_intervention";
  check_argument(!steps.empty(), fn, "steps.size()", 0, "at least one step");
  switch (strategy) {
  case intervention_strategy::substitute:
  case intervention_strategy::truncate_and_trigger:
    check_argument(h < steps.size(), fn, "h", h, "a step index < " + std::to_string(steps.size()));
    return detail::make_intervention(strategy, h, trigger_id, reasoning, steps[h].begin, trigger);
  case intervention_strategy::harmful_prefix: {
    std::mt19937_64 rng(~seed); // a stream apart from trigger_bank::select's for the same seed
    std::size_t const cuts = steps.size() > 1 ? steps.size() - 1 : 1;
    std::size_t const k = 1 + static_cast<std::size_t>(rng() % cuts);
    return detail::make_intervention(strategy, k, trigger_id, reasoning, steps[k - 1].end, trigger);
  }
  case intervention_strategy::backtrack:
    return detail::make_intervention(strategy, steps.size(), trigger_id, reasoning,
                                     steps.back().end, trigger);
  }
  return {};
}

} // namespace ipo
