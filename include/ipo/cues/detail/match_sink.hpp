// ipo/cues/detail/match_sink.hpp: where the matcher's scan puts its matches.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ipo/config.hpp"
#include "ipo/cues/cue_match.hpp"

namespace ipo::detail {

/// A staging array that a match is always written to and kept in only when it counts, so
/// that the hot path appends without a branch; flushed into the caller's vector when full and
/// at the end.
class match_sink {
public:
  explicit match_sink(std::vector<cue_match>& out) noexcept : out_(out) {}
  match_sink(match_sink const&) = delete;
  match_sink& operator=(match_sink const&) = delete;

  IPO_INLINE void add(cue_match const& match, bool keep) {
    staged_[count_] = {match.phrase, match.span.begin, match.span.end};
    count_ += keep && match.span.end <= limit_ ? 1u : 0u;
    if (count_ == staged_.size()) [[unlikely]] {
      flush();
    }
  }
  /// Matches that end past `limit` are dropped (the zero padding of a short text's copy).
  void set_limit(std::size_t limit) noexcept { limit_ = limit; }
  void flush() {
    for (std::size_t k = 0; k < count_; ++k) {
      out_.push_back(cue_match{staged_[k].phrase, {staged_[k].begin, staged_[k].end}});
    }
    count_ = 0;
  }

private:
  // No default member initializers: the staging array is not zero-filled on every scan
  // (6 KiB, a cost that showed on the short texts a streaming monitor scans).
  struct staged_match {
    std::uint32_t phrase;
    std::size_t begin;
    std::size_t end;
  };
  std::vector<cue_match>& out_;
  std::array<staged_match, 256> staged_;
  std::size_t count_ = 0;
  std::size_t limit_ = ~std::size_t{0};
};

/// Sorts out[first..] by (start, phrase id). Matches arrive almost in order (a phrase starts at
/// most its length before its anchor), so an insertion sort does it in about one pass;
/// std::sort takes over if the input turns out to be far from sorted.
inline void sort_matches(std::vector<cue_match>& out, std::size_t first) {
  auto const before = [](cue_match const& a, cue_match const& b) {
    return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.phrase < b.phrase;
  };
  std::size_t budget = 8 * (out.size() - first) + 64; // element moves allowed
  for (std::size_t k = first + 1; k < out.size(); ++k) {
    if (!before(out[k], out[k - 1])) {
      continue;
    }
    cue_match const moving = out[k];
    std::size_t j = k;
    for (; j > first && before(moving, out[j - 1]) && budget > 0; --j, --budget) {
      out[j] = out[j - 1];
    }
    out[j] = moving;
    if (budget == 0) {
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), before);
      return;
    }
  }
}

} // namespace ipo::detail
