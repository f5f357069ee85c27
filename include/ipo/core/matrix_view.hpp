// ipo/core/matrix_view.hpp: non-owning row-major matrix views with a row stride.
//
// A view over [rows x cols] elements where row i starts at data + i * row_stride. This is the
// shape trainers hand over: logits [batch*seq x V], possibly a slice of a wider buffer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "ipo/config.hpp"
#include "ipo/core/error.hpp"

namespace ipo {

/// A row-major [rows x cols] view whose rows are `row_stride` elements apart.
/// T may be const-qualified for read-only views.
template <class T>
class matrix_view {
public:
  using element_type = T;

  constexpr matrix_view() noexcept = default;
  /// A view with the given row stride (in elements). Not validated: see validate().
  IPO_HOST_DEVICE constexpr matrix_view(T* data, std::size_t rows, std::size_t cols,
                                        std::size_t row_stride) noexcept
      : data_(data), rows_(rows), cols_(cols), row_stride_(row_stride) {}
  /// A contiguous view (row_stride == cols).
  IPO_HOST_DEVICE constexpr matrix_view(T* data, std::size_t rows, std::size_t cols) noexcept
      : matrix_view(data, rows, cols, cols) {}
  /// A read-only view of a mutable one.
  template <class U>
  requires(std::is_same_v<T, U const>) IPO_HOST_DEVICE
      constexpr matrix_view(matrix_view<U> other) noexcept
      : matrix_view(other.data(), other.rows(), other.cols(), other.row_stride()) {}

  IPO_HOST_DEVICE constexpr T* data() const noexcept { return data_; }
  IPO_HOST_DEVICE constexpr std::size_t rows() const noexcept { return rows_; }
  IPO_HOST_DEVICE constexpr std::size_t cols() const noexcept { return cols_; }
  IPO_HOST_DEVICE constexpr std::size_t row_stride() const noexcept { return row_stride_; }
  IPO_HOST_DEVICE constexpr bool empty() const noexcept { return rows_ == 0 || cols_ == 0; }

  /// Pointer to the first element of row i (no bounds check).
  IPO_HOST_DEVICE constexpr T* row_data(std::size_t i) const noexcept {
    return data_ + i * row_stride_;
  }
  /// Row i as a span of `cols()` elements (no bounds check).
  constexpr std::span<T> row(std::size_t i) const noexcept { return {row_data(i), cols_}; }
  /// Element (i, j) (no bounds check).
  IPO_HOST_DEVICE constexpr T& operator()(std::size_t i, std::size_t j) const noexcept {
    return data_[i * row_stride_ + j];
  }
  /// Rows [first, first + count) as a view (no bounds check).
  IPO_HOST_DEVICE constexpr matrix_view row_range(std::size_t first,
                                                  std::size_t count) const noexcept {
    return {row_data(first), count, cols_, row_stride_};
  }

  /// Throws ipo::argument_error naming `function` and `argument` unless the view is usable:
  /// a non-null pointer when it has elements, and row_stride >= cols.
  void validate(std::string_view function, std::string_view argument) const {
    if (rows_ != 0 && cols_ != 0 && data_ == nullptr) {
      throw_argument_error(function, argument, "null data",
                           "a non-null pointer for a non-empty matrix");
    }
    if (rows_ > 1 && row_stride_ < cols_) {
      throw_argument_error(function, std::string(argument) + ".row_stride", row_stride_,
                           "row_stride >= cols (" + std::to_string(cols_) + ")");
    }
  }

private:
  T* data_ = nullptr;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::size_t row_stride_ = 0;
};

template <class T>
matrix_view(T*, std::size_t, std::size_t) -> matrix_view<T>;
template <class T>
matrix_view(T*, std::size_t, std::size_t, std::size_t) -> matrix_view<T>;

} // namespace ipo
