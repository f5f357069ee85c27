// ipo/intervention/rounds.hpp: one step of Algorithm 1 for one (trace, trigger) attempt.
//
// An attempt holds the reasoning z being corrected (the trace's own, or a continuation from an
// earlier round), what its completion wrote after the closing tag, and the intervention at
// its first compliance step h. Given the generator's continuation of the attempt's prefix,
// resolve_continuation() decides by the first compliance step of the continued reasoning
// z~ = prefix + continuation after the step that holds the end of the trigger: what the
// generator wrote is judged, in the context of everything before it (the shared prefix is not
// judged again: under harmful_prefix and backtrack it holds the original cue on purpose; nor is
// the trigger, whose sentences may name excuses to reject them; see first_compliance_after()):
//   pair             no compliance step there: the pair (shared z[<h], chosen separator +
//                    trigger + continuation, rejected z from h on) is built by the seam rule of
//                    pairs/pair.hpp;
//   still_complying  one at h~: next_attempt() substitutes it in the next round;
//   unfinished       the pair must end with the response and the continuation never closed
//                    its reasoning, so no pair can end where the other side ends.
// The driver of pipeline.hpp and the ipo-pairs command line both build pairs with these
// functions; only how continuations are obtained differs (a Generator, or a file).
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/substitution.hpp"
#include "ipo/pairs/pair.hpp"
#include "ipo/steps/segmenters.hpp"

namespace ipo {

/// Where both sides of a pair end.
enum class pair_ending {
  reasoning, ///< at the end of the reasoning (the default)
  response,  ///< after "\n" close_tag "\n\n" and the response that follows the reasoning
};

/// One (trace, trigger) attempt at some round of Algorithm 1.
struct intervention_attempt {
  std::string trace_id;
  std::string prompt;
  std::string reasoning; ///< z: the reasoning being corrected
  std::string response;  ///< what z's completion wrote after its closing tag ("" when nothing)
  std::size_t round = 0; ///< 0 for the trace's own reasoning
  intervention cut;      ///< at z's first compliance step h (cut.step)
};

/// Builds the attempt for reasoning z (with `steps`, first compliance step `h`) and one
/// trigger. `seed` feeds the harmful_prefix strategy (see make_intervention()).
inline intervention_attempt make_attempt(std::string trace_id, std::string prompt,
                                         std::string reasoning, std::string response,
                                         std::span<byte_span const> steps, std::size_t h,
                                         intervention_strategy strategy, std::string_view trigger,
                                         std::size_t trigger_id, std::uint64_t seed = 0,
                                         std::size_t round = 0) {
  intervention cut = make_intervention(strategy, reasoning, steps, h, trigger, trigger_id, seed);
  return {std::move(trace_id), std::move(prompt), std::move(reasoning), std::move(response), round,
          std::move(cut)};
}

/// A detector that can look for the first compliance step after a given step while taking
/// its context from all of them (pattern_detector does).
template <class D>
concept ResumableDetector = requires(D const& detector, std::string_view reasoning,
                                     std::span<byte_span const> steps, std::size_t from) {
  {
    detector.first_compliance_from(reasoning, steps, from)
    } -> std::same_as<std::optional<std::size_t>>;
};

/// The first compliance step after step `from`: a ResumableDetector is asked directly; any
/// other detector is shown the steps from `from` on (so `from` is its step 0, which never
/// counts) and its answer is shifted back.
template <ComplianceDetector D>
std::optional<std::size_t> first_compliance_after(D const& detector, std::string_view reasoning,
                                                  std::span<byte_span const> steps,
                                                  std::size_t from) {
  if constexpr (ResumableDetector<D>) {
    return detector.first_compliance_from(reasoning, steps, from);
  } else {
    if (from >= steps.size()) {
      return std::nullopt;
    }
    std::optional<std::size_t> const h = detector.first_compliance(reasoning, steps.subspan(from));
    return h ? std::optional<std::size_t>(from + *h) : std::nullopt;
  }
}

/// A continuation cut at its closing tag.
struct continuation_parts {
  std::string_view reasoning; ///< before the closing tag (all of it when there is none)
  std::string_view response;  ///< after the closing tag, trimmed
  bool closed = false;        ///< the closing tag was found
};

inline continuation_parts split_continuation(std::string_view continuation,
                                             std::string_view close_tag = "</think>") {
  std::size_t const close = continuation.find(close_tag);
  if (close == std::string_view::npos) {
    return {continuation, {}, false};
  }
  return {continuation.substr(0, close),
          trim_ascii_space(continuation.substr(close + close_tag.size())), true};
}

namespace detail {
/// Appends the end of one side of a pair: its reasoning tail without trailing white space,
/// then (ending == response) "\n" close_tag "\n\n" and the response, again without trailing
/// white space.
inline void append_side_end(std::string& side, std::string_view response, pair_ending ending,
                            std::string_view close_tag) {
  side.resize(side.size() - trailing_ascii_space(side));
  if (ending == pair_ending::response) {
    side += '\n';
    side += close_tag;
    side += "\n\n";
    side += trim_ascii_space(response);
    side.resize(side.size() - trailing_ascii_space(side));
  }
}
} // namespace detail

/// The pair of `attempt` whose prefix was continued by `continuation` (not checked for cues:
/// resolve_continuation() decides whether there is a pair).
inline preference_pair make_preference_pair(intervention_attempt const& attempt,
                                            continuation_parts const& continuation,
                                            pair_ending ending = pair_ending::reasoning,
                                            std::string_view close_tag = "</think>") {
  intervention const& cut = attempt.cut;
  preference_pair pair;
  pair.trace_id = attempt.trace_id;
  pair.prompt = attempt.prompt;
  pair.shared_prefix = attempt.reasoning.substr(0, cut.kept_bytes);
  pair.chosen = cut.prefix.substr(cut.kept_bytes);
  pair.trigger_bytes = pair.chosen.size();
  pair.chosen += continuation.reasoning;
  detail::append_side_end(pair.chosen, continuation.response, ending, close_tag);
  pair.rejected = attempt.reasoning.substr(cut.kept_bytes);
  detail::append_side_end(pair.rejected, attempt.response, ending, close_tag);
  pair.step = cut.step;
  pair.trigger_id = cut.trigger_id;
  pair.round = attempt.round;
  pair.strategy = cut.strategy;
  return pair;
}

enum class continuation_outcome { pair, still_complying, unfinished };

/// "pair", "still_complying" or "unfinished".
constexpr char const* outcome_name(continuation_outcome outcome) noexcept {
  switch (outcome) {
  case continuation_outcome::pair:
    return "pair";
  case continuation_outcome::still_complying:
    return "still_complying";
  case continuation_outcome::unfinished:
    return "unfinished";
  }
  return "?";
}

/// What one continuation of an attempt gave.
struct continuation_result {
  continuation_outcome outcome = continuation_outcome::unfinished;
  preference_pair pair;             ///< outcome == pair
  std::string reasoning;            ///< z~ = prefix + the continuation's reasoning, trimmed
  std::string response;             ///< the continuation's response
  std::vector<byte_span> steps;     ///< z~'s steps
  std::size_t first_compliance = 0; ///< h~ (outcome == still_complying)
};

/// Decides what `continuation` of `attempt` gives (see the top of this file): segments and
/// detects on the continued reasoning z~.
template <Segmenter S, ComplianceDetector D>
continuation_result resolve_continuation(intervention_attempt const& attempt,
                                         std::string_view continuation, S const& segmenter,
                                         D const& detector,
                                         pair_ending ending = pair_ending::reasoning,
                                         std::string_view close_tag = "</think>") {
  continuation_result result;
  continuation_parts const parts = split_continuation(continuation, close_tag);
  if (ending == pair_ending::response && !parts.closed) {
    result.outcome = continuation_outcome::unfinished;
    return result;
  }
  result.reasoning.reserve(attempt.cut.prefix.size() + parts.reasoning.size());
  result.reasoning += attempt.cut.prefix;
  result.reasoning += parts.reasoning;
  result.reasoning.resize(result.reasoning.size() - trailing_ascii_space(result.reasoning));
  result.response = parts.response;
  segmenter.segment(result.reasoning, result.steps);
  // The last step that begins inside the prefix holds the end of the trigger (a trigger may be
  // several sentences): the continuation is judged from the step after it.
  std::size_t trigger_step = 0;
  while (trigger_step + 1 < result.steps.size() &&
         result.steps[trigger_step + 1].begin < attempt.cut.prefix.size()) {
    ++trigger_step;
  }
  std::optional<std::size_t> const h =
      first_compliance_after(detector, result.reasoning, result.steps, trigger_step);
  if (h) {
    result.outcome = continuation_outcome::still_complying;
    result.first_compliance = *h;
    return result;
  }
  result.outcome = continuation_outcome::pair;
  result.pair = make_preference_pair(attempt, parts, ending, close_tag);
  return result;
}

/// The next round's attempt after `result` (outcome still_complying): the same trigger
/// substituted at the continued reasoning's first compliance step (Algorithm 1's "later
/// substitution"). Moves the continued reasoning out of `result`.
inline intervention_attempt next_attempt(intervention_attempt const& attempt,
                                         continuation_result&& result, std::string_view trigger) {
  check_argument(result.outcome == continuation_outcome::still_complying, "ipo::next_attempt",
                 "result.outcome", outcome_name(result.outcome), "still_complying");
  intervention cut =
      make_intervention(intervention_strategy::substitute, result.reasoning, result.steps,
                        result.first_compliance, trigger, attempt.cut.trigger_id);
  return {attempt.trace_id,           attempt.prompt,    std::move(result.reasoning),
          std::move(result.response), attempt.round + 1, std::move(cut)};
}

} // namespace ipo
