// ipo/core/error.hpp: the exceptions ipo throws at its public boundary.
//
// Every message names the function, the argument, the offending value and what was expected,
// for example:
//   ipo::preference_loss: argument 'beta' = -0.5 is invalid: expected a finite value > 0
// Catch `ipo::error const&` for everything ipo throws, or the standard base classes:
// `ipo::argument_error` is a std::invalid_argument, `ipo::runtime_error` a std::runtime_error.
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace ipo {

/// Common base of every exception ipo throws. It is not a std::exception itself, so that
/// ipo::argument_error and ipo::runtime_error can each derive from the matching standard type.
class error {
public:
  error(std::string function, std::string argument)
      : function_(std::move(function)), argument_(std::move(argument)) {}
  virtual ~error() = default;
  error(error const&) = default;
  error& operator=(error const&) = default;

  /// The full message, identical to what() of the standard base.
  [[nodiscard]] virtual char const* message() const noexcept = 0;
  /// The public function that rejected its input, e.g. "ipo::preference_loss".
  [[nodiscard]] std::string const& function() const noexcept { return function_; }
  /// The argument at fault, e.g. "beta"; empty when the error is not about one argument.
  [[nodiscard]] std::string const& argument() const noexcept { return argument_; }

private:
  std::string function_;
  std::string argument_;
};

/// An argument that the caller can fix: wrong shape, out-of-range parameter, malformed text.
class argument_error : public std::invalid_argument, public error {
public:
  argument_error(std::string const& what, std::string function, std::string argument)
      : std::invalid_argument(what), error(std::move(function), std::move(argument)) {}
  [[nodiscard]] char const* message() const noexcept override { return what(); }
};

/// A failure that is not the caller's argument: a CUDA call, an I/O error, a resource limit.
class runtime_error : public std::runtime_error, public error {
public:
  runtime_error(std::string const& what, std::string function)
      : std::runtime_error(what), error(std::move(function), {}) {}
  [[nodiscard]] char const* message() const noexcept override { return what(); }
};

namespace detail {

/// Appends a value the way an error message should show it: strings quoted, floats with
/// enough digits (9 significant) to tell neighbours apart, bools as words. Numbers go through
/// std::to_chars, not iostreams: the message does not depend on the global locale (no "10,000"),
/// and a build that links libstdc++ statically into a Python extension, whose locale facets can
/// be bound to another copy of the library, never formats through them.
template <class T>
void describe_value(std::string& out, T const& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    out += '\'';
    out += value;
    out += '\'';
  } else if constexpr (std::is_convertible_v<T const&, std::string_view>) {
    out += '"';
    out += std::string_view(value);
    out += '"';
  } else if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value)) {
      out += "nan"; // one spelling whatever the sign bit
      return;
    }
    char digits[64];
    auto const written =
        std::to_chars(digits, digits + sizeof digits, value, std::chars_format::general, 9);
    out.append(digits, written.ptr);
  } else if constexpr (std::is_enum_v<T>) {
    describe_value(out, static_cast<std::underlying_type_t<T>>(value));
  } else {
    static_assert(std::is_integral_v<T>,
                  "describe_value: pass a number, bool, char, string or enum");
    char digits[24];
    auto const written = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, written.ptr);
  }
}

/// Builds "FUNCTION: argument 'ARGUMENT' = VALUE is invalid: expected EXPECTATION".
template <class T>
std::string argument_message(std::string_view function, std::string_view argument, T const& value,
                             std::string_view expectation) {
  std::string out;
  out.reserve(function.size() + argument.size() + expectation.size() + 64);
  out += function;
  out += ": argument '";
  out += argument;
  out += "' = ";
  describe_value(out, value);
  out += " is invalid: expected ";
  out += expectation;
  return out;
}

} // namespace detail

/// Throws ipo::argument_error with the standard message (see the top of this file).
template <class T>
[[noreturn]] void throw_argument_error(std::string_view function, std::string_view argument,
                                       T const& value, std::string_view expectation) {
  throw argument_error(detail::argument_message(function, argument, value, expectation),
                       std::string(function), std::string(argument));
}

/// Throws ipo::argument_error unless `condition` holds.
template <class T>
void check_argument(bool condition, std::string_view function, std::string_view argument,
                    T const& value, std::string_view expectation) {
  if (!condition) [[unlikely]] {
    throw_argument_error(function, argument, value, expectation);
  }
}

/// Throws ipo::runtime_error with the message "FUNCTION: WHAT".
[[noreturn]] inline void throw_runtime_error(std::string_view function, std::string_view what) {
  std::string text(function);
  text += ": ";
  text += what;
  throw runtime_error(text, std::string(function));
}

} // namespace ipo
