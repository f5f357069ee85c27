// bench_cuda: the CUDA preference loss on the bench_loss batch (8 pairs x 2 x 512 positions,
// 256 scored per sequence) in fp32, bf16 and fp16, timed with CUDA events in the same binary.
// vs_bound: the time of a device-to-device copy that moves the bytes the call must move at
// least (the scored rows read twice, every gradient row written once), over the call's time;
// copy and call alternate, and each is the median of its runs. Without a device every
// benchmark says so.
#include <ipo/cuda.hpp>

#include <benchmark/benchmark.h>

#include "cuda_batch.cuh"

#include <cstdint>
#include <vector>

namespace {

namespace L = ipo::loss;
using ipo_bench::event_timer;
using ipo_bench::median;
using ipo_bench::upload_batch;
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
  upload_batch(labels, ref, kRows, kSeqLen, kPrompt, vocab);

  event_timer timed;
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
  cudaFree(logits);
  cudaFree(copy_source);
  cudaFree(copy_target);
  cudaFree(labels);
  cudaFree(ref);
  cudaFree(workspace);
}

// The fused linear loss on a bf16 model: 4 pairs x 2 x 256 positions, 128 scored per sequence
// (1,024 scored rows, one chunk), hidden size H and vocabulary V from the arguments. Baseline:
// the three bare tensor-core products of the same shapes (logits, d(hidden), d(weight)) by
// cublasGemmEx, alternated with the call; vs_gemm = their median time over the call's. d(weight)
// is written (beta = 0) by both, as the call's one chunk writes it.
// extra_MiB: the call's workspace, the memory it needs beyond its inputs and gradients.
void BM_CudaFusedLinear(benchmark::State& state) {
  if (!have_device()) {
    state.SkipWithError("no CUDA device on this machine: GPU figures not measured");
    return;
  }
  using T = ipo::bf16;
  constexpr std::size_t pairs = 4, seq_len = 256, rows = 2 * pairs * seq_len, scored = rows / 2;
  auto const width = static_cast<std::size_t>(state.range(0));
  auto const vocab = static_cast<std::size_t>(state.range(1));
  std::size_t const bytes =
      L::cuda::fused_linear_workspace_bytes<T>(rows, 2 * pairs, width, vocab, scored);
  T *hidden = nullptr, *weight = nullptr, *d_hidden = nullptr;
  float *d_weight = nullptr, *ref = nullptr, *logits = nullptr;
  std::int64_t* labels = nullptr;
  void* workspace = nullptr;
  L::cuda::check_cuda(cudaMalloc(&hidden, rows * width * sizeof(T)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&weight, vocab * width * sizeof(T)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_hidden, rows * width * sizeof(T)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_weight, vocab * width * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&ref, 2 * pairs * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&labels, rows * sizeof(std::int64_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&workspace, bytes), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&logits, scored * vocab * sizeof(float)), "cudaMalloc");
  cudaMemset(hidden, 0, rows * width * sizeof(T));
  cudaMemset(weight, 0, vocab * width * sizeof(T));
  upload_batch(labels, ref, rows, seq_len, seq_len / 2, vocab);
  cublasHandle_t handle;
  cublasCreate(&handle);
  event_timer timed;
  auto const H = static_cast<int>(width), V = static_cast<int>(vocab), n = static_cast<int>(scored);
  float const one = 1.0f, zero = 0.0f;
  auto const bare_products = [&] { // logits (n x V), d(hidden) (n x H, bf16), d(weight) (V x H)
    cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, V, n, H, &one, weight, CUDA_R_16BF, H, hidden,
                 CUDA_R_16BF, H, &zero, logits, CUDA_R_32F, V, CUBLAS_COMPUTE_32F,
                 CUBLAS_GEMM_DEFAULT);
    T const* d_logits = reinterpret_cast<T const*>(logits); // any bf16 data of n x V
    cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, H, n, V, &one, weight, CUDA_R_16BF, H, d_logits,
                 CUDA_R_16BF, V, &zero, d_hidden, CUDA_R_16BF, H, CUBLAS_COMPUTE_32F,
                 CUBLAS_GEMM_DEFAULT);
    cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_T, H, V, n, &one, hidden, CUDA_R_16BF, H, d_logits,
                 CUDA_R_16BF, V, &zero, d_weight, CUDA_R_32F, H, CUBLAS_COMPUTE_32F,
                 CUBLAS_GEMM_DEFAULT);
  };
  L::preference_loss_options o;
  o.sequence_length = seq_len;
  L::preference_loss_result result;
  std::vector<float> call_ms, gemm_ms;
  for (auto _ : state) {
    gemm_ms.push_back(timed(bare_products));
    float const ms = timed([&] {
      L::cuda::fused_linear_preference_loss<T>(
          handle, ipo::matrix_view<T const>(hidden, rows, width),
          ipo::matrix_view<T const>(weight, vocab, width), nullptr, labels, ref,
          L::sigmoid_loss{0.1}, o, scored, workspace, bytes, nullptr,
          {ipo::matrix_view<T>(d_hidden, rows, width),
           ipo::matrix_view<float>(d_weight, vocab, width), nullptr},
          result);
    });
    call_ms.push_back(ms);
    state.SetIterationTime(ms / 1e3);
  }
  L::cuda::check_cuda(cudaGetLastError(), "bench_cuda");
  state.counters["vs_gemm"] = median(gemm_ms) / median(call_ms);
  state.counters["extra_MiB"] = double(bytes) / (1024.0 * 1024.0);
  cublasDestroy(handle);
  for (void* p : {(void*)hidden, (void*)weight, (void*)d_hidden, (void*)d_weight, (void*)ref,
                  (void*)labels, workspace, (void*)logits}) {
    cudaFree(p);
  }
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

BENCHMARK(BM_CudaFusedLinear)
    ->Args({4096, 128256})
    ->Args({2048, 32000})
    ->ArgNames({"H", "V"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
