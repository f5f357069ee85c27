// bench_text: the cue matcher and the segmenters on a 64 MiB reasoning corpus (corpus.hpp).
// One thread. Figures are bytes per second; BM_Scan also reports its speed as ratios to the
// baselines measured in this binary (vs_memcpy, vs_std_regex, vs_naive, vs_hyperscan).
#include <ipo/intervention/detector.hpp>
#include <ipo/intervention/pattern_detector.hpp>
#include <ipo/text.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <map>
#include <regex>
#include <string>
#include <vector>

#if IPO_BENCH_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include "corpus.hpp"

namespace {

constexpr std::size_t kCorpusBytes = std::size_t{64} << 20;

std::string const& text() {
  static std::string const t = corpus::generate(kCorpusBytes);
  return t;
}

ipo::lexicon const& lexicon() {
  static ipo::lexicon const lex = ipo::default_lexicon();
  return lex;
}

// Bytes per second of each baseline, filled by the baseline benchmarks (which run first).
std::map<std::string, double>& measured() {
  static std::map<std::string, double> m;
  return m;
}

void record(benchmark::State& state, std::string const& name, std::size_t bytes, double seconds) {
  double const rate = double(bytes) * double(state.iterations()) / seconds;
  measured()[name] = rate;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_Memcpy(benchmark::State& state) {
  std::string const& t = text();
  std::string copy(t.size(), '\0');
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    std::memcpy(copy.data(), t.data(), t.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
    total += seconds_since(start);
  }
  record(state, "memcpy", t.size(), total);
}

// The phrases as one case-insensitive alternation, with the matcher's rules spelled out:
// white-space runs, typographic apostrophes, quotes and dashes, word boundaries.
std::string regex_of(ipo::lexicon const& lex) {
  std::string pattern;
  for (auto const& entry : lex.entries()) {
    std::string const canonical = ipo::canonical_phrase(entry.phrase);
    std::string alt = "\\b";
    for (char c : canonical) {
      if (c == ' ') {
        alt += "\\s+";
      } else if (c == '\'') {
        alt += "(?:'|\xE2\x80\x98|\xE2\x80\x99)";
      } else if (c == '"') {
        alt += "(?:\"|\xE2\x80\x9C|\xE2\x80\x9D)";
      } else if (c == '-') {
        alt += "(?:-|\xE2\x80\x93|\xE2\x80\x94)";
      } else if (std::strchr("\\^$.|?*+()[]{}", c) != nullptr) {
        alt += std::string("\\") + c;
      } else {
        alt += c;
      }
    }
    pattern += (pattern.empty() ? "" : "|") + alt;
  }
  return pattern;
}

void BM_Scan_StdRegex(benchmark::State& state) {
  std::regex const re(regex_of(lexicon()), std::regex::icase | std::regex::optimize);
  std::string_view const slice(text().data(),
                               std::size_t{256} << 10); // std::regex is far too slow for 64 MiB
  double total = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    found = static_cast<std::size_t>(std::distance(
        std::cregex_iterator(slice.begin(), slice.end(), re), std::cregex_iterator()));
    benchmark::DoNotOptimize(found);
    total += seconds_since(start);
  }
  state.counters["matches"] = double(found);
  state.counters["slice_KiB"] = double(slice.size()) / 1024.0;
  record(state, "std_regex", slice.size(), total);
}

void BM_Scan_Naive(benchmark::State& state) {
  // For each phrase, a case-insensitive std::search over the slice (what a quick script does).
  std::vector<std::string> phrases;
  for (auto const& entry : lexicon().entries()) {
    phrases.push_back(ipo::canonical_phrase(entry.phrase));
  }
  std::string_view const slice(text().data(), std::size_t{4} << 20);
  double total = 0;
  std::size_t found = 0;
  auto const same = [](char a, char b) {
    return ipo::fold_ascii(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b);
  };
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    found = 0;
    for (auto const& p : phrases) {
      for (auto it = std::search(slice.begin(), slice.end(), p.begin(), p.end(), same);
           it != slice.end(); it = std::search(it + 1, slice.end(), p.begin(), p.end(), same)) {
        ++found;
      }
    }
    benchmark::DoNotOptimize(found);
    total += seconds_since(start);
  }
  state.counters["matches"] = double(found);
  record(state, "naive", slice.size(), total);
}

#if IPO_BENCH_HAVE_HYPERSCAN
void BM_Scan_Hyperscan(benchmark::State& state) {
  std::vector<std::string> phrases;
  for (auto const& entry : lexicon().entries()) {
    phrases.push_back(ipo::canonical_phrase(entry.phrase));
  }
  std::vector<char const*> literals;
  std::vector<std::size_t> lengths;
  std::vector<unsigned> flags(phrases.size(), HS_FLAG_CASELESS), ids(phrases.size());
  for (std::size_t k = 0; k < phrases.size(); ++k) {
    literals.push_back(phrases[k].c_str());
    lengths.push_back(phrases[k].size());
    ids[k] = static_cast<unsigned>(k);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(literals.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(phrases.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    state.SkipWithError(error->message);
    hs_free_compile_error(error);
    return;
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  std::string const& t = text();
  std::size_t found = 0;
  auto const on_match = [](unsigned, unsigned long long, unsigned long long, unsigned,
                           void* count) -> int {
    ++*static_cast<std::size_t*>(count);
    return 0;
  };
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    found = 0;
    hs_scan(db, t.data(), static_cast<unsigned>(t.size()), 0, scratch, on_match, &found);
    benchmark::DoNotOptimize(found);
    total += seconds_since(start);
  }
  state.counters["matches"] = double(found);
  record(state, "hyperscan", t.size(), total);
  hs_free_scratch(scratch);
  hs_free_database(db);
}
BENCHMARK(BM_Scan_Hyperscan)
    ->Name("BM_Scan_Hyperscan/default_lexicon")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
#endif

void BM_Scan(benchmark::State& state) {
  std::string const& t = text();
  ipo::lexicon_scorer const scorer(lexicon());
  std::vector<ipo::byte_span> steps;
  ipo::sentence_segmenter{}.segment(t, steps);
  std::vector<ipo::step_score> scores;
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    scorer.score(t, steps, scores);
    benchmark::DoNotOptimize(scores.data());
    total += seconds_since(start);
  }
  record(state, "scan", t.size(), total);
  double const rate = measured()["scan"];
  state.counters["matches"] = double(scorer.last_matches().size());
  state.counters["bytes_per_match"] =
      double(t.size()) / double(std::max<std::size_t>(1, scorer.last_matches().size()));
  for (auto const& [name, baseline] : measured()) {
    if (name != "scan" && baseline > 0) {
      state.counters["vs_" + name] = rate / baseline;
    }
  }
  state.SetLabel(ipo::phrase_matcher(lexicon()).path_name()); // the path find_all() takes
}

// The matcher alone on one path, `scan_into(matcher, text, matches)`, recorded as `name`.
template <class Scan>
void match_on(benchmark::State& state, std::string const& name, Scan scan_into) {
  std::string const& t = text();
  ipo::phrase_matcher const matcher(lexicon());
  std::vector<ipo::cue_match> matches;
  double total = 0;
  for (auto _ : state) {
    matches.clear();
    auto const start = std::chrono::steady_clock::now();
    scan_into(matcher, t, matches);
    benchmark::DoNotOptimize(matches.data());
    total += seconds_since(start);
  }
  record(state, name, t.size(), total);
  state.counters["matches"] = double(matches.size());
  for (char const* baseline : {"memcpy", "hyperscan"}) {
    if (measured().count(baseline) != 0) {
      state.counters[std::string("vs_") + baseline] = measured()[name] / measured()[baseline];
    }
  }
}

// The matcher alone on one architecture (every one this binary has and the CPU runs), so that
// the README can say what AVX2, SSE2 or the scalar automaton machines get.
template <class Arch>
void BM_Match(benchmark::State& state) {
  match_on(state, "match_" + ipo::phrase_matcher(lexicon()).path_name_on(Arch{}),
           [](ipo::phrase_matcher const& m, std::string const& t,
              std::vector<ipo::cue_match>& out) { m.scan(Arch{}, t, out); });
}

#if defined(IPO_HAS_DISPATCH)
// The matcher alone on one scan of ipo::dispatch (compiled for AVX2 or AVX-512 in the library,
// whatever flags this binary has).
void BM_Match_Dispatch(benchmark::State& state, ipo::detail::compiled_scan const* scan) {
  std::string const path = scan->path_name(ipo::phrase_matcher(lexicon()));
  std::string const name = "dispatch_" + path, compiled_in = "match_" + path;
  match_on(state, name,
           [scan](ipo::phrase_matcher const& m, std::string const& t,
                  std::vector<ipo::cue_match>& out) { scan->scan(m, t, out); });
  // Against the same path compiled into this binary by its own flags (-march=native), when it
  // has it: what the library's separate compilation costs.
  if (measured().count(compiled_in) != 0) {
    state.counters["vs_compiled_in"] = measured()[name] / measured()[compiled_in];
  }
}
#endif

template <class Segmenter>
void BM_Segment(benchmark::State& state) {
  std::string const& t = text();
  Segmenter const segmenter;
  std::vector<ipo::byte_span> steps;
  double total = 0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    segmenter.segment(t, steps);
    benchmark::DoNotOptimize(steps.data());
    total += seconds_since(start);
  }
  state.counters["steps"] = double(steps.size());
  record(state, "segment", t.size(), total);
  if (measured().count("memcpy")) {
    state.counters["vs_memcpy"] =
        double(t.size()) * double(state.iterations()) / total / measured()["memcpy"];
  }
}

// A detector over the corpus cut into traces of about 2 KiB (each segmented, then the detector
// asked for its first compliance step), as ipo-pairs runs it per trace: the lexical detector
// (the baseline) and the pattern detector. Reports vs_lexical.
template <class Detector>
void BM_Detector(benchmark::State& state) {
  std::string const& t = text();
  static std::vector<ipo::byte_span> const traces = [&] {
    std::vector<ipo::byte_span> out;
    for (std::size_t begin = 0; begin < t.size();) {
      std::size_t const stop = begin + 2048 < t.size() ? t.find(". ", begin + 2048) : t.npos;
      std::size_t const end = stop == t.npos ? t.size() : stop + 1;
      out.push_back({begin, end});
      begin = end;
    }
    return out;
  }();
  Detector const detector = [] {
    if constexpr (std::is_same_v<Detector, ipo::lexical_detector>) {
      return ipo::lexical_detector(lexicon());
    } else {
      return Detector();
    }
  }();
  ipo::sentence_segmenter const segmenter;
  std::vector<ipo::byte_span> steps;
  std::size_t found = 0;
  double total = 0;
  for (auto _ : state) {
    found = 0;
    auto const start = std::chrono::steady_clock::now();
    for (ipo::byte_span const trace : traces) {
      std::string_view const reasoning = trace.of(t);
      segmenter.segment(reasoning, steps);
      found += detector.first_compliance(reasoning, steps).has_value() ? 1 : 0;
    }
    total += seconds_since(start);
  }
  bool const lexical = std::is_same_v<Detector, ipo::lexical_detector>;
  record(state, lexical ? "detector_lexical" : "detector_patterns", t.size(), total);
  state.counters["traces"] = double(traces.size());
  state.counters["with_cue"] = double(found);
  if (!lexical && measured().count("detector_lexical") != 0) {
    state.counters["vs_lexical"] = measured()["detector_patterns"] / measured()["detector_lexical"];
  }
}

} // namespace

// Baselines first, so that BM_Scan can report its ratios to them.
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scan_StdRegex)
    ->Name("BM_Scan_StdRegex/default_lexicon")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_Scan_Naive)
    ->Name("BM_Scan_Naive/default_lexicon")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_Scan)->Name("BM_Scan/default_lexicon")->Unit(benchmark::kMillisecond)->UseRealTime();
[[maybe_unused]] bool const match_benchmarks = [] {
  ipo::simd::for_each_available_arch<ipo::phrase_matcher::matcher_archs>([](auto arch) {
    using Arch = decltype(arch);
    benchmark::RegisterBenchmark((std::string("BM_Match/") + ipo::simd::arch_name<Arch>()).c_str(),
                                 BM_Match<Arch>)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  });
#if defined(IPO_HAS_DISPATCH)
  ipo::phrase_matcher const matcher(lexicon());
  for (ipo::detail::compiled_scan const& scan : ipo::detail::compiled_scans()) {
    if (scan.cpu_supports()) {
      benchmark::RegisterBenchmark(("BM_Match/dispatch:" + scan.path_name(matcher)).c_str(),
                                   BM_Match_Dispatch, &scan)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
#endif
  return true;
}();
BENCHMARK_TEMPLATE(BM_Segment, ipo::sentence_segmenter)
    ->Name("BM_Segment/sentence")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Segment, ipo::marker_segmenter)
    ->Name("BM_Segment/markers")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_TEMPLATE(BM_Detector, ipo::lexical_detector)
    ->Name("BM_Detector/lexical")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Detector, ipo::pattern_detector)
    ->Name("BM_Detector/patterns")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
