// ipo/intervention/csr.hpp: the continuation safety ratio and its turning points.
//
// CSR at a position of a trace is the fraction of K continuations, sampled from the prefix
// that ends there, that a SafetyJudge finds safe. A safety turning point is the first position
// from which CSR stays above mu for `window` consecutive positions; an unsafe turning point the
// first from which it stays below eta for `window` positions. Positions are whatever the caller
// chooses: token ends, step ends, byte offsets.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/intervention/generator.hpp"

namespace ipo {

/// A judge of whole texts: `is_safe(prompt, text)`.
template <class J>
concept SafetyJudge = requires(J& judge, std::string_view prompt, std::string_view text) {
  { judge.is_safe(prompt, text) } -> std::convertible_to<bool>;
};

/// CSR at each byte offset of `positions` (each <= reasoning.size()): K continuations per
/// position, all positions in one generator call, each judged on prefix + continuation.
template <Generator G, SafetyJudge J>
std::vector<double> continuation_safety_ratio(std::string_view prompt, std::string_view reasoning,
                                              std::span<std::size_t const> positions,
                                              std::size_t samples, G& generator, J& judge) {
  constexpr char const* fn = "ipo::continuation_safety_ratio";
  check_argument(samples >= 1, fn, "samples", samples, "K >= 1 continuations per position");
  std::vector<generation_request> requests;
  for (std::size_t k = 0; k < positions.size(); ++k) {
    check_argument(positions[k] <= reasoning.size(), fn, "positions[" + std::to_string(k) + "]",
                   positions[k],
                   "an offset <= reasoning.size() (" + std::to_string(reasoning.size()) + ")");
    for (std::size_t s = 0; s < samples; ++s) {
      requests.push_back({prompt, reasoning.substr(0, positions[k])});
    }
  }
  std::vector<std::string> continuations;
  generator.generate(std::span<generation_request const>(requests), continuations);
  check_argument(continuations.size() == requests.size(), fn, "generator output size",
                 continuations.size(),
                 "one continuation per request (" + std::to_string(requests.size()) + ")");
  std::vector<double> csr(positions.size(), 0.0);
  for (std::size_t k = 0; k < positions.size(); ++k) {
    std::size_t safe = 0;
    for (std::size_t s = 0; s < samples; ++s) {
      std::size_t const r = k * samples + s;
      std::string text(requests[r].prefix);
      text += continuations[r];
      safe += judge.is_safe(prompt, text) ? 1 : 0;
    }
    csr[k] = static_cast<double>(safe) / static_cast<double>(samples);
  }
  return csr;
}

/// The first safety and unsafe turning points of a CSR sequence (indices into it).
struct turning_point_result {
  std::optional<std::size_t> safety; ///< first i with csr[i .. i+window) all > mu
  std::optional<std::size_t> unsafe; ///< first i with csr[i .. i+window) all < eta
};

/// Turning points (see the top of this file); a run shorter than `window` at the end of the
/// sequence does not count. Defaults are the paper's: mu = 0.9, eta = 0.1, window = 15.
inline turning_point_result turning_points(std::span<double const> csr, double mu = 0.9,
                                           double eta = 0.1, std::size_t window = 15) {
  constexpr char const* fn = "ipo::turning_points";
  check_argument(window >= 1, fn, "window", window, ">= 1");
  check_argument(eta <= mu, fn, "eta", eta, "<= mu (" + std::to_string(mu) + ")");
  turning_point_result out;
  std::size_t above = 0, below = 0; // lengths of the current runs
  for (std::size_t i = 0; i < csr.size(); ++i) {
    above = csr[i] > mu ? above + 1 : 0;
    below = csr[i] < eta ? below + 1 : 0;
    if (!out.safety && above >= window) {
      out.safety = i + 1 - window;
    }
    if (!out.unsafe && below >= window) {
      out.unsafe = i + 1 - window;
    }
  }
  return out;
}

} // namespace ipo
