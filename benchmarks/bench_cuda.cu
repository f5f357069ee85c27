// bench_cuda: the CUDA preference loss on the bench_loss batch (8 pairs x 2 x 512 positions,
// 256 scored per sequence), with vs_copy against a device-to-device copy of the same bytes,
// timed with CUDA events in the same binary. Without a device every benchmark says so.
#include <ipo/cuda.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

namespace L = ipo::loss;
constexpr std::size_t kPairs = 8, kSeqLen = 512, kPrompt = 256, kRows = 2 * kPairs * kSeqLen;

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
  std::size_t const scored_bytes = (kRows / 2) * vocab * sizeof(T);
  T* logits = nullptr;
  T* copy = nullptr;
  std::int64_t* labels = nullptr;
  float* ref = nullptr;
  void* workspace = nullptr;
  std::size_t const workspace_bytes = L::cuda::preference_loss_workspace_bytes(kRows, 2 * kPairs);
  L::cuda::check_cuda(cudaMalloc(&logits, kRows * vocab * sizeof(T)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&copy, scored_bytes), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&labels, kRows * sizeof(std::int64_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&ref, 2 * kPairs * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&workspace, workspace_bytes), "cudaMalloc");
  cudaMemset(logits, 0, kRows * vocab * sizeof(T));
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
  float copy_ms = 0;
  cudaEventRecord(start);
  cudaMemcpy(copy, logits, scored_bytes, cudaMemcpyDeviceToDevice);
  cudaEventRecord(stop);
  cudaEventSynchronize(stop);
  cudaEventElapsedTime(&copy_ms, start, stop);

  L::preference_loss_options o;
  o.sequence_length = kSeqLen;
  ipo::matrix_view<T> view(logits, kRows, vocab);
  double total_ms = 0;
  for (auto _ : state) {
    cudaEventRecord(start);
    L::cuda::preference_loss_async(ipo::matrix_view<T const>(view), labels, ref,
                                   L::sigmoid_loss{0.1}, o, workspace, workspace_bytes, nullptr,
                                   view);
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    total_ms += ms;
    state.SetIterationTime(ms / 1e3);
  }
  double const fused_s = total_ms / 1e3 / double(state.iterations());
  double const gbps = 3.0 * double(scored_bytes) / fused_s / 1e9;
  double const copy_gbps = 2.0 * double(scored_bytes) / (copy_ms / 1e3) / 1e9;
  state.counters["GBps"] = gbps;
  state.counters["copy_GBps"] = copy_gbps;
  state.counters["vs_copy"] = gbps / copy_gbps;
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(logits);
  cudaFree(copy);
  cudaFree(labels);
  cudaFree(ref);
  cudaFree(workspace);
}

} // namespace

BENCHMARK_TEMPLATE(BM_CudaPreferenceLoss, float)
    ->Name("BM_CudaPreferenceLoss")
    ->Arg(32000)
    ->Arg(128256)
    ->Arg(151936)
    ->ArgName("V")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_CudaPreferenceLoss, ipo::bf16)
    ->Name("BM_CudaPreferenceLoss_bf16")
    ->Arg(32000)
    ->Arg(128256)
    ->Arg(151936)
    ->ArgName("V")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
