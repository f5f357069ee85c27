#include "ipo/core/error.hpp"

#include <doctest/doctest.h>

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
