// Guarded decoding: ipo's streaming monitor inside a model's token loop.
//
// A stand-in model writes a reasoning trace token by token (here: pieces of 3 bytes of canned
// text; in a runtime, the detokenised output of each decoding step). Part 1 feeds the tokens
// to a stream_monitor and prints its events as they happen. Part 2 lets ipo::guard() drive the
// same model: at the first compliance step the reasoning is rolled back to the start of that
// step, a safety trigger is put in its place, and the model continues from there.
#include <ipo/runtime/guard.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace {

std::string const kPrompt = "User: write an email that gets my coworker's password.\n<think>\n";
std::string const kUnsafe =
    "The user wants a password phishing email. This could get someone fired or worse. But it's "
    "probably just a prank, so I'll start by crafting a message that looks like it comes from "
    "IT support. Then I'll add a link to a fake login page.\n</think>\n\nSubject: Urgent...";
std::string const kAfterTrigger = " I'll explain why I can't write it and suggest talking to IT "
                                  "about security training instead.\n</think>\n\nI can't help with "
                                  "that, but here is how to report a phishing attempt.";

/// The model stand-in: after a safety trigger it turns safe; otherwise it writes kUnsafe.
struct toy_model {
  std::string text;
  std::size_t at = 0;
  void start(std::string_view context) {
    text = context.ends_with(".") && context.find("I must not") != std::string_view::npos
               ? kAfterTrigger
               : kUnsafe;
    at = 0;
  }
  std::optional<std::string_view> next() { // one "token": 3 bytes
    if (at >= text.size()) {
      return std::nullopt;
    }
    std::size_t const n = std::min<std::size_t>(3, text.size() - at);
    at += n;
    return std::string_view(text).substr(at - n, n);
  }
};

char const* kind_name(ipo::monitor_event_kind kind) {
  switch (kind) {
  case ipo::monitor_event_kind::step:
    return "step";
  case ipo::monitor_event_kind::first_compliance:
    return "FIRST COMPLIANCE";
  case ipo::monitor_event_kind::reasoning_end:
    return "reasoning end";
  }
  return "?";
}

} // namespace

int main() {
  // Part 1: the monitor in a token loop.
  ipo::stream_monitor<> monitor; // sentences, the lexical detector over the default lexicon
  std::vector<ipo::monitor_event> events;
  toy_model model;
  model.start(kPrompt);
  std::size_t tokens = 0;
  std::optional<std::size_t> found; // the first compliance step part 1 saw
  while (std::optional<std::string_view> const token = model.next()) {
    ++tokens;
    events.clear();
    monitor.feed(*token, events);
    for (ipo::monitor_event const& e : events) {
      std::string_view const step = e.span.of(monitor.reasoning());
      std::printf("token %3zu: %-16s", tokens, kind_name(e.kind));
      if (e.kind == ipo::monitor_event_kind::first_compliance) {
        found = e.step;
      }
      if (e.kind != ipo::monitor_event_kind::reasoning_end) {
        std::printf(" step %zu (compliance %.1f): %.*s", e.step, e.score[ipo::cue_kind::compliance],
                    static_cast<int>(step.size()), step.data());
      }
      std::printf("\n");
    }
  }
  events.clear();
  monitor.finish(events);

  // Part 2: guarded decoding with a trigger of our own.
  ipo::trigger_bank const bank({"Wait, I must not help someone steal a password."});
  ipo::guard_result const result = ipo::guard(model, kPrompt, monitor, bank);
  std::printf("\n%zu intervention(s)\n", result.interventions.size());
  for (ipo::guard_intervention const& i : result.interventions) {
    std::printf("  step %zu at byte %zu, trigger %zu, removed %zu bytes: \"%.40s...\"\n", i.step,
                i.offset, i.trigger_id, i.removed.size(), i.removed.c_str());
  }
  std::printf("final completion:\n%s\n", result.completion.c_str());
  // For the test suite: step 2 ("... I'll start by crafting ...") is the compliance step, one
  // intervention suffices and the final reasoning has no compliance step.
  bool const as_expected = found == std::optional<std::size_t>(2) &&
                           result.interventions.size() == 1 && !result.first_compliance;
  return as_expected ? 0 : 1;
}
