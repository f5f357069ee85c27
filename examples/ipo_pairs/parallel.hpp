// ipo-pairs: lines processed on all cores, results taken in input order.
//
// Each batch of lines (io.hpp) is cut into one contiguous slice per worker thread; each worker
// (a simdjson parser, a detector with its scratch) runs over its slice and appends what the
// lines write to its own buffers. The calling thread takes the results line by line, in input
// order, while the workers already process the next batch (two batches in flight: reading and
// taking overlap the work). Blank lines never reach a worker. So the output holds the same
// bytes for any number of threads, and decisions that need the order (duplicate ids, the first
// error) are made in one place.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "io.hpp"

namespace ipo_pairs {

/// What one line gave. `Info` is the command's own per-line summary.
template <class Info>
struct line_result {
  enum class status : unsigned char { ok, blank, error } state = status::ok;
  std::string error;             ///< the message, when state == error
  Info info{};                   ///< set by the worker
  std::size_t worker = 0;        ///< whose buffers hold the outputs
  std::size_t begin[2] = {0, 0}; ///< the line's bytes in the worker's two output buffers
  std::size_t end[2] = {0, 0};
};

/// The two output buffers of one worker.
struct worker_output {
  std::string main, second;
};

inline bool is_blank(std::string_view text) noexcept {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f') {
      return false;
    }
  }
  return true;
}

/// The number of threads to use: `requested`, or the hardware's when 0.
inline std::size_t thread_count(std::size_t requested) {
  if (requested > 0) {
    return requested;
  }
  unsigned const hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? hardware : 1;
}

/// `count` workers built from the same arguments (workers hold parsers: movable, not copyable).
template <class Worker, class... Args>
std::vector<Worker> make_workers(std::size_t count, Args const&... args) {
  std::vector<Worker> workers;
  workers.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    workers.emplace_back(args...);
  }
  return workers;
}

namespace detail {

/// One batch in flight: its lines, their results, the workers' output buffers, the threads.
template <class Info>
struct batch_slot {
  line_batch batch;
  std::vector<line_result<Info>> results;
  std::vector<worker_output> outputs;
  std::vector<std::exception_ptr> failures;
  std::vector<std::thread> threads;

  template <class Worker>
  void start(std::vector<Worker>& workers) {
    std::size_t const n = batch.lines.size();
    std::size_t const used = std::max<std::size_t>(1, std::min(n, workers.size()));
    results.assign(n, line_result<Info>{});
    outputs.resize(workers.size());
    failures.assign(workers.size(), nullptr);
    for (std::size_t w = 0; w < used; ++w) {
      threads.emplace_back([this, &workers, w, n, used] {
        run_slice(workers[w], w, n * w / used, n * (w + 1) / used);
      });
    }
  }

  template <class Worker>
  void run_slice(Worker& worker, std::size_t w, std::size_t begin, std::size_t end) {
    try {
      worker_output& out = outputs[w];
      out.main.clear();
      out.second.clear();
      for (std::size_t k = begin; k < end; ++k) {
        line_result<Info>& r = results[k];
        r.worker = w;
        r.begin[0] = out.main.size();
        r.begin[1] = out.second.size();
        if (is_blank(batch.lines[k].text)) {
          r.state = line_result<Info>::status::blank;
        } else {
          try {
            worker.process(batch.lines[k], out, r.info);
          } catch (line_error const& e) {
            r.state = line_result<Info>::status::error;
            r.error = e.what();
            out.main.resize(r.begin[0]); // nothing of a failed line is written
            out.second.resize(r.begin[1]);
          }
        }
        r.end[0] = out.main.size();
        r.end[1] = out.second.size();
      }
    } catch (...) {
      failures[w] = std::current_exception();
    }
  }

  /// Waits for the workers; rethrows what ended one of them.
  void finish() {
    for (auto& t : threads) {
      t.join();
    }
    threads.clear();
    for (auto const& f : failures) {
      if (f) {
        std::rethrow_exception(f);
      }
    }
  }

  ~batch_slot() {
    for (auto& t : threads) {
      t.join();
    }
  }
};

} // namespace detail

/// Runs `workers[w].process(line, output, info)` over every line of every batch and calls
/// `take(line, result, main_bytes, second_bytes)` for each line in input order, then
/// `after_batch(batch)`. A worker reports a data error by throwing line_error; any other
/// exception ends the run.
template <class Info, class Worker, class Take, class AfterBatch>
void process_lines(line_reader& reader, std::vector<Worker>& workers, Take&& take,
                   AfterBatch&& after_batch) {
  detail::batch_slot<Info> slots[2];
  bool running = reader.next(slots[0].batch);
  if (running) {
    slots[0].start(workers);
  }
  for (std::size_t current = 0; running; current ^= 1) {
    detail::batch_slot<Info>& now = slots[current];
    detail::batch_slot<Info>& after = slots[current ^ 1];
    bool const more = reader.next(after.batch); // read while the workers run
    now.finish();
    if (more) {
      after.start(workers); // the next batch runs while this one is taken
    }
    for (std::size_t k = 0; k < now.batch.lines.size(); ++k) {
      line_result<Info> const& r = now.results[k];
      worker_output const& out = now.outputs[r.worker];
      take(now.batch.lines[k], r,
           std::string_view(out.main).substr(r.begin[0], r.end[0] - r.begin[0]),
           std::string_view(out.second).substr(r.begin[1], r.end[1] - r.begin[1]));
    }
    after_batch(now.batch);
    running = more;
  }
}

} // namespace ipo_pairs
