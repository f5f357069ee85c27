// ipo/cues/detail/phrase_automaton.hpp: the matcher's portable scalar path, an Aho-Corasick
// automaton over canonical characters.
//
// The text is read as canonical characters (letters folded, a white-space run as one space,
// a typographic form as its ASCII character; see phrase_matcher), one transition per
// character. Transitions form a dense table over byte classes (the bytes that occur in some
// phrase, one class each, and one class for all others), so a step is one load. Each state
// lists every phrase that ends there, its own and those of its suffixes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ipo::detail {

class phrase_automaton {
public:
  /// The largest transition table built (beyond it the matcher keeps its hash path).
  static constexpr std::size_t kMaxTableBytes = std::size_t{32} << 20;

  /// Builds the automaton of `phrases` (canonical forms; the id of a phrase is its index).
  /// Returns false, leaving the automaton empty, when the table would exceed kMaxTableBytes.
  bool build(std::vector<std::string> const& phrases) {
    class_of_.fill(0);
    classes_ = 1;
    for (auto const& p : phrases) {
      for (char const c : p) {
        auto& k = class_of_[static_cast<unsigned char>(c)];
        if (k == 0) {
          k = static_cast<std::uint16_t>(classes_++);
        }
      }
    }
    // The trie, in the transition table (kNone: no child yet).
    delta_.assign(classes_, kNone);
    std::vector<std::vector<std::uint32_t>> own(1);
    for (std::uint32_t id = 0; id < phrases.size(); ++id) {
      std::uint32_t state = 0;
      for (char const c : phrases[id]) {
        std::size_t const slot = state * classes_ + class_of_[static_cast<unsigned char>(c)];
        if (delta_[slot] == kNone) {
          if ((own.size() + 1) * classes_ * sizeof(std::uint32_t) > kMaxTableBytes) {
            *this = phrase_automaton{};
            return false;
          }
          delta_[slot] = static_cast<std::uint32_t>(own.size());
          own.emplace_back();
          delta_.resize(own.size() * classes_, kNone);
        }
        state = delta_[slot];
      }
      own[state].push_back(id);
    }
    // Breadth first: failure links, missing transitions, output lists (a state's failure
    // target is shallower, so its list is complete when the state is reached).
    std::size_t const states = own.size();
    std::vector<std::uint32_t> fail(states, 0), order;
    order.reserve(states);
    std::vector<std::vector<std::uint32_t>> outputs(states);
    for (std::size_t c = 0; c < classes_; ++c) {
      std::uint32_t& next = delta_[c];
      if (next == kNone) {
        next = 0;
      } else {
        order.push_back(next);
      }
    }
    for (std::size_t head = 0; head < order.size(); ++head) {
      std::uint32_t const u = order[head];
      outputs[u] = own[u];
      outputs[u].insert(outputs[u].end(), outputs[fail[u]].begin(), outputs[fail[u]].end());
      for (std::size_t c = 0; c < classes_; ++c) {
        std::uint32_t& next = delta_[u * classes_ + c];
        std::uint32_t const via_fail = delta_[fail[u] * classes_ + c];
        if (next == kNone) {
          next = via_fail;
        } else {
          fail[next] = via_fail;
          order.push_back(next);
        }
      }
    }
    output_offsets_.assign(states + 1, 0);
    output_ids_.clear();
    for (std::size_t s = 0; s < states; ++s) {
      output_ids_.insert(output_ids_.end(), outputs[s].begin(), outputs[s].end());
      output_offsets_[s + 1] = static_cast<std::uint32_t>(output_ids_.size());
    }
    return true;
  }

  bool empty() const noexcept { return delta_.empty(); }
  /// The state after reading canonical character c in `state` (the start state is 0).
  std::uint32_t next(std::uint32_t state, unsigned char c) const noexcept {
    return delta_[state * classes_ + class_of_[c]];
  }
  /// The phrases that end in `state`.
  std::span<std::uint32_t const> outputs(std::uint32_t state) const noexcept {
    return std::span<std::uint32_t const>(output_ids_)
        .subspan(output_offsets_[state], output_offsets_[state + 1] - output_offsets_[state]);
  }

private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  std::array<std::uint16_t, 256> class_of_{};
  std::size_t classes_ = 0;
  std::vector<std::uint32_t> delta_; // [state][class]
  std::vector<std::uint32_t> output_offsets_;
  std::vector<std::uint32_t> output_ids_;
};

} // namespace ipo::detail
