// ipo/steps/segmenters.hpp: split reasoning text into steps (byte spans).
//
// Every segmenter writes into a caller's vector (cleared first, capacity reused) spans that
// are in order, never overlap, have no leading or trailing white space, and together with the
// white space between them cover the text exactly. Three are provided:
//   sentence_segmenter   (default) sentences, as the paper's unit of a step;
//   paragraph_segmenter  blank-line separated blocks, as process-reward-model data uses;
//   marker_segmenter     sentences, plus a split before a reasoning marker ("Wait", "Hmm",
//                        "Alternatively", ...) that opens a new thought mid-sentence.
// Memory traffic: each reads the text once. The sentence and marker segmenters look only at
// the bytes that can change their state (". ? ! newline backtick" and the markers' first
// bytes), found with SIMD compares on the best architecture compiled in.
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo {

/// A segmenter: `segment(text, out)` clears `out` and appends the steps of `text`.
template <class S>
concept Segmenter = requires(S const& segmenter, std::string_view text,
                             std::vector<byte_span>& out) {
  segmenter.segment(text, out);
};

/// A segmenter that a text arriving in pieces can be segmented with (runtime/monitor.hpp):
/// - `stream_lookahead()`: every decision about a step boundary at a position more than this
///   many bytes before the end of the text is final (more text cannot add, move or remove it);
/// - `min_step_length()`: steps shorter than this merge into a neighbour (0: never), so a
///   step is final only once the step after it is known to be long enough;
/// - `is_boundary_byte(b)`: a step can only begin after a byte for which this is true;
/// - segment() restarts cleanly at the end of a step: segmenting the text from there gives
///   the rest of the steps.
/// The monitor then completes step k of segment(text) when step k + 1 holds min_step_length()
/// bytes (at least one) that end before the last stream_lookahead() bytes of the text.
template <class S>
concept StreamingSegmenter = Segmenter<S> && requires(S const& segmenter, unsigned char byte) {
  { segmenter.stream_lookahead() } -> std::same_as<std::size_t>;
  { segmenter.min_step_length() } -> std::same_as<std::size_t>;
  { segmenter.is_boundary_byte(byte) } -> std::same_as<bool>;
};

/// Options of the sentence and marker segmenters.
struct sentence_options {
  /// A sentence shorter than this (in bytes) merges into its neighbour (the previous one, or
  /// the next for the first sentence). 0 disables merging.
  std::size_t min_length = 10;
  /// Words that end with a period without ending a sentence (compared case-insensitively,
  /// without their final period).
  std::vector<std::string> abbreviations = {"e.g", "i.e",  "etc", "vs",  "dr",     "mr",  "mrs",
                                            "ms",  "prof", "st",  "cf",  "approx", "fig", "no",
                                            "jr",  "sr",   "inc", "ltd", "al",     "eq",  "sec",
                                            "ch",  "vol",  "p",   "pp",  "u.s",    "a.m", "p.m"};
};

namespace detail {

/// The bytes after which a sentence can end: . ? ! and the newline of a blank line (a backtick
/// only changes the state of the bytes after it).
constexpr bool is_stop_byte(unsigned char b) noexcept {
  return b == '.' || b == '?' || b == '!' || b == '\n';
}

/// Appends `[begin, end)` trimmed, if anything is left.
inline void push_trimmed(std::string_view text, std::size_t begin, std::size_t end,
                         std::vector<byte_span>& out) {
  while (begin < end && is_ascii_space(text[begin])) {
    ++begin;
  }
  while (end > begin && is_ascii_space(text[end - 1])) {
    --end;
  }
  if (begin < end) {
    out.push_back({begin, end});
  }
}

/// Index just past a blank line starting at the newline `i` ("\n", optional spaces, "\n"), or
/// 0 when there is none.
inline std::size_t blank_line_end(std::string_view text, std::size_t i) noexcept {
  std::size_t k = i + 1;
  while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r')) {
    ++k;
  }
  return (k < text.size() && text[k] == '\n') ? k + 1 : 0;
}

/// Abbreviations compiled for lookup: each of at most 8 bytes folded and packed into an
/// integer (a sorted array, binary search), longer ones compared one by one.
class abbreviation_set {
public:
  explicit abbreviation_set(std::vector<std::string> const& words) {
    for (auto const& w : words) {
      if (w.empty()) {
        continue;
      }
      longest_ = std::max(longest_, w.size());
      if (w.size() <= 8) {
        packed_.push_back(pack(w));
      } else {
        long_.push_back(w);
      }
    }
    std::sort(packed_.begin(), packed_.end());
  }

  /// True when `token` equals one of the words up to ASCII letter case.
  bool contains(std::string_view token) const noexcept {
    if (token.empty() || token.size() > longest_) {
      return false;
    }
    if (token.size() <= 8) {
      return std::binary_search(packed_.begin(), packed_.end(), pack(token));
    }
    for (auto const& w : long_) {
      if (equal_ascii_folded(token, w)) {
        return true;
      }
    }
    return false;
  }

private:
  // Zero-padded: tokens hold letters, digits and periods, never a NUL byte, so no two
  // lengths share a key.
  static std::uint64_t pack(std::string_view w) noexcept {
    std::uint64_t key = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      key |= std::uint64_t{static_cast<unsigned char>(fold_ascii(w[k]))} << (8 * k);
    }
    return key;
  }
  std::vector<std::uint64_t> packed_;
  std::vector<std::string> long_;
  std::size_t longest_ = 0;
};

/// True when the period at `dot` ends an abbreviation or an enumeration number.
inline bool period_is_not_a_stop(std::string_view text, std::size_t dot, std::size_t sentence_begin,
                                 abbreviation_set const& abbreviations) {
  std::size_t word = dot;
  while (word > 0 && (is_ascii_alpha(text[word - 1]) || is_ascii_digit(text[word - 1]) ||
                      text[word - 1] == '.')) {
    --word;
  }
  std::string_view const token = text.substr(word, dot - word);
  if (token.empty()) {
    return false;
  }
  if (token.size() <= 3 && std::all_of(token.begin(), token.end(), is_ascii_digit)) {
    // "1." opening a sentence or a line is an enumeration, not a stop.
    std::size_t before = word;
    while (before > sentence_begin && (text[before - 1] == ' ' || text[before - 1] == '\t')) {
      --before;
    }
    return before <= sentence_begin || text[before - 1] == '\n';
  }
  return abbreviations.contains(token);
}

/// Length of a closing quote or bracket at text[i] (ASCII, or U+2019 / U+201D), else 0.
inline std::size_t closer_length(std::string_view text, std::size_t i) noexcept {
  char const c = text[i];
  if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') {
    return 1;
  }
  if (text.substr(i, 3) == "\xE2\x80\x99" || text.substr(i, 3) == "\xE2\x80\x9D") {
    return 3;
  }
  return 0;
}

/// A set of bytes, also listed value by value for SIMD compares; built once, searched often.
class byte_set {
public:
  static constexpr std::size_t kMaxSimdValues = 16;

  explicit byte_set(bool const (&in_set)[256]) noexcept {
    for (std::size_t b = 0; b < 256; ++b) {
      in_set_[b] = in_set[b];
      if (in_set[b] && count_ <= kMaxSimdValues) {
        if (count_ < kMaxSimdValues) {
          values_[count_] = static_cast<std::uint8_t>(b);
        }
        ++count_; // past kMaxSimdValues: too many for the compares
      }
    }
  }
  bool contains(unsigned char b) const noexcept { return in_set_[b]; }
  bool const (&table() const noexcept)[256] { return in_set_; }
  /// The values, when there are at most kMaxSimdValues of them (else simd_count() is larger).
  std::size_t simd_count() const noexcept { return count_; }
  std::uint8_t value(std::size_t k) const noexcept { return values_[k]; }

private:
  bool in_set_[256] = {};
  std::uint8_t values_[kMaxSimdValues] = {};
  std::size_t count_ = 0;
};

/// Finds the next byte of a set in a text: on an xsimd architecture, a block of bytes is
/// compared with each value of the set (up to byte_set::kMaxSimdValues) and the block's bit
/// mask is kept between calls; otherwise, and for the last partial block, a table lookup per
/// byte.
template <class Arch>
class byte_finder {
public:
  static constexpr std::size_t kMaxSimdValues = byte_set::kMaxSimdValues;

  byte_finder(std::string_view text, byte_set const& set) noexcept
      : data_(reinterpret_cast<unsigned char const*>(text.data())), n_(text.size()),
        in_set_(set.table()), count_(set.simd_count()) {
    // The values are copied (16 bytes): held in the finder, the compiler keeps them in
    // registers across the block loop, which it does not through a reference.
    for (std::size_t k = 0; k < std::min(count_, kMaxSimdValues); ++k) {
      values_[k] = set.value(k);
    }
  }

  /// The first offset >= i holding a byte of the set, or the text size.
  std::size_t next(std::size_t i) noexcept {
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      using bytes = xsimd::batch<std::uint8_t, Arch>;
      constexpr std::size_t block = bytes::size;
      if (count_ <= kMaxSimdValues) {
        for (;;) {
          if (i >= block_begin_ && i < block_begin_ + block) {
            std::uint64_t const rest = mask_ >> (i - block_begin_);
            if (rest != 0) {
              return i + static_cast<std::size_t>(std::countr_zero(rest));
            }
            i = block_begin_ + block;
          }
          if (i + block > n_) {
            break;
          }
          bytes const b = bytes::load_unaligned(data_ + i);
          auto hit = b == bytes(values_[0]);
          for (std::size_t k = 1; k < count_; ++k) {
            hit = hit || (b == bytes(values_[k]));
          }
          block_begin_ = i;
          mask_ = simd::to_bitmask(hit);
        }
      }
    }
    while (i < n_ && !in_set_[data_[i]]) {
      ++i;
    }
    return i;
  }

private:
  unsigned char const* data_;
  std::size_t n_;
  bool const (&in_set_)[256];
  std::uint8_t values_[kMaxSimdValues] = {};
  std::size_t count_ = 0;
  std::size_t block_begin_ = ~std::size_t{0} / 2; // no block loaded
  std::uint64_t mask_ = 0;
};

/// What the sentence splitter looks for, built once per segmenter: the bytes that can change
/// its state (". ? ! newline backtick" and the markers' first bytes), and the markers' first
/// bytes alone.
struct sentence_plan {
  explicit sentence_plan(std::vector<std::string> const& markers)
      : interesting(interesting_table(markers)) {
    for (auto const& marker : markers) {
      marker_first[static_cast<unsigned char>(marker[0])] = true;
    }
  }
  byte_set interesting;
  bool marker_first[256] = {};

private:
  static byte_set interesting_table(std::vector<std::string> const& markers) {
    bool table[256] = {};
    for (unsigned char b : std::string_view(".?!\n`")) {
      table[b] = true;
    }
    for (auto const& marker : markers) {
      table[static_cast<unsigned char>(marker[0])] = true;
    }
    return byte_set(table);
  }
};

/// The sentence splitter behind sentence_segmenter and marker_segmenter; `markers` may be
/// empty (non-empty markers only) and `plan` is sentence_plan(markers). Writes
/// untrimmed-then-trimmed spans, before the short-fragment merge.
template <class Arch>
void split_sentences(Arch, std::string_view text, abbreviation_set const& abbreviations,
                     std::vector<std::string> const& markers, sentence_plan const& plan,
                     std::vector<byte_span>& out) {
  std::size_t const n = text.size();
  bool const(&marker_first)[256] = plan.marker_first;
  byte_finder<Arch> finder(text, plan.interesting); // skips the bytes that change nothing
  std::size_t start = 0;                            // where the current sentence began (untrimmed)
  bool in_fence = false, in_code = false;
  std::size_t i = 0;
  while (i < n) {
    i = finder.next(i);
    if (i >= n) {
      break;
    }
    char const c = text[i];
    if (text.substr(i, 3) == "```") {
      in_fence = !in_fence;
      in_code = false;
      i += 3;
      continue;
    }
    if (in_fence) {
      ++i;
      continue;
    }
    if (c == '`') {
      in_code = !in_code;
      ++i;
      continue;
    }
    if (c == '\n') {
      in_code = false; // inline code does not cross lines
      if (std::size_t const after = blank_line_end(text, i); after != 0) {
        push_trimmed(text, start, i, out);
        start = i = after;
        continue;
      }
    }
    if (in_code) {
      ++i;
      continue;
    }
    if (marker_first[static_cast<unsigned char>(c)] && (i == 0 || is_ascii_space(text[i - 1]))) {
      for (auto const& marker : markers) {
        if (text.substr(i, marker.size()) == marker &&
            (i + marker.size() == n || !is_ascii_alpha(text[i + marker.size()]))) {
          bool has_content = false;
          for (std::size_t k = start; k < i && !has_content; ++k) {
            has_content = !is_ascii_space(text[k]);
          }
          if (has_content) {
            push_trimmed(text, start, i, out);
            start = i;
          }
          break;
        }
      }
    }
    if (c == '.' || c == '?' || c == '!') {
      std::size_t end = i;
      while (end < n && (text[end] == '.' || text[end] == '?' || text[end] == '!')) {
        ++end;
      }
      bool const single_period = c == '.' && end == i + 1;
      while (end < n) {
        std::size_t const closer = closer_length(text, end);
        if (closer == 0) {
          break;
        }
        end += closer;
      }
      bool const at_break = end == n || is_ascii_space(text[end]);
      if (at_break && !(single_period && period_is_not_a_stop(text, i, start, abbreviations))) {
        push_trimmed(text, start, end, out);
        start = end;
      }
      i = end;
      continue;
    }
    ++i;
  }
  push_trimmed(text, start, n, out);
}

/// split_sentences() with a plan built for this call (tests; segmenters keep theirs).
template <class Arch>
void split_sentences(Arch arch, std::string_view text, abbreviation_set const& abbreviations,
                     std::vector<std::string> const& markers, std::vector<byte_span>& out) {
  split_sentences(arch, text, abbreviations, markers, sentence_plan(markers), out);
}

/// split_sentences() on the best architecture available.
inline void split_sentences(std::string_view text, abbreviation_set const& abbreviations,
                            std::vector<std::string> const& markers, sentence_plan const& plan,
                            std::vector<byte_span>& out) {
  simd::dispatch<simd::compiled_archs>(
      [&](auto arch) { split_sentences(arch, text, abbreviations, markers, plan, out); });
}

/// Merges spans shorter than `min_length` into their previous neighbour (or the next one for
/// the first span).
inline void merge_short(std::vector<byte_span>& spans, std::size_t min_length) {
  if (min_length == 0 || spans.size() < 2) {
    return;
  }
  std::size_t kept = 0;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    byte_span const span = spans[k];
    if (kept > 0 && (span.size() < min_length || spans[kept - 1].size() < min_length)) {
      spans[kept - 1].end = span.end; // a short span joins the one before, or takes it in
    } else {
      spans[kept++] = span;
    }
  }
  spans.resize(kept);
}

} // namespace detail

/// Sentences: boundaries at '.', '?', '!' (and runs such as "..." or "?!") followed by white
/// space or the end, after any closing quotes or brackets; and at blank lines. No split inside
/// decimals, after listed abbreviations, after an enumeration number opening a line, inside
/// URLs (no white space follows their dots), or inside `inline code` and ``` fences.
class sentence_segmenter {
public:
  sentence_segmenter() : sentence_segmenter(sentence_options{}) {}
  explicit sentence_segmenter(sentence_options options)
      : options_(std::move(options)), abbreviations_(options_.abbreviations), plan_(no_markers_) {}
  void segment(std::string_view text, std::vector<byte_span>& out) const {
    out.clear();
    detail::split_sentences(text, abbreviations_, no_markers_, plan_, out);
    detail::merge_short(out, options_.min_length);
  }
  /// 3 bytes decide every boundary (a "```" fence is the longest look-ahead; a closing quote
  /// after a stop is decided by the byte after it).
  std::size_t stream_lookahead() const noexcept { return 3; }
  std::size_t min_step_length() const noexcept { return options_.min_length; }
  bool is_boundary_byte(unsigned char b) const noexcept { return detail::is_stop_byte(b); }
  sentence_options const& options() const noexcept { return options_; }

private:
  sentence_options options_;
  detail::abbreviation_set abbreviations_;
  std::vector<std::string> no_markers_;
  detail::sentence_plan plan_;
};

/// Paragraphs: blocks separated by blank lines (a line of only spaces, tabs or CR counts).
class paragraph_segmenter {
public:
  /// A blank line is decided once the next paragraph has begun; paragraphs never merge.
  std::size_t stream_lookahead() const noexcept { return 0; }
  std::size_t min_step_length() const noexcept { return 0; }
  bool is_boundary_byte(unsigned char b) const noexcept { return b == '\n'; }
  void segment(std::string_view text, std::vector<byte_span>& out) const {
    out.clear();
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        if (std::size_t const after = detail::blank_line_end(text, i); after != 0) {
          detail::push_trimmed(text, start, i, out);
          start = after;
          i = after - 1;
        }
      }
    }
    detail::push_trimmed(text, start, text.size(), out);
  }
};

/// The default reasoning markers: words that open a new thought in R1 / QwQ-style traces.
inline std::vector<std::string> default_reasoning_markers() {
  return {"Wait", "Hmm", "Alternatively", "But wait", "However", "Actually", "Let me", "Okay, so"};
}

/// Sentences, plus a split before a reasoning marker that follows white space (case-sensitive,
/// as a whole word), so that "... the plan so far Wait, that is wrong" becomes two steps.
class marker_segmenter {
public:
  marker_segmenter() : marker_segmenter(default_reasoning_markers()) {}
  explicit marker_segmenter(std::vector<std::string> markers, sentence_options options = {})
      : markers_(without_empty(std::move(markers))), options_(std::move(options)),
        abbreviations_(options_.abbreviations), plan_(markers_) {}
  void segment(std::string_view text, std::vector<byte_span>& out) const {
    out.clear();
    detail::split_sentences(text, abbreviations_, markers_, plan_, out);
    detail::merge_short(out, options_.min_length);
  }
  /// As sentence_segmenter, with a marker's bytes and the one after it as look-ahead.
  std::size_t stream_lookahead() const noexcept {
    std::size_t lookahead = 3;
    for (auto const& marker : markers_) {
      lookahead = std::max(lookahead, marker.size() + 1);
    }
    return lookahead;
  }
  std::size_t min_step_length() const noexcept { return options_.min_length; }
  bool is_boundary_byte(unsigned char b) const noexcept {
    if (detail::is_stop_byte(b)) {
      return true;
    }
    for (auto const& marker : markers_) {
      if (static_cast<unsigned char>(marker[0]) == b) {
        return true;
      }
    }
    return false;
  }
  std::vector<std::string> const& markers() const noexcept { return markers_; }

private:
  static std::vector<std::string> without_empty(std::vector<std::string> markers) {
    std::erase_if(markers, [](std::string const& m) { return m.empty(); });
    return markers;
  }

  std::vector<std::string> markers_;
  sentence_options options_;
  detail::abbreviation_set abbreviations_;
  detail::sentence_plan plan_;
};

static_assert(StreamingSegmenter<sentence_segmenter> && StreamingSegmenter<paragraph_segmenter> &&
              StreamingSegmenter<marker_segmenter>);

} // namespace ipo
