// The CUDA fused linear loss's chunk loop (detail/linear_chunks.hpp) on the host: a backend
// runs each step as the kernels of ipo/loss/cuda/kernels.cuh do (the same IPO_HOST_DEVICE
// phases, a block of 256 threads in turn) and each product exactly as BLAS defines it in
// column-major terms, checking every element it touches against its buffer's bounds. So the
// chunking and every product's shapes, transposes and leading dimensions are tested without a
// GPU, for fp32, bf16 and fp16 models, against the CPU fused linear on the same values.
#include "ipo/loss/detail/linear_chunks.hpp"
#include "ipo/loss/detail/phases.hpp"
#include "ipo/loss/fused_linear.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace L = ipo::loss;
namespace D = ipo::loss::detail;

namespace {

constexpr unsigned block = 256;

/// A buffer of fp32 or of T, read and written as float with bounds checks.
template <class T>
struct buffer {
  std::vector<float>* f32 = nullptr;
  std::vector<T>* typed = nullptr;
  std::size_t size() const { return f32 != nullptr ? f32->size() : typed->size(); }
  void check_bounds(std::size_t i) const {
    if (i >= size()) {
      FAIL("element " << i << " of a buffer of " << size());
    }
  }
  float get(std::size_t i) const {
    check_bounds(i);
    return f32 != nullptr ? (*f32)[i] : ipo::to_float((*typed)[i]);
  }
  void set(std::size_t i, double value) const {
    check_bounds(i);
    if (f32 != nullptr) {
      (*f32)[i] = static_cast<float>(value);
    } else {
      (*typed)[i] = ipo::from_float<T>(static_cast<float>(value));
    }
  }
};

template <class T, class O>
struct host_backend {
  // Inputs
  std::vector<T> hidden, weight, bias;
  std::size_t rows, width, vocab, weight_ld, T_len;
  O objective;
  std::vector<float> ref;
  // The plan (plan_kernel's results)
  std::vector<std::uint32_t> slot_row;
  std::vector<std::int64_t> slot_target;
  std::vector<std::int32_t> count;
  // Per slot and per sequence state
  std::vector<float> slot_max, slot_log_sum, scale;
  std::vector<double> slot_logp, sequence_logp;
  std::vector<D::pair_sums> per_pair;
  D::pair_sums sums;
  // Chunk buffers and outputs
  std::vector<std::uint32_t> chunk_slots;
  std::vector<T> gathered, logits_gradient_typed, d_gathered, ones, d_hidden;
  std::vector<float> logits, d_weight, d_bias;

  buffer<T> at(D::linear_buffer b) {
    using B = D::linear_buffer;
    switch (b) {
    case B::weight:
      return {nullptr, &weight};
    case B::gathered:
      return {nullptr, &gathered};
    case B::logits:
      return {&logits, nullptr};
    case B::logits_gradient:
      return std::is_same_v<T, float> ? buffer<T>{&logits, nullptr}
                                      : buffer<T>{nullptr, &logits_gradient_typed};
    case B::d_gathered:
      return {nullptr, &d_gathered};
    case B::ones:
      return {nullptr, &ones};
    case B::d_weight:
      return {&d_weight, nullptr};
    case B::d_bias:
      return {&d_bias, nullptr};
    }
    FAIL("unknown buffer");
    return {};
  }

  void begin_chunk(std::span<std::uint32_t const> slots) {
    chunk_slots.assign(slots.begin(), slots.end());
    for (std::size_t k = 0; k < slots.size(); ++k) {
      for (std::size_t j = 0; j < width; ++j) {
        gathered.at(k * width + j) = hidden.at(slot_row.at(slots[k]) * width + j);
      }
    }
  }
  void product(D::linear_product const& g) { // BLAS: C = op(A) op(B) (+ C), column-major
    buffer<T> const a = at(g.a), b = at(g.b), c = at(g.c);
    for (int i = 0; i < g.m; ++i) {
      for (int j = 0; j < g.n; ++j) {
        double sum = g.accumulate ? c.get(std::size_t(i + j * g.ldc)) : 0.0;
        for (int p = 0; p < g.k; ++p) {
          float const x = a.get(std::size_t(g.transpose_a ? p + i * g.lda : i + p * g.lda));
          float const y = b.get(std::size_t(g.transpose_b ? j + p * g.ldb : p + j * g.ldb));
          sum += double(x) * double(y);
        }
        c.set(std::size_t(i + j * g.ldc), sum);
      }
    }
  }
  void add_bias(int n) {
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
      for (std::size_t v = 0; v < vocab; ++v) {
        logits.at(k * vocab + v) += ipo::to_float(bias.at(v));
      }
    }
  }
  void row_stats(int n) { // chunk_row_stats_kernel
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
      std::uint32_t const slot = chunk_slots[k];
      float const* row = logits.data() + k * vocab;
      L::row_stats total{};
      for (unsigned tid = 0; tid < block; ++tid) {
        total = L::row_stats::merge(total, D::thread_row_stats_packed(row, vocab, tid, block));
      }
      slot_max.at(slot) = total.max;
      slot_log_sum.at(slot) = std::log(total.sum_exp);
      slot_logp.at(slot) = D::target_log_prob(row[slot_target.at(slot)], total);
    }
  }
  void pairs(std::size_t first, std::size_t last) { // chunk_pairs_kernel and store_pair
    std::size_t const sequences = count.size(), P = sequences / 2;
    int counted = 0;
    for (std::size_t i = 0; i < P; ++i) {
      auto const [c, r] = D::pair_sequences(L::pair_layout::concatenated, P, i);
      counted += count[c] > 0 && count[r] > 0 ? 1 : 0;
    }
    for (std::size_t i = first; i < last; ++i) {
      auto const [c, r] = D::pair_sequences(L::pair_layout::concatenated, P, i);
      for (std::size_t s : {c, r}) { // a warp per sequence
        sequence_logp[s] = D::emulated_sequence_logp(slot_logp.data() + s * T_len, count[s]);
      }
      REQUIRE((count[c] > 0 && count[r] > 0));
      auto const v = D::evaluate_pair_math(objective, sequence_logp[c], sequence_logp[r], ref[c],
                                           ref[r], count[c], count[r], count[c], 0.0, counted);
      scale[c] = static_cast<float>(v.scale_chosen);
      scale[r] = static_cast<float>(v.scale_rejected);
      per_pair[i] = D::pair_share(v.objective, v.nll, static_cast<float>(v.chosen_reward),
                                  static_cast<float>(v.rejected_reward), 0.0, counted);
    }
  }
  void logits_gradient(int n) { // chunk_gradient_kernel
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
      std::uint32_t const slot = chunk_slots[k];
      float* row = logits.data() + k * vocab;
      auto const target = static_cast<std::size_t>(slot_target[slot]);
      float const g = scale[slot / T_len];
      T* out = std::is_same_v<T, float> ? reinterpret_cast<T*>(row)
                                        : logits_gradient_typed.data() + k * vocab;
      for (unsigned tid = 0; tid < block; ++tid) {
        D::thread_row_gradient_packed(static_cast<float const*>(row), out, vocab, target,
                                      slot_max[slot], slot_log_sum[slot], g, tid, block);
      }
    }
  }
  void scatter_hidden(int n) {
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
      for (std::size_t j = 0; j < width; ++j) {
        d_hidden.at(slot_row.at(chunk_slots[k]) * width + j) = d_gathered.at(k * width + j);
      }
    }
  }
  void clear_accumulated() {
    std::fill(d_weight.begin(), d_weight.end(), 0.0f);
    std::fill(d_bias.begin(), d_bias.end(), 0.0f);
  }
  void summarize(std::size_t P) {
    sums = {};
    for (std::size_t i = 0; i < P; ++i) {
      sums += per_pair[i];
    }
  }
};

template <class T>
void compare_with_cpu(std::size_t chunk_rows, std::size_t weight_padding,
                      std::size_t expected_chunks) {
  constexpr std::size_t P = 3, T_len = 10, H = 24, V = 203;
  std::size_t const rows = 2 * P * T_len, S = 2 * P, ld = H + weight_padding;
  std::mt19937 rng(7);
  std::normal_distribution<float> value(0.0f, 0.4f);
  using O = L::sigmoid_loss;
  host_backend<T, O> b;
  b.rows = rows;
  b.width = H;
  b.vocab = V;
  b.weight_ld = ld;
  b.T_len = T_len;
  b.objective = O{0.1};
  b.hidden.resize(rows * H);
  b.weight.assign(V * ld, ipo::from_float<T>(1e6f)); // padding that must never be read
  b.bias.resize(V);
  std::vector<float> hidden32(rows * H), weight32(V * H), bias32(V);
  for (std::size_t k = 0; k < rows * H; ++k) {
    b.hidden[k] = ipo::from_float<T>(value(rng));
    hidden32[k] = ipo::to_float(b.hidden[k]);
  }
  for (std::size_t v = 0; v < V; ++v) {
    for (std::size_t j = 0; j < H; ++j) {
      b.weight[v * ld + j] = ipo::from_float<T>(value(rng));
      weight32[v * H + j] = ipo::to_float(b.weight[v * ld + j]);
    }
    b.bias[v] = ipo::from_float<T>(value(rng));
    bias32[v] = ipo::to_float(b.bias[v]);
  }
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = (r % T_len) < 3 ? -100 : static_cast<std::int64_t>(rng() % V);
  }
  b.ref.assign(S, -30.0f);

  // plan_kernel, as the emulator of test_cuda_emulation.cpp runs it (labels shifted).
  b.slot_row.assign(rows, 0);
  b.slot_target.assign(rows, 0);
  b.count.assign(S, 0);
  for (std::size_t s = 0; s < S; ++s) {
    for (std::size_t t = 0; t < T_len; ++t) {
      std::int64_t const target = D::row_target(labels.data(), s, t, T_len, true, -100, V);
      REQUIRE(target >= -1);
      if (target >= 0) {
        std::size_t const slot = s * T_len + std::size_t(b.count[s]++);
        b.slot_row[slot] = static_cast<std::uint32_t>(s * T_len + t);
        b.slot_target[slot] = target;
      }
    }
  }
  b.slot_max.assign(rows, 0);
  b.slot_log_sum.assign(rows, 0);
  b.slot_logp.assign(rows, 0);
  b.sequence_logp.assign(S, 0);
  b.scale.assign(S, 0);
  b.per_pair.assign(P, {});
  b.gathered.resize(chunk_rows * H);
  b.logits.resize(chunk_rows * V);
  b.logits_gradient_typed.resize(std::is_same_v<T, float> ? 0 : chunk_rows * V);
  b.d_gathered.resize(chunk_rows * H);
  b.ones.assign(chunk_rows, ipo::from_float<T>(1.0f));
  b.d_hidden.assign(rows * H, ipo::from_float<T>(0.0f));
  // The first chunk writes d(weight) and d(bias) over whatever they held.
  b.d_weight.assign(V * H, std::numeric_limits<float>::quiet_NaN());
  b.d_bias.assign(V, std::numeric_limits<float>::quiet_NaN());

  D::linear_chunk_plan plan;
  plan.sequence_length = T_len;
  plan.width = H;
  plan.vocab = V;
  plan.weight_ld = ld;
  plan.chunk_rows = chunk_rows;
  plan.bias = true;
  plan.d_hidden = plan.d_weight = plan.d_bias = true;
  auto const report = D::run_linear_chunks(b, std::span<std::int32_t const>(b.count), plan, "test");
  CHECK(report.chunks == expected_chunks);

  L::preference_loss_options o;
  o.sequence_length = T_len;
  std::vector<float> cpu_dh(rows * H), cpu_dw(V * H), cpu_db(V);
  L::preference_loss_result cpu;
  L::fused_linear_preference_loss(
      ipo::matrix_view<float const>(hidden32.data(), rows, H),
      ipo::matrix_view<float const>(weight32.data(), V, H), std::span<float const>(bias32),
      std::span<std::int64_t const>(labels), L::linear_reference{b.ref, {}, {}, {}}, O{0.1}, o, {},
      cpu,
      {ipo::matrix_view<float>(cpu_dh.data(), rows, H),
       ipo::matrix_view<float>(cpu_dw.data(), V, H), std::span<float>(cpu_db)});
  CHECK(b.sums.loss == doctest::Approx(cpu.loss).epsilon(1e-5));
  CHECK(b.sums.margin == doctest::Approx(cpu.mean_margin).epsilon(1e-4).scale(1e-6));
  double const tolerance = std::is_same_v<T, float>       ? 1e-5
                           : std::is_same_v<T, ipo::bf16> ? std::ldexp(1.0, -6)
                                                          : std::ldexp(1.0, -9);
  auto check = [&](char const* name, auto const& got, std::vector<float> const& want) {
    double scale = 1e-30, error = 0;
    for (std::size_t k = 0; k < want.size(); ++k) {
      scale = std::max(scale, std::fabs(double(want[k])));
      double const difference = std::fabs(double(want[k]) - double(ipo::to_float(got[k])));
      error = std::isfinite(difference) ? std::max(error, difference) : HUGE_VAL; // NaN shows
    }
    INFO(std::string(name) << ": largest difference " << error << " of " << scale);
    CHECK(error <= tolerance * scale);
  };
  // The device's d(weight) is [V x H] row-major (its column-major [H x V]), as the CPU's.
  check("d(weight)", b.d_weight, cpu_dw);
  check("d(bias)", b.d_bias, cpu_db);
  check("d(hidden)", b.d_hidden, cpu_dh);
}

} // namespace

TEST_CASE_TEMPLATE("the CUDA fused linear's chunk loop and products equal the CPU fused linear", T,
                   float, ipo::bf16, ipo::fp16) {
  // 14 scored rows per pair (2 x (10 - 3 prompt - 1 shift)); 3 pairs.
  compare_with_cpu<T>(14, 0, 3);  // one pair per chunk
  compare_with_cpu<T>(30, 5, 2);  // two pairs, then one; the weight's rows padded (ld = H + 5)
  compare_with_cpu<T>(100, 0, 1); // every pair in one chunk
}

namespace {

/// A backend whose steps do nothing: the chunking alone.
struct null_backend {
  void begin_chunk(std::span<std::uint32_t const>) {}
  void product(D::linear_product const&) {}
  void add_bias(int) {}
  void row_stats(int) {}
  void pairs(std::size_t, std::size_t) {}
  void logits_gradient(int) {}
  void scatter_hidden(int) {}
  void summarize(std::size_t) {}
  void clear_accumulated() {}
};

} // namespace

TEST_CASE("a pair longer than the device chunk is an argument error") {
  null_backend none;
  std::vector<std::int32_t> const counts = {5, 4, 6, 7}; // pairs (0, 2) and (1, 3): 11 rows each
  D::linear_chunk_plan plan;
  plan.sequence_length = 8;
  plan.width = plan.vocab = plan.weight_ld = 4;
  plan.chunk_rows = 10;
  CHECK_THROWS_WITH_AS(D::run_linear_chunks(none, std::span<std::int32_t const>(counts), plan, "f"),
                       "f: argument 'chunk_rows' = 10 is invalid: expected at least the scored "
                       "rows of one pair (11)",
                       ipo::argument_error);
  plan.chunk_rows = 11;
  CHECK(D::run_linear_chunks(none, std::span<std::int32_t const>(counts), plan, "f").chunks == 2);
}

TEST_CASE("the first chunk with scored rows writes d(weight) and d(bias); the others add to them") {
  struct recording_backend : null_backend {
    std::vector<bool> weight_accumulates, bias_accumulates;
    int clears = 0;
    void product(D::linear_product const& g) {
      if (g.c == D::linear_buffer::d_weight) {
        weight_accumulates.push_back(g.accumulate);
      } else if (g.c == D::linear_buffer::d_bias) {
        bias_accumulates.push_back(g.accumulate);
      } else {
        CHECK_FALSE(g.accumulate); // logits and d(hidden) are per chunk
      }
    }
    void clear_accumulated() { ++clears; }
  };
  D::linear_chunk_plan plan;
  plan.sequence_length = 8;
  plan.width = plan.vocab = plan.weight_ld = 4;
  plan.chunk_rows = 6;
  plan.d_hidden = plan.d_weight = plan.d_bias = true;
  // Pairs (0, 2) and (1, 3) of 6 and 4 scored rows: two chunks.
  std::vector<std::int32_t> const counts = {2, 3, 4, 1};
  recording_backend two;
  CHECK(D::run_linear_chunks(two, std::span<std::int32_t const>(counts), plan, "f").chunks == 2);
  CHECK(two.weight_accumulates == std::vector<bool>{false, true});
  CHECK(two.bias_accumulates == std::vector<bool>{false, true});
  CHECK(two.clears == 0);
  // No scored row anywhere (pairs skipped by the caller's policy): no product, one clear.
  std::vector<std::int32_t> const empty = {0, 0, 0, 0};
  recording_backend none;
  CHECK(D::run_linear_chunks(none, std::span<std::int32_t const>(empty), plan, "f").chunks == 1);
  CHECK(none.weight_accumulates.empty());
  CHECK(none.clears == 1);
  // Without d(weight) and d(bias) there is nothing to clear.
  plan.d_weight = plan.d_bias = false;
  recording_backend hidden_only;
  D::run_linear_chunks(hidden_only, std::span<std::int32_t const>(empty), plan, "f");
  CHECK(hidden_only.clears == 0);
}
