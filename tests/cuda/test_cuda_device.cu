// The CUDA backend on a real GPU, against the CPU backend on the same inputs. Without a CUDA
// device it runs the host-side argument checks only, then prints why and exits with 77, which
// CTest reports as skipped (1 if a host-side check failed).
#include <ipo/cuda.hpp>
#include <ipo/loss/fused_linear.hpp>
#include <ipo/loss/preference_loss.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace L = ipo::loss;

namespace {

int failures = 0;

void expect(bool ok, char const* what, double got, double want) {
  if (!ok) {
    ++failures;
    std::printf("FAILED: %s: device %.9g, CPU %.9g\n", what, got, want);
  }
}

template <class T, class O>
void compare(std::size_t pairs, std::size_t seq_len, std::size_t vocab, O const& objective,
             unsigned seed) {
  std::size_t const rows = 2 * pairs * seq_len, sequences = 2 * pairs;
  std::mt19937 rng(seed);
  std::normal_distribution<float> logit(0.0f, 2.0f);
  std::vector<T> logits(rows * vocab);
  for (auto& x : logits) {
    x = ipo::from_float<T>(logit(rng));
  }
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = (r % seq_len) < seq_len / 2 ? -100 : static_cast<std::int64_t>(rng() % vocab);
  }
  std::vector<float> ref(sequences, -50.0f);
  L::preference_loss_options o;
  o.sequence_length = seq_len;
  std::span<float const> const ref_span =
      O::reference_free ? std::span<float const>{} : std::span<float const>(ref);
  std::vector<T> cpu_gradient(rows * vocab);
  auto const cpu = L::preference_loss(ipo::matrix_view<T const>(logits.data(), rows, vocab),
                                      std::span<std::int64_t const>(labels), ref_span, objective, o,
                                      ipo::matrix_view<T>(cpu_gradient.data(), rows, vocab));

  T* d_logits = nullptr;
  std::int64_t* d_labels = nullptr;
  float* d_ref = nullptr;
  void* d_workspace = nullptr;
  std::size_t const workspace = L::cuda::preference_loss_workspace_bytes(rows, sequences);
  L::cuda::check_cuda(cudaMalloc(&d_logits, logits.size() * sizeof(T)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_labels, labels.size() * sizeof(std::int64_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_ref, ref.size() * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_workspace, workspace), "cudaMalloc");
  cudaMemcpy(d_logits, logits.data(), logits.size() * sizeof(T), cudaMemcpyHostToDevice);
  cudaMemcpy(d_labels, labels.data(), labels.size() * sizeof(std::int64_t), cudaMemcpyHostToDevice);
  cudaMemcpy(d_ref, ref.data(), ref.size() * sizeof(float), cudaMemcpyHostToDevice);
  L::cuda::preference_loss_async(ipo::matrix_view<T const>(d_logits, rows, vocab), d_labels,
                                 O::reference_free ? nullptr : d_ref, objective, o, d_workspace,
                                 workspace, nullptr, ipo::matrix_view<T>(d_logits, rows, vocab));
  L::preference_loss_result gpu;
  L::cuda::read_preference_loss(d_workspace, rows, sequences, nullptr, gpu);
  std::vector<T> gpu_gradient(rows * vocab);
  cudaMemcpy(gpu_gradient.data(), d_logits, gpu_gradient.size() * sizeof(T),
             cudaMemcpyDeviceToHost);
  cudaFree(d_logits);
  cudaFree(d_labels);
  cudaFree(d_ref);
  cudaFree(d_workspace);

  expect(std::fabs(gpu.loss - cpu.loss) <= 1e-6 * std::fabs(cpu.loss) + 1e-7, O::name(), gpu.loss,
         cpu.loss);
  for (std::size_t s = 0; s < sequences; ++s) {
    expect(std::fabs(gpu.policy_logps[s] - cpu.policy_logps[s]) <=
               1e-6 * std::fabs(cpu.policy_logps[s]),
           "policy_logps", gpu.policy_logps[s], cpu.policy_logps[s]);
  }
  double max_gradient = 1e-30, max_error = 0;
  for (std::size_t k = 0; k < cpu_gradient.size(); ++k) {
    max_gradient = std::max(max_gradient, std::fabs(double(ipo::to_float(cpu_gradient[k]))));
    max_error = std::max(max_error, std::fabs(double(ipo::to_float(cpu_gradient[k])) -
                                              ipo::to_float(gpu_gradient[k])));
  }
  double const tolerance = std::is_same_v<T, float> ? 1e-5 : std::ldexp(1.0, -7);
  expect(max_error <= tolerance * max_gradient, "gradient", max_error, max_gradient);
}

// The largest difference between a device array (of T) and the CPU's fp32 one, and the
// largest CPU entry.
template <class T>
std::pair<double, double> max_difference(T const* device, std::vector<float> const& cpu) {
  std::vector<T> host(cpu.size());
  cudaMemcpy(host.data(), device, host.size() * sizeof(T), cudaMemcpyDeviceToHost);
  double scale = 1e-30, error = 0;
  for (std::size_t k = 0; k < cpu.size(); ++k) {
    scale = std::max(scale, std::fabs(double(cpu[k])));
    double const difference = std::fabs(double(cpu[k]) - double(ipo::to_float(host[k])));
    error = std::isfinite(difference) ? std::max(error, difference) : HUGE_VAL; // NaN shows
  }
  return {error, scale};
}

// The fused linear variant (cuBLAS; tensor cores for bf16 / fp16) against the CPU one, which
// runs in fp32 on the same values (the 16-bit inputs widened exactly). The gradients' buffers
// start as NaN: the call must write every entry (the first chunk writes d(weight), the later
// ones add to it).
template <class T>
void compare_fused_linear(std::size_t pairs, std::size_t seq_len, std::size_t width,
                          std::size_t vocab, std::size_t chunk_rows) {
  std::size_t const rows = 2 * pairs * seq_len, sequences = 2 * pairs;
  std::mt19937 rng(9);
  std::normal_distribution<float> value(0.0f, 0.3f);
  std::vector<T> hidden(rows * width), weight(vocab * width), bias(vocab);
  std::vector<float> hidden32(hidden.size()), weight32(weight.size()), bias32(bias.size());
  for (auto [v, v32] :
       {std::pair{&hidden, &hidden32}, std::pair{&weight, &weight32}, std::pair{&bias, &bias32}}) {
    for (std::size_t k = 0; k < v->size(); ++k) {
      (*v)[k] = ipo::from_float<T>(value(rng));
      (*v32)[k] = ipo::to_float((*v)[k]);
    }
  }
  std::vector<std::int64_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    labels[r] = (r % seq_len) < seq_len / 2 ? -100 : static_cast<std::int64_t>(rng() % vocab);
  }
  std::vector<float> ref(sequences, -40.0f);
  L::preference_loss_options o;
  o.sequence_length = seq_len;
  std::vector<float> cpu_dh(rows * width), cpu_dw(vocab * width), cpu_db(vocab);
  L::preference_loss_result cpu;
  L::fused_linear_preference_loss(
      ipo::matrix_view<float const>(hidden32.data(), rows, width),
      ipo::matrix_view<float const>(weight32.data(), vocab, width), std::span<float const>(bias32),
      std::span<std::int64_t const>(labels), L::linear_reference{ref, {}, {}, {}},
      L::sigmoid_loss{}, o, {}, cpu,
      {ipo::matrix_view<float>(cpu_dh.data(), rows, width),
       ipo::matrix_view<float>(cpu_dw.data(), vocab, width), std::span<float>(cpu_db)});
  auto upload = [](auto const& host) {
    using V = typename std::decay_t<decltype(host)>::value_type;
    V* device = nullptr;
    L::cuda::check_cuda(cudaMalloc(&device, host.size() * sizeof(V)), "cudaMalloc");
    cudaMemcpy(device, host.data(), host.size() * sizeof(V), cudaMemcpyHostToDevice);
    return device;
  };
  T* d_hidden = upload(hidden);
  T* d_weight = upload(weight);
  T* d_bias = upload(bias);
  std::int64_t* d_labels = upload(labels);
  float* d_ref = upload(ref);
  T* g_hidden = upload(hidden); // all three overwritten by the call
  float* g_weight = upload(cpu_dw);
  float* g_bias = upload(cpu_db);
  cudaMemset(g_hidden, 0xFF, hidden.size() * sizeof(T)); // NaN in every type
  cudaMemset(g_weight, 0xFF, cpu_dw.size() * sizeof(float));
  cudaMemset(g_bias, 0xFF, cpu_db.size() * sizeof(float));
  std::size_t const bytes =
      L::cuda::fused_linear_workspace_bytes<T>(rows, sequences, width, vocab, chunk_rows);
  void* workspace = nullptr;
  L::cuda::check_cuda(cudaMalloc(&workspace, bytes), "cudaMalloc");
  cublasHandle_t handle;
  cublasCreate(&handle);
  L::preference_loss_result gpu;
  L::cuda::fused_linear_preference_loss<T>(
      handle, ipo::matrix_view<T const>(d_hidden, rows, width),
      ipo::matrix_view<T const>(d_weight, vocab, width), d_bias, d_labels, d_ref, L::sigmoid_loss{},
      o, chunk_rows, workspace, bytes, nullptr,
      {ipo::matrix_view<T>(g_hidden, rows, width), ipo::matrix_view<float>(g_weight, vocab, width),
       g_bias},
      gpu);
  // fp32: products in another order. bf16 / fp16: the logits gradient is rounded to T before
  // the backward products and d(hidden) is stored in T.
  double const loss_tolerance = 1e-5, gradient_tolerance = std::is_same_v<T, float> ? 1e-4
                                                           : std::is_same_v<T, ipo::bf16>
                                                               ? std::ldexp(1.0, -6)
                                                               : std::ldexp(1.0, -9);
  expect(std::fabs(gpu.loss - cpu.loss) <= loss_tolerance * std::fabs(cpu.loss),
         "fused linear loss", gpu.loss, cpu.loss);
  for (auto [name, got] : {std::pair{"fused linear d(weight)", max_difference(g_weight, cpu_dw)},
                           std::pair{"fused linear d(bias)", max_difference(g_bias, cpu_db)},
                           std::pair{"fused linear d(hidden)", max_difference(g_hidden, cpu_dh)}}) {
    expect(got.first <= gradient_tolerance * got.second, name, got.first, got.second);
  }
  cublasDestroy(handle);
  for (void* p : {(void*)d_hidden, (void*)d_weight, (void*)d_bias, (void*)d_labels, (void*)d_ref,
                  (void*)g_hidden, (void*)g_weight, (void*)g_bias, workspace}) {
    cudaFree(p);
  }
}

// Gradients whose shapes do not match the inputs are argument errors naming the gradient and
// both shapes, found on the host before the call touches memory: this runs without a GPU too
// (the pointers are never dereferenced).
void check_fused_linear_gradient_shapes() {
  constexpr std::size_t rows = 8, width = 4, vocab = 9;
  auto* fake = reinterpret_cast<float*>(std::uintptr_t{4096});
  auto const* labels = reinterpret_cast<std::int64_t const*>(std::uintptr_t{4096});
  L::preference_loss_options o;
  o.sequence_length = 4;
  L::preference_loss_result out;
  auto message = [&](L::cuda::device_linear_gradients gradients) -> std::string {
    try {
      L::cuda::fused_linear_preference_loss<float>(
          nullptr, ipo::matrix_view<float const>(fake, rows, width),
          ipo::matrix_view<float const>(fake, vocab, width), nullptr, labels, fake,
          L::sigmoid_loss{}, o, rows, fake, std::size_t{1} << 40, nullptr, gradients, out);
    } catch (ipo::argument_error const& e) {
      return e.what();
    } catch (std::exception const& e) {
      return std::string("another error: ") + e.what();
    }
    return "no error";
  };
  std::string const fn = "ipo::loss::cuda::fused_linear_preference_loss: argument ";
  std::pair<std::string, std::string> const cases[] = {
      {message({ipo::matrix_view<float>(fake, rows + 1, width), {}, nullptr}),
       fn + "'gradients.hidden.shape' = \"9x4\" is invalid: expected 8x4"},
      {message({{}, ipo::matrix_view<float>(fake, vocab, width + 1), nullptr}),
       fn + "'gradients.weight.shape' = \"9x5\" is invalid: expected 9x4"},
      {message({{}, ipo::matrix_view<float>(fake, vocab - 1, width), nullptr}),
       fn + "'gradients.weight.shape' = \"8x4\" is invalid: expected 9x4"},
  };
  for (auto const& [got, want] : cases) {
    if (got != want) {
      ++failures;
      std::printf("FAILED: argument error\n  got:  %s\n  want: %s\n", got.c_str(), want.c_str());
    }
  }
}

__global__ void fp16_conversions(std::uint16_t const* halves, float* widened, float const* floats,
                                 std::uint16_t* rounded, std::uint16_t* rounded_bf16,
                                 std::size_t n) {
  std::size_t const i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
  if (i < 65536) {
    widened[i] = ipo::fp16::from_bits(halves[i]).to_float();
  }
  if (i < n) {
    rounded[i] = ipo::fp16::from_float(floats[i]).bits;
    rounded_bf16[i] = ipo::bf16::from_float(floats[i]).bits;
  }
}

// The device's fp16 conversions (cvt instructions, NaN by the software rule) bit for bit
// against the host's software ones: every half widened, and floats rounded: every half's
// value, each midpoint between neighbours (ties) and one float ulp either side, the edges of
// overflow and of the subnormal range, NaNs with payloads, and random bit patterns. The same
// floats rounded to bf16 (one cvt on sm_80 and later), and every bf16 tie and its neighbours.
void compare_fp16_conversions() {
  std::vector<std::uint16_t> halves(65536);
  std::vector<float> floats;
  for (std::uint32_t h = 0; h < 65536; ++h) {
    halves[h] = static_cast<std::uint16_t>(h);
    float const value = ipo::fp16::from_bits(static_cast<std::uint16_t>(h)).to_float();
    floats.push_back(value);
    float const next = ipo::fp16::from_bits(static_cast<std::uint16_t>(h + 1)).to_float();
    if ((h & 0x7fffu) < 0x7bffu && std::isfinite(value) && std::isfinite(next)) {
      float const middle = static_cast<float>((double(value) + double(next)) / 2);
      floats.insert(floats.end(),
                    {middle, std::nextafter(middle, 0.0f), std::nextafter(middle, middle * 4)});
    }
  }
  for (float v : {65504.0f, 65519.996f, 65520.0f, 0x1p-24f, 0x1p-25f, 0x1.000002p-25f, 0x1.8p-24f,
                  0x1p-14f, 0x1.ffcp-15f, 1e-30f}) {
    floats.insert(floats.end(), {v, -v});
  }
  std::mt19937 rng(11);
  for (int k = 0; k < (1 << 20); ++k) {
    floats.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
  }
  for (std::uint32_t b = 0; b < 65536; ++b) { // bf16 midpoints (ties) and a float ulp either side
    std::uint32_t const tie = (b << 16) | 0x8000u;
    floats.insert(floats.end(), {std::bit_cast<float>(tie), std::bit_cast<float>(tie - 1),
                                 std::bit_cast<float>(tie + 1)});
  }
  std::size_t const n = floats.size();
  std::uint16_t *d_halves = nullptr, *d_rounded = nullptr, *d_rounded_bf16 = nullptr;
  float *d_widened = nullptr, *d_floats = nullptr;
  L::cuda::check_cuda(cudaMalloc(&d_halves, 65536 * sizeof(std::uint16_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_widened, 65536 * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_floats, n * sizeof(float)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_rounded, n * sizeof(std::uint16_t)), "cudaMalloc");
  L::cuda::check_cuda(cudaMalloc(&d_rounded_bf16, n * sizeof(std::uint16_t)), "cudaMalloc");
  cudaMemcpy(d_halves, halves.data(), 65536 * sizeof(std::uint16_t), cudaMemcpyHostToDevice);
  cudaMemcpy(d_floats, floats.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  fp16_conversions<<<static_cast<unsigned>((n + 255) / 256), 256>>>(d_halves, d_widened, d_floats,
                                                                    d_rounded, d_rounded_bf16, n);
  L::cuda::check_cuda(cudaGetLastError(), "fp16_conversions");
  std::vector<float> widened(65536);
  std::vector<std::uint16_t> rounded(n), rounded_bf16(n);
  cudaMemcpy(widened.data(), d_widened, 65536 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(rounded.data(), d_rounded, n * sizeof(std::uint16_t), cudaMemcpyDeviceToHost);
  cudaMemcpy(rounded_bf16.data(), d_rounded_bf16, n * sizeof(std::uint16_t),
             cudaMemcpyDeviceToHost);
  for (void* p : {(void*)d_halves, (void*)d_widened, (void*)d_floats, (void*)d_rounded,
                  (void*)d_rounded_bf16}) {
    cudaFree(p);
  }
  int wrong_widened = 0, wrong_rounded = 0;
  for (std::uint32_t h = 0; h < 65536; ++h) {
    float const want = ipo::fp16::from_bits(static_cast<std::uint16_t>(h)).to_float();
    if (std::bit_cast<std::uint32_t>(widened[h]) != std::bit_cast<std::uint32_t>(want) &&
        wrong_widened++ == 0) {
      expect(false, "fp16 widened on the device", widened[h], want);
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    std::uint16_t const want = ipo::fp16::from_float(floats[k]).bits;
    if (rounded[k] != want && wrong_rounded++ == 0) {
      expect(false, "fp16 rounded on the device (bits)", rounded[k], want);
    }
  }
  int wrong_bf16 = 0;
  for (std::size_t k = 0; k < n; ++k) {
    std::uint16_t const want = ipo::bf16::from_float(floats[k]).bits;
    if (rounded_bf16[k] != want && wrong_bf16++ == 0) {
      expect(false, "bf16 rounded on the device (bits)", rounded_bf16[k], want);
    }
  }
  std::printf("fp16 conversions: %d of 65536 widened and %d of %zu rounded differ from the host; "
              "bf16: %d of %zu rounded differ\n",
              wrong_widened, wrong_rounded, n, wrong_bf16, n);
}

} // namespace

std::size_t ipo_second_translation_unit_workspace();

int main() {
  if (ipo_second_translation_unit_workspace() == 0) { // links the second translation unit
    return 1;
  }
  check_fused_linear_gradient_shapes();
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf(
        "SKIPPED: no CUDA device on this machine; the kernel logic is tested on the host by "
        "ipo_test_loss (emulated kernels).\n");
    return failures == 0 ? 77 : 1; // the host-side checks above ran
  }
  compare_fp16_conversions();
  compare<float>(8, 64, 32000, L::sigmoid_loss{0.1}, 1);
  compare<float>(4, 33, 1001, L::simpo_loss{}, 2);
  compare<ipo::bf16>(4, 64, 50257, L::identity_po_loss{}, 3);
  compare<ipo::fp16>(2, 16, 4099, L::discopop_loss{}, 4);
  // About 15 scored rows per sequence: one chunk of every pair, or a pair per chunk.
  compare_fused_linear<float>(4, 32, 256, 5003, 128);
  compare_fused_linear<float>(4, 32, 256, 5003, 32);
  compare_fused_linear<ipo::bf16>(4, 32, 256, 5003, 128);
  compare_fused_linear<ipo::bf16>(4, 32, 256, 5003, 32);
  compare_fused_linear<ipo::fp16>(2, 16, 128, 4099, 64);
  std::printf("%d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
