#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/lexicon.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

TEST_CASE("canonical form: case, typographic punctuation, white space") {
  CHECK(ipo::canonical_phrase("  I\xE2\x80\x99ll   Start\tBy ") == "i'll start by");
  CHECK(ipo::canonical_phrase("\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x94 dash") ==
        "\"quoted\" - dash");
  CHECK(ipo::canonical_phrase("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("TSV loader: entries, comments, modes") {
  std::string const tsv = "# comment\n\ncompliance\t1.5\tI'll start "
                          "by\nsafety\t2\twait\tsubstring\r\nrefusal\t-0.5\tno way\tword\n";
  auto const lex = ipo::parse_lexicon_tsv(tsv);
  REQUIRE(lex.size() == 3);
  CHECK(lex[0].kind == ipo::cue_kind::compliance);
  CHECK(lex[1].kind == ipo::cue_kind::safety);
  CHECK(std::string(ipo::cue_kind_name(lex[1].kind)) == "safety");
  CHECK(lex[2].kind == ipo::cue_kind::refusal);
  CHECK(lex[0].weight == 1.5f);
  CHECK(lex[1].whole_word == false);
  CHECK(lex[2].weight == -0.5f);
  CHECK(lex.find("I\xE2\x80\x99LL START BY") == 0);
  CHECK(lex.find("absent") == 3);
  std::istringstream stream(tsv);
  CHECK(ipo::read_lexicon_tsv(stream).size() == 3);
}

TEST_CASE("TSV loader: \"trigger\", the older name of the safety kind, reads as safety") {
  auto const lex = ipo::parse_lexicon_tsv("trigger\t2\twait\n");
  REQUIRE(lex.size() == 1);
  CHECK(lex[0].kind == ipo::cue_kind::safety);
}

TEST_CASE("TSV loader errors name the line and the field") {
  auto fails_with = [](std::string const& tsv, std::string const& part) {
    CAPTURE(tsv);
    CHECK_THROWS_WITH_AS(ipo::parse_lexicon_tsv(tsv, "my.tsv"), doctest::Contains(part.c_str()),
                         ipo::argument_error);
  };
  fails_with("compliance\t1\tok\nsafety\t1\t   \n", "my.tsv:2");
  fails_with("compliance\t1\tsame phrase\ncompliance\t2\tSAME  phrase\n",
             "my.tsv:2: ipo::lexicon::add: argument 'entry.phrase'");
  fails_with("compliance\tabc\tphrase\n", "'my.tsv:1 weight' = \"abc\"");
  fails_with("compliance\tnan\tphrase\n", "'my.tsv:1 weight' = \"nan\"");
  fails_with("bogus\t1\tphrase\n", "'my.tsv:1 kind' = \"bogus\"");
  fails_with("compliance\t1\n", "'my.tsv:1' = \"2 fields\"");
  fails_with("compliance\t1\tbad \xFF utf8\n", "my.tsv:1");
  fails_with("compliance\t1\t" + std::string(300, 'x') + "\n", "at most 256 bytes");
  fails_with("compliance\t1\tphrase\tmaybe\n", "'my.tsv:1 mode' = \"maybe\"");
}

TEST_CASE("the default lexicon: at least 150 compliance and 100 safety phrases, all loadable") {
  auto const lex = ipo::default_lexicon();
  CHECK(lex.count(ipo::cue_kind::compliance) >= 150);
  CHECK(lex.count(ipo::cue_kind::safety) >= 100);
  CHECK(lex.count(ipo::cue_kind::refusal) >= 10);
  for (auto const& e : lex.entries()) {
    CHECK(e.weight > 0.0f);
    CHECK(e.weight <= 2.0f);
  }
  // The method document's own examples are covered with the right kind.
  CHECK(lex[lex.find("wait, maybe i have to refuse")].kind == ipo::cue_kind::safety);
  CHECK(lex[lex.find("i shouldn't be helping")].kind == ipo::cue_kind::safety);
  CHECK(lex[lex.find("i'll start by crafting")].kind == ipo::cue_kind::compliance);
  CHECK(lex[lex.find("i know this is wrong, but")].kind == ipo::cue_kind::compliance);
  CHECK(lex[lex.find("as this is hypothetical")].kind == ipo::cue_kind::compliance);
}
