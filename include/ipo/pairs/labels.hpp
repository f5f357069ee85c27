// ipo/pairs/labels.hpp: token labels for a pair, from tokenizer offsets.
//
// A tokenizer (Hugging Face's fast tokenizers with return_offsets_mapping) gives each token
// the [begin, end) it covers in the text. This file takes byte offsets; text tokenized from a
// Python str gives code-point offsets, which char_to_byte_offsets() converts. The divergence is
// a byte offset in the tokenized text (prompt + shared prefix, optionally + the trigger). A token
// is scored when it ends after the divergence: a token that straddles the divergence belongs to
// the divergent part (both sides score it, so no divergent byte is lost). Scored tokens keep
// their id as label; the others get -100, as Hugging Face trainers expect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"

namespace ipo {

/// Byte offset of every code point boundary: result[i] is the byte where code point i starts
/// (result.back() == text.size()). Converts tokenizer character offsets into byte offsets.
inline std::vector<std::size_t> char_to_byte_offsets(std::string_view utf8) {
  std::vector<std::size_t> offsets;
  offsets.reserve(utf8.size() + 1);
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      offsets.push_back(i);
    }
  }
  offsets.push_back(utf8.size());
  return offsets;
}

/// Index of the first scored token: the first whose end is after `divergence` (tokens with an
/// empty span, like special tokens, take their position from their begin).
inline std::size_t first_divergent_token(std::span<byte_span const> token_offsets,
                                         std::size_t divergence) {
  for (std::size_t k = 0; k < token_offsets.size(); ++k) {
    if (token_offsets[k].end > divergence ||
        (token_offsets[k].empty() && token_offsets[k].begin >= divergence)) {
      return k;
    }
  }
  return token_offsets.size();
}

/// labels[k] = token_ids[k] for tokens scored (from the first divergent token up to, but not
/// including, the first token that begins at or after `scored_end`), else ignore_index.
/// Throws ipo::argument_error when the two spans differ in length or offsets go backwards.
template <class Id>
void pair_labels(std::span<Id const> token_ids, std::span<byte_span const> token_offsets,
                 std::size_t divergence, std::vector<std::int64_t>& labels,
                 std::size_t scored_end = static_cast<std::size_t>(-1),
                 std::int64_t ignore_index = -100) {
  constexpr char const* fn = "ipo::pair_labels";
  check_argument(token_ids.size() == token_offsets.size(), fn, "token_offsets.size()",
                 token_offsets.size(),
                 "one offset per token id (" + std::to_string(token_ids.size()) + ")");
  for (std::size_t k = 0; k < token_offsets.size(); ++k) {
    check_argument(token_offsets[k].begin <= token_offsets[k].end &&
                       (k == 0 || token_offsets[k].begin >= token_offsets[k - 1].begin),
                   fn, "token_offsets[" + std::to_string(k) + "]",
                   std::to_string(token_offsets[k].begin) + ".." +
                       std::to_string(token_offsets[k].end),
                   "begin <= end, and begins in order");
  }
  labels.assign(token_ids.size(), ignore_index);
  for (std::size_t k = first_divergent_token(token_offsets, divergence); k < token_ids.size();
       ++k) {
    if (token_offsets[k].begin >= scored_end) {
      break;
    }
    labels[k] = static_cast<std::int64_t>(token_ids[k]);
  }
}

/// The divergence byte offset of a pair in the tokenized text prompt + shared_prefix + side:
/// right after the shared prefix, or after the trigger too when the trigger is not to be
/// scored (chosen side only).
inline std::size_t divergence_offset(std::size_t prompt_bytes, std::size_t shared_prefix_bytes,
                                     bool score_trigger, std::size_t trigger_bytes,
                                     bool chosen_side) {
  return prompt_bytes + shared_prefix_bytes + (!score_trigger && chosen_side ? trigger_bytes : 0);
}

} // namespace ipo
