// libFuzzer target: trace splitting never reads out of bounds and returns ordered spans.
#include <ipo/trace/split.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  for (auto policy : {ipo::untagged_policy::all_reasoning, ipo::untagged_policy::all_response}) {
    ipo::trace_split_options options;
    options.untagged = policy;
    auto const parts = ipo::split_trace(text, options);
    for (auto span : {parts.preamble, parts.reasoning, parts.response}) {
      if (span.begin > span.end || span.end > size) {
        std::abort();
      }
    }
    if (parts.has_close_tag && parts.reasoning.end > parts.response.begin) {
      std::abort();
    }
  }
  return 0;
}
