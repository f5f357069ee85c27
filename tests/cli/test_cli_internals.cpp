// The pieces of ipo-pairs below the command line: SHA-256 against FIPS 180-4's examples, the
// JSON writer against simdjson reading it back, error excerpts, the line reader across batch
// boundaries, and the duplicate-id table against std::unordered_map.
#include "../../examples/ipo_pairs/commands.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

// Digests computed with Python's hashlib.
template <class Hash>
void check_sha256() {
  CHECK(Hash().update("").hex() ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Hash().update("abc").hex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Hash().update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex() ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Hash million;
  std::string const chunk(1000, 'a');
  for (int k = 0; k < 1000; ++k) {
    million.update(chunk);
  }
  CHECK(million.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // 55, 56 and 64 bytes: the padding edges; pieces of 1 and 63 bytes across blocks.
  CHECK(Hash().update(std::string(55, 'a')).hex() ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(Hash().update(std::string(56, 'a')).hex() ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(Hash().update("a").update(std::string(63, 'a')).hex() ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  // update_u64 feeds 8 little-endian bytes: 0x0102 -> 02 01 00 00 00 00 00 00.
  CHECK(Hash().update_u64(0x0102).hex() ==
        Hash().update(std::string_view("\x02\x01\0\0\0\0\0\0", 8)).hex());
}

TEST_CASE("SHA-256 of the standard's examples") {
  check_sha256<ipo_pairs::sha256_portable>();
  check_sha256<ipo_pairs::sha256>(); // OpenSSL's, when the tool is built with it
}

TEST_CASE("the JSON writer: simdjson reads back every string exactly") {
  std::mt19937 rng(5);
  simdjson::dom::parser parser;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text;
    for (std::size_t k = 0, n = rng() % 40; k < n; ++k) {
      switch (rng() % 6) {
      case 0:
        text += static_cast<char>(rng() % 32); // control characters, NUL included
        break;
      case 1:
        text += '"';
        break;
      case 2:
        text += '\\';
        break;
      case 3:
        text += "\xC3\xA9\xE2\x80\x99"; // é and a typographic apostrophe
        break;
      default:
        text += static_cast<char>('a' + rng() % 26);
      }
    }
    std::string line;
    ipo_pairs::json_object(line)
        .field("text", text)
        .field("n", static_cast<std::uint64_t>(trial))
        .end();
    REQUIRE(line.back() == '\n');
    line.pop_back();
    CHECK(line.find('\n') == std::string::npos); // one record, one line
    auto const doc = parser.parse(line);
    REQUIRE(doc.error() == simdjson::SUCCESS);
    CHECK(doc["text"].get_string().value() == text);
    CHECK(doc["n"].get_uint64().value() == static_cast<std::uint64_t>(trial));
    CHECK_FALSE(ipo_pairs::find_json_fault(line));
  }
}

TEST_CASE("faults and excerpts") {
  auto const fault = ipo_pairs::find_json_fault(R"({"a": 1, "b": tru})");
  REQUIRE(fault);
  CHECK(fault->offset == 14);
  CHECK(fault->what == "invalid literal");
  CHECK(ipo_pairs::find_json_fault("{\"a\": 1} x")->what == "text after the JSON value");
  CHECK(ipo_pairs::find_json_fault("{\"a\": 012}")->offset == 6);
  CHECK(ipo_pairs::find_json_fault("18446744073709551616")->what ==
        "an integer too large for 64 bits");
  CHECK_FALSE(ipo_pairs::find_json_fault("-9223372036854775808"));
  std::string const long_line = "{\"x\": \"" + std::string(10000, 'y') + "\n";
  std::string const shown = ipo_pairs::excerpt(long_line, 5000);
  CHECK(shown.size() <= 80 + 8);
  CHECK(shown.substr(0, 4) == "'...");
  CHECK(ipo_pairs::excerpt("a\tb\x01", 0) == "'a\\tb\\x01'");
  CHECK(ipo_pairs::excerpt("bad \xFF", 4) == "'bad \xEF\xBF\xBD'"); // replaced, valid UTF-8
}

TEST_CASE("the line reader: lines across batch boundaries, CRLF, a line longer than a batch") {
  std::string content;
  std::vector<std::string> expected;
  std::mt19937 rng(9);
  for (int k = 0; k < 500; ++k) {
    std::string line(rng() % (k == 250 ? 5000 : 40), static_cast<char>('a' + k % 26));
    expected.push_back(line);
    content += line + (k % 7 == 0 ? "\r\n" : "\n");
  }
  content += "last line without a newline";
  expected.push_back("last line without a newline");
  char path[] = "/tmp/ipo_lines_XXXXXX";
  int const fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
  {
    ipo_pairs::input_file in(path);
    ipo_pairs::line_reader reader(in, 256); // small batches: many boundaries
    ipo_pairs::line_batch batch;
    std::vector<std::string> got;
    std::uint64_t previous_end = 0;
    while (reader.next(batch)) {
      for (auto const& l : batch.lines) {
        CHECK(l.number == got.size() + 1);
        CHECK(content.compare(l.offset, l.text.size(), l.text) == 0); // offsets are bytes
        got.emplace_back(l.text);
      }
      CHECK(batch.end_offset > previous_end);
      previous_end = batch.end_offset;
    }
    CHECK(got == expected);
    CHECK(previous_end == content.size());
  }
  ::unlink(path);
}

TEST_CASE("the id table agrees with std::unordered_map") {
  ipo_pairs::id_registry ids;
  std::unordered_map<std::string, std::size_t> reference;
  std::mt19937 rng(3);
  for (std::size_t line = 1; line <= 20000; ++line) {
    std::string const id = "id-" + std::to_string(rng() % 12000);
    auto const [it, inserted] = reference.emplace(id, line);
    CHECK(ids.first_line(id, line) == (inserted ? 0 : it->second));
  }
}
