// A plain fp64 reference for the loss tests. It shares no code with include/ipo/loss: the
// objectives are the textbook formulas, and the pipeline materialises log-softmax in double.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace reference {

inline double sig(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
inline double logsig(double x) {
  return std::log(sig(x));
} // fine for |x| < ~700

/// An objective as a plain function of (c, r, n_c, n_r).
using objective_fn = std::function<double(double c, double r, double nc, double nr)>;

inline objective_fn sigmoid(double b, double e) {
  return [=](double c, double r, double, double) {
    double const z = b * (c - r);
    return -(1 - e) * logsig(z) - e * logsig(-z);
  };
}
inline objective_fn hinge(double b) {
  return [=](double c, double r, double, double) { return std::max(0.0, 1 - b * (c - r)); };
}
inline objective_fn identity_po(double b, bool normalized) {
  return [=](double c, double r, double nc, double nr) {
    double const a = normalized ? c / nc - r / nr : c - r;
    return (a - 1 / (2 * b)) * (a - 1 / (2 * b));
  };
}
inline objective_fn robust(double b, double e) {
  return [=](double c, double r, double, double) {
    double const z = b * (c - r);
    return (-(1 - e) * logsig(z) + e * logsig(-z)) / (1 - 2 * e);
  };
}
inline objective_fn exo_pair(double b, double e) {
  return [=](double c, double r, double, double) {
    double const z = b * (c - r);
    return sig(z) * (logsig(z) - std::log(1 - e)) + sig(-z) * (logsig(-z) - std::log(e));
  };
}
inline objective_fn nca_pair(double b) {
  return [=](double c, double r, double, double) {
    return -logsig(b * c) - 0.5 * logsig(-b * c) - 0.5 * logsig(-b * r);
  };
}
inline objective_fn bco_pair(double b) {
  return [=](double c, double r, double, double) { return -logsig(b * c) - logsig(-b * r); };
}
inline objective_fn sppo_hard(double b) {
  return [=](double c, double r, double, double) {
    return (c - 1 / (2 * b)) * (c - 1 / (2 * b)) + (r + 1 / (2 * b)) * (r + 1 / (2 * b));
  };
}
inline objective_fn apo_zero(double b) {
  return [=](double c, double r, double, double) { return 1 - sig(b * c) + sig(b * r); };
}
inline objective_fn apo_down(double b) {
  return [=](double c, double r, double, double) { return sig(b * c) + 1 - sig(b * (c - r)); };
}
inline objective_fn discopop(double b, double tau) {
  return [=](double c, double r, double, double) {
    double const z = b * (c - r), m = sig(z / tau);
    return -logsig(z) * (1 - m) + std::exp(-z) * m;
  };
}
inline objective_fn sigmoid_norm(double b) {
  return [=](double c, double r, double nc, double nr) { return -logsig(b * (c / nc - r / nr)); };
}
inline objective_fn simpo(double b, double gamma) {
  return [=](double c, double r, double nc, double nr) {
    return -logsig(b * (c / nc - r / nr) - gamma);
  };
}

/// Central finite difference of f at x with step h.
inline double central_difference(std::function<double(double)> const& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

struct batch_result {
  double loss = 0;
  std::vector<double> pair_losses;
  std::vector<double> logps;
  std::vector<std::int64_t> counts;
  std::vector<double> gradient; // [rows x V], d(mean loss)/d(logits)
  double accuracy = 0;
  double mean_margin = 0;
};

/// The whole preference loss in fp64 by the book: log-softmax of every row, gather, sums,
/// objective per pair, mean; and the analytic gradient g_s (onehot - softmax), g_s taken by
/// central differences of the objective (so no derivative formula is shared with the code).
/// `logit(row, v)` reads a logit as double. Layout: concatenated unless interleaved.
template <class Logit>
batch_result run(Logit logit, std::size_t rows, std::size_t vocab,
                 std::vector<std::int64_t> const& labels, std::size_t T, bool shift,
                 bool interleaved, std::vector<double> const& ref, objective_fn const& objective,
                 double beta, double alpha, bool with_gradient) {
  batch_result out;
  std::size_t const S = rows / T, P = S / 2;
  out.logps.assign(S, 0.0);
  out.counts.assign(S, 0);
  std::vector<std::vector<double>> log_softmax(rows);
  std::vector<std::int64_t> target(rows, -1);
  for (std::size_t row = 0; row < rows; ++row) {
    std::size_t const s = row / T, t = row % T;
    if (shift && t + 1 == T) {
      continue;
    }
    std::int64_t const y = labels[row + (shift ? 1 : 0)];
    if (y == -100) {
      continue;
    }
    target[row] = y;
    double m = -INFINITY;
    for (std::size_t v = 0; v < vocab; ++v) {
      m = std::max(m, logit(row, v));
    }
    double sum = 0;
    for (std::size_t v = 0; v < vocab; ++v) {
      sum += std::exp(logit(row, v) - m);
    }
    log_softmax[row].resize(vocab);
    for (std::size_t v = 0; v < vocab; ++v) {
      log_softmax[row][v] = logit(row, v) - m - std::log(sum);
    }
    out.logps[s] += log_softmax[row][static_cast<std::size_t>(y)];
    out.counts[s] += 1;
  }
  auto chosen_of = [&](std::size_t i) { return interleaved ? 2 * i : i; };
  auto rejected_of = [&](std::size_t i) { return interleaved ? 2 * i + 1 : P + i; };
  std::vector<double> g(S, 0.0);
  out.pair_losses.assign(P, 0.0);
  for (std::size_t i = 0; i < P; ++i) {
    std::size_t const c = chosen_of(i), r = rejected_of(i);
    double const nc = static_cast<double>(out.counts[c]), nr = static_cast<double>(out.counts[r]);
    double const rc = ref.empty() ? 0.0 : ref[c], rr = ref.empty() ? 0.0 : ref[r];
    auto total = [&](double lc, double lr) {
      return objective(lc - rc, lr - rr, nc, nr) + alpha * (-lc / nc);
    };
    out.pair_losses[i] = total(out.logps[c], out.logps[r]);
    out.loss += out.pair_losses[i] / static_cast<double>(P);
    out.accuracy +=
        ((out.logps[c] - rc) > (out.logps[r] - rr) ? 1.0 : 0.0) / static_cast<double>(P);
    out.mean_margin += beta * ((out.logps[c] - rc) - (out.logps[r] - rr)) / static_cast<double>(P);
    double const h =
        1e-4; // small against the objectives' curvature, large against fp64 rounding of logps
    g[c] = central_difference([&](double x) { return total(x, out.logps[r]); }, out.logps[c], h) /
           static_cast<double>(P);
    g[r] = central_difference([&](double x) { return total(out.logps[c], x); }, out.logps[r], h) /
           static_cast<double>(P);
  }
  if (with_gradient) {
    out.gradient.assign(rows * vocab, 0.0);
    for (std::size_t row = 0; row < rows; ++row) {
      if (target[row] < 0) {
        continue;
      }
      double const gs = g[row / T];
      for (std::size_t v = 0; v < vocab; ++v) {
        double const onehot = static_cast<std::int64_t>(v) == target[row] ? 1.0 : 0.0;
        out.gradient[row * vocab + v] = gs * (onehot - std::exp(log_softmax[row][v]));
      }
    }
  }
  return out;
}

} // namespace reference
