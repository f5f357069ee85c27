// ipo/intervention/pipeline.hpp: the pair-building driver (Algorithm 1 of the method).
//
// For each trace with a compliance step h and each selected trigger tau, up to `rounds` times:
// continue z[<h] + tau with the user's Generator; re-detect on the new reasoning z~. A
// continuation without a compliance step yields a pair (shared prefix z[<h], chosen tau +
// continuation, rejected z from h on, by the seam rule of pairs/pair.hpp) and ends that
// trigger's attempts; a continuation with one becomes z (and its step h) for the next round.
// Generation is batched: every pending (trace, trigger) of a round goes to the generator in
// one call. The steps themselves are rounds.hpp's, shared with the ipo-pairs command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/generator.hpp"
#include "ipo/intervention/rounds.hpp"
#include "ipo/intervention/triggers.hpp"
#include "ipo/pairs/pair.hpp"
#include "ipo/steps/segmenters.hpp"

namespace ipo {

/// A trace to build pairs from. Give finished traces only (a reasoning that was closed): the
/// rejected side of a pair ends where this reasoning ends.
struct reasoning_trace {
  std::string id;
  std::string prompt;
  std::string reasoning; ///< the chain of thought (split_trace() finds it in a completion)
  std::string response;  ///< what follows the closing tag; used with pair_ending::response
};

struct pair_building_options {
  trigger_selection selection = trigger_selection::all;
  std::size_t rounds = 1; ///< N: substitutions tried per (trace, trigger); the paper uses 1
  std::uint64_t seed = 0; ///< mixed with each trace id (trace_seed()) for random choices
  intervention_strategy strategy = intervention_strategy::substitute; ///< of round 0; later
                                                                      ///< rounds substitute
  pair_ending ending = pair_ending::reasoning; ///< where both sides of a pair end
  std::string_view close_tag = "</think>";
};

/// What happened in one round.
struct round_stats {
  std::size_t attempted = 0;   ///< continuations generated
  std::size_t without_cue = 0; ///< turned into pairs
  std::size_t with_cue = 0;    ///< passed on to the next round (or dropped after the last)
  std::size_t unfinished = 0;  ///< no closing tag while the pair must end with the response
};

struct pair_building_result {
  std::vector<preference_pair> pairs;
  std::vector<round_stats> rounds;
  std::size_t traces = 0;
  std::size_t traces_with_cue = 0;
};

/// Throws ipo::argument_error for options no pair can be built with.
inline void check_pair_building_options(pair_building_options const& options,
                                        std::string_view function) {
  check_argument(options.rounds >= 1, function, "options.rounds", options.rounds, ">= 1");
  check_argument(!options.close_tag.empty(), function, "options.close_tag", options.close_tag,
                 "a non-empty tag");
  check_argument(options.strategy != intervention_strategy::backtrack ||
                     options.ending == pair_ending::response,
                 function, "options.strategy", strategy_name(options.strategy),
                 "a strategy whose pairs can end at the reasoning's end (backtrack pairs diverge "
                 "there: use pair_ending::response)");
}

/// Runs the driver (see the top of this file) over `traces`.
template <Segmenter S, ComplianceDetector D, Generator G>
pair_building_result build_preference_pairs(std::span<reasoning_trace const> traces,
                                            S const& segmenter, D const& detector, G& generator,
                                            trigger_bank const& bank,
                                            pair_building_options const& options = {}) {
  constexpr char const* fn = "ipo::build_preference_pairs";
  check_pair_building_options(options, fn);
  check_argument(bank.size() >= 1, fn, "bank.size()", bank.size(), ">= 1 trigger");
  pair_building_result result;
  result.traces = traces.size();
  std::vector<intervention_attempt> pending;
  std::vector<byte_span> steps;
  for (std::size_t t = 0; t < traces.size(); ++t) {
    reasoning_trace const& trace = traces[t];
    segmenter.segment(trace.reasoning, steps);
    std::optional<std::size_t> const h = detector.first_compliance(trace.reasoning, steps);
    if (!h) {
      continue;
    }
    ++result.traces_with_cue;
    std::uint64_t const seed = trace_seed(options.seed, trace.id);
    for (std::size_t trigger : bank.select(options.selection, t, seed)) {
      pending.push_back(make_attempt(trace.id, trace.prompt, trace.reasoning, trace.response, steps,
                                     *h, options.strategy, bank[trigger], trigger, seed));
    }
  }
  std::vector<generation_request> requests;
  std::vector<std::string> continuations;
  for (std::size_t round = 0; round < options.rounds && !pending.empty(); ++round) {
    round_stats stats;
    requests.clear();
    for (auto const& a : pending) {
      requests.push_back({a.prompt, a.cut.prefix});
    }
    continuations.clear();
    generator.generate(std::span<generation_request const>(requests), continuations);
    check_argument(continuations.size() == requests.size(), fn, "generator output size",
                   continuations.size(),
                   "one continuation per request (" + std::to_string(requests.size()) + ")");
    std::vector<intervention_attempt> next;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      intervention_attempt const& a = pending[k];
      ++stats.attempted;
      continuation_result outcome = resolve_continuation(a, continuations[k], segmenter, detector,
                                                         options.ending, options.close_tag);
      switch (outcome.outcome) {
      case continuation_outcome::pair:
        ++stats.without_cue;
        result.pairs.push_back(std::move(outcome.pair));
        break;
      case continuation_outcome::still_complying:
        ++stats.with_cue;
        if (round + 1 < options.rounds) {
          next.push_back(next_attempt(a, std::move(outcome), bank[a.cut.trigger_id]));
        }
        break;
      case continuation_outcome::unfinished:
        ++stats.unfinished;
        break;
      }
    }
    result.rounds.push_back(stats);
    pending = std::move(next);
  }
  return result;
}

} // namespace ipo
