// ipo/loss/detail/parallel.hpp: a static-partition parallel for over an index range.
//
// Each index is processed by exactly one thread and writes only its own outputs, so results
// are bitwise identical for every thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ipo::loss::detail {

/// Number of threads to use: `requested`, or the hardware concurrency when it is 0.
inline unsigned resolve_threads(unsigned requested) noexcept {
  if (requested != 0) {
    return requested;
  }
  unsigned const hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

/// Rows per thread below which spawning threads costs more than it saves.
inline std::size_t min_rows_per_thread(std::size_t vocab) noexcept {
  return std::max<std::size_t>(1, (std::size_t{1} << 16) / std::max<std::size_t>(1, vocab));
}

/// Calls body(begin, end) on contiguous blocks of [0, count) from up to `threads` threads;
/// runs inline when one thread suffices or the work is smaller than `min_per_thread`.
template <class Body>
void parallel_for(std::size_t count, unsigned threads, std::size_t min_per_thread, Body body) {
  std::size_t const useful = std::max<std::size_t>(
      1, std::min<std::size_t>(threads, count / std::max<std::size_t>(1, min_per_thread)));
  if (useful <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::vector<std::thread> workers;
  workers.reserve(useful - 1);
  std::vector<std::exception_ptr> failures(useful);
  std::size_t const block = (count + useful - 1) / useful;
  for (std::size_t t = 1; t < useful; ++t) {
    std::size_t const begin = std::min(count, t * block), end = std::min(count, begin + block);
    workers.emplace_back([&, t, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        failures[t] = std::current_exception();
      }
    });
  }
  try {
    body(std::size_t{0}, std::min(count, block));
  } catch (...) {
    failures[0] = std::current_exception();
  }
  for (auto& worker : workers) {
    worker.join();
  }
  for (auto const& failure : failures) {
    if (failure) {
      std::rethrow_exception(failure);
    }
  }
}

} // namespace ipo::loss::detail
