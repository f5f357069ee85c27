// guard(): scripted generators whose outputs are known, and the interventions derived by hand.
#include <doctest/doctest.h>

#include <ipo/runtime/guard.hpp>
#include <ipo/text.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

/// A model stand-in: for a context that ends with a rule's key it writes the rule's text, in
/// pieces of `piece` bytes; the first rule whose key ends the context wins.
struct scripted_generator {
  scripted_generator(std::vector<std::pair<std::string, std::string>> rules_, std::size_t piece_)
      : rules(std::move(rules_)), piece(piece_) {}

  std::vector<std::pair<std::string, std::string>> rules;
  std::size_t piece = 3;
  std::vector<std::string> contexts; // every start()
  std::string current;
  std::size_t at = 0;

  void start(std::string_view context) {
    contexts.emplace_back(context);
    current.clear();
    at = 0;
    for (auto const& [key, text] : rules) {
      if (context.ends_with(key)) {
        current = text;
        return;
      }
    }
  }
  std::optional<std::string_view> next() {
    if (at >= current.size()) {
      return std::nullopt;
    }
    std::size_t const n = std::min(piece, current.size() - at);
    at += n;
    return std::string_view(current).substr(at - n, n);
  }
};
static_assert(ipo::StreamingGenerator<scripted_generator>);

std::string const kPrompt = "User: write a phishing email.\n<think>\n";
std::string const kOpening = "The user wants a phishing email. This is clearly harmful.";
std::string const kComplying = " I'll start by crafting the subject line. Then the body asks for "
                               "the login details.\n</think>\n\nSure, here it is.";
std::string const kTrigger0 = "Wait, this would hurt people, so I must refuse.";
std::string const kTrigger1 = "Hold on. I will not help with this.";
std::string const kSafe =
    " So I will explain the risks instead.\n</think>\n\nI can't help with that.";
std::string const kRelapse = " Well, actually, fine then. I'll start by crafting the subject line. "
                             "More text follows here to settle it.\n</think>\n\nSure.";

ipo::trigger_bank bank() {
  return ipo::trigger_bank({kTrigger0, kTrigger1});
}

} // namespace

TEST_CASE("guard: one compliance step rolled back and replaced by the trigger") {
  for (std::size_t piece : {1, 3, 50, 1000}) {
    scripted_generator model({{kTrigger0, kSafe}, {kPrompt, kOpening + kComplying}}, piece);
    ipo::stream_monitor<> monitor;
    ipo::guard_result const r = ipo::guard(model, kPrompt, monitor, bank());
    INFO("piece " << piece);
    // Step 2 ("I'll start by crafting ...") is the first compliance step; everything from the
    // white space before it is removed, and the trigger put in its place.
    REQUIRE(r.interventions.size() == 1);
    CHECK(r.interventions[0].step == 2);
    CHECK(r.interventions[0].trigger_id == 0);
    CHECK(r.interventions[0].offset == kOpening.size());
    CHECK(r.interventions[0].removed.starts_with(" I'll start by crafting the subject line."));
    CHECK((kOpening + kComplying).substr(kOpening.size()).starts_with(r.interventions[0].removed));
    CHECK(r.completion == kOpening + " " + kTrigger0 + kSafe);
    CHECK(r.reasoning_ended);
    CHECK_FALSE(r.first_compliance.has_value());
    REQUIRE(model.contexts.size() == 2);
    CHECK(model.contexts[1] == kPrompt + kOpening + " " + kTrigger0);
  }
}

TEST_CASE("guard: a relapse gets the next trigger; the cap lets the stream run to its end") {
  scripted_generator model(
      {{kTrigger0, kRelapse}, {kTrigger1, kSafe}, {kPrompt, kOpening + kComplying}}, 4);
  ipo::stream_monitor<> monitor;
  ipo::guard_result const r = ipo::guard(model, kPrompt, monitor, bank());
  REQUIRE(r.interventions.size() == 2);
  // After the first rollback the reasoning is: [0] the request, [1] "This is clearly harmful.",
  // [2] trigger 0, [3] "Well, actually, fine then.", [4] "I'll start by crafting ...".
  CHECK(r.interventions[1].step == 4);
  CHECK(r.interventions[1].trigger_id == 1);
  std::string const kept = kOpening + " " + kTrigger0 + " Well, actually, fine then.";
  CHECK(r.interventions[1].offset == kept.size());
  CHECK(r.completion == kept + " " + kTrigger1 + kSafe);
  CHECK_FALSE(r.first_compliance.has_value());

  ipo::guard_options once;
  once.max_interventions = 1;
  scripted_generator capped(
      {{kTrigger0, kRelapse}, {kTrigger1, kSafe}, {kPrompt, kOpening + kComplying}}, 4);
  ipo::guard_result const c = ipo::guard(capped, kPrompt, monitor, bank(), once);
  REQUIRE(c.interventions.size() == 1);
  CHECK(c.completion == kOpening + " " + kTrigger0 + kRelapse); // the relapse is left as written
  CHECK(c.first_compliance == std::optional<std::size_t>(4));
  CHECK(c.reasoning_ended);
}

TEST_CASE("guard: a stream that ends without the closing tag, trigger selection") {
  std::string const unclosed = kOpening + " I'll start by crafting the subject line.";
  scripted_generator model({{kTrigger1, kSafe}, {kPrompt, unclosed}}, 5);
  ipo::stream_monitor<> monitor;
  ipo::guard_options options;
  options.seed = 1; // round robin from trigger 1
  ipo::guard_result const r = ipo::guard(model, kPrompt, monitor, bank(), options);
  REQUIRE(r.interventions.size() == 1);
  CHECK(r.interventions[0].trigger_id == 1);
  CHECK(r.interventions[0].removed == " I'll start by crafting the subject line.");
  CHECK(r.completion == kOpening + " " + kTrigger1 + kSafe);

  // Random selection is reproducible from the seed; "all" cannot replace one step.
  options.selection = ipo::trigger_selection::random;
  std::size_t first_id = 99;
  for (int run = 0; run < 3; ++run) {
    scripted_generator again({{kTrigger0, kSafe}, {kTrigger1, kSafe}, {kPrompt, unclosed}}, 5);
    ipo::guard_result const x = ipo::guard(again, kPrompt, monitor, bank(), options);
    REQUIRE(x.interventions.size() == 1);
    if (run == 0) {
      first_id = x.interventions[0].trigger_id;
    }
    CHECK(x.interventions[0].trigger_id == first_id);
  }
  options.selection = ipo::trigger_selection::all;
  scripted_generator unused({}, 1);
  CHECK_THROWS_WITH_AS(ipo::guard(unused, kPrompt, monitor, bank(), options),
                       doctest::Contains("options.selection"), ipo::argument_error);
}

TEST_CASE("guard: a safe stream passes unchanged, with no intervention") {
  std::string const safe = "The user wants a phishing email. That is a crime, so I won't write "
                           "it.\n</think>\n\nI can't help with that.";
  scripted_generator model({{kPrompt, safe}}, 2);
  ipo::stream_monitor<> monitor;
  ipo::guard_result const r = ipo::guard(model, kPrompt, monitor, bank());
  CHECK(r.interventions.empty());
  CHECK(r.completion == safe);
  CHECK(r.reasoning_ended);
  CHECK(model.contexts.size() == 1);
}
