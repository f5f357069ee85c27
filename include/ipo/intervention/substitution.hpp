// ipo/intervention/substitution.hpp: building the prefix a generator continues from.
//
// Four strategies share one record (intervention):
//   substitute         (the paper) reasoning bytes before step h, then the trigger in place of
//                      step h; the generator writes what follows.
//   truncate_and_trigger  reasoning up to the end of step h-1, one space, the trigger; the rest
//                      is dropped (inference-time intervention, as ReasoningGuard does).
//   harmful_prefix     reasoning up to the end of a seeded random number k in [1, n] of steps,
//                      then the trigger as a safe transition (DeRTa-style refusal data); h = k.
//   backtrack          the whole reasoning, one space, then the trigger as a self-check that
//                      opens with its transition phrase (Chain-of-Guardrails); h = n.
// Separator rule: the prefix keeps the original bytes before step h exactly (white space
// included), so a trigger that substitutes step h sits where step h began. When the kept bytes
// end without white space (truncation at a step end), one space is inserted before the trigger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"

namespace ipo {

enum class intervention_strategy { substitute, truncate_and_trigger, harmful_prefix, backtrack };

/// "substitute", "truncate_and_trigger", "harmful_prefix" or "backtrack".
constexpr char const* strategy_name(intervention_strategy s) noexcept {
  switch (s) {
  case intervention_strategy::substitute:
    return "substitute";
  case intervention_strategy::truncate_and_trigger:
    return "truncate_and_trigger";
  case intervention_strategy::harmful_prefix:
    return "harmful_prefix";
  case intervention_strategy::backtrack:
    return "backtrack";
  }
  return "?";
}

/// One intervention on one trace.
struct intervention {
  intervention_strategy strategy = intervention_strategy::substitute;
  std::size_t step = 0; ///< h: the step replaced (substitute) or where the cut is
  std::size_t trigger_id = 0;
  std::size_t kept_bytes = 0; ///< reasoning bytes kept verbatim at the start of the prefix
  std::string prefix;         ///< reasoning[0, kept_bytes) + separator + trigger
};

namespace detail {
inline bool ends_with_space(std::string_view s) noexcept {
  return !s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r');
}
inline intervention make_intervention(intervention_strategy strategy, std::size_t step,
                                      std::size_t trigger_id, std::string_view reasoning,
                                      std::size_t kept, std::string_view trigger) {
  intervention out{strategy, step, trigger_id, kept, std::string(reasoning.substr(0, kept))};
  if (!out.prefix.empty() && !ends_with_space(out.prefix)) {
    out.prefix += ' ';
  }
  out.prefix += trigger;
  return out;
}
} // namespace detail

/// Builds the intervention for `strategy` at step `h` (harmful_prefix draws its own cut from
/// `seed`; backtrack ignores h). Throws ipo::argument_error when h is out of range.
inline intervention make_intervention(intervention_strategy strategy, std::string_view reasoning,
                                      std::span<byte_span const> steps, std::size_t h,
                                      std::string_view trigger, std::size_t trigger_id = 0,
                                      std::uint64_t seed = 0) {
  constexpr char const* fn = "ipo::make_intervention";
  check_argument(!steps.empty(), fn, "steps.size()", 0, "at least one step");
  switch (strategy) {
  case intervention_strategy::substitute:
    check_argument(h < steps.size(), fn, "h", h, "a step index < " + std::to_string(steps.size()));
    return detail::make_intervention(strategy, h, trigger_id, reasoning, steps[h].begin, trigger);
  case intervention_strategy::truncate_and_trigger:
    check_argument(h >= 1 && h < steps.size(), fn, "h", h,
                   "a step index in [1, " + std::to_string(steps.size()) + ")");
    return detail::make_intervention(strategy, h, trigger_id, reasoning, steps[h - 1].end, trigger);
  case intervention_strategy::harmful_prefix: {
    std::mt19937_64 rng(seed);
    std::size_t const k = 1 + static_cast<std::size_t>(rng() % steps.size());
    return detail::make_intervention(strategy, k, trigger_id, reasoning, steps[k - 1].end, trigger);
  }
  case intervention_strategy::backtrack:
    return detail::make_intervention(strategy, steps.size(), trigger_id, reasoning,
                                     steps.back().end, trigger);
  }
  return {};
}

} // namespace ipo
