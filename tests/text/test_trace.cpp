#include "ipo/trace/split.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("both tags: reasoning between them, response after, preamble before") {
  std::string const c = "pre <think>\n  Let me think.\n</think>\n\nThe answer.  ";
  auto const p = ipo::split_trace(c);
  CHECK(p.has_open_tag);
  CHECK(p.has_close_tag);
  CHECK_FALSE(p.truncated);
  CHECK(p.preamble.of(c) == "pre");
  CHECK(p.reasoning.of(c) == "Let me think.");
  CHECK(p.response.of(c) == "The answer.");
  CHECK(c.substr(p.reasoning.begin, 5) == "Let m"); // offsets index the original string
}

TEST_CASE("only the closing tag (R1-distilled templates), CRLF line ends") {
  std::string const c = "Okay, so the user asks.\r\nHmm.\r\n</think>\r\nSure.\r\n";
  auto const p = ipo::split_trace(c);
  CHECK_FALSE(p.has_open_tag);
  CHECK(p.has_close_tag);
  CHECK(p.reasoning.of(c) == "Okay, so the user asks.\r\nHmm.");
  CHECK(p.response.of(c) == "Sure.");
}

TEST_CASE("no tags: the policy decides; unclosed tag: truncated") {
  std::string const c = "  just text ";
  auto const r = ipo::split_trace(c);
  CHECK(r.reasoning.of(c) == "just text");
  CHECK(r.response.empty());
  ipo::trace_split_options o;
  o.untagged = ipo::untagged_policy::all_response;
  auto const a = ipo::split_trace(c, o);
  CHECK(a.response.of(c) == "just text");
  CHECK(a.reasoning.empty());
  std::string const cut = "<think>I will now";
  auto const t = ipo::split_trace(cut);
  CHECK(t.truncated);
  CHECK(t.reasoning.of(cut) == "I will now");
  CHECK(t.response.begin == cut.size());
}

TEST_CASE("repeated tags: the first pair splits, later tags stay as text and are counted") {
  std::string const c = "<think>a</think>b<think>c</think>d";
  auto const p = ipo::split_trace(c);
  CHECK(p.reasoning.of(c) == "a");
  CHECK(p.response.of(c) == "b<think>c</think>d");
  CHECK(p.extra_tags == 2);
  std::string const empty_all;
  auto const e = ipo::split_trace(empty_all);
  CHECK(e.reasoning.empty());
  CHECK(e.response.empty());
  ipo::trace_split_options bad;
  bad.close_tag = "";
  CHECK_THROWS_WITH_AS(ipo::split_trace("x", bad), doctest::Contains("'options.close_tag'"),
                       ipo::argument_error);
}
