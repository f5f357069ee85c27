// bench_detect: the whole `ipo-pairs detect` path per JSON line (parse with simdjson, split the
// trace, segment, scan, write the record) beside simdjson parsing alone (the three fields
// read, as the command reads them) on the same input: 16 MiB of JSON Lines whose responses
// hold about 2 KiB of reasoning from corpus.hpp. One thread; the command spreads lines over
// the cores (see the README for its throughput on a 200 MB file).
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "../examples/ipo_pairs/commands.hpp"
#include "corpus.hpp"

namespace {

/// The corpus as one padded batch of lines, as ipo-pairs reads it.
ipo_pairs::line_batch const& batch() {
  static ipo_pairs::line_batch const all = [] {
    std::string const text = corpus::generate(std::size_t{16} << 20, 7);
    std::string jsonl;
    for (std::size_t begin = 0, k = 0; begin < text.size(); ++k) {
      std::size_t const stop =
          begin + 2048 < text.size() ? text.find(". ", begin + 2048) : std::string::npos;
      std::size_t const end = stop == std::string::npos ? text.size() : stop + 1;
      ipo_pairs::json_object(jsonl)
          .field("id", "trace-" + std::to_string(k))
          .field("prompt", "Question " + std::to_string(k))
          .field("response",
                 "<think>\n" + text.substr(begin, end - begin) + "\n</think>\n\nAnswer.")
          .end();
      begin = end;
    }
    ipo_pairs::line_batch b;
    b.data.assign(jsonl.begin(), jsonl.end());
    b.data.resize(jsonl.size() + simdjson::SIMDJSON_PADDING);
    std::size_t number = 0;
    for (std::size_t begin = 0; begin < jsonl.size();) {
      std::size_t const end = jsonl.find('\n', begin);
      b.lines.push_back({std::string_view(b.data.data() + begin, end - begin), ++number, begin});
      begin = end + 1;
    }
    return b;
  }();
  return all;
}

std::size_t total_bytes() {
  std::size_t bytes = 0;
  for (auto const& l : batch().lines) {
    bytes += l.text.size() + 1;
  }
  return bytes;
}

double parse_rate = 0;

void BM_JsonParseOnly(benchmark::State& state) {
  std::size_t const bytes = total_bytes();
  simdjson::dom::parser parser;
  ipo_pairs::options const options;
  double total = 0;
  std::size_t checksum = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    for (auto const& l : batch().lines) {
      ipo_pairs::fields<4> const f(ipo_pairs::parse_object(parser, l),
                                   {"prompt", "question", "response", "id"});
      checksum += f.string(0).size() + f.string(2).size() + f.string(3).size();
    }
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  benchmark::DoNotOptimize(checksum);
  parse_rate = double(bytes) * double(state.iterations()) / total;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

void BM_Detect(benchmark::State& state) {
  std::size_t const bytes = total_bytes();
  ipo_pairs::options const options;
  ipo_pairs::detect_worker worker(options);
  ipo_pairs::worker_output out;
  ipo_pairs::trace_info info;
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    out.main.clear();
    for (auto const& l : batch().lines) {
      worker.process(l, out, info);
    }
    benchmark::DoNotOptimize(out.main.data());
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double const rate = double(bytes) * double(state.iterations()) / total;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["traces"] = double(batch().lines.size());
  if (parse_rate > 0) {
    state.counters["vs_json_parse"] = rate / parse_rate;
  }
}

} // namespace

BENCHMARK(BM_JsonParseOnly)
    ->Name("BM_JsonParseOnly/corpus")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Detect)->Name("BM_Detect/corpus")->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
