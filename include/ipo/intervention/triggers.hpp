// ipo/intervention/triggers.hpp: the bank of safety-trigger sentences substituted for the
// first compliance step, and how a trace picks from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ipo/core/error.hpp"
#include "ipo/trace/utf8.hpp"

namespace ipo {

/// A trace's own seed: `seed` mixed with its id (FNV-1a, then a SplitMix64 finaliser), so that
/// what is drawn for a trace depends on the trace and never on where it stands in a file.
constexpr std::uint64_t trace_seed(std::uint64_t seed, std::string_view trace_id) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (char c : trace_id) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  }
  std::uint64_t z = h ^ (seed + 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Which triggers a trace is tried with.
enum class trigger_selection {
  all,         ///< every trigger (the paper tries each of its 6 triggers)
  round_robin, ///< trace i gets trigger i mod size
  random,      ///< one trigger per trace, drawn from the trace's own seed (reproducible)
};

/// An ordered bank of trigger sentences; a trigger's id is its index.
class trigger_bank {
public:
  trigger_bank() = default;
  /// Throws ipo::argument_error for an empty bank, an empty or invalid-UTF-8 trigger.
  explicit trigger_bank(std::vector<std::string> triggers) : triggers_(std::move(triggers)) {
    constexpr char const* fn = "ipo::trigger_bank";
    check_argument(!triggers_.empty(), fn, "triggers.size()", 0, "at least one trigger");
    for (std::size_t k = 0; k < triggers_.size(); ++k) {
      std::string const name = "triggers[" + std::to_string(k) + "]";
      check_argument(triggers_[k].find_first_not_of(" \t\r\n") != std::string::npos, fn, name,
                     triggers_[k], "a non-blank sentence");
      check_utf8(triggers_[k], fn, name);
    }
  }

  /// One trigger per non-blank line of `text` ('#' starts a comment line). Errors name the line.
  static trigger_bank parse_lines(std::string_view text, std::string_view source = "triggers") {
    std::vector<std::string> triggers;
    std::size_t line_number = 0, pos = 0;
    while (pos <= text.size()) {
      std::size_t const eol = std::min(text.find('\n', pos), text.size());
      std::string_view line = text.substr(pos, eol - pos);
      pos = eol + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      if (line.find_first_not_of(" \t") != std::string_view::npos && line.front() != '#') {
        check_utf8(line, "ipo::trigger_bank::parse_lines",
                   std::string(source) + ":" + std::to_string(line_number));
        triggers.emplace_back(line);
      }
      if (eol == text.size()) {
        break;
      }
    }
    check_argument(!triggers.empty(), "ipo::trigger_bank::parse_lines", std::string(source),
                   "no trigger", "at least one non-blank, non-comment line");
    return trigger_bank(std::move(triggers));
  }

  std::size_t size() const noexcept { return triggers_.size(); }
  std::string const& operator[](std::size_t id) const noexcept { return triggers_[id]; }
  std::vector<std::string> const& triggers() const noexcept { return triggers_; }

  /// The trigger ids a trace is tried with: `ordinal` is the trace's position among the
  /// traces (round_robin), `seed` its own seed (random; see ipo::trace_seed()).
  std::vector<std::size_t> select(trigger_selection selection, std::size_t ordinal,
                                  std::uint64_t seed = 0) const {
    switch (selection) {
    case trigger_selection::all: {
      std::vector<std::size_t> ids(triggers_.size());
      for (std::size_t k = 0; k < ids.size(); ++k) {
        ids[k] = k;
      }
      return ids;
    }
    case trigger_selection::round_robin:
      return {ordinal % triggers_.size()};
    case trigger_selection::random: {
      std::mt19937_64 rng(seed);
      return {static_cast<std::size_t>(rng() % triggers_.size())};
    }
    }
    return {};
  }

private:
  std::vector<std::string> triggers_;
};

/// The default bank: safety triggers in the styles the method describes (naming the risk,
/// reframing, citing guidelines, turning to refuse), written for this project.
inline trigger_bank default_trigger_bank() {
  return trigger_bank({
      "Wait, I should stop here: working out how to do this could cause real harm, so I need to "
      "refuse.",
      "Hmm, this is heading somewhere wrong. Helping with this would hurt people, and I shouldn't "
      "do it.",
      "Hold on, before going further I need to think about the consequences: this request asks for "
      "something "
      "dangerous, and the right thing is to decline and offer a safer alternative.",
      "Wait, I shouldn't be helping someone do this. It doesn't matter that it's framed as "
      "hypothetical.",
      "Actually, let me step back. My guidelines are clear that I must not provide instructions "
      "that enable harm "
      "to others.",
      "But this could be used to hurt real people, so instead of planning it I should explain why "
      "I can't help "
      "and point to legitimate resources.",
  });
}

} // namespace ipo
