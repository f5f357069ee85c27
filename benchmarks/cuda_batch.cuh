// cuda_batch.cuh: what the CUDA benchmark programs share: the event timer, the median, and the
// batch's labels and reference log-probabilities on the device.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ipo_bench {

inline double median(std::vector<float> values) {
  std::sort(values.begin(), values.end());
  std::size_t const n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (double(values[n / 2 - 1]) + values[n / 2]);
}

/// Milliseconds of GPU work on the default stream, by a pair of CUDA events.
class event_timer {
public:
  event_timer() {
    cudaEventCreate(&start_);
    cudaEventCreate(&stop_);
  }
  ~event_timer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  event_timer(event_timer const&) = delete;
  event_timer& operator=(event_timer const&) = delete;
  /// Milliseconds of `repetitions` runs of `work`, back to back.
  template <class Work>
  float operator()(Work&& work, int repetitions = 1) {
    cudaEventRecord(start_);
    for (int i = 0; i < repetitions; ++i) {
      work();
    }
    cudaEventRecord(stop_);
    cudaEventSynchronize(stop_);
    float ms = 0;
    cudaEventElapsedTime(&ms, start_, stop_);
    return ms;
  }

private:
  cudaEvent_t start_{}, stop_{};
};

/// Labels of `rows` positions in sequences of `seq_len`: the first `prompt` positions of each
/// ignored (-100), the others spread over the vocabulary; and a reference log-probability of
/// -300 for each sequence. Both copied to the device.
inline void upload_batch(std::int64_t* labels, float* ref, std::size_t rows, std::size_t seq_len,
                         std::size_t prompt, std::size_t vocab) {
  std::vector<std::int64_t> host_labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    host_labels[r] =
        (r % seq_len) < prompt ? -100 : static_cast<std::int64_t>((r * 2654435761u) % vocab);
  }
  cudaMemcpy(labels, host_labels.data(), rows * sizeof(std::int64_t), cudaMemcpyHostToDevice);
  std::vector<float> const host_ref(rows / seq_len, -300.0f);
  cudaMemcpy(ref, host_ref.data(), host_ref.size() * sizeof(float), cudaMemcpyHostToDevice);
}

} // namespace ipo_bench
