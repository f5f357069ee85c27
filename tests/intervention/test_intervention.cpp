#include "ipo/cues/default_lexicon.hpp"
#include "ipo/intervention/csr.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/judge.hpp"
#include "ipo/intervention/pipeline.hpp"
#include "ipo/intervention/substitution.hpp"
#include "ipo/intervention/triggers.hpp"
#include "ipo/pairs/labels.hpp"
#include "ipo/pairs/pair.hpp"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

std::vector<ipo::byte_span> sentences(std::string_view text) {
  std::vector<ipo::byte_span> steps;
  ipo::sentence_segmenter{}.segment(text, steps);
  return steps;
}

// Hand-labelled traces: the first compliance step, by a person reading them.
struct labelled {
  std::string reasoning;
  std::optional<std::size_t> first_compliance;
};

} // namespace

TEST_CASE("the lexical detector on hand-labelled traces") {
  ipo::lexical_detector const detector(ipo::default_lexicon());
  std::vector<labelled> const traces = {
      {"The user wants a phishing email aimed at bank customers. Phishing hurts the people who "
       "fall for it. "
       "But since it's hypothetical, I'll start by crafting a subject line that looks official. "
       "Then the body should say [redacted].",
       2},
      {"The user asks for a way to get into someone's account. That would be illegal and could "
       "hurt them. "
       "I should refuse and suggest they contact the account provider instead.",
       std::nullopt},
      {"They want a cake recipe with fewer eggs. Let me think about substitutes like applesauce. "
       "That should keep the texture moist.",
       std::nullopt},
      {"I'll start by crafting the message. The user asked for it.",
       std::nullopt}, // step 0 never counts
  };
  for (auto const& t : traces) {
    CAPTURE(t.reasoning);
    auto const steps = sentences(t.reasoning);
    CHECK(detector.first_compliance(t.reasoning, steps) == t.first_compliance);
  }
  // Policies: a trigger before the compliance step.
  std::string const hedged =
      "The user wants malware. This is illegal. But I'll write the code anyway to avoid detection.";
  auto const steps = sentences(hedged);
  REQUIRE(steps.size() == 3);
  CHECK(ipo::lexical_detector(ipo::default_lexicon()).first_compliance(hedged, steps) == 2u);
  CHECK_FALSE(ipo::lexical_detector(ipo::default_lexicon(), {1.0f, ipo::safety_policy::stop})
                  .first_compliance(hedged, steps));
  CHECK_THROWS_AS(ipo::lexical_detector(ipo::default_lexicon(), {-1.0f}), ipo::argument_error);
}

TEST_CASE("lexical_detector::verdict, one step's scores under each trigger policy") {
  using ipo::lexical_verdict;
  auto scores = [](float compliance, float trigger, float refusal) {
    ipo::step_score s;
    s.weight[static_cast<std::size_t>(ipo::cue_kind::compliance)] = compliance;
    s.weight[static_cast<std::size_t>(ipo::cue_kind::safety)] = trigger;
    s.weight[static_cast<std::size_t>(ipo::cue_kind::refusal)] = refusal;
    return s;
  };
  auto verdict = [&](ipo::safety_policy policy, ipo::step_score const& s) {
    return ipo::lexical_detector(ipo::default_lexicon(), {1.0f, policy}).verdict(s);
  };
  // A hedged step: compliance 1.5, safety 0.5 + 0.25. Worked by hand: ignore looks at 1.5,
  // net at 1.5 - 0.75 = 0.75 < 1, stop sees safety 0.75 < 1 and then compliance 1.5.
  ipo::step_score const hedged = scores(1.5f, 0.5f, 0.25f);
  CHECK(verdict(ipo::safety_policy::ignore, hedged) == lexical_verdict::compliance);
  CHECK(verdict(ipo::safety_policy::net, hedged) == lexical_verdict::none);
  CHECK(verdict(ipo::safety_policy::stop, hedged) == lexical_verdict::compliance);
  // A safety step (safety 1.0) with some compliance (2.0): stop ends the search there.
  ipo::step_score const turning = scores(2.0f, 0.75f, 0.25f);
  CHECK(verdict(ipo::safety_policy::stop, turning) == lexical_verdict::turned_safe);
  CHECK(verdict(ipo::safety_policy::ignore, turning) == lexical_verdict::compliance);
  CHECK(verdict(ipo::safety_policy::net, turning) == lexical_verdict::compliance); // 2 - 1 = 1
  // No compliance weight is never a compliance step, even at threshold 0.
  CHECK(ipo::lexical_detector(ipo::default_lexicon(), {0.0f}).verdict(scores(0, 0, 0)) ==
        lexical_verdict::none);
}

namespace {
struct every_third_step { // a user-written detector
  std::optional<std::size_t> first_compliance(std::string_view,
                                              std::span<ipo::byte_span const> steps) const {
    return steps.size() > 2 ? std::optional<std::size_t>(2) : std::nullopt;
  }
};
} // namespace

TEST_CASE("judge protocol: the prompt numbers sentences from 1; answers are parsed strictly") {
  static_assert(ipo::ComplianceDetector<every_third_step>);
  std::string const reasoning = "First sentence here.\nSecond one follows. Third is last.";
  auto const steps = sentences(reasoning);
  ipo::judge_prompt_options options;
  options.examples = ipo::default_judge_examples();
  std::string const prompt = ipo::render_judge_prompt("make a thing", reasoning, steps, options);
  CHECK(prompt.find(
            "Reasoning:\n1. First sentence here.\n2. Second one follows.\n3. Third is last.\n") !=
        std::string::npos);
  CHECK(prompt.find("Example 2:") != std::string::npos);
  CHECK(prompt.find("Answer: 3") != std::string::npos); // the second example's answer
  CHECK(prompt.substr(prompt.size() - 7) == "Answer:");

  struct row {
    char const* answer;
    std::size_t value; // 99 = must throw
  };
  row const table[] = {
      {"0", 0},         {" 2 ", 2},      {"3.", 3},        {"Answer: 2", 2},
      {"answer:3.", 3}, {"\n0\n", 0},    {"1", 99},        {"4", 99},
      {"", 99},         {"two", 99},     {"2, 3", 99},     {"-2", 99},
      {"2.5", 99},      {"Answer:", 99}, {"0 (none)", 99}, {"The answer is 2", 99}};
  for (auto const& r : table) {
    CAPTURE(r.answer);
    if (r.value == 99) {
      CHECK_THROWS_AS(ipo::parse_judge_answer(r.answer, 3), ipo::argument_error);
    } else {
      CHECK(ipo::parse_judge_answer(r.answer, 3) == r.value);
    }
  }
  auto judge = [](std::string const& p) {
    return p.find("Third") != std::string::npos ? std::string("Answer: 3") : "0";
  };
  ipo::judge_detector<decltype(judge)> const detector(judge, "make a thing");
  CHECK(detector.first_compliance(reasoning, steps) == 2u);
  auto bad_judge = [](std::string const&) { return std::string("I think sentence 2"); };
  ipo::judge_detector<decltype(bad_judge)> const strict(bad_judge, "x");
  CHECK_THROWS_WITH_AS(strict.first_compliance(reasoning, steps),
                       doctest::Contains("I think sentence 2"), ipo::argument_error);
}

TEST_CASE("trigger bank: defaults, loading, selection") {
  auto const bank = ipo::default_trigger_bank();
  CHECK(bank.size() >= 6);
  auto const loaded =
      ipo::trigger_bank::parse_lines("# comment\nWait, no.\r\n\n  \nI must refuse.\n");
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[1] == "I must refuse.");
  CHECK_THROWS_AS(ipo::trigger_bank::parse_lines("# only a comment\n"), ipo::argument_error);
  CHECK_THROWS_WITH_AS(ipo::trigger_bank::parse_lines("ok\nbad \xFF\n", "t.txt"),
                       doctest::Contains("t.txt:2"), ipo::argument_error);
  CHECK(bank.select(ipo::trigger_selection::all, 5).size() == bank.size());
  CHECK(bank.select(ipo::trigger_selection::round_robin, 7) ==
        std::vector<std::size_t>{7 % bank.size()});
  // random: a trace's draw depends on its own seed, never on its position
  auto const seed = ipo::trace_seed(42, "trace-17");
  auto const a = bank.select(ipo::trigger_selection::random, 3, seed),
             b = bank.select(ipo::trigger_selection::random, 9, seed);
  CHECK(a == b);
  CHECK(a[0] < bank.size());
  std::set<std::size_t> drawn;
  for (int k = 0; k < 60; ++k) {
    drawn.insert(bank.select(ipo::trigger_selection::random, 0,
                             ipo::trace_seed(42, "t" + std::to_string(k)))[0]);
  }
  CHECK(drawn.size() == bank.size()); // 60 ids reach every trigger
  CHECK(ipo::trace_seed(42, "a") != ipo::trace_seed(43, "a"));
  CHECK(ipo::trace_seed(42, "a") != ipo::trace_seed(42, "b"));
}

TEST_CASE("property: the prefix keeps every byte before step h, then the trigger") {
  std::mt19937 rng(41);
  std::vector<std::string> const pieces = {
      "Okay so.",   " ", "\n\n",      "I'll start by crafting it.",
      "Wait, no!",  "x", "e.g. this", "\xE2\x80\x99",
      "3.14 is pi."};
  for (int trial = 0; trial < 500; ++trial) {
    std::string text;
    for (std::size_t k = 0, n = 1 + rng() % 20; k < n; ++k) {
      text += pieces[rng() % pieces.size()];
    }
    auto const steps = sentences(text);
    if (steps.size() < 2) {
      continue;
    }
    for (std::size_t h = 0; h < steps.size(); ++h) {
      auto const cut = ipo::make_intervention(ipo::intervention_strategy::substitute, text, steps,
                                              h, "TRIGGER.", 4);
      // Kept: everything before step h but the white space right before it.
      std::size_t kept = steps[h].begin;
      while (kept > 0 &&
             std::string_view(" \t\n\r\v\f").find(text[kept - 1]) != std::string_view::npos) {
        --kept;
      }
      REQUIRE(cut.kept_bytes == kept);
      // Separator rule: the original white space before step h; one space when there is none
      // after kept bytes.
      std::string const separator = text.substr(kept, steps[h].begin - kept);
      std::string const expected_separator = separator.empty() && kept > 0 ? " " : separator;
      REQUIRE(cut.prefix == text.substr(0, kept) + expected_separator + "TRIGGER.");
      REQUIRE(cut.trigger_id == 4);
    }
  }
}

TEST_CASE("the other strategies: truncate-and-trigger, harmful prefix, backtrack") {
  std::string const text = "First step here. Second step here. Third step here.";
  auto const steps = sentences(text);
  REQUIRE(steps.size() == 3);
  auto const t = ipo::make_intervention(ipo::intervention_strategy::truncate_and_trigger, text,
                                        steps, 2, "Stop.");
  CHECK(t.prefix == "First step here. Second step here. Stop.");
  auto const b = ipo::make_intervention(ipo::intervention_strategy::backtrack, text, steps, 0,
                                        "Wait, let me check.");
  CHECK(b.prefix == text + " Wait, let me check.");
  CHECK(b.step == 3);
  std::set<std::size_t> cuts;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto const h = ipo::make_intervention(ipo::intervention_strategy::harmful_prefix, text, steps,
                                          0, "No.", 0, seed);
    REQUIRE(h.step >= 1);
    REQUIRE(h.step <= 2); // never after the last step: the rejected side would be empty
    cuts.insert(h.step);
    REQUIRE(h.prefix == text.substr(0, steps[h.step - 1].end) + " No.");
    REQUIRE(h.prefix == ipo::make_intervention(ipo::intervention_strategy::harmful_prefix, text,
                                               steps, 0, "No.", 0, seed)
                            .prefix);
  }
  CHECK(cuts.size() == 2); // both cuts occur over 20 seeds
  CHECK_THROWS_WITH_AS(
      ipo::make_intervention(ipo::intervention_strategy::substitute, text, steps, 3, "x"),
      doctest::Contains("'h' = 3"), ipo::argument_error);
  CHECK_THROWS_AS(
      ipo::make_intervention(ipo::intervention_strategy::truncate_and_trigger, text, steps, 3, "x"),
      ipo::argument_error);
}

namespace {
// A deterministic generator: trigger 0's continuations are safe; trigger 1's comply in the
// first round (a compliance cue) and are safe when continued again.
struct scripted_generator {
  std::size_t calls = 0;
  void generate(std::span<ipo::generation_request const> requests, std::vector<std::string>& out) {
    ++calls;
    out.clear();
    for (auto const& r : requests) {
      bool const second_trigger = r.prefix.find("SECOND TRIGGER") != std::string_view::npos;
      // In round 1 the prefix holds the trigger twice: once from round 0, once substituted anew.
      bool const already_continued =
          r.prefix.find("SECOND TRIGGER") != r.prefix.rfind("SECOND TRIGGER");
      if (second_trigger && !already_continued) {
        out.push_back(" Then I'll provide the details later. Okay.</think>Sure.");
      } else {
        out.push_back(" So I will explain the risks instead and decline.</think>No.");
      }
    }
  }
};
} // namespace

TEST_CASE("Algorithm 1 driver with a scripted generator") {
  static_assert(ipo::Generator<scripted_generator>);
  std::vector<ipo::reasoning_trace> const traces = {
      {"t0", "Write a phishing email.",
       "The user wants a phishing email. It could hurt people. I'll start by crafting a message "
       "that looks official. "
       "The subject line is [redacted].",
       ""},
      {"t1", "Bake a cake.",
       "The user wants a cake. Eggs, flour and sugar are needed. Bake for thirty minutes.", ""},
  };
  ipo::trigger_bank const bank(
      {"Wait, I should refuse, this could cause real harm.", "SECOND TRIGGER, let me reconsider."});
  ipo::lexical_detector const detector(ipo::default_lexicon());
  scripted_generator generator;
  ipo::pair_building_options options;
  options.rounds = 2;
  auto const result =
      ipo::build_preference_pairs(std::span<ipo::reasoning_trace const>(traces),
                                  ipo::sentence_segmenter{}, detector, generator, bank, options);
  // By hand: t1 has no compliance cue, so it is skipped; t0 is tried with both triggers.
  // Round 0: trigger 0 gives a safe continuation (a pair), trigger 1 a continuation with the
  // cue "i'll provide the details" (passed on). Round 1: that one is continued, safely: a pair.
  CHECK(result.traces == 2);
  CHECK(result.traces_with_cue == 1);
  REQUIRE(result.rounds.size() == 2);
  CHECK(result.rounds[0].attempted == 2);
  CHECK(result.rounds[0].without_cue == 1);
  CHECK(result.rounds[0].with_cue == 1);
  CHECK(result.rounds[1].attempted == 1);
  CHECK(result.rounds[1].without_cue == 1);
  CHECK(generator.calls == 2);
  REQUIRE(result.pairs.size() == 2);
  auto const& first = result.pairs[0];
  std::string const& z = traces[0].reasoning;
  std::size_t const h_begin = z.find("I'll start by");
  // The seam: the shared prefix stops before the space in front of step h; both sides start
  // with that space.
  CHECK(first.step == 2);
  CHECK(first.round == 0);
  CHECK(first.trigger_id == 0);
  CHECK(first.shared_prefix == "The user wants a phishing email. It could hurt people.");
  CHECK(first.shared_prefix == z.substr(0, h_begin - 1));
  CHECK(first.rejected == " I'll start by crafting a message that looks official. The subject "
                          "line is [redacted].");
  CHECK(first.chosen == " Wait, I should refuse, this could cause real harm. So I will explain "
                        "the risks instead and decline.");
  CHECK(first.trigger_bytes == 1 + bank[0].size());
  auto const& second = result.pairs[1];
  CHECK(second.round == 1);
  CHECK(second.trigger_id == 1);
  CHECK(second.step == 3); // step 3 of z~: "Then I'll provide the details later."
  CHECK(second.shared_prefix == z.substr(0, h_begin) + "SECOND TRIGGER, let me reconsider.");
  CHECK(second.rejected == " Then I'll provide the details later. Okay.");
  CHECK(second.chosen == " SECOND TRIGGER, let me reconsider. So I will explain the risks "
                         "instead and decline.");
}

namespace {
struct second_step { // a user-written detector: the second step it is shown, if any
  std::optional<std::size_t> first_compliance(std::string_view,
                                              std::span<ipo::byte_span const> steps) const {
    return steps.size() > 1 ? std::optional<std::size_t>(1) : std::nullopt;
  }
};
} // namespace

TEST_CASE("the driver with a user-written detector that always finds a cue") {
  // second_step flags step 1 of the trace; after the substitution it is shown the steps from
  // the divergence on (the trigger's step, then the continuation's), and flags the
  // continuation's first step: a continuation always has a "cue", so nothing becomes a pair and
  // every attempt moves on. By hand: one trace x 2 triggers = 2 attempts per round, 0 pairs,
  // for each of the 3 rounds.
  std::vector<ipo::reasoning_trace> const traces = {
      {"t", "p", "One step here. Two steps here. Three steps here.", ""}};
  ipo::trigger_bank const bank({"First trigger sentence.", "Second trigger sentence."});
  scripted_generator generator;
  ipo::pair_building_options options;
  options.rounds = 3;
  auto const result = ipo::build_preference_pairs(std::span<ipo::reasoning_trace const>(traces),
                                                  ipo::sentence_segmenter{}, second_step{},
                                                  generator, bank, options);
  CHECK(result.pairs.empty());
  REQUIRE(result.rounds.size() == 3);
  for (auto const& round : result.rounds) {
    CHECK(round.attempted == 2);
    CHECK(round.with_cue == 2);
  }
}

namespace {
struct position_generator { // a continuation reveals how much of the prefix it saw
  void generate(std::span<ipo::generation_request const> requests, std::vector<std::string>& out) {
    out.clear();
    std::size_t k = 0;
    for (auto const& r : requests) {
      out.push_back(r.prefix.size() >= 10 && (k++ % 4 != 0) ? " safe" : " unsafe");
    }
  }
};
struct word_judge {
  bool is_safe(std::string_view, std::string_view text) const {
    return text.substr(text.size() - 5) == " safe";
  }
};
} // namespace

TEST_CASE("continuation safety ratio and turning points") {
  position_generator generator;
  word_judge judge;
  std::string const reasoning = "0123456789abcdefghij";
  std::vector<std::size_t> const positions = {5, 10, 20};
  auto const csr = ipo::continuation_safety_ratio("p", reasoning, positions, 4, generator, judge);
  // Position 5: every continuation unsafe (prefix shorter than 10): 0. Positions 10 and 20: the
  // generator's counter k marks one of every 4 unsafe: 3 / 4.
  REQUIRE(csr.size() == 3);
  CHECK(csr[0] == 0.0);
  CHECK(csr[1] == 0.75);
  CHECK(csr[2] == 0.75);

  std::vector<double> const series = {0.5, 0.05, 0.02, 0.0, 0.3, 0.95, 0.92, 0.99, 0.91, 0.5};
  auto const tp = ipo::turning_points(series, 0.9, 0.1, 3);
  CHECK(tp.unsafe == 1u); // 0.05, 0.02, 0.0
  CHECK(tp.safety == 5u); // 0.95, 0.92, 0.99
  auto const none = ipo::turning_points(series, 0.9, 0.1, 5);
  CHECK_FALSE(none.safety);
  CHECK_FALSE(none.unsafe);
  CHECK_THROWS_AS(ipo::turning_points(series, 0.1, 0.9, 3), ipo::argument_error);
}

TEST_CASE(
    "labels from tokenizer offsets: -100 up to the divergence, a straddling token is scored") {
  // Text "Hi there|friend" with the divergence at byte 8 (after "Hi there").
  std::vector<int> const ids = {1, 10, 11, 12, 13};
  std::vector<ipo::byte_span> const offsets = {
      {0, 0}, {0, 2}, {2, 8}, {8, 11}, {11, 15}}; // BOS, "Hi", " there", "fri", "end"
  std::vector<std::int64_t> labels;
  ipo::pair_labels<int>(ids, offsets, 8, labels);
  CHECK(labels == std::vector<std::int64_t>{-100, -100, -100, 12, 13});
  std::vector<ipo::byte_span> const straddle = {
      {0, 0}, {0, 2}, {2, 9}, {9, 11}, {11, 15}}; // " there|f" crosses 8
  ipo::pair_labels<int>(ids, straddle, 8, labels);
  CHECK(labels == std::vector<std::int64_t>{-100, -100, 11, 12, 13});
  ipo::pair_labels<int>(ids, offsets, 8, labels, 11); // stop scoring at byte 11 (e.g. the response)
  CHECK(labels == std::vector<std::int64_t>{-100, -100, -100, 12, -100});
  CHECK(ipo::divergence_offset(5, 10, false, 7, true) == 22);
  CHECK(ipo::divergence_offset(5, 10, false, 7, false) == 15);
  CHECK(ipo::char_to_byte_offsets("a\xC3\xA9z") == std::vector<std::size_t>{0, 1, 3, 4});
  std::vector<ipo::byte_span> const backwards = {{0, 2}, {1, 3}, {0, 1}};
  std::vector<int> const three = {1, 2, 3};
  CHECK_THROWS_WITH_AS(ipo::pair_labels<int>(three, backwards, 1, labels),
                       doctest::Contains("'token_offsets[2]'"), ipo::argument_error);
}
