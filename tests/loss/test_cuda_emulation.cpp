// The CUDA kernels' logic on the host: a block emulator runs the IPO_HOST_DEVICE phases of
// ipo/loss/detail/phases.hpp exactly as ipo/loss/cuda/kernels.cuh strings them together (per
// thread of a block, then the block reduction or scan, then per-thread outputs), for block
// sizes 32 to 1024, and the results are compared with the CPU backend.
#include "ipo/loss/detail/phases.hpp"
#include "ipo/loss/preference_loss.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "batch.hpp"
#include "cases.hpp"

namespace L = ipo::loss;
namespace D = ipo::loss::detail;

namespace {

struct emulated {
  std::vector<std::uint32_t> slot_row;
  std::vector<std::int64_t> slot_target;
  std::vector<std::int32_t> row_slot, count;
  std::vector<float> slot_max, slot_log_sum, scale;
  std::vector<double> slot_logp, sequence_logp;
  std::vector<float> pair_loss;
  D::pair_sums sums;
  int counted = 0;
  std::int64_t first_bad_label = -1;
};

// The kernels of kernels.cuh, one block at a time, every thread of a block in turn.
template <class T, class O>
emulated run_kernels(ipo::matrix_view<T const> logits, std::vector<std::int64_t> const& labels,
                     std::vector<float> const& ref, O const& objective,
                     L::preference_loss_options const& o, unsigned block,
                     std::vector<T>* gradient) {
  std::size_t const rows = logits.rows(), V = logits.cols(), T_len = o.sequence_length,
                    S = rows / T_len, P = S / 2;
  emulated e;
  e.slot_row.assign(rows, 0);
  e.slot_target.assign(rows, 0);
  e.row_slot.assign(rows, -1);
  e.count.assign(S, 0);
  // plan_kernel: per block (sequence), chunks of `block` positions, an exclusive scan of flags.
  for (std::size_t s = 0; s < S; ++s) {
    int base = 0;
    for (std::size_t chunk = 0; chunk < T_len; chunk += block) {
      int offset = 0; // the exclusive scan, thread by thread
      for (unsigned tid = 0; tid < block; ++tid) {
        std::size_t const t = chunk + tid;
        if (t >= T_len) {
          continue;
        }
        std::int64_t target =
            D::row_target(labels.data(), s, t, T_len, o.shift_labels, o.ignore_index, V);
        if (target < -1) {
          std::int64_t const index = -2 - target;
          e.first_bad_label = e.first_bad_label < 0 ? index : std::min(e.first_bad_label, index);
          target = -1;
        }
        if (target >= 0) {
          std::size_t const slot = s * T_len + static_cast<std::size_t>(base + offset);
          e.slot_row[slot] = static_cast<std::uint32_t>(s * T_len + t);
          e.slot_target[slot] = target;
          e.row_slot[s * T_len + t] = static_cast<std::int32_t>(slot);
          ++offset;
        }
      }
      base += offset;
    }
    e.count[s] = base;
  }
  // row_stats_kernel: per block (slot), per-thread partials, then the reduction.
  e.slot_max.assign(rows, 0);
  e.slot_log_sum.assign(rows, 0);
  e.slot_logp.assign(rows, 0);
  for (std::size_t slot = 0; slot < rows; ++slot) {
    if (static_cast<std::int32_t>(slot % T_len) >= e.count[slot / T_len]) {
      continue;
    }
    T const* row = logits.row_data(e.slot_row[slot]);
    std::vector<ipo::loss::row_stats> partials(block);
    for (unsigned tid = 0; tid < block; ++tid) {
      partials[tid] = D::thread_row_stats_packed(row, V, tid, block);
    }
    for (unsigned width = 1; width < block; width *= 2) { // a tree, as a block reduction is
      for (unsigned tid = 0; tid + width < block; tid += 2 * width) {
        partials[tid] = ipo::loss::row_stats::merge(partials[tid], partials[tid + width]);
      }
    }
    e.slot_max[slot] = partials[0].max;
    e.slot_log_sum[slot] = std::log(partials[0].sum_exp);
    e.slot_logp[slot] = D::target_log_prob(ipo::to_float(row[e.slot_target[slot]]), partials[0]);
  }
  // pairs_kernel: one block.
  e.sequence_logp.assign(S, 0.0);
  e.scale.assign(S, 0.0f);
  for (std::size_t s = 0; s < S; ++s) { // a warp per sequence
    e.sequence_logp[s] = D::emulated_sequence_logp(e.slot_logp.data() + s * T_len, e.count[s]);
  }
  auto const sides = [&](std::size_t i) { return D::pair_sequences(o.layout, P, i); };
  for (std::size_t i = 0; i < P; ++i) {
    e.counted += (e.count[sides(i).chosen] > 0 && e.count[sides(i).rejected] > 0) ? 1 : 0;
  }
  e.pair_loss.assign(P, 0.0f);
  std::vector<D::pair_sums> per_thread(block);
  for (std::size_t i = 0; i < P; ++i) {
    auto const [c, r] = sides(i);
    if (e.count[c] == 0 || e.count[r] == 0) {
      continue;
    }
    auto const v = D::evaluate_pair_math(
        objective, e.sequence_logp[c], e.sequence_logp[r], ref.empty() ? 0.0 : ref[c],
        ref.empty() ? 0.0 : ref[r], e.count[c], e.count[r], e.count[c], o.nll_weight, e.counted);
    e.pair_loss[i] = static_cast<float>(v.loss);
    e.scale[c] = static_cast<float>(v.scale_chosen);
    e.scale[r] = static_cast<float>(v.scale_rejected);
    per_thread[i % block] +=
        D::pair_share(v.objective, v.nll, static_cast<float>(v.chosen_reward),
                      static_cast<float>(v.rejected_reward), o.nll_weight, e.counted);
  }
  for (auto const& p : per_thread) {
    e.sums += p;
  }
  // gradient_kernel: per block (row), every thread its packs and strided elements; unscored
  // rows get zeros over a sentinel.
  if (gradient != nullptr) {
    gradient->assign(rows * V, ipo::from_float<T>(-9.0f));
    for (std::size_t row = 0; row < rows; ++row) {
      std::int32_t const slot = e.row_slot[row];
      for (unsigned tid = 0; tid < block; ++tid) {
        if (slot < 0) {
          D::thread_zero_row(gradient->data() + row * V, V, tid, block);
          continue;
        }
        D::thread_row_gradient_packed(logits.row_data(row), gradient->data() + row * V, V,
                                      static_cast<std::size_t>(e.slot_target[slot]),
                                      e.slot_max[slot], e.slot_log_sum[slot], e.scale[row / T_len],
                                      tid, block);
      }
    }
  }
  return e;
}

// The emulated kernels' results against the CPU backend's (a function of the storage type only,
// so that the checks are not compiled again for every objective).
template <class T>
void expect_equal(emulated const& e, std::vector<T> const& gpu_gradient,
                  L::preference_loss_result const& cpu, std::vector<T> const& cpu_gradient,
                  double gradient_tolerance) {
  REQUIRE(e.first_bad_label == -1);
  REQUIRE(e.counted == static_cast<int>(cpu.pairs_counted));
  REQUIRE(e.sums.loss == doctest::Approx(cpu.loss).epsilon(1e-6).scale(1e-6));
  REQUIRE(e.sums.accuracy == doctest::Approx(cpu.accuracy));
  REQUIRE(e.sums.margin == doctest::Approx(cpu.mean_margin).epsilon(1e-5).scale(1e-6));
  for (std::size_t s = 0; s < cpu.policy_logps.size(); ++s) {
    REQUIRE(e.count[s] == cpu.token_counts[s]);
    REQUIRE(e.sequence_logp[s] == doctest::Approx(cpu.policy_logps[s]).epsilon(1e-6));
  }
  REQUIRE(gpu_gradient.size() == cpu_gradient.size());
  for (std::size_t k = 0; k < gpu_gradient.size(); ++k) {
    double const a = ipo::to_float(gpu_gradient[k]), b = ipo::to_float(cpu_gradient[k]);
    if (std::fabs(a - b) > gradient_tolerance) {
      FAIL("gradient[" << k << "]: emulated kernel " << a << ", CPU backend " << b);
    }
  }
}

// `padding` elements after each logits row: rows then start at varying offsets from a 16-byte
// boundary, and at other offsets than the gradient's rows (V apart), as in a strided view.
template <class T>
void compare_with_cpu(batch::shape shape, unsigned seed, double gradient_tolerance,
                      std::size_t padding = 0) {
  auto d = batch::make<T>(shape, seed, padding);
  ipo::matrix_view<T const> const logits(d.logits.data(), d.rows(), d.s.vocab, d.stride);
  cases::for_each_objective([&](auto objective, reference::objective_fn const&) {
    using O = decltype(objective);
    INFO("objective " << objective.name() << ", V " << d.s.vocab);
    L::preference_loss_options o;
    o.sequence_length = d.s.T;
    o.nll_weight = 0.1;
    std::vector<float> const ref = O::reference_free ? std::vector<float>{} : d.ref;
    std::vector<T> cpu_gradient(d.rows() * d.s.vocab);
    auto const cpu = L::preference_loss(
        logits, std::span<std::int64_t const>(d.labels), std::span<float const>(ref), objective, o,
        ipo::matrix_view<T>(cpu_gradient.data(), d.rows(), d.s.vocab));
    double max_gradient = 1e-30;
    for (auto g : cpu_gradient) {
      max_gradient = std::max(max_gradient, std::fabs(double(ipo::to_float(g))));
    }
    for (unsigned block : {32u, 64u, 128u, 256u, 512u, 1024u}) {
      INFO("block " << block);
      std::vector<T> gpu_gradient;
      auto const e = run_kernels(logits, d.labels, ref, objective, o, block, &gpu_gradient);
      expect_equal(e, gpu_gradient, cpu, cpu_gradient, gradient_tolerance * max_gradient);
    }
  });
}

} // namespace

TEST_CASE("emulated kernels equal the CPU backend: fp32, every objective, block sizes 32 to 1024") {
  compare_with_cpu<float>({3, 9, 97, 3}, 201, 1e-5);      // odd V, -100 prompt rows
  compare_with_cpu<float>({2, 5, 1, 1}, 202, 1e-5);       // V = 1
  compare_with_cpu<float>({2, 40, 1500, 10}, 203, 1e-5);  // rows longer than a block
  compare_with_cpu<float>({2, 9, 1500, 2}, 205, 1e-5, 1); // logits rows at every offset
  compare_with_cpu<float>({2, 9, 1021, 2}, 206, 1e-5, 3);
}

TEST_CASE_TEMPLATE("emulated kernels equal the CPU backend: 16-bit logits", T, ipo::bf16,
                   ipo::fp16) {
  compare_with_cpu<T>({2, 7, 333, 2}, 204, std::ldexp(1.0, -7));
  compare_with_cpu<T>({2, 9, 4000, 2}, 207, std::ldexp(1.0, -7));    // whole packs, aligned rows
  compare_with_cpu<T>({2, 9, 4000, 2}, 208, std::ldexp(1.0, -7), 5); // rows at every offset
}

TEST_CASE(
    "emulated plan: an invalid label is reported by its index, rows past the shift are unscored") {
  auto d = batch::make<float>({1, 4, 10, 1}, 205);
  d.labels[5] = 10; // V = 10: out of range
  L::preference_loss_options o;
  o.sequence_length = 4;
  auto const e =
      run_kernels(ipo::matrix_view<float const>(d.logits.data(), d.rows(), 10), d.labels, d.ref,
                  L::sigmoid_loss{}, o, 32, static_cast<std::vector<float>*>(nullptr));
  CHECK(e.first_bad_label == 5);
  CHECK(e.row_slot[3] == -1); // the last row of sequence 0 has no next label
  CHECK(e.row_slot[7] == -1);
}

TEST_CASE("a sequence's warp sum adds every scored row's log-probability once") {
  // Integers: every order of summation gives the exact total, so a row counted twice or
  // missed shows. Counts around the 32 lanes.
  std::vector<double> logps(100);
  for (std::size_t k = 0; k < logps.size(); ++k) {
    logps[k] = -static_cast<double>(k + 1);
  }
  for (std::int32_t n : {0, 1, 31, 32, 33, 64, 65, 100}) {
    INFO("count " << n);
    CHECK(D::emulated_sequence_logp(logps.data(), n) == -0.5 * double(n) * double(n + 1));
  }
}
