// ipo/cues/lexicon.hpp: weighted cue phrases and their plain-text (TSV) format.
//
// A lexicon entry is (phrase, kind, weight, whole_word). Kinds: compliance (a step leaning
// toward how to comply), safety (naming the risk, reframing, citing guidelines, turning to a
// safer alternative) and refusal. Phrases are matched case-insensitively with typographic quotes,
// apostrophes and dashes equal to their ASCII forms, and a space matching any run of white
// space (see cues/matcher.hpp).
//
// TSV format, one entry per line, fields separated by tabs:
//   KIND <tab> WEIGHT <tab> PHRASE [<tab> word|substring]
// KIND is compliance, safety or refusal ("trigger", the older name of safety, is read as
// safety); WEIGHT a finite number; the optional fourth field
// chooses whole-word matching (word, the default) or matching inside words (substring).
// Blank lines and lines starting with '#' are ignored. Errors name the line.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/core/error.hpp"
#include "ipo/trace/utf8.hpp"

namespace ipo {

/// What a cue phrase signals.
enum class cue_kind : std::uint8_t {
  compliance = 0, ///< the step leans toward how to comply
  safety = 1,     ///< a safety cue: the step names the risk, reframes, or cites guidelines
  refusal = 2,    ///< an explicit refusal
};
inline constexpr std::size_t cue_kind_count = 3;

/// "compliance", "safety" or "refusal".
constexpr char const* cue_kind_name(cue_kind kind) noexcept {
  switch (kind) {
  case cue_kind::compliance:
    return "compliance";
  case cue_kind::safety:
    return "safety";
  case cue_kind::refusal:
    return "refusal";
  }
  return "?";
}

/// One weighted phrase.
struct lexicon_entry {
  std::string phrase;
  cue_kind kind = cue_kind::compliance;
  float weight = 1.0f;
  bool whole_word = true; ///< the match must not start or end inside a word
};

/// The longest phrase a lexicon accepts, in bytes.
inline constexpr std::size_t max_phrase_bytes = 256;

/// The canonical form phrases are compared in: ASCII lower case, typographic quotes,
/// apostrophes and dashes replaced by ASCII, runs of white space collapsed to one space,
/// trimmed. Two phrases with the same canonical form are duplicates.
inline std::string canonical_phrase(std::string_view phrase) {
  std::string out;
  out.reserve(phrase.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < phrase.size();) {
    unsigned char const c = static_cast<unsigned char>(phrase[i]);
    char mapped = 0;
    std::size_t length = 1;
    if (is_ascii_space(c)) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < phrase.size() && static_cast<unsigned char>(phrase[i + 1]) == 0x80) {
      switch (static_cast<unsigned char>(phrase[i + 2])) {
      case 0x98:
      case 0x99:
        mapped = '\'';
        break;
      case 0x9C:
      case 0x9D:
        mapped = '"';
        break;
      case 0x93:
      case 0x94:
        mapped = '-';
        break;
      default:
        break;
      }
      if (mapped != 0) {
        length = 3;
      }
    }
    if (mapped == 0) {
      mapped = static_cast<char>(fold_ascii(c));
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(mapped);
    i += length;
  }
  return out;
}

/// A set of weighted phrases, at most one entry per canonical phrase.
class lexicon {
public:
  lexicon() = default;

  /// Adds an entry; throws ipo::argument_error for an empty or overlong phrase, invalid
  /// UTF-8, a non-finite weight, or a duplicate (same canonical phrase).
  void add(lexicon_entry entry) {
    constexpr char const* fn = "ipo::lexicon::add";
    check_utf8(entry.phrase, fn, "entry.phrase");
    std::string canonical = canonical_phrase(entry.phrase);
    check_argument(!canonical.empty(), fn, "entry.phrase", entry.phrase,
                   "a phrase with a non-space character");
    check_argument(canonical.size() <= max_phrase_bytes, fn, "entry.phrase.size()",
                   canonical.size(), "at most " + std::to_string(max_phrase_bytes) + " bytes");
    check_argument(std::isfinite(entry.weight), fn, "entry.weight", entry.weight,
                   "a finite number");
    auto const [it, inserted] = index_.emplace(canonical, entries_.size());
    if (!inserted) {
      throw_argument_error(fn, "entry.phrase", entry.phrase,
                           "a phrase not already in the lexicon (it repeats entry " +
                               std::to_string(it->second) + ")");
    }
    entries_.push_back(std::move(entry));
  }

  std::vector<lexicon_entry> const& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  lexicon_entry const& operator[](std::size_t id) const noexcept { return entries_[id]; }
  /// Number of entries of one kind.
  std::size_t count(cue_kind kind) const noexcept {
    std::size_t n = 0;
    for (auto const& e : entries_) {
      n += e.kind == kind;
    }
    return n;
  }
  /// Id of the entry whose canonical phrase equals that of `phrase`, or size() when none.
  std::size_t find(std::string_view phrase) const {
    auto const it = index_.find(canonical_phrase(phrase));
    return it == index_.end() ? entries_.size() : it->second;
  }

private:
  std::vector<lexicon_entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

namespace detail {
inline std::string_view trim_cr(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}
} // namespace detail

/// Parses the TSV format (top of this file). `source` names the input in error messages,
/// which read "SOURCE:LINE: ..." and name the field at fault.
inline lexicon parse_lexicon_tsv(std::string_view text, std::string_view source = "lexicon") {
  constexpr char const* fn = "ipo::parse_lexicon_tsv";
  lexicon result;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t const eol = std::min(text.find('\n', pos), text.size());
    std::string_view const line = detail::trim_cr(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++line_number;
    std::string const where = std::string(source) + ":" + std::to_string(line_number);
    if (line.empty() || line.front() == '#' ||
        line.find_first_not_of(" \t") == std::string_view::npos) {
      if (eol == text.size()) {
        break;
      }
      continue;
    }
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
      std::size_t const tab = line.find('\t', start);
      fields.push_back(
          line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) {
        break;
      }
      start = tab + 1;
    }
    if (fields.size() < 3 || fields.size() > 4) {
      throw_argument_error(fn, where, std::to_string(fields.size()) + " fields",
                           "KIND<tab>WEIGHT<tab>PHRASE[<tab>word|substring]");
    }
    lexicon_entry entry;
    if (fields[0] == "compliance") {
      entry.kind = cue_kind::compliance;
    } else if (fields[0] == "safety" || fields[0] == "trigger") { // "trigger": the older name
      entry.kind = cue_kind::safety;
    } else if (fields[0] == "refusal") {
      entry.kind = cue_kind::refusal;
    } else {
      throw_argument_error(fn, where + " kind", std::string(fields[0]),
                           "compliance, safety or refusal");
    }
    double weight = 0;
    std::string const weight_text(fields[1]);
    char* parsed_end = nullptr;
    weight = std::strtod(weight_text.c_str(), &parsed_end);
    if (weight_text.empty() || parsed_end != weight_text.c_str() + weight_text.size() ||
        !std::isfinite(weight)) {
      throw_argument_error(fn, where + " weight", weight_text, "a finite number");
    }
    entry.weight = static_cast<float>(weight);
    entry.phrase = std::string(fields[2]);
    if (fields.size() == 4) {
      if (fields[3] == "word") {
        entry.whole_word = true;
      } else if (fields[3] == "substring") {
        entry.whole_word = false;
      } else {
        throw_argument_error(fn, where + " mode", std::string(fields[3]), "word or substring");
      }
    }
    try {
      result.add(std::move(entry));
    } catch (argument_error const& e) {
      throw argument_error(where + ": " + e.what(), fn, where);
    }
    if (eol == text.size()) {
      break;
    }
  }
  return result;
}

/// Reads a whole stream and parses it as TSV.
inline lexicon read_lexicon_tsv(std::istream& in, std::string_view source = "lexicon") {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_lexicon_tsv(buffer.str(), source);
}

} // namespace ipo
