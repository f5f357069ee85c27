// ipo-pairs: files that are never lost.
//
// Inputs are files or stdin ("-"), never directories; they are read in batches of whole lines.
// An output is written to a temporary file beside its target and renamed over it only when
// everything was written, flushed and synced: a failed or interrupted run (SIGINT, SIGTERM,
// SIGHUP remove the temporary file) leaves the old output as it was. An output that is the
// same file as an input (same device and inode, through any path or link) is refused before
// anything is opened for writing; so is stdout when it is redirected into an input. Every
// write is checked, stdout's included.
#pragma once

#include <simdjson.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ipo_pairs {

/// A failure that ends the run: a file that cannot be read or written, bad options.
struct fatal_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A data error on one line (reported with the file and line number).
struct line_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string errno_text(int code) {
  return std::strerror(code);
}

/// Device and inode of an open file, to tell whether two paths are the same file.
struct file_identity {
  dev_t device = 0;
  ino_t inode = 0;
  bool regular = false;
  friend bool operator==(file_identity const& a, file_identity const& b) noexcept {
    return a.device == b.device && a.inode == b.inode;
  }
};

/// An input opened for reading; "-" is stdin.
class input_file {
public:
  explicit input_file(std::string const& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path == "-") {
      fd_ = 0;
    } else {
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) {
        throw fatal_error("cannot open " + path + ": " + errno_text(errno));
      }
      owned_ = true;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      int const code = errno;
      close();
      throw fatal_error("cannot read " + name_ + ": " + errno_text(code));
    }
    if (S_ISDIR(st.st_mode)) {
      close();
      throw fatal_error(name_ + " is a directory, not a JSON Lines file");
    }
    identity_ = {st.st_dev, st.st_ino, S_ISREG(st.st_mode)};
    size_ = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
  }
  input_file(input_file const&) = delete;
  input_file& operator=(input_file const&) = delete;
  ~input_file() { close(); }

  /// Reads up to `n` bytes; 0 at the end. Throws on a read error.
  std::size_t read(char* data, std::size_t n) {
    for (;;) {
      ssize_t const got = ::read(fd_, data, n);
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw fatal_error("cannot read " + name_ + ": " + errno_text(errno));
      }
    }
  }

  std::string const& name() const noexcept { return name_; }
  file_identity const& identity() const noexcept { return identity_; }
  /// The size of a regular file (0 for a pipe or a terminal).
  std::uint64_t size() const noexcept { return size_; }

private:
  void close() noexcept {
    if (owned_ && fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }
  std::string name_;
  int fd_ = -1;
  bool owned_ = false;
  file_identity identity_;
  std::uint64_t size_ = 0;
};

/// One line of a batch: its bytes (no newline, no final CR) and where it stands in the file.
struct line {
  std::string_view text;
  std::size_t number = 0;   ///< 1-based
  std::uint64_t offset = 0; ///< byte offset of its first byte in the file
};

/// Whole lines read together. The bytes live in `data`, which is followed by at least
/// simdjson::SIMDJSON_PADDING allocated bytes, so simdjson may parse any line in place.
struct line_batch {
  std::vector<char> data;
  std::vector<line> lines;
  std::uint64_t end_offset = 0; ///< bytes of the file consumed once this batch is done
};

/// Cuts an input into batches of whole lines of about `batch_bytes` (a longer line makes a
/// longer batch).
class line_reader {
public:
  explicit line_reader(input_file& input, std::size_t batch_bytes = std::size_t{4} << 20)
      : input_(input), batch_bytes_(batch_bytes) {}

  /// The next batch; false at the end of the input.
  bool next(line_batch& batch) {
    batch.lines.clear();
    std::vector<char>& d = batch.data;
    std::size_t capacity = carry_.size() + batch_bytes_;
    d.resize(capacity + simdjson::SIMDJSON_PADDING);
    std::copy(carry_.begin(), carry_.end(), d.begin());
    std::size_t filled = carry_.size();
    std::uint64_t const start = offset_ - carry_.size(); // file offset of d[0]
    carry_.clear();
    for (;;) {
      while (!eof_ && filled < capacity) {
        std::size_t const got = input_.read(d.data() + filled, capacity - filled);
        eof_ = got == 0;
        filled += got;
        offset_ += got;
      }
      std::size_t const last_newline = last_newline_before(d.data(), filled);
      if (last_newline != npos || eof_) {
        std::size_t const complete = eof_ ? filled : last_newline + 1;
        carry_.assign(d.begin() + static_cast<std::ptrdiff_t>(complete),
                      d.begin() + static_cast<std::ptrdiff_t>(filled));
        cut_lines(batch, complete, start);
        batch.end_offset = start + complete;
        return complete > 0;
      }
      capacity *= 2; // one line longer than the buffer: grow and read on
      d.resize(capacity + simdjson::SIMDJSON_PADDING);
    }
  }

  std::size_t lines_read() const noexcept { return number_; }

private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static std::size_t last_newline_before(char const* data, std::size_t n) noexcept {
    void const* p = ::memrchr(data, '\n', n);
    return p ? static_cast<std::size_t>(static_cast<char const*>(p) - data) : npos;
  }
  void cut_lines(line_batch& batch, std::size_t complete, std::uint64_t start) {
    char const* data = batch.data.data();
    std::size_t begin = 0;
    while (begin < complete) {
      void const* p = std::memchr(data + begin, '\n', complete - begin);
      std::size_t const end =
          p ? static_cast<std::size_t>(static_cast<char const*>(p) - data) : complete;
      std::size_t text_end = end;
      if (text_end > begin && data[text_end - 1] == '\r') {
        --text_end;
      }
      batch.lines.push_back(
          {std::string_view(data + begin, text_end - begin), ++number_, start + begin});
      begin = end + 1;
    }
  }

  input_file& input_;
  std::size_t batch_bytes_;
  std::vector<char> carry_; // a partial line, the start of the next batch
  std::uint64_t offset_ = 0;
  std::size_t number_ = 0;
  bool eof_ = false;
};

namespace detail {
// Temporary outputs removed by a signal handler: fixed-size storage, async-signal-safe access.
inline constexpr std::size_t kMaxTemporaries = 4;
inline constexpr std::size_t kMaxPath = 4096;
inline char temporary_paths[kMaxTemporaries][kMaxPath];
inline std::atomic<bool> temporary_used[kMaxTemporaries];

extern "C" inline void remove_temporaries_and_reraise(int signal_number) {
  for (std::size_t k = 0; k < kMaxTemporaries; ++k) {
    if (temporary_used[k].load()) {
      ::unlink(temporary_paths[k]);
    }
  }
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}
} // namespace detail

/// Installs the handlers that remove temporary outputs on SIGINT, SIGTERM and SIGHUP.
inline void remove_temporaries_on_signals() {
  struct sigaction action {};
  action.sa_handler = detail::remove_temporaries_and_reraise;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(s, &action, nullptr);
  }
}

/// An output: a temporary file renamed over `path` by commit(), or stdout ("-").
class output_file {
public:
  /// Refuses a path that is an input (any of `inputs`) or a directory.
  output_file(std::string path, std::vector<file_identity> const& inputs) : path_(std::move(path)) {
    if (path_ == "-") {
      struct stat st {};
      if (::fstat(1, &st) == 0) {
        for (auto const& in : inputs) {
          if (in == file_identity{st.st_dev, st.st_ino, S_ISREG(st.st_mode)} && in.regular) {
            throw fatal_error("stdout is redirected into an input file: refusing to write it");
          }
        }
      }
      fd_ = 1;
      return;
    }
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        throw fatal_error(path_ + " is a directory: give an output file");
      }
      for (auto const& in : inputs) {
        if (in == file_identity{st.st_dev, st.st_ino, S_ISREG(st.st_mode)}) {
          throw fatal_error(path_ + " is also an input: refusing to replace it (write elsewhere, "
                                    "then move it)");
        }
      }
    }
    std::string templ = path_ + ".tmp.XXXXXX";
    fd_ = ::mkstemp(templ.data());
    if (fd_ < 0) {
      throw fatal_error("cannot create a temporary file beside " + path_ + ": " +
                        errno_text(errno));
    }
    temporary_ = templ;
    mode_t const mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
    register_temporary();
  }
  output_file(output_file const&) = delete;
  output_file& operator=(output_file const&) = delete;
  ~output_file() { abandon(); }

  /// Appends bytes (buffered).
  void write(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > kBuffer) {
      flush();
    }
    if (bytes.size() > kBuffer) {
      write_all(bytes);
    } else {
      buffer_ += bytes;
    }
  }
  void count_record() noexcept { ++records_; }

  /// Writes what is buffered, syncs, and renames the temporary file over the target. Throws
  /// (and removes the temporary file) on any failure.
  void commit() {
    flush();
    if (temporary_.empty()) {
      return; // stdout: every write was checked
    }
    if (::fsync(fd_) != 0 && errno != EINVAL) {
      fail("cannot sync " + temporary_ + ": " + errno_text(errno));
    }
    int const fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      fail("cannot write " + temporary_ + ": " + errno_text(errno));
    }
    if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
      fail("cannot rename " + temporary_ + " to " + path_ + ": " + errno_text(errno));
    }
    unregister_temporary();
    temporary_.clear();
  }

  std::size_t records() const noexcept { return records_; }
  std::string const& path() const noexcept { return path_; }

private:
  static constexpr std::size_t kBuffer = std::size_t{1} << 20;

  void flush() {
    write_all(buffer_);
    buffer_.clear();
  }
  void write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t const put = ::write(fd_, bytes.data(), bytes.size());
      if (put < 0) {
        if (errno == EINTR) {
          continue;
        }
        fail("cannot write " + (temporary_.empty() ? std::string("stdout") : path_) + ": " +
             errno_text(errno));
      }
      bytes.remove_prefix(static_cast<std::size_t>(put));
    }
  }
  [[noreturn]] void fail(std::string const& message) {
    abandon();
    throw fatal_error(message);
  }
  void abandon() noexcept {
    if (!temporary_.empty()) {
      if (fd_ >= 0) {
        ::close(fd_);
      }
      ::unlink(temporary_.c_str());
      unregister_temporary();
      temporary_.clear();
    }
    fd_ = -1;
  }
  void register_temporary() {
    for (std::size_t k = 0; k < detail::kMaxTemporaries; ++k) {
      if (!detail::temporary_used[k].load() && temporary_.size() < detail::kMaxPath) {
        std::memcpy(detail::temporary_paths[k], temporary_.c_str(), temporary_.size() + 1);
        detail::temporary_used[k].store(true);
        slot_ = k;
        return;
      }
    }
  }
  void unregister_temporary() noexcept {
    if (slot_ < detail::kMaxTemporaries) {
      detail::temporary_used[slot_].store(false);
      slot_ = detail::kMaxTemporaries;
    }
  }

  std::string path_;
  std::string temporary_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t records_ = 0;
  std::size_t slot_ = detail::kMaxTemporaries;
};

} // namespace ipo_pairs
