// ipo._ipo, runtime side: the streaming Monitor (ipo::stream_monitor over the three
// segmenters, with the lexical detector or a Detector) and guarded decoding (ipo::guard).
#include <ipo/runtime.hpp>
#include <ipo/text.hpp>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "text_support.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ipo_python {
namespace {

/// stream_monitor over one of the three segmenters, with the lexical detector (decided from
/// the streamed scores) or a Detector (asked on the completed steps).
class py_monitor {
public:
  py_monitor(std::optional<py_detector> detector, std::string const& mode, bool expect_open_tag)
      : mode_(mode) {
    ipo::monitor_options options;
    options.expect_open_tag = expect_open_tag;
    segment_mode const m = parse_mode(mode);
    auto make = [&](auto segmenter) {
      using S = decltype(segmenter);
      if (detector && detector->lexical()) {
        monitor_.template emplace<ipo::stream_monitor<S>>(*detector->lexical(), segmenter, options);
      } else if (detector) {
        monitor_.template emplace<ipo::stream_monitor<S, py_detector>>(
            *detector, ipo::default_lexicon(), segmenter, options);
      } else {
        monitor_.template emplace<ipo::stream_monitor<S>>(
            ipo::lexical_detector(ipo::default_lexicon()), segmenter, options);
      }
    };
    if (m == segment_mode::paragraph) {
      make(ipo::paragraph_segmenter{});
    } else if (m == segment_mode::markers) {
      make(ipo::marker_segmenter{});
    } else {
      make(ipo::sentence_segmenter{});
    }
  }

  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), monitor_);
  }

  nb::list events_of(std::vector<ipo::monitor_event> const& events) {
    return visit([&](auto& monitor) {
      nb::list out;
      std::string_view const reasoning = monitor.reasoning();
      for (ipo::monitor_event const& e : events) {
        nb::dict d;
        switch (e.kind) {
        case ipo::monitor_event_kind::step:
          d["kind"] = "step";
          break;
        case ipo::monitor_event_kind::first_compliance:
          d["kind"] = "first_compliance";
          break;
        case ipo::monitor_event_kind::reasoning_end:
          d["kind"] = "reasoning_end";
          break;
        }
        d["step"] = e.step;
        if (e.kind != ipo::monitor_event_kind::reasoning_end) {
          d["span"] = std::make_pair(e.span.begin, e.span.end);
          d["text"] = std::string(e.span.of(reasoning));
          d["compliance"] = e.score[ipo::cue_kind::compliance];
          d["safety"] = e.score[ipo::cue_kind::safety];
          d["refusal"] = e.score[ipo::cue_kind::refusal];
        }
        out.append(d);
      }
      return out;
    });
  }

  std::string const& mode() const noexcept { return mode_; }

  using variant = std::variant<ipo::stream_monitor<ipo::sentence_segmenter>,
                               ipo::stream_monitor<ipo::marker_segmenter>,
                               ipo::stream_monitor<ipo::paragraph_segmenter>,
                               ipo::stream_monitor<ipo::sentence_segmenter, py_detector>,
                               ipo::stream_monitor<ipo::marker_segmenter, py_detector>,
                               ipo::stream_monitor<ipo::paragraph_segmenter, py_detector>>;

private:
  std::string mode_;
  variant monitor_;
};

/// A decoded piece as bytes: a bytes object as it is, a str in UTF-8.
std::string piece_bytes(nb::handle piece) {
  if (nb::isinstance<nb::bytes>(piece)) {
    nb::bytes const b = nb::borrow<nb::bytes>(piece);
    return std::string(b.c_str(), b.size());
  }
  return nb::cast<std::string>(piece);
}

/// A Python object with start(text) and next() -> str | bytes | None, as a StreamingGenerator.
struct py_stream_generator {
  nb::object target;
  std::string piece;
  void start(std::string_view text) {
    nb::gil_scoped_acquire acquire;
    target.attr("start")(nb::str(text.data(), text.size()));
  }
  std::optional<std::string_view> next() {
    nb::gil_scoped_acquire acquire;
    nb::object const out = target.attr("next")();
    if (out.is_none()) {
      return std::nullopt;
    }
    piece = piece_bytes(out);
    return std::string_view(piece);
  }
};

} // namespace

void bind_runtime(nb::module_& m) {
  nb::class_<py_monitor>(
      m, "Monitor",
      "Follows reasoning while it is decoded (ipo::stream_monitor): feed() it the "
      "decoded text in pieces of any size; it returns the events it completed.")
      .def(nb::init<std::optional<py_detector>, std::string const&, bool>(),
           "detector"_a = nb::none(), "mode"_a = "sentence", "expect_open_tag"_a = false)
      .def(
          "feed",
          [](py_monitor& self, nb::handle piece) {
            std::string const bytes = piece_bytes(piece);
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) { monitor.feed(bytes, events); });
            return self.events_of(events);
          },
          "piece"_a, "Feeds decoded text (str, or bytes that may split a UTF-8 sequence).")
      .def(
          "finish",
          [](py_monitor& self) {
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) { monitor.finish(events); });
            return self.events_of(events);
          },
          "The end of the stream: the last steps and the reasoning_end event.")
      .def("reset", [](py_monitor& self) { self.visit([](auto& monitor) { monitor.reset(); }); })
      .def(
          "restart",
          [](py_monitor& self, std::string const& reasoning, std::size_t reasoning_offset,
             std::size_t judged_from) {
            std::vector<ipo::monitor_event> events;
            self.visit([&](auto& monitor) {
              monitor.restart(reasoning, reasoning_offset, judged_from, events);
            });
            return self.events_of(events);
          },
          "reasoning"_a, "reasoning_offset"_a, "judged_from"_a,
          "Starts again inside the reasoning from `reasoning` (a rollback's kept text and trigger) "
          "at "
          "stream byte `reasoning_offset`; steps beginning before byte `judged_from` are not "
          "judged.")
      .def(
          "intervene",
          [](py_monitor& self, std::string const& trigger, std::size_t trigger_id) {
            return self.visit([&](auto& monitor) {
              if (!monitor.first_compliance()) {
                throw nb::value_error("intervene(): no first compliance step yet");
              }
              ipo::intervention const cut = ipo::make_intervention(
                  ipo::intervention_strategy::substitute, monitor.reasoning(), monitor.steps(),
                  *monitor.first_compliance(), trigger, trigger_id);
              nb::dict d;
              d["step"] = cut.step;
              d["prefix"] = cut.prefix;
              d["kept_bytes"] = cut.kept_bytes;
              d["offset"] = monitor.reasoning_offset() + cut.kept_bytes;
              return d;
            });
          },
          "trigger"_a, "trigger_id"_a = 0,
          "The substitution at the first compliance step: `prefix` (the reasoning to continue "
          "from), "
          "`offset` (stream byte where the removed text begins).")
      .def_prop_ro("mode", &py_monitor::mode)
      .def_prop_ro("reasoning",
                   [](py_monitor& self) {
                     return self.visit(
                         [](auto& monitor) { return std::string(monitor.reasoning()); });
                   })
      .def_prop_ro("reasoning_offset",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.reasoning_offset(); });
                   })
      .def_prop_ro("steps",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) {
                       std::vector<std::pair<std::size_t, std::size_t>> out;
                       for (ipo::byte_span const s : monitor.steps()) {
                         out.emplace_back(s.begin, s.end);
                       }
                       return out;
                     });
                   })
      .def_prop_ro("first_compliance",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.first_compliance(); });
                   })
      .def_prop_ro("reasoning_ended",
                   [](py_monitor& self) {
                     return self.visit([](auto& monitor) { return monitor.reasoning_ended(); });
                   })
      .def_prop_ro("closed", [](py_monitor& self) {
        return self.visit([](auto& monitor) { return monitor.closed(); });
      });

  m.def(
      "guard",
      [](nb::object generator, std::string const& prompt, py_monitor& monitor,
         std::optional<std::vector<std::string>> triggers, std::size_t max_interventions,
         std::string const& selection, std::uint64_t seed) {
        ipo::trigger_bank const bank =
            triggers ? ipo::trigger_bank(*triggers) : ipo::default_trigger_bank();
        ipo::guard_options options;
        options.max_interventions = max_interventions;
        options.selection = parse_selection(selection);
        options.seed = seed;
        py_stream_generator adapter{std::move(generator), {}};
        ipo::guard_result result;
        {
          nb::gil_scoped_release release;
          result = monitor.visit(
              [&](auto& mon) { return ipo::guard(adapter, prompt, mon, bank, options); });
        }
        nb::dict d;
        d["completion"] = result.completion;
        nb::list interventions;
        for (ipo::guard_intervention const& i : result.interventions) {
          nb::dict x;
          x["step"] = i.step;
          x["offset"] = i.offset;
          x["removed"] = i.removed;
          x["trigger_id"] = i.trigger_id;
          interventions.append(x);
        }
        d["interventions"] = interventions;
        d["reasoning_ended"] = result.reasoning_ended;
        d["first_compliance"] = result.first_compliance;
        return d;
      },
      "generator"_a, "prompt"_a, "monitor"_a, "triggers"_a = nb::none(), "max_interventions"_a = 2,
      "selection"_a = "round-robin", "seed"_a = 0,
      "Guarded decoding (ipo::guard): `generator` has start(text) and next() -> str | bytes | "
      "None.");
}

} // namespace ipo_python
