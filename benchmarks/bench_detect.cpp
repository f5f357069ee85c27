// bench_detect: the whole `ipo-pairs detect` path per JSON line (parse, split the trace,
// segment, scan, build and serialise the record) beside JSON parsing alone on the same input:
// 16 MiB of JSON Lines whose responses hold about 2 KiB of reasoning from corpus.hpp.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "../examples/ipo_pairs/pipeline.hpp"
#include "corpus.hpp"

namespace {

std::vector<std::string> const& lines() {
  static std::vector<std::string> const all = [] {
    std::string const text = corpus::generate(std::size_t{16} << 20, 7);
    std::vector<std::string> out;
    for (std::size_t begin = 0, k = 0; begin < text.size(); ++k) {
      std::size_t const stop =
          begin + 2048 < text.size() ? text.find(". ", begin + 2048) : std::string::npos;
      std::size_t const end = stop == std::string::npos ? text.size() : stop + 1;
      nlohmann::json const record = {
          {"id", "trace-" + std::to_string(k)},
          {"prompt", "Question " + std::to_string(k)},
          {"response", "<think>\n" + text.substr(begin, end - begin) + "\n</think>\n\nAnswer."}};
      out.push_back(record.dump());
      begin = end;
    }
    return out;
  }();
  return all;
}

std::size_t total_bytes() {
  std::size_t bytes = 0;
  for (auto const& l : lines()) {
    bytes += l.size() + 1;
  }
  return bytes;
}

double parse_rate = 0;

void BM_JsonParseOnly(benchmark::State& state) {
  std::size_t const bytes = total_bytes();
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    for (auto const& l : lines()) {
      auto const parsed = nlohmann::json::parse(l);
      benchmark::DoNotOptimize(parsed.size());
    }
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  parse_rate = double(bytes) * double(state.iterations()) / total;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

void BM_Detect(benchmark::State& state) {
  std::size_t const bytes = total_bytes();
  ipo::lexical_detector const detector(ipo::default_lexicon());
  ipo_pairs::options const options;
  std::string out;
  double total = 0;
  std::size_t flagged = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    out.clear();
    flagged = 0;
    for (std::size_t k = 0; k < lines().size(); ++k) {
      auto const record =
          ipo_pairs::detect_record(ipo_pairs::parse_trace(lines()[k], k + 1, options), detector);
      flagged += record["first_compliance"].is_null() ? 0 : 1;
      out += record.dump();
      out += '\n';
    }
    benchmark::DoNotOptimize(out.data());
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double const rate = double(bytes) * double(state.iterations()) / total;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["traces"] = double(lines().size());
  state.counters["flagged"] = double(flagged);
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
