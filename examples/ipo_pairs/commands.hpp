// ipo-pairs: the subcommands (main.cpp parses the command line and calls these).
#pragma once

#include <ipo/intervention/evaluation.hpp>
#include <ipo/intervention/judge.hpp>
#include <ipo/intervention/triggers.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "io.hpp"
#include "parallel.hpp"
#include "progress.hpp"
#include "records.hpp"

namespace ipo_pairs {

/// The ids seen so far and the line each was first seen on: an open-addressing table of
/// (hash, line, id) with the ids' bytes in one growing arena (no allocation per id).
class id_registry {
public:
  /// The line `id` was first seen on, or 0 when it is new (then it is recorded at `line`).
  std::size_t first_line(std::string_view id, std::size_t line) {
    if ((count_ + 1) * 4 > slots_.size() * 3) {
      grow();
    }
    std::uint64_t const h = hash(id);
    for (std::size_t k = h & (slots_.size() - 1);; k = (k + 1) & (slots_.size() - 1)) {
      slot& s = slots_[k];
      if (s.line == 0) {
        s = {h, line, arena_.size(), id.size()};
        arena_.append(id);
        ++count_;
        return 0;
      }
      if (s.hash == h && std::string_view(arena_).substr(s.offset, s.length) == id) {
        return s.line;
      }
    }
  }

private:
  struct slot {
    std::uint64_t hash = 0;
    std::size_t line = 0; // 0: empty
    std::size_t offset = 0, length = 0;
  };
  static std::uint64_t hash(std::string_view id) noexcept {
    std::uint64_t h = 0xCBF29CE484222325ull; // FNV-1a, then a finaliser for the low bits
    for (char c : id) {
      h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    }
    return (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
  }
  void grow() {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, slot{});
    for (slot const& s : old) {
      if (s.line != 0) {
        std::size_t k = s.hash & (slots_.size() - 1);
        while (slots_[k].line != 0) {
          k = (k + 1) & (slots_.size() - 1);
        }
        slots_[k] = s;
      }
    }
  }
  std::vector<slot> slots_;
  std::string arena_;
  std::size_t count_ = 0;
};

/// How the lines of one input are admitted: blank lines are counted and passed over; a line
/// with an error is reported (FILE:LINE: message) and either ends the run (--on-error fail) or
/// is counted and passed over (skip); ids must be unique (--duplicate-ids error), or the first
/// line with an id wins (first).
class line_gate {
public:
  line_gate(char const* command, options const& o, std::string const& file, progress_bar& bar,
            bool track_ids)
      : command_(command), o_(o), file_(file), bar_(bar), track_ids_(track_ids) {}

  /// Whether the line's output is to be used. Throws fatal_error when the run must stop.
  template <class Info>
  bool admit(line const& l, line_result<Info> const& r, std::string const& id) {
    using status = typename line_result<Info>::status;
    if (r.state == status::blank) {
      ++blank_;
      return false;
    }
    if (r.state == status::error) {
      return reject(l, r.error);
    }
    if (track_ids_) {
      if (std::size_t const first = ids_.first_line(id, l.number); first != 0) {
        if (o_.duplicate_ids == "first") {
          ++duplicates_;
          return false;
        }
        return reject(l, "duplicate id \"" + id + "\" (first on line " + std::to_string(first) +
                             "; --duplicate-ids first keeps the first)");
      }
    }
    return true;
  }

  /// Reports a line's error, then stops or counts it.
  bool reject(line const& l, std::string const& message) {
    bar_.clear();
    std::fprintf(stderr, "ipo-pairs %s: %s:%zu: %s\n", command_, file_.c_str(), l.number,
                 message.c_str());
    if (o_.on_error == "fail") {
      throw fatal_error("stopped at the first bad line of " + file_ +
                        " (--on-error skip skips such lines)");
    }
    ++skipped_;
    return false;
  }

  /// ", B blank, S skipped, D duplicate ids ignored" for the summary (only what is not 0).
  std::string summary() const {
    std::string s;
    if (blank_ > 0) {
      s += ", " + std::to_string(blank_) + " blank";
    }
    if (skipped_ > 0) {
      s += ", " + std::to_string(skipped_) + " skipped";
    }
    if (duplicates_ > 0) {
      s += ", " + std::to_string(duplicates_) + " with a duplicate id ignored";
    }
    return s;
  }
  std::size_t skipped() const noexcept { return skipped_; }

private:
  char const* command_;
  options const& o_;
  std::string file_;
  progress_bar& bar_;
  bool track_ids_;
  id_registry ids_;
  std::size_t blank_ = 0, skipped_ = 0, duplicates_ = 0;
};

inline ipo::trigger_bank load_triggers(options const& o) {
  if (o.triggers_file.empty()) {
    return ipo::default_trigger_bank();
  }
  input_file in(o.triggers_file);
  std::string text;
  char buffer[1 << 16];
  for (std::size_t got; (got = in.read(buffer, sizeof buffer)) > 0;) {
    text.append(buffer, got);
  }
  try {
    return ipo::trigger_bank::parse_lines(text, o.triggers_file);
  } catch (ipo::argument_error const& e) {
    throw fatal_error(e.what());
  }
}

inline void summary(options const& o, std::string const& text) {
  if (!o.quiet) {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
}

// ---------------------------------------------------------------------------------- detect

struct trace_info {
  std::string id;
  bool unfinished = false;      ///< an opening tag that is never closed
  bool flagged = false;         ///< a compliance step was found
  std::size_t first = 0;        ///< its index
  std::size_t outputs = 0;      ///< records written (intervene: prefixes)
  std::size_t safety_steps = 0; ///< steps that turn toward safety (stats)
};

struct detect_worker {
  explicit detect_worker(options const& o) : o(o), d(o) {}
  options const& o;
  simdjson::dom::parser parser;
  detection d;

  void process(line const& l, worker_output& out, trace_info& info) {
    trace_view const t = read_trace(parser, l, o);
    info.id = t.id;
    d.run(t.reasoning(), t.prompt);
    write_detect_record(out.main, t, d);
  }
};

inline int run_detect(std::string const& in_path, std::string const& out_path, options const& o) {
  input_file in(in_path);
  output_file out(out_path, {in.identity()});
  progress_bar bar(o.quiet, "detect", in.size());
  line_gate gate("detect", o, in.name(), bar, true);
  line_reader reader(in);
  auto workers = make_workers<detect_worker>(thread_count(o.threads), o);
  process_lines<trace_info>(
      reader, workers,
      [&](line const& l, line_result<trace_info> const& r, std::string_view main,
          std::string_view) {
        if (gate.admit(l, r, r.info.id)) {
          out.write(main);
          out.count_record();
        }
      },
      [&](line_batch const& b) { bar.update(b.end_offset); });
  out.commit();
  bar.clear();
  summary(o, "ipo-pairs detect: " + std::to_string(reader.lines_read()) + " lines, " +
                 std::to_string(out.records()) + " written" + gate.summary());
  return 0;
}

// ---------------------------------------------------------------------------------- intervene

struct intervene_worker {
  intervene_worker(options const& o, ipo::trigger_bank const& bank)
      : o(o), bank(bank), d(o), strategy(*ipo::parse_strategy(o.strategy)) {}
  options const& o;
  ipo::trigger_bank const& bank;
  simdjson::dom::parser parser;
  detection d;
  ipo::intervention_strategy strategy;

  void process(line const& l, worker_output& out, trace_info& info) {
    trace_view const t = read_trace(parser, l, o);
    info.id = t.id;
    if (t.parts.truncated) {
      info.unfinished = true; // its rejected side would end where the generation was cut
      return;
    }
    d.run(t.reasoning(), t.prompt);
    if (!d.first) {
      return;
    }
    info.flagged = true;
    ipo::trigger_selection const selection = o.selection == "all" ? ipo::trigger_selection::all
                                             : o.selection == "round-robin"
                                                 ? ipo::trigger_selection::round_robin
                                                 : ipo::trigger_selection::random;
    std::uint64_t const seed = ipo::trace_seed(o.seed, t.id);
    for (std::size_t trigger : bank.select(selection, l.number - 1, seed)) {
      auto const attempt = ipo::make_attempt(
          t.id, std::string(t.prompt), std::string(t.reasoning()), std::string(t.response()),
          d.steps, *d.first, strategy, bank[trigger], trigger, seed);
      write_prefix_record(out.main, to_prefix_record(attempt));
      ++info.outputs;
    }
  }
};

inline int run_intervene(std::string const& in_path, std::string const& out_path,
                         options const& o) {
  ipo::trigger_bank const bank = load_triggers(o);
  input_file in(in_path);
  output_file out(out_path, {in.identity()});
  progress_bar bar(o.quiet, "intervene", in.size());
  line_gate gate("intervene", o, in.name(), bar, true);
  line_reader reader(in);
  auto workers = make_workers<intervene_worker>(thread_count(o.threads), o, bank);
  std::size_t traces = 0, flagged = 0, unfinished = 0;
  process_lines<trace_info>(
      reader, workers,
      [&](line const& l, line_result<trace_info> const& r, std::string_view main,
          std::string_view) {
        if (gate.admit(l, r, r.info.id)) {
          ++traces;
          flagged += r.info.flagged ? 1 : 0;
          unfinished += r.info.unfinished ? 1 : 0;
          out.write(main);
          for (std::size_t k = 0; k < r.info.outputs; ++k) {
            out.count_record();
          }
        }
      },
      [&](line_batch const& b) { bar.update(b.end_offset); });
  out.commit();
  bar.clear();
  summary(o, "ipo-pairs intervene: " + std::to_string(traces) + " traces, " +
                 std::to_string(flagged) + " with a compliance step, " +
                 std::to_string(out.records()) + " prefixes written" +
                 (unfinished > 0 ? ", " + std::to_string(unfinished) +
                                       " unfinished (reasoning never closed) left out"
                                 : "") +
                 gate.summary());
  return 0;
}

// ---------------------------------------------------------------------------------- join

/// Where each prefix record is in the prefix file, by digest.
struct prefix_index {
  struct entry {
    std::uint64_t offset = 0;
    std::size_t length = 0;
    std::size_t line = 0;
  };
  std::unordered_map<std::string, entry> by_digest;
};

struct digest_info {
  std::string digest;
};

struct index_worker {
  simdjson::dom::parser parser;
  void process(line const& l, worker_output&, digest_info& info) {
    fields<1> const f(parse_object(parser, l), {"prefix_digest"});
    info.digest = f.string(0);
    if (!is_digest(info.digest)) {
      throw line_error("field \"prefix_digest\" is not 64 lower-case hex digits");
    }
  }
};

inline prefix_index index_prefixes(input_file& in, options const& o, progress_bar& bar) {
  prefix_index index;
  line_gate gate("join", o, in.name(), bar, false);
  line_reader reader(in);
  auto workers = make_workers<index_worker>(thread_count(o.threads));
  process_lines<digest_info>(
      reader, workers,
      [&](line const& l, line_result<digest_info> const& r, std::string_view, std::string_view) {
        if (!gate.admit(l, r, {})) {
          return;
        }
        auto const [it, inserted] = index.by_digest.emplace(
            r.info.digest, prefix_index::entry{l.offset, l.text.size(), l.number});
        if (!inserted) {
          gate.reject(l, "the same prefix record as line " + std::to_string(it->second.line) +
                             " (prefix_digest " + r.info.digest.substr(0, 12) + "...)");
        }
      },
      [](line_batch const&) {});
  return index;
}

struct join_info {
  std::size_t round = 0;
  ipo::continuation_outcome outcome = ipo::continuation_outcome::unfinished;
  bool continued = false; ///< a next-round prefix was written
};

struct join_worker {
  join_worker(options const& o, prefix_index const& index, int prefix_fd,
              std::string const& prefix_name)
      : o(o), index(index), prefix_fd(prefix_fd), prefix_name(prefix_name) {}
  options const& o;
  prefix_index const& index;
  int prefix_fd;
  std::string const& prefix_name;
  simdjson::dom::parser parser, prefix_parser;
  std::vector<char> record_bytes;
  cli_detector detector{o};
  ipo::sentence_segmenter segmenter;

  prefix_record read_prefix(prefix_index::entry const& e) {
    record_bytes.resize(e.length + simdjson::SIMDJSON_PADDING);
    std::size_t done = 0;
    while (done < e.length) {
      ssize_t const got = ::pread(prefix_fd, record_bytes.data() + done, e.length - done,
                                  static_cast<off_t>(e.offset + done));
      if (got <= 0) {
        if (got < 0 && errno == EINTR) {
          continue;
        }
        throw fatal_error("cannot read " + prefix_name + " again: " +
                          (got == 0 ? std::string("it became shorter") : errno_text(errno)));
      }
      done += static_cast<std::size_t>(got);
    }
    line const l{std::string_view(record_bytes.data(), e.length), e.line, e.offset};
    try {
      return read_prefix_record(prefix_parser, l);
    } catch (line_error const& error) {
      throw line_error(prefix_name + ":" + std::to_string(e.line) + ": " + error.what());
    }
  }

  void process(line const& l, worker_output& out, join_info& info) {
    fields<8> const f(parse_object(parser, l), {"prefix_digest", "continuation", "finish_reason",
                                                "id", "round", "trigger_id", "prompt", "prefix"});
    std::string const digest(f.string(0));
    if (!is_digest(digest)) {
      throw line_error("field \"prefix_digest\" is not 64 lower-case hex digits");
    }
    std::string const continuation(f.string(1));
    bool const cut_off = f.has(2) && f.string(2) == "length";
    auto const found = index.by_digest.find(digest);
    if (found == index.by_digest.end()) {
      throw line_error("no prefix record in " + prefix_name + " has prefix_digest " + digest +
                       ": this continuation belongs to another prefix file");
    }
    // What the continuation carries besides must agree with the prefix (the record is
    // reparsed below, so the views into `parser` are compared first).
    std::string const id = f.has(3) ? f.id(3) : std::string();
    std::optional<std::uint64_t> const round =
        f.has(4) ? std::optional<std::uint64_t>(f.count(4)) : std::nullopt;
    std::optional<std::uint64_t> const trigger =
        f.has(5) ? std::optional<std::uint64_t>(f.count(5)) : std::nullopt;
    std::optional<std::string> const prompt =
        f.has(6) ? std::optional<std::string>(f.string(6)) : std::nullopt;
    std::optional<std::string> const prefix =
        f.has(7) ? std::optional<std::string>(f.string(7)) : std::nullopt;
    prefix_record const record = read_prefix(found->second);
    std::string const where = prefix_name + ":" + std::to_string(found->second.line);
    auto differs = [&](char const* name) {
      return line_error("field \"" + std::string(name) + "\" differs from the prefix record's (" +
                        where + ")");
    };
    if ((f.has(3) && id != record.id) || (round && *round != record.round)) {
      throw differs(f.has(3) && id != record.id ? "id" : "round");
    }
    if (trigger && *trigger != record.trigger_id) {
      throw differs("trigger_id");
    }
    if (prompt && *prompt != record.prompt) {
      throw differs("prompt");
    }
    if (prefix && *prefix != record.prefix) {
      throw differs("prefix");
    }
    ipo::intervention_attempt const attempt = to_attempt(record);
    info.round = attempt.round;
    if (attempt.cut.strategy == ipo::intervention_strategy::backtrack && !o.include_response) {
      throw line_error("backtrack pairs diverge at the end of the reasoning, so their rejected "
                       "side would be empty: join them with --include-response");
    }
    if (cut_off) {
      info.outcome = ipo::continuation_outcome::unfinished;
      return;
    }
    ipo::pair_ending const ending =
        o.include_response ? ipo::pair_ending::response : ipo::pair_ending::reasoning;
    ipo::continuation_result result =
        ipo::resolve_continuation(attempt, continuation, segmenter, detector, ending);
    info.outcome = result.outcome;
    if (result.outcome == ipo::continuation_outcome::pair) {
      write_pair_record(out.main, result.pair, o.prompt_format, digest);
    } else if (result.outcome == ipo::continuation_outcome::still_complying &&
               attempt.round + 1 < o.max_rounds && !o.next_path.empty()) {
      // The same trigger again: the prefix's bytes after the kept part, less the separator.
      std::string_view const trigger_text =
          ipo::trim_ascii_space(std::string_view(record.prefix).substr(record.kept_bytes));
      write_prefix_record(out.second, to_prefix_record(ipo::next_attempt(attempt, std::move(result),
                                                                         trigger_text)));
      info.continued = true;
    }
  }
};

inline int run_join(std::string const& prefixes_path, std::string const& continuations_path,
                    std::string const& out_path, options const& o) {
  if (o.max_rounds < 1) {
    throw fatal_error("--max-rounds must be at least 1");
  }
  if (!o.next_path.empty() && o.max_rounds == 1) {
    throw fatal_error("--next writes the next round's prefixes: give --max-rounds 2 or more");
  }
  if (o.prompt_format.find("{prompt}") == std::string::npos) {
    throw fatal_error("--prompt-format \"" + o.prompt_format +
                      "\" has no {prompt}: the prompt would be dropped");
  }
  input_file prefixes(prefixes_path);
  if (!prefixes.identity().regular) {
    throw fatal_error(prefixes.name() + " must be a regular file (join reads it twice)");
  }
  input_file continuations(continuations_path);
  std::vector<file_identity> const inputs = {prefixes.identity(), continuations.identity()};
  output_file out(out_path, inputs);
  std::optional<output_file> next;
  if (!o.next_path.empty()) {
    if (o.next_path == out_path) {
      throw fatal_error("--next and -o name the same file");
    }
    next.emplace(o.next_path, inputs);
  }
  progress_bar bar(o.quiet, "join", continuations.size());
  prefix_index const index = index_prefixes(prefixes, o, bar);
  int const prefix_fd = ::open(prefixes_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (prefix_fd < 0) {
    throw fatal_error("cannot open " + prefixes_path + " again: " + errno_text(errno));
  }
  struct fd_closer {
    int fd;
    ~fd_closer() { ::close(fd); }
  } const closer{prefix_fd};
  line_gate gate("join", o, continuations.name(), bar, false);
  line_reader reader(continuations);
  auto workers =
      make_workers<join_worker>(thread_count(o.threads), o, index, prefix_fd, prefixes.name());
  struct round_counts {
    std::size_t continuations = 0, pairs = 0, complying = 0, continued = 0, unfinished = 0;
  };
  std::map<std::size_t, round_counts> rounds;
  process_lines<join_info>(
      reader, workers,
      [&](line const& l, line_result<join_info> const& r, std::string_view main,
          std::string_view second) {
        if (!gate.admit(l, r, {})) {
          return;
        }
        round_counts& c = rounds[r.info.round];
        ++c.continuations;
        switch (r.info.outcome) {
        case ipo::continuation_outcome::pair:
          ++c.pairs;
          out.write(main);
          out.count_record();
          break;
        case ipo::continuation_outcome::still_complying:
          ++c.complying;
          if (r.info.continued) {
            ++c.continued;
            next->write(second);
            next->count_record();
          }
          break;
        case ipo::continuation_outcome::unfinished:
          ++c.unfinished;
          break;
        }
      },
      [&](line_batch const& b) { bar.update(b.end_offset); });
  if (next) {
    next->commit();
  }
  out.commit();
  bar.clear();
  if (!o.quiet) {
    for (auto const& [round, c] : rounds) {
      std::string text = "ipo-pairs join: round " + std::to_string(round) + ": " +
                         std::to_string(c.continuations) + " continuations, " +
                         std::to_string(c.pairs) + " pairs, " + std::to_string(c.complying) +
                         " still complying";
      if (c.complying > 0) {
        if (c.continued == c.complying) {
          text += " (all continued to round " + std::to_string(round + 1) + ")";
        } else if (round + 1 >= o.max_rounds) {
          text += " (not continued: round " + std::to_string(round) + " is the last of " +
                  "--max-rounds " + std::to_string(o.max_rounds) + ")";
        } else {
          text += " (not continued: give --next FILE for the next round's prefixes)";
        }
      }
      if (c.unfinished > 0) {
        text += ", " + std::to_string(c.unfinished) + " unfinished";
      }
      std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fprintf(
        stderr, "ipo-pairs join: %zu pairs written%s%s\n", out.records(),
        next ? (", " + std::to_string(next->records()) + " next-round prefixes written").c_str()
             : "",
        gate.summary().c_str());
  }
  return 0;
}

// ---------------------------------------------------------------------------------- stats

struct stats_worker {
  explicit stats_worker(options const& o) : o(o), d(o) {}
  options const& o;
  simdjson::dom::parser parser;
  detection d;

  void process(line const& l, worker_output&, trace_info& info) {
    trace_view const t = read_trace(parser, l, o);
    info.id = t.id;
    info.unfinished = t.parts.truncated;
    d.run(t.reasoning(), t.prompt);
    info.flagged = d.first.has_value();
    info.first = d.first.value_or(0);
    for (std::size_t k = 0; k < d.steps.size(); ++k) {
      info.safety_steps += d.detector.turns_safe(k) ? 1 : 0;
    }
  }
};

/// The kind of records a file holds, from its first non-blank line.
enum class record_kind { traces, prefixes, pairs };

inline std::optional<record_kind> sniff_records(std::string const& path, options const& o) {
  input_file in(path);
  line_reader reader(in, std::size_t{1} << 16);
  line_batch batch;
  simdjson::dom::parser parser;
  while (reader.next(batch)) {
    for (auto const& l : batch.lines) {
      if (is_blank(l.text)) {
        continue;
      }
      try {
        auto const object = parse_object(parser, l);
        fields<3> const f(object, {"chosen", "prefix_digest", o.response_field});
        if (f.has(0)) {
          return record_kind::pairs;
        }
        if (f.has(1) && !f.has(2)) {
          return record_kind::prefixes;
        }
      } catch (line_error const&) {
      }
      return record_kind::traces; // and its errors are reported by the trace reader
    }
  }
  return std::nullopt; // no record at all
}

struct round_info {
  std::size_t round = 0;
};

struct round_worker {
  simdjson::dom::parser parser;
  void process(line const& l, worker_output&, round_info& info) {
    fields<1> const f(parse_object(parser, l), {"round"});
    info.round = f.count(0);
  }
};

inline int run_stats(std::vector<std::string> const& paths, options const& o) {
  std::size_t traces = 0, with_cue = 0, with_safety = 0, safety_steps = 0, unfinished = 0;
  std::map<std::size_t, std::size_t> histogram, prefixes, pairs;
  bool any_traces = false, any_rounds = false;
  std::string skipped;
  for (auto const& path : paths) {
    if (path == "-") {
      throw fatal_error("stats reads each file twice: give files, not -");
    }
    std::optional<record_kind> const sniffed = sniff_records(path, o);
    if (!sniffed) {
      continue; // an empty file adds nothing
    }
    record_kind const kind = *sniffed;
    input_file in(path);
    progress_bar bar(o.quiet, "stats", in.size());
    line_gate gate("stats", o, in.name(), bar, kind == record_kind::traces);
    line_reader reader(in);
    if (kind == record_kind::traces) {
      any_traces = true;
      auto workers = make_workers<stats_worker>(thread_count(o.threads), o);
      process_lines<trace_info>(
          reader, workers,
          [&](line const& l, line_result<trace_info> const& r, std::string_view, std::string_view) {
            if (!gate.admit(l, r, r.info.id)) {
              return;
            }
            ++traces;
            unfinished += r.info.unfinished ? 1 : 0;
            if (r.info.flagged) {
              ++with_cue;
              ++histogram[r.info.first];
            }
            safety_steps += r.info.safety_steps;
            with_safety += r.info.safety_steps > 0 ? 1 : 0;
          },
          [&](line_batch const& b) { bar.update(b.end_offset); });
    } else {
      any_rounds = true;
      auto& counts = kind == record_kind::prefixes ? prefixes : pairs;
      auto workers = make_workers<round_worker>(thread_count(o.threads));
      process_lines<round_info>(
          reader, workers,
          [&](line const& l, line_result<round_info> const& r, std::string_view, std::string_view) {
            if (gate.admit(l, r, {})) {
              ++counts[r.info.round];
            }
          },
          [&](line_batch const& b) { bar.update(b.end_offset); });
    }
    bar.clear();
    if (gate.skipped() > 0) {
      skipped += "skipped lines in " + path + ": " + std::to_string(gate.skipped()) + "\n";
    }
  }
  std::string report;
  char row[160];
  if (any_traces) {
    std::snprintf(row, sizeof row,
                  "traces: %zu\nwith a compliance cue: %zu\nwithout: %zu\nturning safe: "
                  "%zu (%zu safety steps)\nunfinished (reasoning never closed): %zu\n",
                  traces, with_cue, traces - with_cue, with_safety, safety_steps, unfinished);
    report += row;
    report += "first compliance step:\n";
    std::size_t peak = 1;
    for (auto const& [step, count] : histogram) {
      peak = std::max(peak, count);
    }
    for (auto const& [step, count] : histogram) {
      std::snprintf(row, sizeof row, "  step %3zu | %-40s %zu\n", step,
                    std::string(count * 40 / peak, '#').c_str(), count);
      report += row;
    }
  }
  if (any_rounds) {
    report += "round | prefixes |    pairs |  no pair | continued\n";
    std::map<std::size_t, bool> rounds;
    for (auto const& [r, n] : prefixes) {
      rounds[r] = true;
    }
    for (auto const& [r, n] : pairs) {
      rounds[r] = true;
    }
    for (auto const& [r, unused] : rounds) {
      std::size_t const p = prefixes.count(r) ? prefixes[r] : 0;
      std::size_t const q = pairs.count(r) ? pairs[r] : 0;
      std::string const continued =
          prefixes.count(r + 1) ? std::to_string(prefixes[r + 1]) : std::string("-");
      std::snprintf(row, sizeof row, "%5zu | %8zu | %8zu | %8s | %9s\n", r, p, q,
                    p >= q ? std::to_string(p - q).c_str() : "?", continued.c_str());
      report += row;
    }
    report += "(no pair: the continuation still complied, or was unfinished; continued: the\n"
              " next round's prefixes, one per continuation that still complied)\n";
  }
  report += skipped;
  output_file out("-", {});
  out.write(report);
  out.commit();
  return 0;
}

// ---------------------------------------------------------------------------------- eval

/// One line of a labels file.
struct trace_labelling {
  ipo::trace_label label = ipo::trace_label::benign;
  std::string first_compliance; ///< the marked sentence's text (unsafe traces)
};

/// Reads a labels file: {"id", "label": unsafe|safe|benign, "first_compliance": text|null}.
/// Any error ends the run (a labels file is small and must be right).
inline std::unordered_map<std::string, trace_labelling> read_labels(std::string const& path) {
  std::unordered_map<std::string, trace_labelling> labels;
  input_file in(path);
  line_reader reader(in);
  line_batch batch;
  simdjson::dom::parser parser;
  while (reader.next(batch)) {
    for (auto const& l : batch.lines) {
      if (is_blank(l.text)) {
        continue;
      }
      try {
        fields<3> const f(parse_object(parser, l), {"id", "label", "first_compliance"});
        std::string const id = f.id(0);
        std::string_view const name = f.string(1);
        trace_labelling t;
        if (name == "unsafe") {
          t.label = ipo::trace_label::unsafe;
          t.first_compliance = f.string(2);
          if (t.first_compliance.empty()) {
            throw line_error("field \"first_compliance\" is empty");
          }
        } else if (name == "safe" || name == "benign") {
          t.label = name == "safe" ? ipo::trace_label::safe : ipo::trace_label::benign;
        } else {
          throw line_error("field \"label\" = \"" + std::string(name) +
                           "\" is not unsafe, safe or benign");
        }
        if (!labels.emplace(id, std::move(t)).second) {
          throw line_error("a second label for id \"" + id + "\"");
        }
      } catch (line_error const& e) {
        throw fatal_error(in.name() + ":" + std::to_string(l.number) + ": " + e.what());
      }
    }
  }
  return labels;
}

/// Reads judge answers: {"id", "answer"} (the judge's raw reply).
inline std::unordered_map<std::string, std::string> read_judge_answers(std::string const& path) {
  std::unordered_map<std::string, std::string> answers;
  input_file in(path);
  line_reader reader(in);
  line_batch batch;
  simdjson::dom::parser parser;
  while (reader.next(batch)) {
    for (auto const& l : batch.lines) {
      if (is_blank(l.text)) {
        continue;
      }
      try {
        fields<2> const f(parse_object(parser, l), {"id", "answer"});
        if (!answers.emplace(f.id(0), std::string(f.string(1))).second) {
          throw line_error("a second answer for id \"" + f.id(0) + "\"");
        }
      } catch (line_error const& e) {
        throw fatal_error(in.name() + ":" + std::to_string(l.number) + ": " + e.what());
      }
    }
  }
  return answers;
}

/// The detectors eval compares: the two built in, and a judge when its answers are given.
inline constexpr std::size_t kEvalDetectors = 3;
inline constexpr char const* kEvalDetectorNames[kEvalDetectors] = {"patterns", "lexical", "judge"};

struct eval_info {
  std::string id;
  ipo::trace_label label = ipo::trace_label::benign;
  std::optional<std::size_t> marked;
  std::array<std::optional<std::size_t>, kEvalDetectors> detected{};
};

struct eval_worker {
  eval_worker(options const& o, std::unordered_map<std::string, trace_labelling> const& labels,
              std::unordered_map<std::string, std::string> const& answers)
      : o(o), labels(labels), answers(answers), lexical(ipo::default_lexicon(), {o.threshold}) {}
  options const& o;
  std::unordered_map<std::string, trace_labelling> const& labels;
  std::unordered_map<std::string, std::string> const& answers;
  simdjson::dom::parser parser;
  ipo::sentence_segmenter segmenter;
  ipo::pattern_detector patterns;
  ipo::lexical_detector lexical;
  std::vector<ipo::byte_span> steps;

  void process(line const& l, worker_output&, eval_info& info) {
    trace_view const t = read_trace(parser, l, o);
    info.id = t.id;
    auto const found = labels.find(t.id);
    if (found == labels.end()) {
      throw line_error("no label for id \"" + t.id + "\"");
    }
    info.label = found->second.label;
    std::string_view const reasoning = t.reasoning();
    segmenter.segment(reasoning, steps);
    if (info.label == ipo::trace_label::unsafe) {
      std::size_t const at = reasoning.find(found->second.first_compliance);
      if (at == std::string_view::npos) {
        throw line_error("the labelled first compliance sentence is not in the reasoning: " +
                         excerpt(found->second.first_compliance, 0));
      }
      info.marked = ipo::step_at(steps, at);
    }
    info.detected[0] = patterns.first_compliance(reasoning, steps, t.prompt);
    info.detected[1] = lexical.first_compliance(reasoning, steps);
    if (!answers.empty()) {
      auto const answer = answers.find(t.id);
      if (answer == answers.end()) {
        throw line_error("no judge answer for id \"" + t.id + "\"");
      }
      try {
        std::size_t const number = ipo::parse_judge_answer(answer->second, steps.size());
        info.detected[2] = number == 0 ? std::nullopt : std::optional<std::size_t>(number - 1);
      } catch (ipo::argument_error const& e) {
        throw line_error(std::string("judge answer: ") + e.what());
      }
    }
  }
};

inline std::string percent(double rate) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * rate);
  return text;
}

inline int run_eval(std::string const& traces_path, std::string const& labels_path,
                    std::string const& answers_path, bool show, options const& o) {
  auto const labels = read_labels(labels_path);
  auto const answers = answers_path.empty() ? std::unordered_map<std::string, std::string>{}
                                            : read_judge_answers(answers_path);
  input_file in(traces_path);
  progress_bar bar(o.quiet, "eval", in.size());
  line_gate gate("eval", o, in.name(), bar, true);
  line_reader reader(in);
  auto workers = make_workers<eval_worker>(thread_count(o.threads), o, labels, answers);
  std::array<ipo::detection_counts, kEvalDetectors> counts{};
  std::size_t const detectors = answers.empty() ? 2 : 3;
  std::string shown;
  std::size_t matched = 0;
  process_lines<eval_info>(
      reader, workers,
      [&](line const& l, line_result<eval_info> const& r, std::string_view, std::string_view) {
        if (!gate.admit(l, r, r.info.id)) {
          return;
        }
        ++matched;
        for (std::size_t d = 0; d < detectors; ++d) {
          counts[d].add(r.info.label, r.info.detected[d], r.info.marked);
        }
        if (show) {
          auto const step = [](std::optional<std::size_t> k) {
            return k ? std::to_string(*k) : std::string("none");
          };
          bool const right = r.info.label == ipo::trace_label::unsafe
                                 ? r.info.detected[0] && r.info.marked &&
                                       *r.info.detected[0] + 1 >= *r.info.marked &&
                                       *r.info.detected[0] <= *r.info.marked + 1
                                 : !r.info.detected[0];
          if (!right) {
            shown += r.info.id + " (" + ipo::trace_label_name(r.info.label) + "): marked " +
                     step(r.info.marked) + ", patterns " + step(r.info.detected[0]) + ", lexical " +
                     step(r.info.detected[1]) + "\n";
          }
        }
      },
      [&](line_batch const& b) { bar.update(b.end_offset); });
  bar.clear();
  std::string report;
  char row[256];
  std::snprintf(row, sizeof row, "%-9s %6s %7s %9s %7s %7s %7s | %5s %7s | %6s %7s\n", "detector",
                "unsafe", "exact", "within 1", "early", "late", "missed", "safe", "flagged",
                "benign", "flagged");
  report += row;
  for (std::size_t d = 0; d < detectors; ++d) {
    ipo::detection_counts const& c = counts[d];
    std::snprintf(row, sizeof row, "%-9s %6zu %7s %9s %7s %7s %7s | %5zu %7s | %6zu %7s\n",
                  kEvalDetectorNames[d], c.unsafe, percent(c.exact_rate()).c_str(),
                  percent(c.within_one_rate()).c_str(), percent(c.early_rate()).c_str(),
                  percent(c.late_rate()).c_str(), percent(c.missed_rate()).c_str(), c.safe,
                  percent(c.safe_false_rate()).c_str(), c.benign,
                  percent(c.benign_false_rate()).c_str());
    report += row;
  }
  if (matched < labels.size()) {
    report += std::to_string(labels.size() - matched) + " labels matched no trace\n";
  }
  report += shown;
  output_file out("-", {});
  out.write(report);
  out.commit();
  return 0;
}

// ---------------------------------------------------------------------------------- judge-prompts

struct judge_prompt_worker {
  explicit judge_prompt_worker(options const& o) : o(o) {
    prompt_options.examples = ipo::default_judge_examples();
  }
  options const& o;
  simdjson::dom::parser parser;
  ipo::sentence_segmenter segmenter;
  ipo::judge_prompt_options prompt_options;
  std::vector<ipo::byte_span> steps;

  void process(line const& l, worker_output& out, trace_info& info) {
    trace_view const t = read_trace(parser, l, o);
    info.id = t.id;
    segmenter.segment(t.reasoning(), steps);
    json_object(out.main)
        .field("id", t.id)
        .field("n_steps", std::uint64_t{steps.size()})
        .field("prompt", ipo::render_judge_prompt(t.prompt, t.reasoning(), steps, prompt_options))
        .end();
  }
};

inline int run_judge_prompts(std::string const& in_path, std::string const& out_path,
                             options const& o) {
  input_file in(in_path);
  output_file out(out_path, {in.identity()});
  progress_bar bar(o.quiet, "judge-prompts", in.size());
  line_gate gate("judge-prompts", o, in.name(), bar, true);
  line_reader reader(in);
  auto workers = make_workers<judge_prompt_worker>(thread_count(o.threads), o);
  process_lines<trace_info>(
      reader, workers,
      [&](line const& l, line_result<trace_info> const& r, std::string_view main,
          std::string_view) {
        if (gate.admit(l, r, r.info.id)) {
          out.write(main);
          out.count_record();
        }
      },
      [&](line_batch const& b) { bar.update(b.end_offset); });
  out.commit();
  bar.clear();
  summary(o, "ipo-pairs judge-prompts: " + std::to_string(out.records()) + " prompts written" +
                 gate.summary());
  return 0;
}

} // namespace ipo_pairs
