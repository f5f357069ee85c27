// libFuzzer target: the streaming monitor, fed any input cut into pieces the input chooses,
// completes the batch path's steps with the batch path's scores and first compliance step
// (split_trace, the segmenter, lexicon_scorer, lexical_detector on the whole text).
#include <ipo/intervention/detector.hpp>
#include <ipo/runtime/monitor.hpp>
#include <ipo/text.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

template <class S>
void check(std::string_view text, std::uint8_t cuts, ipo::stream_monitor<S>& monitor,
           S const& segmenter, ipo::lexical_detector const& detector) {
  std::vector<ipo::monitor_event> events;
  monitor.reset();
  std::size_t at = 0, k = 0;
  while (at < text.size()) { // piece sizes from the control byte: 1..8, cycling
    std::size_t const n = std::min<std::size_t>(1 + ((cuts >> (k++ % 6)) & 7), text.size() - at);
    monitor.feed(text.substr(at, n), events);
    at += n;
  }
  monitor.finish(events);
  std::string_view const reasoning = ipo::split_trace(text).reasoning.of(text);
  std::vector<ipo::byte_span> steps;
  segmenter.segment(reasoning, steps);
  std::vector<ipo::step_score> scores;
  ipo::lexicon_scorer const& scorer = detector.scorer();
  scorer.score(reasoning, steps, scores);
  if (monitor.reasoning() != reasoning || monitor.steps().size() != steps.size()) {
    std::abort();
  }
  for (std::size_t s = 0; s < steps.size(); ++s) {
    if (!(monitor.steps()[s] == steps[s]) || monitor.scores()[s].weight != scores[s].weight ||
        monitor.scores()[s].matches != scores[s].matches) {
      std::abort();
    }
  }
  if (monitor.first_compliance() != detector.first_compliance(reasoning, steps)) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  std::string_view const text(reinterpret_cast<char const*>(data) + 1, size - 1);
  static ipo::lexical_detector const detector(ipo::default_lexicon());
  static ipo::stream_monitor<ipo::sentence_segmenter> sentences(detector);
  static ipo::stream_monitor<ipo::marker_segmenter> markers(detector, ipo::marker_segmenter{});
  static ipo::stream_monitor<ipo::paragraph_segmenter> paragraphs(detector,
                                                                  ipo::paragraph_segmenter{});
  // The stream starts inside the reasoning; the batch path is split_trace's, whose rule for a
  // text that opens with the tag after white space is the monitor's too. A text with the
  // opening tag elsewhere is a preamble case the default monitor does not take: skip it.
  std::string_view const trimmed =
      text.substr(std::min(text.size(), text.find_first_not_of(" \t\r\n\f\v")));
  std::size_t const open = text.find("<think>");
  if (open != std::string_view::npos && !trimmed.starts_with("<think>")) {
    return 0;
  }
  check(text, data[0], sentences, ipo::sentence_segmenter{}, detector);
  check(text, data[0], markers, ipo::marker_segmenter{}, detector);
  check(text, data[0], paragraphs, ipo::paragraph_segmenter{}, detector);
  return 0;
}
