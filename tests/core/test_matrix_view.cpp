#include "ipo/core/matrix_view.hpp"

#include <doctest/doctest.h>

#include <numeric>
#include <vector>

TEST_CASE("a strided view addresses row i at data + i * row_stride") {
  std::vector<int> buffer(4 * 7);
  std::iota(buffer.begin(), buffer.end(), 0);
  ipo::matrix_view<int> view(buffer.data(), 4, 5, 7); // 5 used columns out of 7
  CHECK(view.rows() == 4);
  CHECK(view.cols() == 5);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      CHECK(view(i, j) == static_cast<int>(i * 7 + j));
    }
    CHECK(view.row(i).size() == 5);
    CHECK(view.row(i)[4] == static_cast<int>(i * 7 + 4));
  }
  auto const tail = view.row_range(2, 2);
  CHECK(tail(0, 0) == 14);
  CHECK(tail.rows() == 2);
  ipo::matrix_view<int const> read_only = view;
  CHECK(read_only(3, 1) == 22);
}

TEST_CASE("validate rejects null data and a stride shorter than a row") {
  std::vector<float> buffer(12);
  CHECK_NOTHROW(ipo::matrix_view<float>(buffer.data(), 3, 4).validate("f", "logits"));
  CHECK_NOTHROW(ipo::matrix_view<float>(nullptr, 0, 4).validate("f", "logits"));
  CHECK_THROWS_WITH_AS(ipo::matrix_view<float>(nullptr, 2, 4).validate("f", "logits"),
                       doctest::Contains("'logits'"), ipo::argument_error);
  CHECK_THROWS_WITH_AS(
      ipo::matrix_view<float>(buffer.data(), 3, 4, 3).validate("f", "logits"),
      "f: argument 'logits.row_stride' = 3 is invalid: expected row_stride >= cols (4)",
      ipo::argument_error);
}
