// ipo/loss/batch_objectives.hpp: objectives that see every pair of the batch at once, and the
// weighted sums of loss types that TRL's DPOTrainer accepts.
//
// A PairwiseObjective (objectives.hpp) maps one pair's log-ratios to its loss. Two of TRL's
// loss types do not: AOT (Melnyk et al.) sorts the batch's log-ratio margins and pairs them by
// rank, so pair i's loss depends on every other pair. A BatchObjective receives all pairs'
// log-probabilities (policy and reference, with token counts) and writes each pair's loss and
// its derivatives with respect to that pair's policy log-probabilities; the mean over pairs is
// the loss. The CPU entry points accept both kinds; the CUDA ones take PairwiseObjective only.
//
// weighted_objectives is TRL's `loss_type` list with `loss_weights` as one BatchObjective: a
// runtime sum of weighted loss types that follows TRL 1.16's definitions exactly, including
// its f_divergence_type for the loss types that use the scores. TRL's "sft" type is not a pair
// objective: give its weight to preference_loss_options::nll_weight with
// nll_reduction::batch_tokens (trl_loss_spec does that split).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/loss/detail/math.hpp"
#include "ipo/loss/objectives.hpp"

namespace ipo::loss {

/// One pair as a batch objective sees it (in fp64).
struct pair_logps {
  double chosen;          ///< log pi(chosen): summed over its scored tokens
  double rejected;        ///< log pi(rejected)
  double ref_chosen;      ///< log pi_ref(chosen); 0 when reference-free
  double ref_rejected;    ///< log pi_ref(rejected)
  double chosen_tokens;   ///< n_c >= 1
  double rejected_tokens; ///< n_r >= 1
};

/// An objective over all pairs: `evaluate(pairs, out)` writes out[i] = pair i's loss and its
/// derivatives with respect to pairs[i].chosen and pairs[i].rejected (the loss is the mean of
/// out[i].loss). `needs_all_pairs()` tells whether a pair's loss depends on other pairs (then
/// the fused linear variant computes every pair's log-probabilities before any gradient).
template <class O>
concept BatchObjective = std::copyable<O> &&
    requires(O const& objective, std::span<pair_logps const> pairs,
             std::span<pair_loss<double>> out) {
  { objective.beta } -> std::convertible_to<double>;
  objective.evaluate(pairs, out);
  { objective.needs_all_pairs() } -> std::convertible_to<bool>;
  { objective.name() } -> std::convertible_to<std::string_view>;
  { objective.reference_free } -> std::convertible_to<bool>;
};

/// Any objective the CPU entry points take.
template <class O>
concept Objective = PairwiseObjective<O> || BatchObjective<O>;

namespace detail {
/// The indices that sort `values` ascending (ties keep their order).
inline std::vector<std::size_t> sorted_order(std::vector<double> const& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  return order;
}
/// -(1 - e) log s(b x) - e log s(-b x) and its derivative with respect to x.
inline std::pair<double, double> smoothed_sigmoid(double beta, double e, double x) noexcept {
  double const z = beta * x;
  return {-(1 - e) * log_sigmoid(z) - e * log_sigmoid(-z),
          beta * (-(1 - e) * sigmoid(-z) + e * sigmoid(z))};
}
} // namespace detail

/// AOT (alignment via optimal transport): the margins m_i = log pi(c_i) - log pi(r_i) and the
/// reference margins m'_i are sorted separately and paired by rank; with d_k = sorted(m)_k -
/// sorted(m')_k, the loss at rank k is -(1 - e) log s(b d_k) - e log s(-b d_k). Unpaired
/// (aot_unpaired): the chosen log-ratios c_i and the rejected ones r_i are sorted separately and
/// d_k = sorted(c)_k - sorted(r)_k. Rank k's loss is reported as the loss of the pair whose
/// chosen side sits at rank k.
struct aot_loss {
  double beta = 0.1;
  double label_smoothing = 0.0; ///< e in [0, 0.5)
  bool unpaired = false;
  bool reference_free = false;
  std::string_view name() const noexcept { return unpaired ? "aot_unpaired" : "aot"; }
  bool needs_all_pairs() const noexcept { return true; }

  void evaluate(std::span<pair_logps const> pairs, std::span<pair_loss<double>> out) const {
    std::size_t const n = pairs.size();
    std::vector<double> first(n), second(n);
    for (std::size_t i = 0; i < n; ++i) {
      pair_logps const& p = pairs[i];
      if (unpaired) {
        first[i] = p.chosen - p.ref_chosen;      // c_i
        second[i] = p.rejected - p.ref_rejected; // r_i
      } else {
        first[i] = p.chosen - p.rejected;          // m_i
        second[i] = p.ref_chosen - p.ref_rejected; // m'_i (no gradient)
      }
      out[i] = {0.0, 0.0, 0.0};
    }
    std::vector<std::size_t> const by_first = detail::sorted_order(first);
    std::vector<std::size_t> const by_second = detail::sorted_order(second);
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t const a = by_first[k], b = by_second[k];
      auto const [value, derivative] =
          detail::smoothed_sigmoid(beta, label_smoothing, first[a] - second[b]);
      out[a].loss = value;
      if (unpaired) {
        out[a].d_chosen += derivative;   // d/dc_a
        out[b].d_rejected -= derivative; // d/dr_b
      } else {
        out[a].d_chosen += derivative; // d m_a / d log pi(c_a) = 1
        out[a].d_rejected -= derivative;
      }
    }
  }
};

/// TRL's loss types ("ipo" is identity preference optimisation; ipo's own "simpo" is added).
enum class loss_type {
  sigmoid,
  hinge,
  ipo,
  exo_pair,
  nca_pair,
  robust,
  bco_pair,
  sppo_hard,
  aot,
  aot_unpaired,
  apo_zero,
  apo_down,
  discopop,
  sigmoid_norm,
  simpo,
};

/// The name TRL gives a loss type.
constexpr char const* loss_type_name(loss_type t) noexcept {
  constexpr char const* names[] = {"sigmoid",  "hinge",        "ipo",      "exo_pair",
                                   "nca_pair", "robust",       "bco_pair", "sppo_hard",
                                   "aot",      "aot_unpaired", "apo_zero", "apo_down",
                                   "discopop", "sigmoid_norm", "simpo"};
  return names[static_cast<std::size_t>(t)];
}

/// The loss type TRL calls `name`, or none ("sft" is not one: see trl_loss_spec).
inline std::optional<loss_type> parse_loss_type(std::string_view name) noexcept {
  for (int k = 0; k <= static_cast<int>(loss_type::simpo); ++k) {
    if (name == loss_type_name(static_cast<loss_type>(k))) {
      return static_cast<loss_type>(k);
    }
  }
  return std::nullopt;
}

/// The parameters TRL's DPOConfig gives the loss types.
struct loss_parameters {
  double beta = 0.1;
  double label_smoothing = 0.0; ///< robust, exo_pair (its epsilon: must be > 0), aot; TRL's
                                ///< sigmoid ignores it
  double discopop_tau = 0.05;
  double simpo_gamma = 0.5;
  f_divergence divergence = f_divergence::reverse_kl;
  double f_alpha_divergence_coef = 1.0;
};

/// A weighted sum of loss types with TRL's semantics (see the top of this file).
class weighted_objectives {
public:
  struct term {
    loss_type type;
    double weight;
  };

  /// Throws ipo::argument_error for no term, a non-finite weight, or parameters a term cannot
  /// take (TRL's own checks: exo_pair needs label_smoothing > 0, robust < 0.5).
  weighted_objectives(std::vector<term> terms, loss_parameters parameters)
      : beta(parameters.beta), terms_(std::move(terms)), p_(parameters) {
    constexpr char const* fn = "ipo::loss::weighted_objectives";
    check_argument(!terms_.empty(), fn, "terms.size()", 0, "at least one loss type");
    check_argument(std::isfinite(p_.beta) && p_.beta > 0, fn, "parameters.beta", p_.beta,
                   "a finite value > 0");
    check_argument(p_.label_smoothing >= 0 && p_.label_smoothing < 0.5, fn,
                   "parameters.label_smoothing", p_.label_smoothing, "a value in [0, 0.5)");
    check_argument(std::isfinite(p_.discopop_tau) && p_.discopop_tau > 0, fn,
                   "parameters.discopop_tau", p_.discopop_tau, "a finite value > 0");
    check_argument(std::isfinite(p_.f_alpha_divergence_coef), fn,
                   "parameters.f_alpha_divergence_coef", p_.f_alpha_divergence_coef,
                   "a finite value");
    for (std::size_t k = 0; k < terms_.size(); ++k) {
      std::string const where = "terms[" + std::to_string(k) + "]";
      check_argument(std::isfinite(terms_[k].weight), fn, where + ".weight", terms_[k].weight,
                     "a finite weight");
      if (terms_[k].type == loss_type::exo_pair) {
        check_argument(p_.label_smoothing > 0, fn, "parameters.label_smoothing", p_.label_smoothing,
                       "> 0 for exo_pair (its epsilon; TRL refuses 0 too)");
      }
      reference_free = reference_free || terms_[k].type == loss_type::simpo;
    }
  }

  double beta;
  bool reference_free = false; ///< true when a term is reference-free (simpo)

  std::string_view name() const noexcept { return "weighted"; }
  bool needs_all_pairs() const noexcept {
    return std::any_of(terms_.begin(), terms_.end(), [](term const& t) {
      return t.type == loss_type::aot || t.type == loss_type::aot_unpaired;
    });
  }
  std::vector<term> const& terms() const noexcept { return terms_; }
  loss_parameters const& parameters() const noexcept { return p_; }

  void evaluate(std::span<pair_logps const> pairs, std::span<pair_loss<double>> out) const {
    std::fill(out.begin(), out.end(), pair_loss<double>{0.0, 0.0, 0.0});
    std::vector<pair_loss<double>> part(pairs.size());
    for (term const& t : terms_) {
      if (t.type == loss_type::aot || t.type == loss_type::aot_unpaired) {
        aot_loss{p_.beta, p_.label_smoothing, t.type == loss_type::aot_unpaired}.evaluate(pairs,
                                                                                          part);
      } else {
        for (std::size_t i = 0; i < pairs.size(); ++i) {
          part[i] = pairwise(t.type, pairs[i]);
        }
      }
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        out[i].loss += t.weight * part[i].loss;
        out[i].d_chosen += t.weight * part[i].d_chosen;
        out[i].d_rejected += t.weight * part[i].d_rejected;
      }
    }
  }

private:
  /// One pairwise term; the loss types TRL feeds its scores get the f-divergence.
  pair_loss<double> pairwise(loss_type type, pair_logps const& p) const {
    double const c = p.chosen - p.ref_chosen, r = p.rejected - p.ref_rejected;
    pair_logratios<double> const x{c, r, p.chosen_tokens, p.rejected_tokens};
    auto scored = [&](auto objective) {
      return with_f_divergence(objective, p_.divergence, p_.f_alpha_divergence_coef)(x);
    };
    switch (type) {
    case loss_type::sigmoid:
      return scored(sigmoid_loss{p_.beta, 0.0}); // TRL's sigmoid ignores label smoothing
    case loss_type::hinge:
      return scored(hinge_loss{p_.beta});
    case loss_type::ipo:
      return scored(identity_po_loss{p_.beta, true});
    case loss_type::exo_pair:
      return scored(exo_pair_loss{p_.beta, p_.label_smoothing});
    case loss_type::robust:
      return scored(robust_loss{p_.beta, p_.label_smoothing});
    case loss_type::discopop:
      return scored(discopop_loss{p_.beta, p_.discopop_tau});
    case loss_type::sigmoid_norm:
      return scored(sigmoid_norm_loss{p_.beta});
    case loss_type::nca_pair:
      return nca_pair_loss{p_.beta}(x);
    case loss_type::bco_pair:
      return bco_pair_loss{p_.beta}(x);
    case loss_type::sppo_hard:
      return sppo_hard_loss{p_.beta}(x);
    case loss_type::apo_zero:
      return apo_zero_loss{p_.beta}(x);
    case loss_type::apo_down:
      return apo_down_loss{p_.beta}(x);
    case loss_type::simpo: // reference-free: c and r are the policy log-probabilities
      return simpo_loss{p_.beta, p_.simpo_gamma}(
          pair_logratios<double>{p.chosen, p.rejected, p.chosen_tokens, p.rejected_tokens});
    case loss_type::aot:
    case loss_type::aot_unpaired:
      break;
    }
    return {0.0, 0.0, 0.0};
  }

  std::vector<term> terms_;
  loss_parameters p_;
};

/// TRL's `loss_type` list and `loss_weights` split into what ipo computes them with: the pair
/// objectives (weighted_objectives) and the weight of "sft", which is the NLL term averaged
/// over the batch's chosen tokens (nll_reduction::batch_tokens).
struct trl_loss_spec {
  std::optional<weighted_objectives> objectives; ///< none when the list is only "sft"
  double sft_weight = 0.0;
};

/// Builds the split from TRL's names and weights (empty weights: all 1, as TRL). Throws
/// ipo::argument_error naming an unknown loss type or a weight count that does not match.
inline trl_loss_spec make_trl_loss_spec(std::vector<std::string> const& types,
                                        std::vector<double> const& weights,
                                        loss_parameters const& parameters) {
  constexpr char const* fn = "ipo::loss::make_trl_loss_spec";
  check_argument(!types.empty(), fn, "loss_type", "[]", "at least one loss type");
  check_argument(weights.empty() || weights.size() == types.size(), fn, "loss_weights.size()",
                 weights.size(), "one weight per loss type (" + std::to_string(types.size()) + ")");
  trl_loss_spec spec;
  std::vector<weighted_objectives::term> terms;
  for (std::size_t k = 0; k < types.size(); ++k) {
    double const w = weights.empty() ? 1.0 : weights[k];
    if (types[k] == "sft") {
      spec.sft_weight += w;
      continue;
    }
    std::optional<loss_type> const t = parse_loss_type(types[k]);
    if (!t) {
      throw_argument_error(fn, "loss_type[" + std::to_string(k) + "]", types[k],
                           "one of sigmoid, hinge, ipo, exo_pair, nca_pair, robust, bco_pair, "
                           "sppo_hard, aot, aot_unpaired, apo_zero, apo_down, discopop, "
                           "sigmoid_norm, simpo, sft");
    }
    terms.push_back({*t, w});
  }
  if (!terms.empty()) {
    spec.objectives.emplace(std::move(terms), parameters);
  }
  return spec;
}

static_assert(BatchObjective<aot_loss> && BatchObjective<weighted_objectives>);

} // namespace ipo::loss
