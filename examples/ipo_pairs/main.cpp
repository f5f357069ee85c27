// ipo-pairs: the corrective-intervention pipeline around an existing generator and trainer.
//
//   ipo-pairs detect    TRACES [-o DETECT]                  first compliance step of every trace
//   ipo-pairs intervene TRACES -o PREFIXES                  one prefix per (trace, trigger)
//   ipo-pairs join      PREFIXES CONTINUATIONS -o PAIRS     TRL-ready pairs [--next PREFIXES2]
//   ipo-pairs stats     FILE...                             counts, histogram, rounds
//   ipo-pairs eval      TRACES LABELS [--judge-answers A]   detectors against labelled steps
//   ipo-pairs judge-prompts TRACES [-o PROMPTS]             prompts for an LLM judge
//
// records.hpp describes every record; io.hpp how files are kept safe; parallel.hpp how lines
// are spread over the cores. Exit status: 0 on success, 1 when the run failed (nothing was
// replaced), 2 for a usage error.
#include <ipo/config.hpp>
#include <ipo/cues/default_lexicon.hpp>
#include <ipo/cues/matcher.hpp>
#include <ipo/simd/dispatch.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

std::string version_text() {
  std::string text = "ipo-pairs " IPO_VERSION_STRING " (ipo " IPO_VERSION_STRING ")\n";
  ipo::phrase_matcher const matcher(ipo::default_lexicon());
  text += "matcher path: " + matcher.path_name() + "\n";
  text += "SIMD paths compiled in and available:";
  for (auto const& name : ipo::simd::available_arch_names()) {
    text += " " + name;
  }
#if defined(IPO_HAS_DISPATCH)
  text += "\nipo::dispatch matcher scans available:";
  for (ipo::detail::compiled_scan const& scan : ipo::detail::compiled_scans()) {
    if (scan.cpu_supports()) {
      text += " " + scan.path_name(matcher);
    }
  }
#endif
  text += "\nsimdjson: " + std::string(SIMDJSON_STRINGIFY(SIMDJSON_VERSION)) + " (" +
          std::string(simdjson::get_active_implementation()->name()) + ")\n";
  return text;
}

} // namespace

int main(int argc, char** argv) {
  using namespace ipo_pairs;
  CLI::App app{"ipo-pairs: find where reasoning turns toward compliance, intervene, and build "
               "preference pairs"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);
  options o;
  auto add_common = [&](CLI::App* command) {
    command->add_option("--prompt-field", o.prompt_field,
                        "Field holding the prompt (default prompt, else question)");
    command->add_option("--response-field", o.response_field,
                        "Field holding the completion (default response)");
    command->add_option("--id-field", o.id_field,
                        "Field holding the id, a string or an integer (default id, else the line "
                        "number)");
    command->add_option("--on-error", o.on_error, "fail (default) or skip bad lines")
        ->check(CLI::IsMember({"fail", "skip"}));
    command
        ->add_option("--duplicate-ids", o.duplicate_ids,
                     "error (default): a repeated id is a bad line; first: keep the first")
        ->check(CLI::IsMember({"error", "first"}));
    command
        ->add_option("--detector", o.detector,
                     "patterns (default: word-class patterns) or lexical (the cue lexicon)")
        ->check(CLI::IsMember({"patterns", "lexical"}));
    command
        ->add_option("--threshold", o.threshold,
                     "Compliance weight a step needs, lexical detector (default 1)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--threads", o.threads, "Worker threads (default: one per core)");
    command->add_flag("-q,--quiet", o.quiet, "No progress bar or summary");
  };
  std::string in, second, out = "-";
  std::vector<std::string> stats_inputs;

  auto* detect = app.add_subcommand("detect", "First compliance step of every trace");
  detect->add_option("TRACES", in, "Traces (JSON Lines, - for stdin)")->required();
  detect->add_option("-o,--output", out, "Output (default stdout)");
  add_common(detect);

  auto* intervene = app.add_subcommand(
      "intervene", "Prefixes to continue, one per (trace, trigger), for your generator");
  intervene->add_option("TRACES", in, "Traces (JSON Lines, - for stdin)")->required();
  intervene->add_option("-o,--output", out, "Prefix records (default stdout)");
  intervene->add_option("--triggers", o.triggers_file,
                        "Safety triggers, one sentence per line (default: the built-in bank)");
  intervene
      ->add_option("--strategy", o.strategy,
                   "substitute (default), truncate_and_trigger, harmful_prefix or backtrack")
      ->check(CLI::IsMember({"substitute", "truncate_and_trigger", "harmful_prefix", "backtrack"}));
  intervene->add_option("--selection", o.selection, "all (default), round-robin or random")
      ->check(CLI::IsMember({"all", "round-robin", "random"}));
  intervene->add_option("--seed", o.seed,
                        "Seed for --selection random and harmful_prefix (mixed with each id)");
  add_common(intervene);

  auto* join = app.add_subcommand(
      "join", "Pairs from the continuations without a compliance cue; next-round prefixes");
  join->add_option("PREFIXES", in, "The prefix records intervene (or join --next) wrote")
      ->required();
  join->add_option("CONTINUATIONS", second,
                   "Continuation records {prefix_digest, continuation[, finish_reason]}")
      ->required();
  join->add_option("-o,--output", out, "Pair records (default stdout)");
  join->add_option("--prompt-format", o.prompt_format,
                   "How the prompt is rendered before the shared prefix; must hold {prompt} "
                   "(default \"{prompt}\\n<think>\\n\")");
  join->add_flag("--include-response", o.include_response,
                 "Both sides end with the closing tag and the response (default: both end "
                 "where the reasoning ends)");
  join->add_option("--max-rounds", o.max_rounds,
                   "Substitution rounds in all (default 1, as in the paper); with 2 or more, "
                   "continuations that still comply give prefixes for the next round");
  join->add_option("--next", o.next_path, "Where the next round's prefix records go");
  add_common(join);

  auto* stats = app.add_subcommand(
      "stats", "Counts of traces (first compliance steps), prefixes and pairs per round");
  stats->add_option("FILE", stats_inputs, "Trace, prefix or pair files")->required();
  add_common(stats);

  auto* eval =
      app.add_subcommand("eval", "How well the detectors find labelled first compliance steps");
  std::string answers;
  bool show = false;
  eval->add_option("TRACES", in, "Traces")->required();
  eval->add_option("LABELS", second,
                   "Labels {id, label: unsafe|safe|benign, first_compliance: sentence text}")
      ->required();
  eval->add_option("--judge-answers", answers,
                   "An LLM judge's answers {id, answer} to the prompts judge-prompts wrote");
  eval->add_flag("--show", show, "List every trace the pattern detector gets wrong");
  add_common(eval);

  auto* judge_prompts = app.add_subcommand(
      "judge-prompts", "The numbered-sentence judge prompt of every trace, for an LLM judge");
  judge_prompts->add_option("TRACES", in, "Traces (JSON Lines, - for stdin)")->required();
  judge_prompts->add_option("-o,--output", out, "{id, n_steps, prompt} records (default stdout)");
  add_common(judge_prompts);

  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    int const code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  remove_temporaries_on_signals();
  try {
    if (detect->parsed()) {
      return run_detect(in, out, o);
    }
    if (intervene->parsed()) {
      return run_intervene(in, out, o);
    }
    if (join->parsed()) {
      return run_join(in, second, out, o);
    }
    if (eval->parsed()) {
      return run_eval(in, second, answers, show, o);
    }
    if (judge_prompts->parsed()) {
      return run_judge_prompts(in, out, o);
    }
    return run_stats(stats_inputs, o);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "ipo-pairs: %s\n", e.what());
    return 1;
  }
}
