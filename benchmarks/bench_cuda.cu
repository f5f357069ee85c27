// bench_cuda: the CUDA preference loss on the bench_loss batch (8 pairs x 2 x 512 positions,
// 256 scored per sequence) in fp32, bf16 and fp16, timed with CUDA events in the same binary.
// vs_bound: the time of a device-to-device copy that moves the bytes the call must move at
// least (the scored rows read twice, every gradient row written once), over the call's time;
// copy and call alternate, and each is the median of its runs. Without a device every
// benchmark says so.
#include <ipo/cuda.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

namespace L = ipo::loss;
constexpr std::size_t kPairs = 8, kSeqLen = 512, kPrompt = 256, kRows = 2 * kPairs * kSeqLen;

double median(std::vector<float> values) {
  std::sort(values.begin(), values.end());
  std::size_t const n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (double(values[n / 2 - 1]) + values[n / 2]);
}

bool have_device() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

template <class T>
void BM_CudaPreferenceLoss(benchmark::State& state) {
  if (!have_device()) {
    state.SkipWithError("no CUDA device on this machine: GPU figures not measured");
    return;
  }
  std::size_t const vocab = static_cast<std::size_t>(state.range(0));
  std::size_t const row_bytes = vocab * sizeof(T);
  std::size_t const scored_rows = kRows / 2; // positions kPrompt.. of every sequence
  // Reads: the scored rows twice. Writes: every gradient row. A copy of B bytes moves 2B.
  std::size_t const bound_bytes = 2 * scored_rows * row_bytes + kRows * row_bytes;
  std::size_t const copy_bytes = bound_bytes / 2;
  T* logits = nullptr;
  unsigned char* copy_source = nullptr;
  unsigned char* copy_target = nullptr;
  std::int64_t* labels = nullptr;
  float* ref = nullptr;
  void* workspace = nullptr;
  std::size_t const workspace_bytes = L::cuda::preference_loss_workspace_bytes(kRows, 2 * kPairs);
  L::cuda::check_cuda(cudaMalloc(&logits, kRows * row_bytes), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&copy_source, copy_bytes), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&copy_target, copy_bytes), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&labels, kRows * sizeof(std::int64_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&ref, 2 * kPairs * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&workspace, workspace_bytes), "cudaMalloc");
  cudaMemset(logits, 0, kRows * row_bytes);
  cudaMemset(copy_source, 0, copy_bytes);
  std::vector<std::int64_t> host_labels(kRows);
  for (std::size_t r = 0; r < kRows; ++r) {
    host_labels[r] =
        (r % kSeqLen) < kPrompt ? -100 : static_cast<std::int64_t>((r * 2654435761u) % vocab);
  }
  cudaMemcpy(labels, host_labels.data(), kRows * sizeof(std::int64_t), cudaMemcpyHostToDevice);
  std::vector<float> host_ref(2 * kPairs, -300.0f);
  cudaMemcpy(ref, host_ref.data(), host_ref.size() * sizeof(float), cudaMemcpyHostToDevice);

  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  auto const timed = [&](auto&& work) {
    cudaEventRecord(start);
    work();
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    return ms;
  };
  L::preference_loss_options o;
  o.sequence_length = kSeqLen;
  ipo::matrix_view<T> view(logits, kRows, vocab);
  std::vector<float> call_ms, copy_ms;
  for (auto _ : state) {
    copy_ms.push_back(timed([&] {
      cudaMemcpyAsync(copy_target, copy_source, copy_bytes, cudaMemcpyDeviceToDevice, nullptr);
    }));
    float const ms = timed([&] {
      L::cuda::preference_loss_async(ipo::matrix_view<T const>(view), labels, ref,
                                     L::sigmoid_loss{0.1}, o, workspace, workspace_bytes, nullptr,
                                     view);
    });
    call_ms.push_back(ms);
    state.SetIterationTime(ms / 1e3);
  }
  L::cuda::check_cuda(cudaGetLastError(), "bench_cuda");
  double const call_s = median(call_ms) / 1e3, copy_s = median(copy_ms) / 1e3;
  state.counters["GBps"] = double(bound_bytes) / call_s / 1e9;
  state.counters["bound_GBps"] = double(bound_bytes) / copy_s / 1e9;
  state.counters["vs_bound"] = copy_s / call_s;
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(logits);
  cudaFree(copy_source);
  cudaFree(copy_target);
  cudaFree(labels);
  cudaFree(ref);
  cudaFree(workspace);
}

} // namespace

namespace {

template <class T>
bool register_loss(char const* name) {
  benchmark::RegisterBenchmark(name, BM_CudaPreferenceLoss<T>)
      ->Arg(32000)
      ->Arg(128256)
      ->Arg(151936)
      ->ArgName("V")
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  return true;
}

bool const registered = register_loss<float>("BM_CudaPreferenceLoss") &&
                        register_loss<ipo::bf16>("BM_CudaPreferenceLoss_bf16") &&
                        register_loss<ipo::fp16>("BM_CudaPreferenceLoss_fp16");

} // namespace

BENCHMARK_MAIN();
