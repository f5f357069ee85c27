// libFuzzer target: the JSON Lines reading of ipo-pairs. For any line, simdjson and the fault
// finder that explains its errors agree on whether it is valid JSON (so every rejected line
// gets a position in its message), the message quotes at most 80 bytes of the line, and the
// record readers either succeed or throw line_error, never anything else.
#include "../../examples/ipo_pairs/records.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::vector<char> padded(size + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), data, size);
  ipo_pairs::line const l{std::string_view(padded.data(), size), 1, 0};
  static simdjson::dom::parser parser;
  auto const parsed = parser.parse(padded.data(), size, false);
  auto const fault = ipo_pairs::find_json_fault(l.text);
  bool const simdjson_ok = parsed.error() == simdjson::SUCCESS;
  bool const depth = parsed.error() == simdjson::DEPTH_ERROR;
  bool const empty = parsed.error() == simdjson::EMPTY;
  if (simdjson_ok == fault.has_value() && !depth && !(empty && fault)) {
    std::abort(); // the two disagree: a rejected line would get no position
  }
  if (fault &&
      (fault->offset > size || ipo_pairs::excerpt(l.text, fault->offset).size() > 4 * 80 + 8)) {
    std::abort();
  }
  ipo_pairs::options const options;
  try {
    (void)ipo_pairs::read_trace(parser, l, options);
  } catch (ipo_pairs::line_error const&) {
  }
  try {
    (void)ipo_pairs::read_prefix_record(parser, l);
  } catch (ipo_pairs::line_error const&) {
  }
  return 0;
}
