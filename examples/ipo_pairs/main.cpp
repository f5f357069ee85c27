// ipo-pairs: the corrective-intervention pipeline around an existing generator and trainer.
//
//   ipo-pairs detect    IN.jsonl [-o OUT.jsonl]            first compliance step of every trace
//   ipo-pairs intervene IN.jsonl -o PREFIXES.jsonl          prefixes to continue, one per (trace,
//   trigger) ipo-pairs join      IN.jsonl CONTINUATIONS.jsonl -o PAIRS.jsonl   TRL-ready preference
//   pairs ipo-pairs stats     IN.jsonl                            counts and a histogram
//
// Input lines are JSON objects with a prompt (--prompt-field, default "prompt", falling back to
// "question"), a completion (--response-field, default "response"; "<think>...</think>" then the
// answer, or only the closing tag) and an id (--id-field, default "id", else the line number).
// Files stream line by line ("-" is stdin / stdout); output goes to a temporary file renamed
// only on success. Malformed lines are reported with their line number; --on-error decides
// whether they stop the run (fail, the default) or are skipped and counted (skip).
#include <ipo/ipo.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "pipeline.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using namespace ipo_pairs;

/// Reads lines from a file or stdin, knowing how far it got (for the progress bar).
class line_reader {
public:
  explicit line_reader(std::string const& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path != "-") {
      file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
      if (!*file_) {
        throw std::runtime_error("cannot open " + path);
      }
      std::error_code ec;
      total_ = std::filesystem::file_size(path, ec);
      if (ec) {
        total_ = 0;
      }
    }
  }
  bool next(std::string& line) {
    std::istream& in = file_ ? *file_ : std::cin;
    if (!std::getline(in, line)) {
      return false;
    }
    consumed_ += line.size() + 1;
    ++number_;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    return true;
  }
  std::size_t line_number() const { return number_; }
  std::string const& name() const { return name_; }
  std::uintmax_t consumed() const { return consumed_; }
  std::uintmax_t total() const { return total_; }

private:
  std::string name_;
  std::unique_ptr<std::ifstream> file_;
  std::size_t number_ = 0;
  std::uintmax_t consumed_ = 0, total_ = 0;
};

/// Writes to a temporary file next to the target and renames it on commit(); "-" is stdout.
class atomic_writer {
public:
  explicit atomic_writer(std::string path) : path_(std::move(path)) {
    if (path_ != "-") {
      temp_ = path_ + ".tmp." + std::to_string(::getpid());
      file_ = std::make_unique<std::ofstream>(temp_, std::ios::binary | std::ios::trunc);
      if (!*file_) {
        throw std::runtime_error("cannot write " + temp_);
      }
    }
  }
  ~atomic_writer() {
    if (file_ && !committed_) {
      file_.reset();
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }
  void line(json const& value) {
    std::ostream& out = file_ ? *file_ : std::cout;
    out << value.dump(-1, ' ', false, json::error_handler_t::strict) << '\n';
    ++written_;
  }
  void commit() {
    if (file_) {
      file_->close();
      if (!*file_) {
        throw std::runtime_error("write failed: " + temp_);
      }
      std::filesystem::rename(temp_, path_);
      committed_ = true;
    } else {
      std::cout.flush();
    }
  }
  std::size_t written() const { return written_; }

private:
  std::string path_, temp_;
  std::unique_ptr<std::ofstream> file_;
  bool committed_ = false;
  std::size_t written_ = 0;
};

/// A progress bar on stderr (rate, ETA) when stderr is a terminal and not --quiet.
class progress {
public:
  progress(bool quiet, std::string label)
      : enabled_(!quiet && ::isatty(2)), label_(std::move(label)) {}
  void update(line_reader const& reader) {
    if (!enabled_) {
      return;
    }
    auto const now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    double const seconds = std::chrono::duration<double>(now - start_).count();
    double const rate = seconds > 0 ? double(reader.consumed()) / seconds : 0;
    if (reader.total() > 0) {
      double const fraction = std::min(1.0, double(reader.consumed()) / double(reader.total()));
      int const filled = static_cast<int>(fraction * 30);
      double const eta =
          rate > 0 ? double(reader.total() - std::min(reader.total(), reader.consumed())) / rate
                   : 0;
      std::fprintf(stderr, "\r%s [%-30s] %3.0f%% %.1f MB/s ETA %.0fs ", label_.c_str(),
                   std::string(filled, '=').c_str(), fraction * 100, rate / 1e6, eta);
    } else {
      std::fprintf(stderr, "\r%s %zu lines %.1f MB/s ", label_.c_str(), reader.line_number(),
                   rate / 1e6);
    }
  }
  void finish() {
    if (enabled_) {
      std::fprintf(stderr, "\r%*s\r", 70, "");
    }
  }

private:
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

/// Runs `body` on every line of `reader`, applying the error policy; returns the skip count.
template <class Body>
std::size_t for_each_line(line_reader& reader, options const& o, char const* command, Body body) {
  std::string line;
  std::size_t skipped = 0;
  progress bar(o.quiet, command);
  while (reader.next(line)) {
    bar.update(reader);
    try {
      body(line);
    } catch (line_error const& e) {
      // The message may quote the offending bytes: keep stderr valid UTF-8.
      bar.finish();
      std::fprintf(stderr, "ipo-pairs %s: %s:%zu: %s\n", command, reader.name().c_str(),
                   reader.line_number(), ipo::replace_invalid_utf8(e.what()).c_str());
      if (o.on_error == "fail") {
        throw std::runtime_error(
            "stopped at the first malformed line (use --on-error skip to skip such lines)");
      }
      ++skipped;
    }
  }
  bar.finish();
  return skipped;
}

ipo::trigger_bank load_triggers(options const& o) {
  if (o.triggers_file.empty()) {
    return ipo::default_trigger_bank();
  }
  std::ifstream in(o.triggers_file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open " + o.triggers_file);
  }
  std::stringstream text;
  text << in.rdbuf();
  return ipo::trigger_bank::parse_lines(text.str(), o.triggers_file);
}

ipo::intervention_strategy parse_strategy(std::string const& name) {
  for (auto s :
       {ipo::intervention_strategy::substitute, ipo::intervention_strategy::truncate_and_trigger,
        ipo::intervention_strategy::harmful_prefix, ipo::intervention_strategy::backtrack}) {
    if (name == ipo::strategy_name(s)) {
      return s;
    }
  }
  throw std::runtime_error("unknown --strategy " + name);
}

ipo::trigger_selection parse_selection(std::string const& name) {
  if (name == "all") {
    return ipo::trigger_selection::all;
  }
  if (name == "round-robin") {
    return ipo::trigger_selection::round_robin;
  }
  if (name == "random") {
    return ipo::trigger_selection::random;
  }
  throw std::runtime_error("unknown --selection " + name);
}

int run_detect(std::string const& in, std::string const& out, options const& o) {
  ipo::lexical_detector const detector(ipo::default_lexicon(), {o.threshold});
  line_reader reader(in);
  atomic_writer writer(out);
  std::size_t const skipped = for_each_line(reader, o, "detect", [&](std::string const& line) {
    writer.line(ipo_pairs::detect_record(parse_trace(line, reader.line_number(), o), detector));
  });
  writer.commit();
  if (!o.quiet) {
    std::fprintf(stderr, "ipo-pairs detect: %zu lines, %zu written, %zu skipped\n",
                 reader.line_number(), writer.written(), skipped);
  }
  return 0;
}

int run_intervene(std::string const& in, std::string const& out, options const& o) {
  ipo::lexical_detector const detector(ipo::default_lexicon(), {o.threshold});
  ipo::trigger_bank const bank = load_triggers(o);
  auto const strategy = parse_strategy(o.strategy);
  auto const selection = parse_selection(o.selection);
  line_reader reader(in);
  atomic_writer writer(out);
  std::size_t traces = 0;
  std::size_t const skipped = for_each_line(reader, o, "intervene", [&](std::string const& line) {
    trace_line const t = parse_trace(line, reader.line_number(), o);
    std::size_t const index = traces++;
    detection const d = detect(detector, t.reasoning());
    if (!d.first) {
      return;
    }
    for (std::size_t trigger : bank.select(selection, index, o.seed)) {
      auto const cut = ipo::make_intervention(strategy, t.reasoning(), d.steps, *d.first,
                                              bank[trigger], trigger, o.seed + index);
      writer.line({{"id", t.id},
                   {"trigger_id", trigger},
                   {"h", cut.step},
                   {"strategy", o.strategy},
                   {"prompt", t.prompt},
                   {"prefix", cut.prefix}});
    }
  });
  writer.commit();
  if (!o.quiet) {
    std::fprintf(stderr, "ipo-pairs intervene: %zu lines, %zu prefixes written, %zu skipped\n",
                 reader.line_number(), writer.written(), skipped);
  }
  return 0;
}

std::string render_prompt(std::string const& format, std::string const& prompt) {
  std::string out = format;
  std::size_t const at = out.find("{prompt}");
  if (at != std::string::npos) {
    out.replace(at, 8, prompt);
  }
  return out;
}

int run_join(std::string const& in, std::string const& continuations, std::string const& out,
             options const& o) {
  ipo::lexical_detector const detector(ipo::default_lexicon(), {o.threshold});
  ipo::trigger_bank const bank = load_triggers(o);
  auto const strategy = parse_strategy(o.strategy);
  if (in == "-") {
    throw std::runtime_error("join reads IN.jsonl twice: give a file, not -");
  }
  // Pass 1: where each trace starts in IN (the file is not held in memory).
  std::unordered_map<std::string, std::pair<std::uintmax_t, std::size_t>>
      where; // id -> (offset, index)
  {
    line_reader index_reader(in);
    std::string line;
    std::uintmax_t offset = 0;
    std::size_t index = 0;
    while (index_reader.next(line)) {
      try {
        trace_line const t = parse_trace(line, index_reader.line_number(), o);
        where.emplace(t.id, std::make_pair(offset, index));
      } catch (line_error const& e) {
        std::fprintf(stderr, "ipo-pairs join: %s:%zu: %s\n", in.c_str(), index_reader.line_number(),
                     e.what());
        if (o.on_error == "fail") {
          throw std::runtime_error(
              "stopped at the first malformed line (use --on-error skip to skip such lines)");
        }
      }
      offset = index_reader.consumed();
      ++index;
    }
  }
  std::ifstream traces(in, std::ios::binary);
  line_reader reader(continuations);
  atomic_writer writer(out);
  std::size_t with_cue = 0;
  std::string cached_id;
  trace_line cached;
  detection cached_detection;
  std::size_t const skipped = for_each_line(reader, o, "join", [&](std::string const& line) {
    json c;
    try {
      c = json::parse(line);
    } catch (json::parse_error const& e) {
      throw line_error(std::string("malformed JSON (") + e.what() + ")");
    }
    if (!c.is_object()) {
      throw line_error("expected a JSON object");
    }
    std::string const id = string_field(c, "id", true);
    auto const trigger_it = c.find("trigger_id");
    if (trigger_it == c.end() || !trigger_it->is_number_unsigned()) {
      throw line_error("field \"trigger_id\" is missing or not a non-negative integer");
    }
    std::size_t const trigger = trigger_it->get<std::size_t>();
    if (trigger >= bank.size()) {
      throw line_error("unknown trigger_id " + std::to_string(trigger) + " (the bank has " +
                       std::to_string(bank.size()) + ")");
    }
    std::string const continuation = string_field(c, "continuation", true);
    auto const found = where.find(id);
    if (found == where.end()) {
      throw line_error("no trace with id \"" + id + "\" in " + in);
    }
    // Continuations of one trace usually follow each other: parse and detect it once.
    if (cached_id != id) {
      traces.clear();
      traces.seekg(static_cast<std::streamoff>(found->second.first));
      std::string trace_text;
      std::getline(traces, trace_text);
      cached = parse_trace(trace_text, found->second.second + 1, o);
      cached_detection = detect(detector, cached.reasoning());
      cached_id = id;
    }
    trace_line const& t = cached;
    detection const& d = cached_detection;
    if (!d.first) {
      throw line_error("trace \"" + id +
                       "\" has no compliance step, so it was never intervened on");
    }
    auto const cut = ipo::make_intervention(strategy, t.reasoning(), d.steps, *d.first,
                                            bank[trigger], trigger, o.seed + found->second.second);
    std::size_t const close = continuation.find("</think>");
    std::string const continued = continuation.substr(0, close);
    std::string const reasoning = cut.prefix + continued;
    std::vector<ipo::byte_span> steps;
    ipo::sentence_segmenter{}.segment(reasoning, steps);
    if (detector.first_compliance(reasoning, steps)) {
      ++with_cue;
      return; // the continuation still complies: no pair (another round would be needed)
    }
    std::string const shared = std::string(t.reasoning().substr(0, cut.kept_bytes));
    std::string chosen =
        cut.prefix.substr(cut.kept_bytes) + (o.include_response ? continuation : continued);
    std::string rejected(t.reasoning().substr(cut.kept_bytes));
    if (o.include_response) {
      rejected += "\n</think>\n\n" + std::string(t.parts.response.of(t.completion));
    }
    writer.line({{"prompt", render_prompt(o.prompt_format, t.prompt) + shared},
                 {"chosen", chosen},
                 {"rejected", rejected},
                 {"id", id},
                 {"trigger_id", trigger},
                 {"h", cut.step},
                 {"round", 0},
                 {"strategy", o.strategy}});
  });
  writer.commit();
  if (!o.quiet) {
    std::fprintf(
        stderr,
        "ipo-pairs join: %zu continuations, %zu pairs written, %zu still complying, %zu skipped\n",
        reader.line_number(), writer.written(), with_cue, skipped);
  }
  return 0;
}

int run_stats(std::string const& in, options const& o) {
  ipo::lexical_detector const detector(ipo::default_lexicon(), {o.threshold});
  line_reader reader(in);
  std::size_t traces = 0, with_cue = 0, with_trigger = 0, trigger_steps = 0;
  std::map<std::size_t, std::size_t> histogram;
  std::size_t const skipped = for_each_line(reader, o, "stats", [&](std::string const& line) {
    trace_line const t = parse_trace(line, reader.line_number(), o);
    detection const d = detect(detector, t.reasoning());
    ++traces;
    if (d.first) {
      ++with_cue;
      ++histogram[*d.first];
    }
    std::size_t triggers = 0;
    for (auto const& s : d.scores) {
      triggers += s.count(ipo::cue_kind::trigger) + s.count(ipo::cue_kind::refusal) > 0 ? 1 : 0;
    }
    trigger_steps += triggers;
    with_trigger += triggers > 0 ? 1 : 0;
  });
  std::printf("traces: %zu\nwith a compliance cue: %zu\nwithout: %zu\nwith a safety trigger: %zu "
              "(%zu trigger steps)\n",
              traces, with_cue, traces - with_cue, with_trigger, trigger_steps);
  std::printf("first compliance step:\n");
  std::size_t peak = 1;
  for (auto const& [step, count] : histogram) {
    peak = std::max(peak, count);
  }
  for (auto const& [step, count] : histogram) {
    std::printf("  step %3zu | %-40s %zu\n", step, std::string(count * 40 / peak, '#').c_str(),
                count);
  }
  if (skipped > 0) {
    std::printf("skipped lines: %zu\n", skipped);
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"ipo-pairs: find where reasoning turns toward compliance, intervene, and build "
               "preference pairs"};
  app.require_subcommand(1);
  options o;
  auto add_common = [&](CLI::App* command) {
    command->add_option("--prompt-field", o.prompt_field,
                        "Field holding the prompt (default prompt, else question)");
    command->add_option("--response-field", o.response_field, "Field holding the completion");
    command->add_option("--id-field", o.id_field,
                        "Field holding the id (default id, else the line number)");
    command->add_option("--on-error", o.on_error, "fail (default) or skip malformed lines")
        ->check(CLI::IsMember({"fail", "skip"}));
    command->add_option("--threshold", o.threshold, "Compliance weight a step needs");
    command->add_flag("-q,--quiet", o.quiet, "No progress bar or summary");
  };
  std::string in, second, out = "-";
  auto* detect = app.add_subcommand("detect", "First compliance step of every trace");
  detect->add_option("IN", in, "Traces (JSON Lines, - for stdin)")->required();
  detect->add_option("-o,--output", out, "Output (default stdout)");
  add_common(detect);
  auto* intervene =
      app.add_subcommand("intervene", "Prefixes to continue, one per (trace, trigger)");
  intervene->add_option("IN", in, "Traces")->required();
  intervene->add_option("-o,--output", out, "Output")->required();
  auto add_intervention = [&](CLI::App* command) {
    command->add_option("--triggers", o.triggers_file,
                        "Trigger file, one sentence per line (default: the built-in bank)");
    command
        ->add_option("--strategy", o.strategy,
                     "substitute, truncate_and_trigger, harmful_prefix or backtrack")
        ->check(
            CLI::IsMember({"substitute", "truncate_and_trigger", "harmful_prefix", "backtrack"}));
    command->add_option("--seed", o.seed, "Seed for --selection random and harmful_prefix");
  };
  add_intervention(intervene);
  intervene->add_option("--selection", o.selection, "all, round-robin or random")
      ->check(CLI::IsMember({"all", "round-robin", "random"}));
  add_common(intervene);
  auto* join = app.add_subcommand("join", "Pairs from continuations without a compliance cue");
  join->add_option("IN", in, "Traces (a file)")->required();
  join->add_option("CONTINUATIONS", second, "Continuations {id, trigger_id, continuation}")
      ->required();
  join->add_option("-o,--output", out, "Output")->required();
  join->add_option("--prompt-format", o.prompt_format,
                   "How the prompt is rendered before the shared prefix ({prompt} is replaced)");
  join->add_flag("--include-response", o.include_response,
                 "Keep the responses after </think> in chosen and rejected");
  add_intervention(join);
  add_common(join);
  auto* stats = app.add_subcommand("stats", "Counts and the histogram of first compliance steps");
  stats->add_option("IN", in, "Traces")->required();
  add_common(stats);
  CLI11_PARSE(app, argc, argv);
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
    return run_stats(in, o);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "ipo-pairs: %s\n", e.what());
    return 1;
  }
}
