// ipo/trace/split.hpp: split a completion into reasoning and response at <think> ... </think>.
//
// Rules, in order (offsets are bytes of the original completion; spans are trimmed of ASCII
// white space, CR and LF included):
// 1. An opening tag followed later by a closing tag: reasoning between them, response after
//    the closing tag, anything before the opening tag is the preamble.
// 2. A closing tag without an opening tag before it (R1-distilled chat templates put <think>
//    in the prompt): reasoning before it, response after it.
// 3. An opening tag and no closing tag after it (a truncated generation): reasoning is
//    everything after the opening tag, no response, `truncated` is set.
// 4. No tag at all: everything is reasoning or everything is response, as the options say.
// Only the first opening tag and the first closing tag after it count: later tags are left
// inside the response as ordinary text (`extra_tags` counts them).
#pragma once

#include <cstddef>
#include <string_view>

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"

namespace ipo {

/// Where a completion without any tag goes.
enum class untagged_policy {
  all_reasoning, ///< the whole completion is reasoning (default: a bare chain of thought)
  all_response,  ///< the whole completion is the response (a model that does not reason)
};

struct trace_split_options {
  std::string_view open_tag = "<think>";
  std::string_view close_tag = "</think>";
  untagged_policy untagged = untagged_policy::all_reasoning;
};

/// The parts of a completion, as byte spans of it.
struct trace_parts {
  byte_span preamble;  ///< text before the opening tag (usually empty)
  byte_span reasoning; ///< the chain of thought, trimmed
  byte_span response;  ///< the final answer, trimmed
  bool has_open_tag = false;
  bool has_close_tag = false;
  bool truncated = false;     ///< an opening tag that is never closed
  std::size_t extra_tags = 0; ///< tags after the ones used, left in the response
};

namespace detail {
/// [begin, end) of `text` without leading and trailing ASCII white space.
inline byte_span trim(std::string_view text, std::size_t begin, std::size_t end) noexcept {
  while (begin < end && is_ascii_space(text[begin])) {
    ++begin;
  }
  while (end > begin && is_ascii_space(text[end - 1])) {
    --end;
  }
  return {begin, end};
}
inline std::size_t count_occurrences(std::string_view text, std::string_view needle,
                                     std::size_t from) noexcept {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle, from); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}
} // namespace detail

/// Splits `completion` by the rules at the top of this file. Throws ipo::argument_error for an
/// empty tag.
inline trace_parts split_trace(std::string_view completion,
                               trace_split_options const& options = {}) {
  constexpr char const* fn = "ipo::split_trace";
  check_argument(!options.open_tag.empty(), fn, "options.open_tag", options.open_tag,
                 "a non-empty tag");
  check_argument(!options.close_tag.empty(), fn, "options.close_tag", options.close_tag,
                 "a non-empty tag");
  trace_parts parts;
  std::size_t const n = completion.size();
  std::size_t const open = completion.find(options.open_tag);
  std::size_t const close_any = completion.find(options.close_tag);
  if (open != std::string_view::npos && (close_any == std::string_view::npos || close_any > open)) {
    parts.has_open_tag = true;
    parts.preamble = detail::trim(completion, 0, open);
    std::size_t const body = open + options.open_tag.size();
    std::size_t const close = completion.find(options.close_tag, body);
    if (close == std::string_view::npos) {
      parts.truncated = true;
      parts.reasoning = detail::trim(completion, body, n);
      parts.response = {n, n};
      parts.extra_tags = detail::count_occurrences(completion, options.open_tag, body);
      return parts;
    }
    parts.has_close_tag = true;
    parts.reasoning = detail::trim(completion, body, close);
    std::size_t const after = close + options.close_tag.size();
    parts.response = detail::trim(completion, after, n);
    parts.extra_tags =
        detail::count_occurrences(completion, options.open_tag, after) +
        detail::count_occurrences(completion, options.close_tag, after) +
        detail::count_occurrences(completion.substr(0, close), options.open_tag, body);
    return parts;
  }
  if (close_any != std::string_view::npos) { // closing tag first: the opening one was in the prompt
    parts.has_close_tag = true;
    parts.reasoning = detail::trim(completion, 0, close_any);
    std::size_t const after = close_any + options.close_tag.size();
    parts.response = detail::trim(completion, after, n);
    parts.extra_tags = detail::count_occurrences(completion, options.open_tag, after) +
                       detail::count_occurrences(completion, options.close_tag, after);
    return parts;
  }
  byte_span const all = detail::trim(completion, 0, n);
  if (options.untagged == untagged_policy::all_reasoning) {
    parts.reasoning = all;
    parts.response = {n, n};
  } else {
    parts.reasoning = {0, 0};
    parts.response = all;
  }
  return parts;
}

} // namespace ipo
