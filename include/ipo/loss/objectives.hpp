// ipo/loss/objectives.hpp: the DPO-family pairwise objectives, with exact derivatives.
//
// Every objective sees one preference pair through its two log-ratios
//   c = log pi(chosen | prompt)   - log pi_ref(chosen | prompt)
//   r = log pi(rejected | prompt) - log pi_ref(rejected | prompt)
// (sums of per-token log-probabilities over the scored tokens; for reference-free objectives
// the reference terms are 0) and the numbers of scored tokens n_c and n_r. It returns the loss
// and its derivatives with respect to c and r. Length-normalising objectives divide by n_c and
// n_r internally, so the derivatives are always with respect to the summed log-ratios.
//
// The formulas follow TRL's DPOTrainer loss types; s is the logistic sigmoid, d = c - r, b =
// beta. Everything is written once as IPO_HOST_DEVICE code for the CPU and CUDA backends, and
// stays finite for |b * d| up to 1e4 and beyond (log-sigmoid via softplus, no exp overflow).
#pragma once

#include <cmath>
#include <concepts>

#include "ipo/config.hpp"
#include "ipo/loss/detail/math.hpp"

namespace ipo::loss {

/// One pair as an objective sees it. T is float (kernels) or double (host reference paths).
template <class T>
struct pair_logratios {
  T chosen;          ///< c: summed log-ratio of the chosen side
  T rejected;        ///< r: summed log-ratio of the rejected side
  T chosen_tokens;   ///< n_c >= 1: scored tokens of the chosen side
  T rejected_tokens; ///< n_r >= 1: scored tokens of the rejected side
};

/// An objective's value and its derivatives with respect to c and r.
template <class T>
struct pair_loss {
  T loss;
  T d_chosen;
  T d_rejected;
};

/// A pairwise objective: a copyable type with `beta` and a call operator from
/// pair_logratios<T> to pair_loss<T>, for T = float and T = double.
template <class O>
concept PairwiseObjective = std::copyable<O> && requires(O const& objective) {
  { objective.beta } -> std::convertible_to<double>;
  { objective(pair_logratios<float>{}) } -> std::same_as<pair_loss<float>>;
  { objective(pair_logratios<double>{}) } -> std::same_as<pair_loss<double>>;
  { O::name() } -> std::convertible_to<char const*>;
  { O::reference_free } -> std::convertible_to<bool>;
};

namespace detail {
/// Loss and derivatives of a function of z = b * (c - r) alone, given f(z) and f'(z).
template <class T>
IPO_HOST_DEVICE IPO_INLINE pair_loss<T> of_margin(T value, T derivative_z, T beta) noexcept {
  return {value, beta * derivative_z, -beta * derivative_z};
}
} // namespace detail

/// Sigmoid DPO (the paper's objective), with optional label smoothing (conservative DPO):
/// -(1 - e) log s(b d) - e log s(-b d). TRL 1.16's "sigmoid" ignores label_smoothing (it is
/// this formula with e = 0); ipo applies it, as conservative DPO defines it.
struct sigmoid_loss {
  double beta = 0.1;
  double label_smoothing = 0.0; ///< e in [0, 0.5)
  static constexpr char const* name() noexcept { return "sigmoid"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta), e = T(label_smoothing);
    T const z = b * (p.chosen - p.rejected);
    T const value = -(T(1) - e) * detail::log_sigmoid(z) - e * detail::log_sigmoid(-z);
    T const dz = -(T(1) - e) * detail::sigmoid(-z) + e * detail::sigmoid(z);
    return detail::of_margin(value, dz, b);
  }
};

/// Hinge (SLiC): max(0, 1 - b d). At the kink the derivative of the zero side is used.
struct hinge_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "hinge"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta);
    T const slack = T(1) - b * (p.chosen - p.rejected);
    return slack > T(0) ? detail::of_margin(slack, T(-1), b) : pair_loss<T>{T(0), T(0), T(0)};
  }
};

/// Identity preference optimisation (Azar et al., called IPO elsewhere; not the Intervened
/// Preference Optimization of this library): (a - 1/(2b))^2 with a = c/n_c - r/n_r
/// (length-averaged, as TRL does) or a = c - r when `length_normalized` is false.
struct identity_po_loss {
  double beta = 0.1;
  bool length_normalized = true;
  static constexpr char const* name() noexcept { return "identity_po"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const scale_c = length_normalized ? T(1) / p.chosen_tokens : T(1);
    T const scale_r = length_normalized ? T(1) / p.rejected_tokens : T(1);
    T const gap = p.chosen * scale_c - p.rejected * scale_r - T(1) / (T(2) * T(beta));
    return {gap * gap, T(2) * gap * scale_c, -T(2) * gap * scale_r};
  }
};

/// Robust DPO (Chowdhury et al.): [-(1 - e) log s(b d) + e log s(-b d)] / (1 - 2e).
struct robust_loss {
  double beta = 0.1;
  double label_smoothing = 0.0; ///< e in [0, 0.5)
  static constexpr char const* name() noexcept { return "robust"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta), e = T(label_smoothing), norm = T(1) / (T(1) - T(2) * e);
    T const z = b * (p.chosen - p.rejected);
    T const value = (-(T(1) - e) * detail::log_sigmoid(z) + e * detail::log_sigmoid(-z)) * norm;
    T const dz = (-(T(1) - e) * detail::sigmoid(-z) - e * detail::sigmoid(z)) * norm;
    return detail::of_margin(value, dz, b);
  }
};

/// EXO, pairwise form (Ji et al.): s(z)(log s(z) - log(1 - e)) + s(-z)(log s(-z) - log e),
/// z = b d, e in (0, 0.5]. TRL takes e from label_smoothing and refuses 0; 1e-3 is this
/// library's default.
struct exo_pair_loss {
  double beta = 0.1;
  double epsilon = 1e-3;
  static constexpr char const* name() noexcept { return "exo_pair"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    using std::log;
    T const b = T(beta), e = T(epsilon);
    T const z = b * (p.chosen - p.rejected);
    T const s_pos = detail::sigmoid(z), s_neg = detail::sigmoid(-z);
    T const value = s_pos * (detail::log_sigmoid(z) - log(T(1) - e)) +
                    s_neg * (detail::log_sigmoid(-z) - log(e));
    // d/dz = s(z) s(-z) [log s(z) - log s(-z) - log((1-e)/e)] and log s(z) - log s(-z) = z.
    T const dz = s_pos * s_neg * (z - log((T(1) - e) / e));
    return detail::of_margin(value, dz, b);
  }
};

/// NCA, pairwise form: -log s(b c) - 0.5 log s(-b c) - 0.5 log s(-b r).
struct nca_pair_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "nca_pair"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta), zc = b * p.chosen, zr = b * p.rejected;
    T const value = -detail::log_sigmoid(zc) - T(0.5) * detail::log_sigmoid(-zc) -
                    T(0.5) * detail::log_sigmoid(-zr);
    T const dc = b * (-detail::sigmoid(-zc) + T(0.5) * detail::sigmoid(zc));
    T const dr = b * T(0.5) * detail::sigmoid(zr);
    return {value, dc, dr};
  }
};

/// BCO, pairwise form without the running reward shift: -log s(b c) - log s(-b r).
struct bco_pair_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "bco_pair"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta), zc = b * p.chosen, zr = b * p.rejected;
    return {-detail::log_sigmoid(zc) - detail::log_sigmoid(-zr), -b * detail::sigmoid(-zc),
            b * detail::sigmoid(zr)};
  }
};

/// SPPO, hard-label form: (c - 1/(2b))^2 + (r + 1/(2b))^2.
struct sppo_hard_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "sppo_hard"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const half_inv_beta = T(1) / (T(2) * T(beta));
    T const gc = p.chosen - half_inv_beta, gr = p.rejected + half_inv_beta;
    return {gc * gc + gr * gr, T(2) * gc, T(2) * gr};
  }
};

/// APO-zero (anchored preference optimisation): 1 - s(b c) + s(b r).
struct apo_zero_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "apo_zero"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta);
    T const sc = detail::sigmoid(b * p.chosen), sr = detail::sigmoid(b * p.rejected);
    T const sc_neg = detail::sigmoid(-b * p.chosen), sr_neg = detail::sigmoid(-b * p.rejected);
    return {T(1) - sc + sr, -b * sc * sc_neg, b * sr * sr_neg};
  }
};

/// APO-down: s(b c) + 1 - s(b d).
struct apo_down_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "apo_down"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta), z = b * (p.chosen - p.rejected);
    T const sc = detail::sigmoid(b * p.chosen), sc_neg = detail::sigmoid(-b * p.chosen);
    T const sz = detail::sigmoid(z), sz_neg = detail::sigmoid(-z);
    T const dz = b * sz * sz_neg;
    return {sc + T(1) - sz, b * sc * sc_neg - dz, dz};
  }
};

/// DiscoPOP (Chris Lu et al.): with z = b d and m = s(z / tau),
/// -log s(z) (1 - m) + exp(-z) m. exp(-z) m is evaluated as exp(-z + log s(z / tau)).
struct discopop_loss {
  double beta = 0.1;
  double tau = 0.05;
  static constexpr char const* name() noexcept { return "discopop"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    using std::exp;
    T const b = T(beta), t = T(tau);
    T const z = b * (p.chosen - p.rejected);
    T const m = detail::sigmoid(z / t), one_minus_m = detail::sigmoid(-z / t);
    T const logistic = -detail::log_sigmoid(z);
    T const exp_m = exp(-z + detail::log_sigmoid(z / t)); // exp(-z) * m, no overflow
    T const value = logistic * one_minus_m + exp_m;
    // d/dz = -s(-z)(1 - m) - exp(-z) m + m'(exp(-z) - logistic), m' = m (1 - m) / tau.
    T const dz = -detail::sigmoid(-z) * one_minus_m - exp_m +
                 (exp_m * one_minus_m - logistic * m * one_minus_m) / t;
    return detail::of_margin(value, dz, b);
  }
};

/// Sigmoid DPO on length-normalised log-ratios: -log s(b (c/n_c - r/n_r)).
struct sigmoid_norm_loss {
  double beta = 0.1;
  static constexpr char const* name() noexcept { return "sigmoid_norm"; }
  static constexpr bool reference_free = false;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta);
    T const z = b * (p.chosen / p.chosen_tokens - p.rejected / p.rejected_tokens);
    T const dz = -detail::sigmoid(-z);
    return {-detail::log_sigmoid(z), b * dz / p.chosen_tokens, -b * dz / p.rejected_tokens};
  }
};

/// SimPO (Meng et al.): reference-free and length-normalised with a target margin gamma:
/// -log s(b (c/n_c - r/n_r) - gamma), where c and r are the policy log-probabilities.
struct simpo_loss {
  double beta = 2.0;
  double gamma = 0.5;
  static constexpr char const* name() noexcept { return "simpo"; }
  static constexpr bool reference_free = true;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T const b = T(beta);
    T const z = b * (p.chosen / p.chosen_tokens - p.rejected / p.rejected_tokens) - T(gamma);
    T const dz = -detail::sigmoid(-z);
    return {-detail::log_sigmoid(z), b * dz / p.chosen_tokens, -b * dz / p.rejected_tokens};
  }
};

/// The f-divergence families of f-DPO (Wang et al.), as TRL's f_divergence_type: the inner
/// objective sees f'(exp(x)) of each log-ratio x instead of x.
enum class f_divergence {
  reverse_kl,      ///< x (standard DPO)
  forward_kl,      ///< 1 - exp(-x)
  js_divergence,   ///< log 2 + log s(x)
  alpha_divergence ///< (exp((a - 1) x) - 1) / (a - 1), with (a - 1) x clamped at 80 as TRL does;
                   ///< x itself when |a - 1| < 1e-6
};

/// "reverse_kl", "forward_kl", "js_divergence" or "alpha_divergence" (TRL's names).
constexpr char const* f_divergence_name(f_divergence f) noexcept {
  switch (f) {
  case f_divergence::reverse_kl:
    return "reverse_kl";
  case f_divergence::forward_kl:
    return "forward_kl";
  case f_divergence::js_divergence:
    return "js_divergence";
  case f_divergence::alpha_divergence:
    return "alpha_divergence";
  }
  return "?";
}

namespace detail {
/// f'(exp(x)) of an f-divergence and its derivative with respect to x.
template <class T>
IPO_HOST_DEVICE IPO_INLINE void f_score(f_divergence f, T alpha, T x, T& score,
                                        T& derivative) noexcept {
  using std::exp;
  switch (f) {
  case f_divergence::reverse_kl:
    score = x;
    derivative = T(1);
    return;
  case f_divergence::forward_kl:
    derivative = exp(-x);
    score = T(1) - derivative;
    return;
  case f_divergence::js_divergence:
    score = T(0.69314718055994530942) + log_sigmoid(x);
    derivative = sigmoid(-x);
    return;
  case f_divergence::alpha_divergence: {
    T const a1 = alpha - T(1);
    if (a1 < T(1e-6) && a1 > T(-1e-6)) {
      score = x;
      derivative = T(1);
      return;
    }
    T const t = a1 * x;
    bool const clamped = t > T(80);
    T const e = exp(clamped ? T(80) : t);
    score = (e - T(1)) / a1;
    derivative = clamped ? T(0) : e;
    return;
  }
  }
  score = x;
  derivative = T(1);
}
} // namespace detail

/// Objective O on f-divergence scores of c and r (f-DPO). TRL applies the transform to the
/// loss types that use the scores (sigmoid, hinge, ipo, exo_pair, robust, discopop,
/// sigmoid_norm); the others use the log-ratios themselves. Rewards stay beta * c and beta * r.
template <PairwiseObjective O>
struct f_divergence_objective {
  O inner;
  f_divergence divergence = f_divergence::reverse_kl;
  double alpha = 0.5; ///< of alpha_divergence
  double beta = inner.beta;
  static constexpr char const* name() noexcept { return O::name(); }
  static constexpr bool reference_free = O::reference_free;
  template <class T>
  IPO_HOST_DEVICE pair_loss<T> operator()(pair_logratios<T> const& p) const noexcept {
    T sc, dc, sr, dr;
    detail::f_score(divergence, T(alpha), p.chosen, sc, dc);
    detail::f_score(divergence, T(alpha), p.rejected, sr, dr);
    pair_loss<T> const v = inner(pair_logratios<T>{sc, sr, p.chosen_tokens, p.rejected_tokens});
    return {v.loss, v.d_chosen * dc, v.d_rejected * dr};
  }
};

/// `objective` under an f-divergence (beta is the inner objective's).
template <PairwiseObjective O>
f_divergence_objective<O> with_f_divergence(O objective, f_divergence divergence,
                                            double alpha = 0.5) {
  return {objective, divergence, alpha, objective.beta};
}

static_assert(PairwiseObjective<sigmoid_loss> && PairwiseObjective<hinge_loss> &&
              PairwiseObjective<identity_po_loss> && PairwiseObjective<robust_loss> &&
              PairwiseObjective<exo_pair_loss> && PairwiseObjective<nca_pair_loss> &&
              PairwiseObjective<bco_pair_loss> && PairwiseObjective<sppo_hard_loss> &&
              PairwiseObjective<apo_zero_loss> && PairwiseObjective<apo_down_loss> &&
              PairwiseObjective<discopop_loss> && PairwiseObjective<sigmoid_norm_loss> &&
              PairwiseObjective<simpo_loss> &&
              PairwiseObjective<f_divergence_objective<sigmoid_loss>>);

} // namespace ipo::loss
