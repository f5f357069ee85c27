// ipo/intervention/pipeline.hpp: the pair-building driver (Algorithm 1 of the method).
//
// For each trace with a compliance step h and each selected trigger tau, up to `rounds` times:
// continue z[<h] + tau with the user's Generator; re-detect on the new reasoning z~. A
// continuation without a compliance step yields a pair (shared prefix z[<h], chosen tau +
// continuation, rejected z from h on) and ends that trigger's attempts; a continuation with one
// becomes z (and its step h) for the next round. Generation is batched: every pending (trace,
// trigger) of a round goes to the generator in one call.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/substitution.hpp"
#include "ipo/intervention/triggers.hpp"
#include "ipo/pairs/pair.hpp"
#include "ipo/steps/segmenters.hpp"

namespace ipo {

/// One continuation to generate: the prompt and the reasoning prefix to continue from.
struct generation_request {
  std::string_view prompt;
  std::string_view prefix;
};

/// A batched generator: `generate(requests, out)` sets out.size() == requests.size(), each the
/// text the model writes after the request's prefix (reasoning, possibly "</think>" and a
/// response).
template <class G>
concept Generator = requires(G& generator, std::span<generation_request const> requests,
                             std::vector<std::string>& out) {
  generator.generate(requests, out);
};

/// A trace to build pairs from.
struct reasoning_trace {
  std::string id;
  std::string prompt;
  std::string reasoning; ///< the chain of thought (split_trace() finds it in a completion)
};

struct pair_building_options {
  trigger_selection selection = trigger_selection::all;
  std::size_t rounds = 1; ///< N: substitutions tried per (trace, trigger); the paper uses 1
  std::uint64_t seed = 0; ///< for trigger_selection::random
  /// Keep the continuation's response ("</think>" and what follows) in `chosen`; off: the
  /// chosen side ends where the continuation's reasoning ends.
  bool include_response = false;
  std::string_view close_tag = "</think>";
};

/// What happened in one round.
struct round_stats {
  std::size_t attempted = 0;   ///< continuations generated
  std::size_t without_cue = 0; ///< turned into pairs
  std::size_t with_cue = 0;    ///< passed on to the next round (or dropped after the last)
};

struct pair_building_result {
  std::vector<preference_pair> pairs;
  std::vector<round_stats> rounds;
  std::size_t traces = 0;
  std::size_t traces_with_cue = 0;
};

/// Runs the driver (see the top of this file) over `traces`.
template <Segmenter S, ComplianceDetector D, Generator G>
pair_building_result build_preference_pairs(std::span<reasoning_trace const> traces,
                                            S const& segmenter, D const& detector, G& generator,
                                            trigger_bank const& bank,
                                            pair_building_options const& options = {}) {
  constexpr char const* fn = "ipo::build_preference_pairs";
  check_argument(options.rounds >= 1, fn, "options.rounds", options.rounds, ">= 1");
  check_argument(bank.size() >= 1, fn, "bank.size()", bank.size(), ">= 1 trigger");
  struct attempt {
    std::size_t trace;
    std::size_t trigger;
    std::string reasoning; // z of this round
    std::size_t step;      // h of this round
    std::vector<byte_span> steps;
    intervention cut;
  };
  pair_building_result result;
  result.traces = traces.size();
  std::vector<attempt> pending;
  std::vector<byte_span> steps;
  for (std::size_t t = 0; t < traces.size(); ++t) {
    segmenter.segment(traces[t].reasoning, steps);
    std::optional<std::size_t> const h = detector.first_compliance(traces[t].reasoning, steps);
    if (!h) {
      continue;
    }
    ++result.traces_with_cue;
    for (std::size_t trigger : bank.select(options.selection, t, options.seed)) {
      pending.push_back({t, trigger, traces[t].reasoning, *h, steps, {}});
    }
  }
  std::vector<generation_request> requests;
  std::vector<std::string> continuations;
  for (std::size_t round = 0; round < options.rounds && !pending.empty(); ++round) {
    round_stats stats;
    requests.clear();
    for (auto& a : pending) {
      a.cut = make_intervention(intervention_strategy::substitute, a.reasoning, a.steps, a.step,
                                bank[a.trigger], a.trigger);
      requests.push_back({traces[a.trace].prompt, a.cut.prefix});
    }
    continuations.clear();
    generator.generate(std::span<generation_request const>(requests), continuations);
    check_argument(continuations.size() == requests.size(), fn, "generator output size",
                   continuations.size(),
                   "one continuation per request (" + std::to_string(requests.size()) + ")");
    std::vector<attempt> next;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      attempt& a = pending[k];
      ++stats.attempted;
      std::string_view const continuation = continuations[k];
      std::size_t const close = continuation.find(options.close_tag);
      std::string_view const continued_reasoning = continuation.substr(0, close);
      std::string new_reasoning = a.cut.prefix;
      new_reasoning += continued_reasoning;
      std::vector<byte_span> new_steps;
      segmenter.segment(new_reasoning, new_steps);
      std::optional<std::size_t> const h = detector.first_compliance(new_reasoning, new_steps);
      if (!h) {
        ++stats.without_cue;
        preference_pair pair;
        pair.trace_id = traces[a.trace].id;
        pair.prompt = traces[a.trace].prompt;
        pair.shared_prefix = a.reasoning.substr(0, a.cut.kept_bytes);
        pair.chosen = a.cut.prefix.substr(a.cut.kept_bytes);
        pair.trigger_bytes = pair.chosen.size();
        pair.chosen += options.include_response ? continuation : continued_reasoning;
        pair.rejected = a.reasoning.substr(a.cut.kept_bytes);
        pair.step = a.step;
        pair.trigger_id = a.trigger;
        pair.round = round;
        result.pairs.push_back(std::move(pair));
      } else {
        ++stats.with_cue;
        next.push_back(
            {a.trace, a.trigger, std::move(new_reasoning), *h, std::move(new_steps), {}});
      }
    }
    result.rounds.push_back(stats);
    pending = std::move(next);
  }
  return result;
}

} // namespace ipo
