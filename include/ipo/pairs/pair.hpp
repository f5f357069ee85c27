// ipo/pairs/pair.hpp: a preference pair that shares a prefix and diverges at an intervention,
// and the record a DPO trainer reads.
//
// The seam rule. A pair's two sides share prompt + shared_prefix byte for byte and diverge
// right after it. White space at the divergence belongs to the completions, never to the end
// of the shared part: BPE and SentencePiece tokenizers attach a space to the word after it, so
// only then are the tokens of the prompt a prefix of the tokens of prompt + completion (TRL's
// DPOTrainer checks exactly that). Both sides also end at the same structural point: both at
// the end of the reasoning, or both with the closing tag and the response, with no trailing
// white space, so that nothing but content tells them apart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ipo/core/ascii.hpp"

namespace ipo {

/// How the prefix a generator continues from was made (see intervention/substitution.hpp).
enum class intervention_strategy { substitute, truncate_and_trigger, harmful_prefix, backtrack };

/// "substitute", "truncate_and_trigger", "harmful_prefix" or "backtrack".
constexpr char const* strategy_name(intervention_strategy s) noexcept {
  switch (s) {
  case intervention_strategy::substitute:
    return "substitute";
  case intervention_strategy::truncate_and_trigger:
    return "truncate_and_trigger";
  case intervention_strategy::harmful_prefix:
    return "harmful_prefix";
  case intervention_strategy::backtrack:
    return "backtrack";
  }
  return "?";
}

/// The strategy named `name` (as strategy_name() writes it), or none.
constexpr std::optional<intervention_strategy> parse_strategy(std::string_view name) noexcept {
  for (auto s : {intervention_strategy::substitute, intervention_strategy::truncate_and_trigger,
                 intervention_strategy::harmful_prefix, intervention_strategy::backtrack}) {
    if (name == strategy_name(s)) {
      return s;
    }
  }
  return std::nullopt;
}

/// prompt + shared_prefix + chosen is the corrected trajectory, prompt + shared_prefix +
/// rejected the original one; both diverge right after shared_prefix (the seam rule above).
struct preference_pair {
  std::string trace_id;
  std::string prompt;        ///< the prompt x, not rendered
  std::string shared_prefix; ///< reasoning before the divergence, byte for byte, without
                             ///< trailing white space
  std::string chosen;        ///< separator + trigger + continuation [+ closing tag + response]
  std::string rejected;      ///< separator + the original reasoning from step h on [+ ...]
  std::size_t step = 0;      ///< h: the step the intervention replaced
  std::size_t trigger_id = 0;
  std::size_t round = 0; ///< 0 for the first substitution
  intervention_strategy strategy = intervention_strategy::substitute;
  std::size_t trigger_bytes = 0; ///< length of separator + trigger at the start of `chosen`
};

/// What a DPO trainer reads (TRL's `prompt`, `chosen`, `rejected`): only the completions are
/// scored, so training a pair is "DPO on part".
struct dpo_record {
  std::string prompt;
  std::string chosen;
  std::string rejected;
};

/// The trainer record of `pair` after its prompt was rendered (a chat template, or a format
/// such as "{prompt}\n<think>\n"): prompt = rendered_prompt + shared_prefix, with any white
/// space at its end moved to the start of both completions (the seam rule).
inline dpo_record to_dpo_record(preference_pair const& pair, std::string_view rendered_prompt) {
  dpo_record record;
  record.prompt.reserve(rendered_prompt.size() + pair.shared_prefix.size());
  record.prompt += rendered_prompt;
  record.prompt += pair.shared_prefix;
  std::size_t const lead = trailing_ascii_space(record.prompt);
  std::string_view const moved =
      std::string_view(record.prompt).substr(record.prompt.size() - lead);
  record.chosen.reserve(lead + pair.chosen.size());
  record.chosen.append(moved).append(pair.chosen);
  record.rejected.reserve(lead + pair.rejected.size());
  record.rejected.append(moved).append(pair.rejected);
  record.prompt.resize(record.prompt.size() - lead);
  return record;
}

} // namespace ipo
