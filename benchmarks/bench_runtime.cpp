// bench_runtime: the streaming monitor against the batch path on the bundled traces
// (examples/data/traces.jsonl, 60 R1-style responses).
//
// BM_StreamMonitor feeds every response to a stream_monitor in pieces of `piece` bytes (4 by
// default: about a token) and finishes it; in the same iteration the batch path runs on the
// same responses (split_trace, the sentence segmenter, the lexical detector's scoring and
// decision). Counters:
//   ns_per_token  streaming time per piece fed;
//   vs_batch      streaming time over batch time (both per byte of response; 1 = as fast as
//                 segmenting and scoring the finished text once).
// Both sides keep their best iteration, so that the ratio compares runs made under the same
// machine conditions.
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <ipo/intervention.hpp>
#include <ipo/runtime/monitor.hpp>
#include <ipo/text.hpp>

#ifndef IPO_BENCH_DATA_DIR
#error "IPO_BENCH_DATA_DIR must name examples/data"
#endif

namespace {

std::vector<std::string> const& responses() {
  static std::vector<std::string> const all = [] {
    std::string const path = std::string(IPO_BENCH_DATA_DIR) + "/traces.jsonl";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      throw std::runtime_error("bench_runtime: cannot read " + path);
    }
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    std::string line;
    while (std::getline(in, line)) {
      simdjson::dom::element const doc = parser.parse(line);
      out.emplace_back(std::string_view(doc["response"]));
    }
    return out;
  }();
  return all;
}

using clock_type = std::chrono::steady_clock;

void BM_StreamMonitor(benchmark::State& state) {
  std::size_t const piece = static_cast<std::size_t>(state.range(0));
  ipo::lexical_detector const detector(ipo::default_lexicon());
  ipo::stream_monitor<> monitor(detector);
  ipo::sentence_segmenter const segmenter;
  std::vector<ipo::monitor_event> events;
  std::vector<ipo::byte_span> steps;
  std::size_t bytes = 0, pieces = 0;
  for (std::string const& r : responses()) {
    bytes += r.size();
    pieces += (r.size() + piece - 1) / piece;
  }
  double best_stream = std::numeric_limits<double>::infinity(), best_batch = best_stream;
  std::size_t found_stream = 0, found_batch = 0;
  for (auto _ : state) {
    auto const t0 = clock_type::now();
    found_batch = 0;
    for (std::string const& r : responses()) {
      ipo::trace_parts const parts = ipo::split_trace(r);
      std::string_view const reasoning = parts.reasoning.of(r);
      segmenter.segment(reasoning, steps);
      found_batch += detector.first_compliance(reasoning, steps).has_value();
    }
    auto const t1 = clock_type::now();
    found_stream = 0;
    for (std::string const& r : responses()) {
      monitor.reset();
      events.clear();
      for (std::size_t at = 0; at < r.size(); at += piece) {
        monitor.feed(std::string_view(r).substr(at, piece), events);
      }
      monitor.finish(events);
      found_stream += monitor.first_compliance().has_value();
    }
    auto const t2 = clock_type::now();
    best_batch = std::min(best_batch, std::chrono::duration<double>(t1 - t0).count());
    best_stream = std::min(best_stream, std::chrono::duration<double>(t2 - t1).count());
  }
  if (found_stream != found_batch) {
    state.SkipWithError("the monitor and the batch path disagree");
    return;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["ns_per_token"] = best_stream * 1e9 / double(pieces);
  state.counters["vs_batch"] = best_stream / best_batch;
  state.counters["batch_MBps"] = double(bytes) / best_batch / 1e6;
  state.counters["traces_with_cue"] = double(found_stream);
}

} // namespace

BENCHMARK(BM_StreamMonitor)->ArgName("piece")->Arg(1)->Arg(4)->Arg(16)->Arg(64)->UseRealTime();

BENCHMARK_MAIN();
