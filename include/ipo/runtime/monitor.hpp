// ipo/runtime/monitor.hpp: the reasoning of a model followed while it is decoded.
//
// stream_monitor is fed the decoded text in pieces of any size (a token, a word, a chunk; a
// UTF-8 sequence or a tag may be split between pieces). It tracks <think> ... </think>,
// completes the reasoning's steps as soon as later text can no longer change them, scores
// each completed step with the cue lexicon, and reports events: a step completed (its span
// and scores), the first compliance step, the end of the reasoning.
//
// Exactness. The steps, their scores and the first compliance step are those of the batch
// path on the whole text (split_trace, then the segmenter, the lexicon_scorer and the
// detector on the reasoning), however the text is cut into pieces:
// - a step is complete when later text cannot change it: the next step holds enough bytes
//   (the segmenter's min_step_length(), so it is not merged back) before the last bytes whose
//   boundaries may still change (its stream_lookahead(); see StreamingSegmenter); the
//   segmenter then restarts at the end of the completed steps, so completed text is never
//   segmented again;
// - a completed step's scores are final once the text after it holds as many characters as
//   the lexicon's longest phrase (a match that starts in the step ends before them), counting
//   a white-space run, which a phrase's space matches, as one;
// - the detector must be prefix-consistent (its answer for step k depends on steps 0..k
//   only): lexical_detector (decided here from the streamed scores, in O(1) per step) and
//   pattern_detector are; any other ComplianceDetector is asked again on the completed steps
//   each time steps complete (O(steps) per call).
// The price of exactness is latency: a step is reported once the next one holds 10 bytes of
// content 3 bytes before the end (sentences) and the lexicon's longest phrase (36 characters
// for the default lexicon) fits after it, or at once when the reasoning ends.
//
// Cost (memory traffic): each piece is appended to the reasoning (amortised O(bytes)), and its
// bytes are checked for the closing tag's first byte and the segmenter's boundary bytes (inline
// in the caller's loop for a token-sized piece); the segmenter reads the unfinished tail only
// when a step can have completed, and the matcher reads each completed step once, plus the
// lexicon's longest phrase after the last step of each batch (on the bundled traces fed 4 bytes
// at a time the segmenter read 1.2 bytes per byte of reasoning). After warm-up, feeding
// allocates nothing.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ipo/config.hpp"
#include "ipo/core/ascii.hpp"
#include "ipo/core/byte_span.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/default_lexicon.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/cues/scorer.hpp"
#include "ipo/intervention/detector.hpp"
#include "ipo/intervention/rounds.hpp"
#include "ipo/runtime/detail/stream_text.hpp"
#include "ipo/steps/segmenters.hpp"

namespace ipo {

/// How a stream_monitor finds the reasoning in what it is fed.
struct monitor_options {
  /// false (default): the reasoning starts with the stream, as when the chat template ends the
  /// prompt with the opening tag (R1-style; an opening tag the model writes first anyway, after
  /// white space at most, is skipped); true: bytes before the opening tag are a preamble.
  bool expect_open_tag = false;
  std::string open_tag = "<think>";
  std::string close_tag = "</think>";
};

/// What a stream_monitor reports.
enum class monitor_event_kind : std::uint8_t {
  step,             ///< a step completed: its span and scores are final
  first_compliance, ///< the first compliance step (once per trace, after its `step` event)
  reasoning_end,    ///< the closing tag arrived, or finish() was called
};

/// One event; `step`, `span` and `score` are meaningful for the step events.
struct monitor_event {
  monitor_event_kind kind = monitor_event_kind::step;
  std::size_t step = 0; ///< index among the reasoning's steps
  byte_span span{};     ///< the step's bytes in stream_monitor::reasoning()
  step_score score{};
};

/// The streaming monitor (see the top of this file). `S` segments, the lexicon scores, `D`
/// decides the first compliance step. One monitor follows one stream at a time; reset() (or
/// restart()) starts the next and keeps every buffer's capacity. Not thread-safe.
template <StreamingSegmenter S = sentence_segmenter, ComplianceDetector D = lexical_detector>
class stream_monitor {
public:
  static constexpr bool lexical = std::is_same_v<D, lexical_detector>;

  /// The lexical detector over the default lexicon, sentences.
  stream_monitor() requires lexical : stream_monitor(lexical_detector(default_lexicon())) {}

  /// The lexical detector `detector`; steps are scored with its lexicon.
  explicit stream_monitor(D const& detector, S segmenter = {},
                          monitor_options options = {}) requires lexical
      : stream_monitor(detector, detector.scorer().lexicon_entries(), std::move(segmenter),
                       std::move(options)) {}

  /// Any detector; steps are scored with `scoring` (their scores are reported in the events,
  /// the detector decides on its own).
  stream_monitor(D detector, lexicon scoring, S segmenter = {}, monitor_options options = {})
      : segmenter_(std::move(segmenter)), detector_(std::move(detector)),
        scorer_(std::move(scoring)), options_(std::move(options)) {
    constexpr char const* fn = "ipo::stream_monitor";
    check_argument(!options_.close_tag.empty(), fn, "options.close_tag", "\"\"", "a non-empty tag");
    check_argument(!options_.expect_open_tag || !options_.open_tag.empty(), fn, "options.open_tag",
                   "\"\"", "a non-empty tag when expect_open_tag is set");
    lookahead_ = segmenter_.stream_lookahead();
    min_step_ = std::max<std::size_t>(segmenter_.min_step_length(), 1);
    settle_ = lookahead_ + min_step_;
    for (std::size_t b = 0; b < 256; ++b) {
      byte_class_[b] = static_cast<std::uint8_t>(
          (segmenter_.is_boundary_byte(static_cast<unsigned char>(b)) ? kBoundaryByte : 0u) |
          (b == static_cast<unsigned char>(options_.close_tag[0]) ? kTagStartByte : 0u));
    }
    for (std::size_t id = 0; id < scorer_.matcher().size(); ++id) {
      score_lookahead_ = std::max(score_lookahead_, scorer_.matcher().canonical(id).size());
    }
    reset();
  }

  /// Forgets the stream; the next feed() starts a new one.
  void reset() noexcept {
    phase_ = options_.expect_open_tag ? phase::before_open : phase::start;
    held_.clear();
    reasoning_.clear();
    steps_.clear();
    scores_.clear();
    stream_bytes_ = 0;
    reasoning_offset_ = 0;
    tail_begin_ = 0;
    last_boundary_ = npos;
    next_check_ = settle_check_ = score_check_ = npos;
    judged_from_ = 0;
    first_compliance_.reset();
    detection_over_ = false;
    closed_ = false;
    token_path_ = false;
  }

  /// Starts again inside the reasoning, from `reasoning` (what a rollback kept plus what it
  /// substituted), at stream offset `reasoning_offset`; steps that begin before byte
  /// `judged_from` of it are not judged (a substituted trigger is not a compliance step).
  /// The events of `reasoning`'s own completed steps go to `events`.
  void restart(std::string_view reasoning, std::size_t reasoning_offset, std::size_t judged_from,
               std::vector<monitor_event>& events) {
    std::string const kept(reasoning); // `reasoning` may view this monitor's own buffer
    reset();
    phase_ = phase::reasoning;
    stream_bytes_ = reasoning_offset;
    reasoning_offset_ = reasoning_offset;
    judged_from_ = judged_from;
    append_reasoning(kept, reasoning_offset);
    stream_bytes_ = reasoning_offset + kept.size();
    update(events);
    refresh_token_path();
  }

  /// Feeds the next piece of decoded text; appends what it completed to `events`.
  IPO_INLINE void feed(std::string_view piece, std::vector<monitor_event>& events) {
    // Most pieces are token-sized, inside a reasoning that has begun, with nothing held back:
    // they are classified and appended here, inline in the caller's decoding loop.
    if (piece.size() <= kTokenSized && token_path_) [[likely]] {
      stream_bytes_ += piece.size();
      if (consume_token(piece)) [[likely]] {
        if (reasoning_.size() >= next_check_) {
          update(events);
        }
        return;
      }
      stream_bytes_ -= piece.size();
    }
    feed_piece(piece, events);
  }

  /// The end of the stream: a reasoning never closed ends here (as split_trace's truncated
  /// case). Appends the last steps and the reasoning_end event, unless the reasoning had
  /// already ended.
  void finish(std::vector<monitor_event>& events) {
    token_path_ = false;
    if (phase_ == phase::start) {
      phase_ = phase::reasoning; // what was held is white space or a partial tag: reasoning
    }
    if (phase_ == phase::reasoning) {
      if (!held_.empty()) { // a partial closing tag at the very end is reasoning text
        std::string const rest = std::exchange(held_, std::string());
        append_reasoning(rest, stream_bytes_ - rest.size());
      }
      end_reasoning(events);
    }
    phase_ = phase::after;
  }

  /// The reasoning so far (from its first non-space byte); step spans are offsets into it.
  std::string_view reasoning() const noexcept { return reasoning_.view(); }
  /// Where the reasoning's first byte is in the stream (the bytes fed since reset()).
  std::size_t reasoning_offset() const noexcept { return reasoning_offset_; }
  /// Bytes fed since reset() (or since the stream offset given to restart()).
  std::size_t stream_bytes() const noexcept { return stream_bytes_; }
  /// The completed steps whose scores are final, and their scores.
  std::span<byte_span const> steps() const noexcept {
    return std::span<byte_span const>(steps_.data(), scores_.size());
  }
  std::span<step_score const> scores() const noexcept { return scores_; }
  std::optional<std::size_t> first_compliance() const noexcept { return first_compliance_; }
  bool reasoning_ended() const noexcept { return phase_ == phase::after; }
  /// The closing tag was fed (the reasoning ended by the model, not by finish()).
  bool closed() const noexcept { return closed_; }
  bool in_reasoning() const noexcept {
    return phase_ == phase::reasoning || phase_ == phase::start;
  }
  D const& detector() const noexcept { return detector_; }
  S const& segmenter() const noexcept { return segmenter_; }
  monitor_options const& options() const noexcept { return options_; }

private:
  enum class phase : std::uint8_t {
    start,       ///< before any reasoning byte, where an opening tag is skipped
    before_open, ///< waiting for the opening tag (expect_open_tag)
    reasoning,
    after,
  };
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();
  /// Pieces up to this size take the inline path of feed().
  static constexpr std::size_t kTokenSized = 16;

  /// A token-sized piece inside the reasoning (token_path_): its bytes are appended, its last
  /// boundary byte noted. Returns false, with nothing appended, when a byte of it may begin
  /// the closing tag: the piece then takes feed_piece().
  IPO_INLINE bool consume_token(std::string_view piece) {
    unsigned seen = 0;
    std::size_t last_boundary = npos;
    for (std::size_t k = 0; k < piece.size(); ++k) {
      unsigned const c = byte_class_[static_cast<unsigned char>(piece[k])];
      last_boundary = (c & kBoundaryByte) != 0 ? k : last_boundary;
      seen |= c;
    }
    if ((seen & kTagStartByte) != 0) [[unlikely]] {
      return false;
    }
    std::size_t const at = reasoning_.size();
    reasoning_.append(piece);
    if (last_boundary != npos) {
      note_boundary(at + last_boundary);
    }
    return true;
  }

  /// feed() for any piece: the tags, what is held back, the preamble.
  void feed_piece(std::string_view piece, std::vector<monitor_event>& events) {
    feed_any(piece, events);
    refresh_token_path();
  }

  /// Whether the next token-sized piece may take feed()'s inline path.
  void refresh_token_path() noexcept {
    token_path_ = phase_ == phase::reasoning && held_.empty() && !reasoning_.empty();
  }

  void feed_any(std::string_view piece, std::vector<monitor_event>& events) {
    std::size_t const base = stream_bytes_ - held_.size(); // stream offset of scratch_[0]
    stream_bytes_ += piece.size();
    if (phase_ == phase::after) {
      return;
    }
    std::string_view text = piece;
    if (!held_.empty()) {
      scratch_.assign(held_);
      scratch_.append(piece);
      held_.clear();
      text = scratch_;
    }
    if (phase_ == phase::start) { // an opening tag may come first: skip it
      std::size_t skip = 0;
      while (skip < text.size() && is_ascii_space(text[skip])) {
        ++skip;
      }
      std::string_view const rest = text.substr(skip);
      std::string_view const tag = options_.open_tag;
      if (!tag.empty() && rest.size() < tag.size() && tag.substr(0, rest.size()) == rest) {
        held_.assign(text); // white space and maybe the start of the tag: decide with more
        return;
      }
      phase_ = phase::reasoning;
      if (!tag.empty() && rest.substr(0, tag.size()) == tag) {
        consume_reasoning(rest.substr(tag.size()), base + skip + tag.size(), events);
        return;
      }
    }
    if (phase_ == phase::before_open) {
      std::size_t const open = text.find(options_.open_tag);
      if (open == std::string_view::npos) {
        hold_tag_prefix(text, options_.open_tag);
        return;
      }
      phase_ = phase::reasoning;
      std::size_t const body = open + options_.open_tag.size();
      consume_reasoning(text.substr(body), base + body, events);
      return;
    }
    consume_reasoning(text, base, events);
  }

  /// Keeps the longest end of `text` that begins `tag` (it may complete in the next piece).
  void hold_tag_prefix(std::string_view text, std::string_view tag) {
    for (std::size_t k = std::min(text.size(), tag.size() - 1); k > 0; --k) {
      if (text[text.size() - k] == tag[0] && text.substr(text.size() - k) == tag.substr(0, k)) {
        held_.assign(text.substr(text.size() - k));
        return;
      }
    }
  }

  /// Reasoning text that may hold the closing tag; `offset` is its stream offset.
  void consume_reasoning(std::string_view text, std::size_t offset,
                         std::vector<monitor_event>& events) {
    // Most pieces hold no byte that begins the tag, so nothing to find or hold.
    bool const may_hold_tag =
        std::memchr(text.data(), options_.close_tag[0], text.size()) != nullptr;
    std::size_t const close = may_hold_tag ? text.find(options_.close_tag) : std::string_view::npos;
    if (close != std::string_view::npos) {
      append_reasoning(text.substr(0, close), offset);
      end_reasoning(events);
      phase_ = phase::after;
      closed_ = true;
      return;
    }
    if (may_hold_tag) {
      hold_tag_prefix(text, options_.close_tag);
    }
    append_reasoning(text.substr(0, text.size() - held_.size()), offset);
    if (reasoning_.size() >= next_check_) {
      update(events);
    }
  }

  void append_reasoning(std::string_view text, std::size_t offset) {
    if (reasoning_.empty()) { // the reasoning starts at its first non-space byte
      std::size_t skip = 0;
      while (skip < text.size() && is_ascii_space(text[skip])) {
        ++skip;
      }
      text.remove_prefix(skip);
      if (text.empty()) {
        return;
      }
      reasoning_offset_ = offset + skip;
    }
    std::size_t const at = reasoning_.size();
    reasoning_.append(text);
    for (std::size_t k = text.size(); k > 0; --k) {
      if ((byte_class_[static_cast<unsigned char>(text[k - 1])] & kBoundaryByte) != 0) {
        note_boundary(at + k - 1);
        break;
      }
    }
  }

  /// A boundary byte at `position` of the reasoning, the last one so far.
  void note_boundary(std::size_t position) noexcept {
    last_boundary_ = position;
    // A step that begins after it can settle no earlier than this.
    settle_check_ = std::min(settle_check_, last_boundary_ + 2 + settle_);
    next_check_ = std::min(next_check_, settle_check_);
  }

  /// Completes what can be completed, scores what can be scored, emits their events. The
  /// segmenter runs only when a step can have settled, the matcher only when a score can
  /// have become final.
  void update(std::vector<monitor_event>& events) {
    bool const waiting = scores_.size() < steps_.size(); // the first of them blocks the rest
    std::size_t const settled_before = steps_.size();
    if (reasoning_.size() >= settle_check_) {
      settle_steps(false);
    }
    // A newly settled step can be scored only once as many bytes as characters are needed
    // follow it (a byte is at most one character): most settle well before that.
    bool const newly_scorable =
        !waiting && steps_.size() > settled_before &&
        reasoning_.size() >= steps_[settled_before].end + score_lookahead_ + 1;
    if (reasoning_.size() >= score_check_ || newly_scorable) {
      score_steps(false, events);
    }
    plan_next_check();
  }

  void end_reasoning(std::vector<monitor_event>& events) {
    while (!reasoning_.empty() && is_ascii_space(reasoning_.back())) {
      reasoning_.pop_back(); // split_trace trims the reasoning
    }
    settle_steps(true);
    score_steps(true, events);
    monitor_event end;
    end.kind = monitor_event_kind::reasoning_end;
    end.step = steps_.size();
    events.push_back(end);
  }

  /// Segments the tail; moves its settled steps (all of them when `final`) to steps_.
  void settle_steps(bool final) {
    std::string_view const tail = reasoning_.view().substr(tail_begin_);
    segmenter_.segment(tail, tail_steps_);
    std::size_t settled = tail_steps_.size();
    if (!final) {
      // Step k settles when step k + 1 holds min_step_ bytes before the last lookahead_ bytes,
      // where no boundary can appear any more: it cannot be cut short and merged back.
      std::size_t const stable = tail.size() > lookahead_ ? tail.size() - lookahead_ : 0;
      settled = 0;
      while (settled + 1 < tail_steps_.size()) {
        byte_span const next = tail_steps_[settled + 1];
        std::size_t content_end = std::min(next.end, stable);
        while (content_end > next.begin && is_ascii_space(tail[content_end - 1])) {
          --content_end;
        }
        if (content_end < next.begin + min_step_) {
          break;
        }
        ++settled;
      }
    }
    std::size_t const old_begin = tail_begin_; // tail_steps_ are offsets from it
    for (std::size_t k = 0; k < settled; ++k) {
      steps_.push_back({old_begin + tail_steps_[k].begin, old_begin + tail_steps_[k].end});
    }
    if (settled > 0) {
      tail_begin_ = steps_.back().end;
    }
    // When the first unsettled step has a visible follower, the size at which it settles.
    next_settle_ = settled + 1 < tail_steps_.size()
                       ? old_begin + tail_steps_[settled + 1].begin + settle_
                       : npos;
  }

  /// Where `enough` characters after `from` end (or the end of the reasoning).
  std::size_t position_after(std::size_t from, std::size_t enough) const noexcept {
    return detail::position_after_characters(reasoning_.view(), from, enough);
  }

  /// The last position with at least `enough` characters after it, or npos.
  std::size_t last_with_characters_after(std::size_t enough) const noexcept {
    std::size_t const at = detail::last_position_with_characters_after(reasoning_.view(), enough);
    return at == std::string_view::npos ? npos : at;
  }

  /// Scores the settled steps whose scores are final (all when `final`), in one scorer call.
  void score_steps(bool final, std::vector<monitor_event>& events) {
    std::size_t const first = scores_.size();
    std::size_t last = first; // steps [first, last) get scored
    std::size_t const enough = score_lookahead_ + 1;
    if (final) {
      last = steps_.size();
    } else if (std::size_t const cut = last_with_characters_after(enough); cut != npos) {
      while (last < steps_.size() && steps_[last].end <= cut) { // fewer characters after later ends
        ++last;
      }
    }
    if (last == first) {
      return;
    }
    // The matches that start in the steps end before `enough` characters after the last one
    // (plus a byte that decides a word boundary), so the scan stops there.
    std::size_t const window = steps_[first].begin;
    std::size_t const window_end =
        final ? reasoning_.size()
              : std::min(reasoning_.size(), position_after(steps_[last - 1].end, enough) + 1);
    local_steps_.clear();
    for (std::size_t k = first; k < last; ++k) {
      local_steps_.push_back({steps_[k].begin - window, steps_[k].end - window});
    }
    scorer_.score(reasoning_.view().substr(window, window_end - window), local_steps_,
                  local_scores_);
    for (std::size_t k = first; k < last; ++k) {
      scores_.push_back(local_scores_[k - first]);
      monitor_event e;
      e.kind = monitor_event_kind::step;
      e.step = k;
      e.span = steps_[k];
      e.score = scores_.back();
      events.push_back(e);
    }
    decide(first, last, events);
  }

  /// Whether step k is judged: not step 0, not a step that begins inside a substitution.
  bool judged(std::size_t k) const noexcept { return k >= 1 && steps_[k].begin >= judged_from_; }

  /// The first compliance step among the newly scored steps [first, last).
  void decide(std::size_t first, std::size_t last, std::vector<monitor_event>& events) {
    if (detection_over_) {
      return;
    }
    std::optional<std::size_t> found;
    if constexpr (lexical) {
      for (std::size_t k = first; k < last && !found && !detection_over_; ++k) {
        if (!judged(k)) {
          continue;
        }
        lexical_verdict const v = detector_.verdict(scores_[k]);
        if (v == lexical_verdict::turned_safe) {
          detection_over_ = true; // turned safe before any compliance: the search ends
        } else if (v == lexical_verdict::compliance) {
          found = k;
        }
      }
    } else {
      std::span<byte_span const> const done(steps_.data(), last);
      std::size_t from = 0; // the last step that is not judged
      while (from + 1 < last && !judged(from + 1)) {
        ++from;
      }
      found = judged_from_ == 0 ? detector_.first_compliance(reasoning_.view(), done)
                                : first_compliance_after(detector_, reasoning_.view(), done, from);
      if (found && *found < first) {
        found.reset(); // prefix-consistent detectors never get here; others are not trusted
      }
    }
    if (found) {
      first_compliance_ = found;
      detection_over_ = true;
      monitor_event e;
      e.kind = monitor_event_kind::first_compliance;
      e.step = *found;
      e.span = steps_[*found];
      e.score = scores_[*found];
      events.push_back(e);
    }
  }

  /// The reasoning size at which update() can next complete or score something; until then
  /// feeding only appends (append_reasoning() brings it forward when a boundary byte arrives).
  void plan_next_check() noexcept {
    settle_check_ = next_settle_;
    if (settle_check_ == npos && last_boundary_ != npos && last_boundary_ >= tail_begin_ &&
        last_boundary_ + 2 + settle_ > reasoning_.size()) {
      settle_check_ = last_boundary_ + 2 + settle_; // a step not yet visible may follow it
    }
    score_check_ = npos;
    if (scores_.size() < steps_.size()) { // a byte is at most one character
      score_check_ =
          std::max(reasoning_.size() + 1, steps_[scores_.size()].end + score_lookahead_ + 1);
    }
    next_check_ = std::min(settle_check_, score_check_);
  }

  S segmenter_;
  D detector_;
  lexicon_scorer scorer_;
  monitor_options options_;
  std::size_t lookahead_ = 0;       ///< the segmenter's stream_lookahead()
  std::size_t min_step_ = 1;        ///< its min_step_length(), at least 1
  std::size_t settle_ = 1;          ///< the two together: the earliest a follower can settle a step
  std::size_t score_lookahead_ = 0; ///< the longest canonical phrase, in bytes
  static constexpr unsigned kBoundaryByte = 1; ///< byte_class_: a step may begin after it
  static constexpr unsigned kTagStartByte = 2; ///< byte_class_: the closing tag's first byte
  std::array<std::uint8_t, 256> byte_class_{};

  phase phase_ = phase::start;
  std::string held_;    ///< the end of the last piece, when it may begin a tag
  std::string scratch_; ///< held_ + the piece
  detail::text_buffer reasoning_;
  std::size_t stream_bytes_ = 0;
  std::size_t reasoning_offset_ = 0;
  std::vector<byte_span> steps_;   ///< settled steps (the first scores_.size() are scored)
  std::vector<step_score> scores_; ///< of steps_[0, scores_.size())
  std::size_t tail_begin_ = 0;     ///< where the unsettled text begins (a settled step's end)
  std::size_t last_boundary_ = npos;
  std::size_t next_settle_ = npos;
  std::size_t next_check_ = npos;   ///< min(settle_check_, score_check_)
  std::size_t settle_check_ = npos; ///< reasoning size at which a step can next settle
  std::size_t score_check_ = npos;  ///< reasoning size at which a score can next be final
  std::size_t judged_from_ = 0;
  std::optional<std::size_t> first_compliance_;
  bool detection_over_ = false;
  bool closed_ = false;
  bool token_path_ = false; ///< in the reasoning, which has begun, with nothing held back
  std::vector<byte_span> tail_steps_, local_steps_;
  std::vector<step_score> local_scores_;
};

} // namespace ipo
