#include "ipo/core/error.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <locale>
#include <stdexcept>
#include <string>

TEST_CASE("argument errors name the function, the argument, the value and the expectation") {
  try {
    ipo::throw_argument_error("ipo::example", "beta", -0.5, "a finite value > 0");
    FAIL("no exception");
  } catch (ipo::argument_error const& e) {
    CHECK(std::string(e.what()) ==
          "ipo::example: argument 'beta' = -0.5 is invalid: expected a finite value > 0");
    CHECK(e.function() == "ipo::example");
    CHECK(e.argument() == "beta");
    CHECK(std::string(e.message()) == e.what());
  }
}

TEST_CASE("string values are quoted, bools spelled out") {
  CHECK_THROWS_WITH_AS(
      ipo::throw_argument_error("f", "mode", std::string("sideways"), "one of a, b"),
      "f: argument 'mode' = \"sideways\" is invalid: expected one of a, b", ipo::argument_error);
  CHECK_THROWS_WITH_AS(ipo::throw_argument_error("f", "flag", true, "false"),
                       "f: argument 'flag' = true is invalid: expected false", ipo::argument_error);
}

TEST_CASE("errors are caught through ipo::error and through the standard bases") {
  CHECK_THROWS_AS(ipo::throw_argument_error("f", "x", 1, "2"), std::invalid_argument);
  CHECK_THROWS_AS(ipo::throw_runtime_error("f", "disk full"), std::runtime_error);
  try {
    ipo::throw_runtime_error("ipo::write", "disk full");
  } catch (ipo::error const& e) {
    CHECK(std::string(e.message()) == "ipo::write: disk full");
    CHECK(e.argument().empty());
  }
}

TEST_CASE("check_argument throws only when the condition fails") {
  CHECK_NOTHROW(ipo::check_argument(true, "f", "n", 3, "n > 0"));
  CHECK_THROWS_WITH(ipo::check_argument(false, "f", "n", 0, "n > 0"),
                    "f: argument 'n' = 0 is invalid: expected n > 0");
}

namespace {

std::string message_of(auto value) {
  try {
    ipo::throw_argument_error("f", "x", value, "y");
  } catch (ipo::argument_error const& e) {
    std::string const text = e.what();
    std::string const head = "f: argument 'x' = ", tail = " is invalid: expected y";
    REQUIRE(text.starts_with(head));
    REQUIRE(text.ends_with(tail));
    return text.substr(head.size(), text.size() - head.size() - tail.size());
  }
  FAIL("no exception");
  return {};
}

// Groups digits in threes with a comma, as many user locales do.
struct grouping_punct : std::numpunct<char> {
  char do_thousands_sep() const override { return ','; }
  std::string do_grouping() const override { return "\3"; }
  char do_decimal_point() const override { return ';'; }
};

} // namespace

TEST_CASE("numbers are written in full: 9 significant digits for floats, every digit of ints") {
  CHECK(message_of(0.1f) == "0.100000001"); // the float nearest 0.1, told apart from 0.1
  CHECK(message_of(1e-30) == "1e-30");
  CHECK(message_of(123456789.0) == "123456789");
  CHECK(message_of(1234567891.0) == "1.23456789e+09");
  CHECK(message_of(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(message_of(std::nan("")) == "nan");
  CHECK(message_of(-std::nan("")) == "nan");
  CHECK(message_of(std::int64_t{-9223372036854775807 - 1}) == "-9223372036854775808");
  CHECK(message_of(std::uint64_t{18446744073709551615u}) == "18446744073709551615");
  CHECK(message_of('q') == "'q'");
}

TEST_CASE("messages do not depend on the global locale") {
  std::locale const previous =
      std::locale::global(std::locale(std::locale::classic(), new grouping_punct));
  std::string const integer = message_of(std::int64_t{1234567});
  std::string const real = message_of(2.5);
  std::locale::global(previous);
  CHECK(integer == "1234567"); // not "1,234,567"
  CHECK(real == "2.5");        // not "2;5"
}
