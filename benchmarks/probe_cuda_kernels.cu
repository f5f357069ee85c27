// probe_cuda_kernels: where a CUDA preference-loss call's time goes, kernel by kernel. A plain
// program, not a Google Benchmark: it times each kernel of a call alone (CUDA-event medians of
// 101 launches) beside the whole call and the bound's copy, and the two row kernels at 128,
// 256, 512 and 1,024 threads per block, for bf16 at V = 32000 and 128256 and fp32 at V = 32000
// (the batch of bench_cuda: 8 pairs x 2 x 512 positions, 256 scored per sequence). Its figures
// chose the gradient kernels' block size (README, "GPU check on an H200", run B). Each single
// timing includes about 1.3 us of event overhead ("empty-events").
#include <ipo/cuda.hpp>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "cuda_batch.cuh"

namespace {

namespace L = ipo::loss;
namespace D = ipo::loss::cuda::detail;
using ipo_bench::event_timer;
constexpr std::size_t kPairs = 8, kSeqLen = 512, kRows = 2 * kPairs * kSeqLen, kSeqs = 2 * kPairs;

/// Median microseconds per repetition of `work` over `runs` timings.
template <class Work>
float median_us(event_timer& timed, Work&& work, int repetitions = 1, int runs = 101) {
  std::vector<float> ms;
  for (int i = 0; i < runs; ++i) {
    ms.push_back(timed(work, repetitions) / static_cast<float>(repetitions));
  }
  return static_cast<float>(ipo_bench::median(ms) * 1000.0);
}

template <class T, int Block>
void row_kernels_at(T* logits, std::size_t vocab, D::device_state st, event_timer& timed) {
  float const stats = median_us(timed, [&] {
    D::row_stats_kernel<T, Block><<<kRows, Block>>>(logits, vocab, vocab, kSeqLen, st);
  });
  float const gradient = median_us(timed, [&] {
    D::gradient_kernel<T, Block>
        <<<kRows, Block>>>(logits, vocab, logits, vocab, vocab, kSeqLen, st);
  });
  std::printf("  block %4d: row_stats %7.1f us, gradient %7.1f us, sum %7.1f\n", Block, stats,
              gradient, stats + gradient);
}

template <class T>
void probe(std::size_t vocab, char const* name) {
  T* logits = nullptr;
  std::int64_t* labels = nullptr;
  float* ref = nullptr;
  void* workspace = nullptr;
  unsigned char *copy_source = nullptr, *copy_target = nullptr;
  std::size_t const row_bytes = vocab * sizeof(T);
  std::size_t const bound = 2 * (kRows / 2) * row_bytes + kRows * row_bytes; // as bench_cuda's
  cudaMalloc(&logits, kRows * row_bytes);
  cudaMemset(logits, 0, kRows * row_bytes);
  cudaMalloc(&copy_source, bound / 2);
  cudaMalloc(&copy_target, bound / 2);
  cudaMalloc(&labels, kRows * sizeof(std::int64_t));
  cudaMalloc(&ref, kSeqs * sizeof(float));
  ipo_bench::upload_batch(labels, ref, kRows, kSeqLen, kSeqLen / 2, vocab);
  std::size_t const workspace_bytes = L::cuda::preference_loss_workspace_bytes(kRows, kSeqs);
  cudaMalloc(&workspace, workspace_bytes);
  D::device_state st{};
  D::layout_state(workspace, kRows, kSeqs, &st);
  L::preference_loss_options o;
  o.sequence_length = kSeqLen;
  ipo::matrix_view<T> view(logits, kRows, vocab);
  event_timer timed;
  auto const call = [&] {
    L::cuda::preference_loss_async(ipo::matrix_view<T const>(view), labels, ref,
                                   L::sigmoid_loss{0.1}, o, workspace, workspace_bytes, nullptr,
                                   view);
  };
  call(); // the state the kernels below read
  cudaDeviceSynchronize();
  float const copy = median_us(timed, [&] {
    cudaMemcpyAsync(copy_target, copy_source, bound / 2, cudaMemcpyDeviceToDevice, nullptr);
  });
  float const whole = median_us(timed, call);
  float const whole_20 = median_us(timed, call, 20, 21);
  float const reset = median_us(timed, [&] { D::reset_flags(st, nullptr, "probe"); });
  float const plan = median_us(timed, [&] {
    D::plan_kernel<std::int64_t, 256><<<kSeqs, 256>>>(labels, kSeqLen, true, -100, vocab, st);
  });
  float const pairs = median_us(timed, [&] {
    D::pairs_kernel<L::sigmoid_loss, 256><<<1, 256>>>(
        L::sigmoid_loss{0.1}, kSeqs, kSeqLen, L::pair_layout::concatenated, 0.0, false, ref, st);
  });
  float const empty = median_us(timed, [] {});
  std::printf("%s V=%zu: copy %.1f us (%.0f GB/s), call %.1f us (vs_bound %.3f), call x20 avg "
              "%.1f us; reset %.1f plan %.1f pairs %.1f empty-events %.1f\n",
              name, vocab, copy, double(bound) / copy / 1e3, whole, copy / whole, whole_20, reset,
              plan, pairs, empty);
  row_kernels_at<T, 128>(logits, vocab, st, timed);
  row_kernels_at<T, 256>(logits, vocab, st, timed);
  row_kernels_at<T, 512>(logits, vocab, st, timed);
  row_kernels_at<T, 1024>(logits, vocab, st, timed);
  for (void* p : {(void*)logits, (void*)copy_source, (void*)copy_target, (void*)labels, (void*)ref,
                  workspace}) {
    cudaFree(p);
  }
}

} // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("probe_cuda_kernels: no CUDA device on this machine; nothing measured\n");
    return 0;
  }
  probe<ipo::bf16>(32000, "bf16");
  probe<ipo::bf16>(128256, "bf16");
  probe<float>(32000, "fp32");
  cudaError_t const error = cudaGetLastError();
  std::printf("last error: %s\n", cudaGetErrorString(error));
  return error == cudaSuccess ? 0 : 1;
}
