// ipo/runtime/guard.hpp: guarded decoding, corrective intervention while the model decodes.
//
// guard() drives a StreamingGenerator through a stream_monitor. When the monitor reports the
// first compliance step h of the reasoning, the reasoning is rolled back to the start of step
// h, a safety trigger is put in its place (make_intervention's substitute: the bytes before h
// verbatim, the white space before h, the trigger), and the generator continues from there.
// What the model wrote after the trigger is then judged afresh (steps that begin inside the
// kept text or the trigger are not), and a later compliance step gets another intervention,
// up to `max_interventions`; after that the stream runs to its end unchanged. The result is
// the final completion and a record of every intervention.
//
// The same trigger bank and selection policies as the training side (intervention/
// triggers.hpp): round_robin gives the k-th intervention trigger (seed + k) mod size; random
// draws each from the seed and k.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/intervention/substitution.hpp"
#include "ipo/intervention/triggers.hpp"
#include "ipo/runtime/monitor.hpp"

namespace ipo {

/// A model that decodes text in pieces: start(text) begins a continuation of `text` (the
/// prompt and everything generated so far, rollbacks applied), forgetting any earlier one;
/// next() returns the next piece, or nothing when the continuation has ended. A piece stays
/// valid until the next call.
template <class G>
concept StreamingGenerator = requires(G& generator, std::string_view text) {
  generator.start(text);
  { generator.next() } -> std::same_as<std::optional<std::string_view>>;
};

struct guard_options {
  std::size_t max_interventions = 2;
  trigger_selection selection = trigger_selection::round_robin; ///< round_robin or random
  std::uint64_t seed = 0;
};

/// One rollback.
struct guard_intervention {
  std::size_t step = 0;       ///< the compliance step's index in the reasoning at that time
  std::size_t offset = 0;     ///< byte offset in the completion where the removed text began
  std::string removed;        ///< what was rolled back: the step and all generated after it
  std::size_t trigger_id = 0; ///< the trigger put in its place
};

struct guard_result {
  std::string completion; ///< everything generated after the prompt, rollbacks applied
  std::vector<guard_intervention> interventions;
  bool reasoning_ended = false; ///< the closing tag was generated (else the stream ended first)
  std::optional<std::size_t> first_compliance; ///< of the final reasoning, if any remains
};

/// Guarded decoding of `prompt` (see the top of this file). `monitor` is reset first.
/// Throws ipo::argument_error for trigger_selection::all (one trigger replaces one step).
template <StreamingGenerator G, StreamingSegmenter S, ComplianceDetector D>
guard_result guard(G& generator, std::string_view prompt, stream_monitor<S, D>& monitor,
                   trigger_bank const& bank, guard_options const& options = {}) {
  constexpr char const* fn = "ipo::guard";
  check_argument(options.selection != trigger_selection::all, fn, "options.selection", "all",
                 "round_robin or random: one trigger replaces one step");
  check_argument(bank.size() > 0, fn, "bank.size()", 0, "at least one trigger");
  guard_result result;
  std::vector<monitor_event> events;
  bool stream_ended = false;
  auto compliance_in = [&events]() -> std::optional<std::size_t> {
    for (monitor_event const& e : events) {
      if (e.kind == monitor_event_kind::first_compliance) {
        return e.step;
      }
    }
    return std::nullopt;
  };
  // Feeds pieces until the monitor reports a first compliance step or the stream ends.
  auto run = [&]() -> std::optional<std::size_t> {
    while (std::optional<std::string_view> const piece = generator.next()) {
      result.completion.append(*piece);
      events.clear();
      monitor.feed(*piece, events);
      if (std::optional<std::size_t> const h = compliance_in()) {
        return h;
      }
    }
    stream_ended = true;
    events.clear();
    monitor.finish(events); // the last steps complete now, and may hold the cue
    return compliance_in();
  };

  std::string context(prompt); // what the generator continues
  monitor.reset();
  generator.start(context);
  for (;;) {
    stream_ended = false;
    std::optional<std::size_t> const h = run();
    if (!h) {
      break;
    }
    if (result.interventions.size() >= options.max_interventions) {
      while (!stream_ended && run()) {
      } // out of interventions: the stream runs to its end unchanged
      break;
    }
    std::size_t const k = result.interventions.size();
    std::size_t const trigger_id =
        options.selection == trigger_selection::round_robin
            ? static_cast<std::size_t>((options.seed + k) % bank.size())
            : bank.select(trigger_selection::random, 0,
                          trace_seed(options.seed, std::to_string(k)))[0];
    intervention const cut =
        make_intervention(intervention_strategy::substitute, monitor.reasoning(), monitor.steps(),
                          *h, bank[trigger_id], trigger_id);
    std::size_t const at = monitor.reasoning_offset();
    guard_intervention record;
    record.step = *h;
    record.offset = at + cut.kept_bytes;
    record.removed = result.completion.substr(record.offset);
    record.trigger_id = trigger_id;
    result.interventions.push_back(std::move(record));
    result.completion.resize(at);
    result.completion.append(cut.prefix);
    events.clear();
    monitor.restart(cut.prefix, at, cut.prefix.size(), events);
    context.assign(prompt);
    context.append(result.completion);
    generator.start(context);
  }
  result.reasoning_ended = monitor.closed();
  result.first_compliance = monitor.first_compliance();
  return result;
}

} // namespace ipo
