// ipo-pairs: JSON Lines in and out. Reading is simdjson's (records.hpp); this file writes
// records without building a document, and, when simdjson rejects a line, finds where and why
// (simdjson's DOM parser reports what, not where) so that the message can quote at most 80
// bytes around the fault.
#pragma once

#include <ipo/trace/utf8.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace ipo_pairs {

/// Appends `text` as a JSON string (quotes included). `text` must be valid UTF-8 (every
/// string ipo-pairs writes comes from validated input or from the library).
inline void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t run = 0; // start of the bytes not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto const c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') [[likely]] {
      continue;
    }
    out.append(text, run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  out.append(text, run, text.size() - run);
  out += '"';
}

/// Builds one JSON object on one line: `json_object(out).field("id", id).end()`.
class json_object {
public:
  explicit json_object(std::string& out) : out_(out) { out_ += '{'; }
  json_object& field(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out_, value);
    return *this;
  }
  json_object& field(std::string_view name, char const* value) {
    return field(name, std::string_view(value));
  }
  json_object& field(std::string_view name, std::uint64_t value) {
    key(name);
    out_ += std::to_string(value);
    return *this;
  }
  json_object& field(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
    return *this;
  }
  /// A value already serialised as JSON (an array, an object, null).
  json_object& raw(std::string_view name, std::string_view json) {
    key(name);
    out_ += json;
    return *this;
  }
  /// Closes the object (a value inside another record).
  void close() { out_ += '}'; }
  /// Closes the object and the line.
  void end() { out_ += "}\n"; }

private:
  void key(std::string_view name) {
    if (!first_) {
      out_ += ',';
    }
    first_ = false;
    append_json_string(out_, name);
    out_ += ':';
  }
  std::string& out_;
  bool first_ = true;
};

/// Where a line stops being valid JSON (RFC 8259, one value, numbers that fit a double) and
/// why; `offset` is a byte offset into the line.
struct json_fault {
  std::size_t offset = 0;
  std::string what;
};

namespace detail {

class json_checker {
public:
  explicit json_checker(std::string_view text) : s_(text) {}

  std::optional<json_fault> run() {
    if (std::size_t const bad = ipo::find_invalid_utf8(s_); bad != s_.size()) {
      return json_fault{bad, "invalid UTF-8"};
    }
    skip_space();
    if (!value(0)) {
      return fault_;
    }
    skip_space();
    if (i_ != s_.size()) {
      return json_fault{i_, "text after the JSON value"};
    }
    return std::nullopt;
  }

private:
  static constexpr int kMaxDepth = 1024;

  bool fail(std::size_t at, char const* what) {
    fault_ = json_fault{at, what};
    return false;
  }
  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) {
      return fail(i_, "invalid literal");
    }
    i_ += word.size();
    return true;
  }
  bool value(int depth) {
    if (i_ >= s_.size()) {
      return fail(i_, "a value is missing");
    }
    switch (s_[i_]) {
    case '{':
      return object(depth + 1);
    case '[':
      return array(depth + 1);
    case '"':
      return string();
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case 'n':
      return literal("null");
    default:
      return number();
    }
  }
  bool object(int depth) {
    if (depth > kMaxDepth) {
      return fail(i_, "nested too deeply");
    }
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') {
        return fail(i_, i_ >= s_.size() ? "an object is never closed" : "expected a key string");
      }
      if (!string()) {
        return false;
      }
      skip_space();
      if (i_ >= s_.size() || s_[i_] != ':') {
        return fail(i_, "expected ':' after a key");
      }
      ++i_;
      skip_space();
      if (!value(depth)) {
        return false;
      }
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      return fail(i_, i_ >= s_.size() ? "an object is never closed" : "expected ',' or '}'");
    }
  }
  bool array(int depth) {
    if (depth > kMaxDepth) {
      return fail(i_, "nested too deeply");
    }
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      if (!value(depth)) {
        return false;
      }
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      return fail(i_, i_ >= s_.size() ? "an array is never closed" : "expected ',' or ']'");
    }
  }
  static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
  }
  bool string() {
    std::size_t const open = i_++;
    while (i_ < s_.size()) {
      auto const c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) {
        return fail(i_, "a control character inside a string");
      }
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) {
          break;
        }
        char const e = s_[i_ + 1];
        if (e == 'u') {
          for (std::size_t k = 2; k < 6; ++k) {
            if (i_ + k >= s_.size() || !is_hex(s_[i_ + k])) {
              return fail(i_, "an invalid \\u escape");
            }
          }
          std::uint32_t const unit = static_cast<std::uint32_t>(
              std::strtoul(std::string(s_.substr(i_ + 2, 4)).c_str(), nullptr, 16));
          if (unit >= 0xD800 && unit < 0xDC00) { // a high surrogate needs its low half
            if (s_.substr(i_ + 6, 2) != "\\u" || i_ + 12 > s_.size()) {
              return fail(i_, "an unpaired surrogate escape");
            }
            std::uint32_t const low = static_cast<std::uint32_t>(
                std::strtoul(std::string(s_.substr(i_ + 8, 4)).c_str(), nullptr, 16));
            if (low < 0xDC00 || low > 0xDFFF) {
              return fail(i_, "an unpaired surrogate escape");
            }
            i_ += 12;
            continue;
          }
          if (unit >= 0xDC00 && unit <= 0xDFFF) {
            return fail(i_, "an unpaired surrogate escape");
          }
          i_ += 6;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
            e != 't') {
          return fail(i_, "an invalid escape");
        }
        i_ += 2;
        continue;
      }
      ++i_;
    }
    return fail(open, "a string is never closed");
  }
  bool number() {
    std::size_t const start = i_;
    if (s_[i_] == '-') {
      ++i_;
    }
    auto digits = [&] {
      std::size_t const from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        ++i_;
      }
      return i_ - from;
    };
    std::size_t const first = i_;
    if (digits() == 0) {
      return fail(start, "an invalid value");
    }
    if (s_[first] == '0' && i_ - first > 1) {
      return fail(start, "a number with a leading zero");
    }
    bool integer = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      integer = false;
      ++i_;
      if (digits() == 0) {
        return fail(start, "an invalid number");
      }
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      integer = false;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
        ++i_;
      }
      if (digits() == 0) {
        return fail(start, "an invalid number");
      }
    }
    std::string const text(s_.substr(start, i_ - start));
    if (!std::isfinite(std::strtod(text.c_str(), nullptr))) {
      return fail(start, "a number too large for a double");
    }
    if (integer && !fits_64_bits(text)) { // as simdjson: integers are int64 or uint64
      return fail(start, "an integer too large for 64 bits");
    }
    return true;
  }

  /// A decimal integer literal within [INT64_MIN, UINT64_MAX].
  static bool fits_64_bits(std::string_view digits) {
    bool const negative = !digits.empty() && digits.front() == '-';
    std::string_view const magnitude = digits.substr(negative ? 1 : 0);
    std::string_view const limit = negative ? "9223372036854775808" : "18446744073709551615";
    return magnitude.size() < limit.size() ||
           (magnitude.size() == limit.size() && magnitude <= limit);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  json_fault fault_;
};

} // namespace detail

/// The first fault of `line` as JSON, or none.
inline std::optional<json_fault> find_json_fault(std::string_view line) {
  return detail::json_checker(line).run();
}

/// At most `width` bytes of `line` around `offset`, in single quotes, with "..." where it was
/// cut; control characters are escaped and invalid UTF-8 replaced, so the message stays one
/// line of valid UTF-8.
inline std::string excerpt(std::string_view line, std::size_t offset, std::size_t width = 80) {
  offset = std::min(offset, line.size());
  std::size_t begin = offset > width / 4 ? offset - width / 4 : 0;
  std::size_t end = std::min(line.size(), begin + width);
  while (begin > 0 && begin < line.size() &&
         (static_cast<unsigned char>(line[begin]) & 0xC0) == 0x80) {
    ++begin; // not inside a UTF-8 sequence
  }
  while (end < line.size() && end > begin &&
         (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) {
    --end;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = begin > 0 ? "'..." : "'";
  for (char c : ipo::replace_invalid_utf8(line.substr(begin, end - begin))) {
    auto const u = static_cast<unsigned char>(c);
    if (u == '\n') {
      out += "\\n";
    } else if (u == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += end < line.size() ? "...'" : "'";
  return out;
}

} // namespace ipo_pairs
