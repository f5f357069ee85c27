// bench_loss: the fused preference loss against the baselines the README quotes.
//
// Batch: 8 pairs x 2 sequences of 512 positions, the first 256 of each labelled -100 (the
// shared prefix: prompt and reasoning before the intervention), so 4,096 scored rows and as
// many unscored ones. Every figure is a ratio to a baseline measured in the same binary:
//   vs_copy  = fused GBps / stream-copy GBps, where fused GBps counts 2 reads + 1 write of the
//              scored rows and the copy moves up to 1 GiB each way
//   vs_naive = eager time / fused time, the eager baseline doing what autograd does op by op
// Both baselines run right after every fused iteration, so that on a shared machine (whose
// memory bandwidth here drifts by 2x over seconds) each ratio compares runs made under the
// same conditions; each side keeps its best time.
//   vs_gemm  = time of the three bare Eigen products / fused linear time
// Arguments: V (vocabulary) and threads (1 and every core).
#include <ipo/loss.hpp>

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace L = ipo::loss;

constexpr std::size_t kPairs = 8, kSeqLen = 512, kPrompt = 256;
constexpr std::size_t kRows = 2 * kPairs * kSeqLen;

// Deterministic pseudo-random logits in [-8, 8) without the cost of <random> on 10^9 values.
inline float hashed_logit(std::uint64_t i) {
  i = (i ^ (i >> 31)) * 0x7fb5d329728ea185ull;
  i = (i ^ (i >> 27)) * 0x81dadef4bc2dd44dull;
  return static_cast<float>(static_cast<double>(i >> 40) * (16.0 / 16777216.0) - 8.0);
}

template <class T>
struct batch {
  std::size_t vocab;
  std::vector<T> logits;
  std::vector<std::int64_t> labels;
  std::vector<float> ref;
  explicit batch(std::size_t v)
      : vocab(v), logits(kRows * v), labels(kRows), ref(2 * kPairs, -300.0f) {
    for (std::size_t i = 0; i < logits.size(); ++i) {
      logits[i] = ipo::from_float<T>(hashed_logit(i));
    }
    for (std::size_t r = 0; r < kRows; ++r) {
      labels[r] = (r % kSeqLen) < kPrompt ? -100 : static_cast<std::int64_t>((r * 2654435761u) % v);
    }
  }
  std::size_t scored_bytes() const { return (kRows / 2) * vocab * sizeof(T); }
};

// One batch alive at a time: the largest fp32 one is 5 GB.
template <class T>
batch<T>& shared_batch(std::size_t vocab) {
  static std::unique_ptr<batch<T>> held;
  if (!held || held->vocab != vocab) {
    held.reset();
    held = std::make_unique<batch<T>>(vocab);
  }
  return *held;
}

// The bandwidth reference: a copy of `bytes` from one buffer to another, split over `threads`
// threads. It is timed right after every fused iteration, so that on a shared machine both
// see the same conditions; each side keeps its best time.
class copy_reference {
public:
  explicit copy_reference(std::size_t bytes) : src_(bytes, 1), dst_(bytes, 0) {}
  double seconds(unsigned threads) {
    std::size_t const bytes = src_.size();
    auto const start = std::chrono::steady_clock::now();
    L::detail::parallel_for(threads, threads, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t t = b; t < e; ++t) {
        std::size_t const lo = bytes * t / threads, hi = bytes * (t + 1) / threads;
        std::memcpy(dst_.data() + lo, src_.data() + lo, hi - lo);
      }
    });
    benchmark::DoNotOptimize(dst_.data());
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

private:
  std::vector<char> src_, dst_;
};

// What an eager framework does for logp = log_softmax(x).gather(labels).sum() and its backward
// (PyTorch's autograd, op by op): log_softmax over every row, prompt rows too, into a new
// [rows x V] tensor; gather and sum; then gather's backward materialises a zero-filled
// [rows x V] gradient and scatters g_s into it; LogSoftmaxBackward reads that gradient twice
// (its row sum, then grad - exp(out) * sum) with the saved output, and writes d(logits) (here
// over the same buffer, to fit the 24 GiB machine; the traffic is the same). Vectorised by
// Eigen, parallel over rows like a framework's CPU kernels.
void eager(std::vector<float> const& logits, std::vector<std::int64_t> const& labels,
           std::vector<float> const& ref, std::size_t vocab, unsigned threads,
           std::vector<float>& log_softmax, std::vector<float>& grad) {
  using rows_t = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  auto const V = static_cast<Eigen::Index>(vocab);
  Eigen::Map<rows_t const> x(logits.data(), kRows, V);
  Eigen::Map<rows_t> ls(log_softmax.data(), kRows, V);
  Eigen::Map<rows_t> g(grad.data(), kRows, V);
  L::detail::parallel_for(kRows, threads, 1,
                          [&](std::size_t b, std::size_t e) { // log_softmax forward
                            for (std::size_t r = b; r < e; ++r) {
                              auto const row = x.row(static_cast<Eigen::Index>(r));
                              float const m = row.maxCoeff();
                              float const lse = m + std::log((row - m).exp().sum());
                              ls.row(static_cast<Eigen::Index>(r)) = row - lse;
                            }
                          });
  std::vector<double> logp(2 * kPairs, 0.0); // gather + sum
  auto const scored = [&](std::size_t r) {
    return r % kSeqLen + 1 < kSeqLen && labels[r + 1] != -100;
  };
  for (std::size_t r = 0; r < kRows; ++r) {
    if (scored(r)) {
      logp[r / kSeqLen] += ls(static_cast<Eigen::Index>(r), labels[r + 1]);
    }
  }
  std::vector<float> scale(2 * kPairs);
  for (std::size_t i = 0; i < kPairs; ++i) {
    double const z = 0.1 * ((logp[i] - ref[i]) - (logp[kPairs + i] - ref[kPairs + i]));
    double const dz = -1.0 / (1.0 + std::exp(z)) / kPairs;
    scale[i] = static_cast<float>(0.1 * dz);
    scale[kPairs + i] = static_cast<float>(-0.1 * dz);
  }
  L::detail::parallel_for(kRows, threads, 1, [&](std::size_t b, std::size_t e) { // gather backward
    for (std::size_t r = b; r < e; ++r) {
      g.row(static_cast<Eigen::Index>(r)).setZero();
      if (scored(r)) {
        g(static_cast<Eigen::Index>(r), labels[r + 1]) = scale[r / kSeqLen];
      }
    }
  });
  L::detail::parallel_for(
      kRows, threads, 1, [&](std::size_t b, std::size_t e) { // LogSoftmaxBackward
        for (std::size_t r = b; r < e; ++r) {
          auto grad_row = g.row(static_cast<Eigen::Index>(r));
          float const sum = grad_row.sum();
          grad_row = grad_row - ls.row(static_cast<Eigen::Index>(r)).exp() * sum;
        }
      });
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds of one eager run (the baseline of vs_naive).
double eager_seconds(batch<float> const& b, unsigned threads, std::vector<float>& log_softmax,
                     std::vector<float>& grad) {
  auto const start = std::chrono::steady_clock::now();
  eager(b.logits, b.labels, b.ref, b.vocab, threads, log_softmax, grad);
  benchmark::DoNotOptimize(grad.data());
  return seconds_since(start);
}

// The copy reference moves up to 1 GiB each way: far past every cache, and small enough that
// the largest fp32 batch (5 GB), the eager baseline's two tensors and the copy fit 24 GiB.
constexpr std::size_t kCopyBytesMax = std::size_t{1} << 30;

template <class T>
void BM_PreferenceLoss_impl(benchmark::State& state) {
  std::size_t const vocab = static_cast<std::size_t>(state.range(0));
  unsigned const threads = static_cast<unsigned>(state.range(1));
  auto& b = shared_batch<T>(vocab);
  constexpr bool kWithEager = std::is_same_v<T, float>;
  std::vector<float> log_softmax, grad; // the eager baseline's two [rows x V] tensors
  if constexpr (kWithEager) {
    log_softmax.resize(kRows * vocab);
    grad.resize(kRows * vocab);
    eager_seconds(b, threads, log_softmax, grad); // first touch
  }
  std::size_t const copy_bytes = std::min(b.scored_bytes(), kCopyBytesMax);
  copy_reference copy(copy_bytes);
  copy.seconds(threads); // first touch of the copy buffers
  L::preference_loss_options o;
  o.sequence_length = kSeqLen;
  o.threads = threads;
  L::preference_loss_result result;
  ipo::matrix_view<T> logits(b.logits.data(), kRows, vocab);
  L::preference_loss_in_place(logits, std::span<std::int64_t const>(b.labels),
                              std::span<float const>(b.ref), L::sigmoid_loss{0.1}, o,
                              result); // warm-up: first touch, thread start
  double best_fused = 1e30, best_copy = 1e30, best_eager = 1e30;
  for (auto _ : state) {
    // In place: from the second iteration on the kernel (and the eager baseline) reads the
    // previous gradient, which costs the same (every value is finite and normal).
    auto const start = std::chrono::steady_clock::now();
    L::preference_loss_in_place(logits, std::span<std::int64_t const>(b.labels),
                                std::span<float const>(b.ref), L::sigmoid_loss{0.1}, o, result);
    benchmark::DoNotOptimize(result.loss);
    best_fused = std::min(best_fused, seconds_since(start));
    state.PauseTiming(); // the baselines right after, under the same machine conditions
    best_copy = std::min(best_copy, copy.seconds(threads));
    if constexpr (kWithEager) {
      best_eager = std::min(best_eager, eager_seconds(b, threads, log_softmax, grad));
    }
    state.ResumeTiming();
  }
  double const gbps = 3.0 * double(b.scored_bytes()) / best_fused / 1e9;
  double const copy_gbps = 2.0 * double(copy_bytes) / best_copy / 1e9;
  state.counters["GBps"] = gbps;
  state.counters["copy_GBps"] = copy_gbps;
  state.counters["vs_copy"] = gbps / copy_gbps;
  if constexpr (kWithEager) {
    state.counters["vs_naive"] = best_eager / best_fused;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(3 * b.scored_bytes()) * state.iterations());
}

void BM_PreferenceLoss(benchmark::State& state) {
  BM_PreferenceLoss_impl<float>(state);
}
void BM_PreferenceLoss_bf16(benchmark::State& state) {
  BM_PreferenceLoss_impl<ipo::bf16>(state);
}

void BM_PreferenceLoss_Naive(benchmark::State& state) {
  std::size_t const vocab = static_cast<std::size_t>(state.range(0));
  unsigned const threads = static_cast<unsigned>(state.range(1));
  auto& b = shared_batch<float>(vocab);
  std::vector<float> log_softmax(kRows * vocab), grad(kRows * vocab);
  eager(b.logits, b.labels, b.ref, vocab, threads, log_softmax, grad); // warm-up: first touch
  for (auto _ : state) {
    eager(b.logits, b.labels, b.ref, vocab, threads, log_softmax, grad);
    benchmark::DoNotOptimize(grad.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(3 * b.scored_bytes()) * state.iterations());
}

// Fused linear: 1,024 scored rows (4 pairs x 2 sequences x 128 scored positions after 128
// prompt positions), hidden H, vocabulary V, fp32, Eigen's products on `threads` threads
// (blocks of the vocabulary, or tiles, each one single-threaded Eigen product).
void BM_FusedLinear(benchmark::State& state) {
  auto const H = static_cast<Eigen::Index>(state.range(0));
  auto const V = static_cast<Eigen::Index>(state.range(1));
  auto const threads = static_cast<unsigned>(state.range(2));
  std::size_t const pairs = 4, seq = 256, prompt = 128, rows = 2 * pairs * seq;
  using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  matrix hidden = matrix::Random(static_cast<Eigen::Index>(rows), H) * 0.05f;
  matrix weight = matrix::Random(V, H) * 0.05f;
  matrix d_hidden(static_cast<Eigen::Index>(rows), H), d_weight(V, H);
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = (r % seq) < prompt
                    ? -100
                    : static_cast<std::int64_t>((r * 2654435761u) % static_cast<std::size_t>(V));
  }
  std::vector<float> ref(2 * pairs, -1000.0f);
  L::preference_loss_options o;
  o.sequence_length = seq;
  o.threads = threads;
  L::preference_loss_result result;
  L::fused_linear_report report;
  // The three bare products of the same shapes (1,024 scored rows) in the same blocks on the
  // same threads (the sweep's own product functions), timed right after every fused iteration
  // (this machine's GEMM throughput drifts by 10-20% over tens of seconds); each side keeps its
  // best time. Their buffers stay allocated, the fused call allocates its
  // own chunk each time.
  Eigen::Index const n = 1024;
  matrix gathered = hidden.topRows(n), logits(n, V), d_gathered(n, H);
  auto const weight_view = ipo::matrix_view<float const>(weight.data(), static_cast<std::size_t>(V),
                                                         static_cast<std::size_t>(H));
  auto const d_weight_view = ipo::matrix_view<float>(d_weight.data(), static_cast<std::size_t>(V),
                                                     static_cast<std::size_t>(H));
  double fused_s = 1e30, gemm_s = 1e30;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    report = L::fused_linear_preference_loss(
        ipo::matrix_view<float const>(hidden.data(), rows, static_cast<std::size_t>(H)),
        weight_view, {}, std::span<std::int64_t const>(labels),
        L::linear_reference{ref, {}, {}, {}}, L::sigmoid_loss{0.1}, o, {}, result,
        {ipo::matrix_view<float>(d_hidden.data(), rows, static_cast<std::size_t>(H)),
         d_weight_view,
         {}});
    benchmark::DoNotOptimize(result.loss);
    fused_s = std::min(fused_s, seconds_since(start));
    state.PauseTiming();
    auto const gemm_start = std::chrono::steady_clock::now();
    L::detail::chunk_logits_product(gathered, weight_view, threads, logits);
    L::detail::chunk_hidden_gradient(logits, weight_view, threads, d_gathered);
    L::detail::chunk_weight_gradient(logits, gathered, threads, d_weight_view, false);
    benchmark::DoNotOptimize(d_weight.data());
    gemm_s = std::min(gemm_s, seconds_since(gemm_start));
    state.ResumeTiming();
  }
  state.counters["vs_gemm"] = gemm_s / fused_s;
  state.counters["extra_MiB"] = double(report.peak_extra_bytes) / (1024.0 * 1024.0);
  // The path of the sweep (products and rows): "(ipo::dispatch)" when the library's runs; the
  // bare products above always use this binary's flags.
  state.SetLabel(L::row_kernel_path());
  state.counters["chunks"] = double(report.chunks);
  state.counters["GFLOPs"] = 6.0 * double(n) * double(H) * double(V) / fused_s / 1e9;
}

// The two row kernels (statistics, then the gradient in place) over 64 rows of V = 128256 on
// one thread, by the path row_kernel_path() names against the best path this binary compiled
// in, alternated in each iteration (each keeps its best time). vs_compiled_in = compiled-in
// time / chosen path's time: 1 when nothing wider is linked (a -march=native build), the gain
// of ipo::dispatch in a build with no -march flag. GBps counts 2 reads + 1 write of the rows.
template <class T>
void BM_RowKernels(benchmark::State& state) {
  constexpr std::size_t rows = 64, vocab = 128256;
  std::vector<T> logits(rows * vocab);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    logits[i] = ipo::from_float<T>(hashed_logit(i));
  }
  auto const run = [&](auto arch) {
    for (std::size_t r = 0; r < rows; ++r) {
      T* row = logits.data() + r * vocab;
      L::row_stats const stats = L::detail::row_max_sum_exp(arch, row, vocab);
      L::detail::row_gradient(arch, row, row, vocab, r * 1000, stats.max, std::log(stats.sum_exp),
                              1e-3f);
    }
    benchmark::DoNotOptimize(logits.data());
  };
  auto const timed = [&](auto arch) {
    auto const start = std::chrono::steady_clock::now();
    run(arch);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double chosen_s = 1e30, compiled_in_s = 1e30;
  for (auto _ : state) {
    L::detail::dispatch_rows([&](auto arch) { chosen_s = std::min(chosen_s, timed(arch)); });
    state.PauseTiming();
    ipo::simd::dispatch([&](auto arch) { compiled_in_s = std::min(compiled_in_s, timed(arch)); });
    state.ResumeTiming();
  }
  state.SetLabel(L::row_kernel_path() + " vs " + std::string(L::detail::compiled_in_row_path()));
  state.counters["vs_compiled_in"] = compiled_in_s / chosen_s;
  state.counters["GBps"] = 3.0 * double(rows * vocab * sizeof(T)) / chosen_s / 1e9;
}

void loss_args(benchmark::internal::Benchmark* b) {
  auto const cores = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  for (std::int64_t v : {32000, 128256, 151936}) {
    for (std::int64_t t : {std::int64_t{1}, cores}) {
      b->Args({v, t});
    }
  }
  b->ArgNames({"V", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK(BM_PreferenceLoss)->Apply(loss_args);
BENCHMARK(BM_PreferenceLoss_bf16)->Apply(loss_args);
BENCHMARK(BM_PreferenceLoss_Naive)->Apply(loss_args);
BENCHMARK(BM_RowKernels<float>)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RowKernels<ipo::bf16>)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FusedLinear)
    ->Args({2048, 32000, 1})
    ->Args({2048, 32000, 2})
    ->Args({4096, 128256, 1})
    ->Args({4096, 128256, 2})
    ->ArgNames({"H", "V", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

BENCHMARK_MAIN();
