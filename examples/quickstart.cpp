// The README's quickstart, compiled and run by the test suite (ctest -R quickstart).
#include <ipo/ipo.hpp>

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

int main() {
  // 1. Data side: reasoning steps and their cue scores.
  std::string const completion =
      "Okay, so they want a phishing email. I'll start by crafting a message that appears to come "
      "from their bank.</think>I can't help with that.";
  ipo::trace_parts const parts = ipo::split_trace(completion); // reasoning / response spans
  std::string_view const reasoning = parts.reasoning.of(completion);
  std::vector<ipo::byte_span> steps;
  ipo::sentence_segmenter{}.segment(reasoning, steps); // sentences, as byte offsets
  ipo::lexicon_scorer const scorer(ipo::default_lexicon());
  std::vector<ipo::step_score> scores;
  scorer.score(reasoning, steps, scores);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    std::printf("step %zu: compliance %.1f, safety %.1f: %.*s\n", k,
                scores[k][ipo::cue_kind::compliance], scores[k][ipo::cue_kind::safety],
                static_cast<int>(steps[k].size()), reasoning.data() + steps[k].begin);
  }

  // 2. Training side: sigmoid DPO on the divergent part of P pairs. Sequences of T positions,
  //    the shared prefix labelled -100, logits [2P*T x V] as a causal LM produces them.
  std::size_t const P = 2, T = 6, V = 50;
  std::vector<float> logits(2 * P * T * V);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    logits[i] = static_cast<float>((i * 37) % 101) / 25.0f;
  }
  std::vector<std::int64_t> labels(2 * P * T, -100);
  for (std::size_t s = 0; s < 2 * P; ++s) {
    for (std::size_t t = 3; t < T; ++t) { // positions 3.. are the divergent part
      labels[s * T + t] = static_cast<std::int64_t>((s * 7 + t * 3) % V);
    }
  }
  std::vector<float> const reference_logps = {-9.0f, -8.5f, -9.5f, -8.0f}; // per sequence

  namespace L = ipo::loss;
  L::preference_loss_options options;
  options.sequence_length = T;
  L::preference_loss_result result;
  L::preference_loss_in_place(
      ipo::matrix_view<float>(logits.data(), 2 * P * T, V), std::span<std::int64_t const>(labels),
      std::span<float const>(reference_logps), L::sigmoid_loss{.beta = 0.1}, options, result);
  // logits now hold d(loss)/d(logits); rows of the shared prefix are zero.
  std::printf("loss %.6f, accuracy %.2f, margin %.4f, chosen logp %.3f\n", result.loss,
              result.accuracy, result.mean_margin, result.policy_logps[0]);
  return scores.size() == steps.size() && result.pairs_counted == P ? 0 : 1;
}
