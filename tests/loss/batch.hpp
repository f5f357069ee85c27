// Random preference batches for the loss tests.
#pragma once

#include "ipo/core/dtype.hpp"

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace batch {

struct shape {
  std::size_t pairs = 3;
  std::size_t T = 7;      // positions per sequence
  std::size_t vocab = 97; // deliberately not a multiple of any SIMD width
  std::size_t prompt = 3; // leading positions labelled -100 (the shared prefix)
};

template <class T>
struct data {
  shape s;
  std::size_t stride;
  std::vector<T> logits; // rows x stride, padding filled with a sentinel
  std::vector<std::int64_t> labels;
  std::vector<float> ref;
  std::size_t rows() const { return 2 * s.pairs * s.T; }
  double at(std::size_t row, std::size_t v) const {
    return ipo::to_float(logits[row * stride + v]);
  }
};

/// Logits ~ N(0, scale), labels uniform over the vocabulary after `prompt` ignored positions
/// (and a random extra ignored position here and there), reference log-probs near the policy's.
template <class T>
data<T> make(shape s, unsigned seed, std::size_t padding = 0, float scale = 2.0f) {
  data<T> d;
  d.s = s;
  d.stride = s.vocab + padding;
  std::mt19937 rng(seed);
  std::normal_distribution<float> logit(0.0f, scale);
  std::uniform_int_distribution<std::int64_t> token(0, static_cast<std::int64_t>(s.vocab) - 1);
  std::uniform_real_distribution<float> ref(-40.0f, -5.0f);
  std::size_t const rows = d.rows();
  d.logits.assign(rows * d.stride, ipo::from_float<T>(12345.0f));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t v = 0; v < s.vocab; ++v) {
      d.logits[r * d.stride + v] = ipo::from_float<T>(logit(rng));
    }
  }
  d.labels.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    std::size_t const t = r % s.T;
    d.labels[r] = (t < s.prompt || rng() % 11 == 0) ? -100 : token(rng);
  }
  // Make sure every sequence has a scored token (position T-1, scored by row T-2 when shifted).
  for (std::size_t seq = 0; seq < 2 * s.pairs; ++seq) {
    d.labels[seq * s.T + s.T - 1] = token(rng);
  }
  d.ref.resize(2 * s.pairs);
  for (auto& x : d.ref) {
    x = ref(rng);
  }
  return d;
}

} // namespace batch
