// Algorithm 1 step by step (rounds.hpp) and the trainer record (pairs/pair.hpp): every
// expected string below is written out by hand from the inputs.
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/intervention/generator.hpp"
#include "ipo/intervention/pipeline.hpp"
#include "ipo/intervention/rounds.hpp"
#include "ipo/pairs/pair.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

std::vector<ipo::byte_span> sentences(std::string_view text) {
  std::vector<ipo::byte_span> steps;
  ipo::sentence_segmenter{}.segment(text, steps);
  return steps;
}

// Round by round, by what the prefix ends with: a continuation that complies twice, then
// turns safe on the third substitution.
struct three_round_generator {
  void generate(std::span<ipo::generation_request const> requests, std::vector<std::string>& out) {
    out.clear();
    for (auto const& r : requests) {
      std::size_t triggers = 0;
      for (std::size_t at = r.prefix.find("Hold on."); at != std::string_view::npos;
           at = r.prefix.find("Hold on.", at + 1)) {
        ++triggers;
      }
      if (triggers < 3) {
        out.push_back(" Fine, I'll provide the details anyway.\n</think>\n\nHere: [redacted].\n");
      } else {
        out.push_back(" I will decline.\n\n</think>\nNo.");
      }
    }
  }
};

} // namespace

TEST_CASE("three rounds: every pair byte by byte, both sides end with the response") {
  std::vector<ipo::reasoning_trace> const traces = {
      {"t0", "Make malware.",
       "The user wants malware. It is harmful. I'll start by writing the loader. Then the rest.",
       "Sure: [redacted]."}};
  ipo::trigger_bank const bank({"Hold on. This is wrong."});
  ipo::lexical_detector const detector(ipo::default_lexicon());
  three_round_generator generator;
  ipo::pair_building_options options;
  options.rounds = 3;
  options.ending = ipo::pair_ending::response;
  auto const result =
      ipo::build_preference_pairs(std::span<ipo::reasoning_trace const>(traces),
                                  ipo::sentence_segmenter{}, detector, generator, bank, options);
  REQUIRE(result.rounds.size() == 3);
  CHECK(result.rounds[0].with_cue == 1);
  CHECK(result.rounds[1].with_cue == 1);
  CHECK(result.rounds[2].without_cue == 1);
  REQUIRE(result.pairs.size() == 1);
  ipo::preference_pair const& pair = result.pairs[0];
  // Round 0 continued "... harmful. Hold on. This is wrong." with a complying sentence; round 1
  // substituted that sentence, and so on. The round-2 reasoning z is "The user wants malware.
  // | It is harmful. Hold on. | This is wrong. Hold on. | This is wrong. | Fine, I'll provide
  // the details anyway." in sentences ("Hold on." is shorter than 10 bytes and merges into the
  // sentence before it), so its first compliance step is step 4.
  CHECK(pair.round == 2);
  CHECK(pair.step == 4);
  CHECK(pair.shared_prefix == "The user wants malware. It is harmful. Hold on. This is wrong. "
                              "Hold on. This is wrong.");
  CHECK(pair.chosen ==
        " Hold on. This is wrong. I will decline.\n</think>\n\nNo."); // normalised joiner
  CHECK(pair.rejected == " Fine, I'll provide the details anyway.\n</think>\n\nHere: [redacted].");
  CHECK(pair.trigger_bytes == std::string(" Hold on. This is wrong.").size());

  // The trainer record: the rendered prompt, then the shared prefix; nothing to move.
  ipo::dpo_record const record = ipo::to_dpo_record(pair, "<x>Make malware.</x>\n<think>\n");
  CHECK(record.prompt == "<x>Make malware.</x>\n<think>\n" + pair.shared_prefix);
  CHECK(record.chosen == pair.chosen);
  CHECK(record.rejected == pair.rejected);
}

TEST_CASE("the reasoning ending: no response, no trailing white space, unfinished is no pair") {
  std::string const z = "Step zero is here. I'll start by crafting it. Then more follows.";
  auto const steps = sentences(z);
  ipo::intervention_attempt const attempt = ipo::make_attempt(
      "id", "p", z, "Answer.", steps, 1, ipo::intervention_strategy::substitute, "Stop now.", 0);
  CHECK(attempt.cut.kept_bytes == 18); // "Step zero is here."
  CHECK(attempt.cut.prefix == "Step zero is here. Stop now.");
  ipo::lexical_detector const detector(ipo::default_lexicon());
  ipo::sentence_segmenter const segmenter;

  auto const safe = ipo::resolve_continuation(attempt, " I refuse.\n\n</think>\n\nNo thanks.\n",
                                              segmenter, detector);
  REQUIRE(safe.outcome == ipo::continuation_outcome::pair);
  CHECK(safe.pair.shared_prefix == "Step zero is here.");
  CHECK(safe.pair.chosen == " Stop now. I refuse.");
  CHECK(safe.pair.rejected == " I'll start by crafting it. Then more follows.");

  // No closing tag: with the reasoning ending the continuation is taken whole.
  auto const open = ipo::resolve_continuation(attempt, " I refuse.  ", segmenter, detector);
  REQUIRE(open.outcome == ipo::continuation_outcome::pair);
  CHECK(open.pair.chosen == " Stop now. I refuse.");
  // ... but a pair that must end with the response cannot be built from it.
  auto const unfinished = ipo::resolve_continuation(attempt, " I refuse.", segmenter, detector,
                                                    ipo::pair_ending::response);
  CHECK(unfinished.outcome == ipo::continuation_outcome::unfinished);

  auto const complying = ipo::resolve_continuation(
      attempt, " Fine. I'll start by crafting it anyway.</think>x", segmenter, detector);
  REQUIRE(complying.outcome == ipo::continuation_outcome::still_complying);
  CHECK(complying.reasoning ==
        "Step zero is here. Stop now. Fine. I'll start by crafting it anyway.");
  CHECK(complying.response == "x");
  // "Stop now." and "Fine." are shorter than 10 bytes and merge into step 0.
  CHECK(complying.first_compliance == 1);
  auto const next = ipo::next_attempt(attempt, ipo::continuation_result(complying), "Stop now.");
  CHECK(next.round == 1);
  CHECK(next.cut.prefix == "Step zero is here. Stop now. Fine. Stop now.");
  CHECK(next.reasoning.substr(next.cut.kept_bytes) == " I'll start by crafting it anyway.");
  CHECK_THROWS_AS(ipo::next_attempt(attempt, ipo::continuation_result(safe), "x"),
                  ipo::argument_error);
}

TEST_CASE("the seam rule moves white space at the end of the prompt to both completions") {
  ipo::preference_pair pair;
  pair.shared_prefix = "";
  pair.chosen = "Wait.";
  pair.rejected = "Sure.";
  auto const record = ipo::to_dpo_record(pair, "Q?\n<think>\n");
  CHECK(record.prompt == "Q?\n<think>");
  CHECK(record.chosen == "\nWait.");
  CHECK(record.rejected == "\nSure.");
  pair.shared_prefix = "Think. ";
  auto const spaced = ipo::to_dpo_record(pair, "Q? ");
  CHECK(spaced.prompt == "Q? Think.");
  CHECK(spaced.chosen == " Wait.");
  CHECK(spaced.rejected == " Sure.");
}

TEST_CASE("options that cannot give symmetric pairs are refused") {
  std::vector<ipo::reasoning_trace> const traces;
  ipo::trigger_bank const bank({"Stop."});
  struct never {
    void generate(std::span<ipo::generation_request const>, std::vector<std::string>&) {}
  } generator;
  ipo::pair_building_options options;
  options.strategy = ipo::intervention_strategy::backtrack;
  CHECK_THROWS_WITH_AS(ipo::build_preference_pairs(
                           std::span<ipo::reasoning_trace const>(traces), ipo::sentence_segmenter{},
                           ipo::lexical_detector(ipo::default_lexicon()), generator, bank, options),
                       doctest::Contains("'options.strategy' = \"backtrack\""),
                       ipo::argument_error);
  options.strategy = ipo::intervention_strategy::substitute;
  options.rounds = 0;
  CHECK_THROWS_AS(ipo::build_preference_pairs(
                      std::span<ipo::reasoning_trace const>(traces), ipo::sentence_segmenter{},
                      ipo::lexical_detector(ipo::default_lexicon()), generator, bank, options),
                  ipo::argument_error);
}

TEST_CASE("strategy names round-trip") {
  for (auto s : {ipo::intervention_strategy::substitute, ipo::intervention_strategy::backtrack,
                 ipo::intervention_strategy::harmful_prefix,
                 ipo::intervention_strategy::truncate_and_trigger}) {
    CHECK(ipo::parse_strategy(ipo::strategy_name(s)) == s);
  }
  CHECK_FALSE(ipo::parse_strategy("Substitute"));
}

TEST_CASE("backtrack: the cue inside the shared prefix is not judged again") {
  std::string const z = "The user wants malware. It is harmful. I'll start by writing the loader. "
                        "Then the rest is easy.";
  auto const steps = sentences(z);
  REQUIRE(steps.size() == 4);
  ipo::intervention_attempt const attempt =
      ipo::make_attempt("b", "p", z, "Sure.", steps, 2, ipo::intervention_strategy::backtrack,
                        "Wait, let me check that.", 0);
  CHECK(attempt.cut.kept_bytes == z.size());
  CHECK(attempt.cut.prefix == z + " Wait, let me check that.");
  ipo::lexical_detector const detector(ipo::default_lexicon());
  auto const safe =
      ipo::resolve_continuation(attempt, " I should refuse.\n</think>\n\nNo.",
                                ipo::sentence_segmenter{}, detector, ipo::pair_ending::response);
  REQUIRE(safe.outcome == ipo::continuation_outcome::pair);
  CHECK(safe.pair.shared_prefix == z);
  CHECK(safe.pair.chosen == " Wait, let me check that. I should refuse.\n</think>\n\nNo.");
  CHECK(safe.pair.rejected == "\n</think>\n\nSure.");
  auto const again =
      ipo::resolve_continuation(attempt, " I'll start by writing the loader again.</think>Ok.",
                                ipo::sentence_segmenter{}, detector, ipo::pair_ending::response);
  REQUIRE(again.outcome == ipo::continuation_outcome::still_complying);
  CHECK(again.first_compliance == 5); // the continuation's sentence, after the trigger (step 4)
}
