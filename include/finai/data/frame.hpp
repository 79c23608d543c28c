// A columnar table: named, typed columns of equal length. Frames are values (copyable, movable); the
// data layer builds them, models read them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "finai/data/column.hpp"

namespace finai {

class Frame {
 public:
  Frame() = default;
  explicit Frame(std::vector<Column> columns);

  std::int64_t num_rows() const { return num_rows_; }
  std::int64_t num_columns() const { return static_cast<std::int64_t>(columns_.size()); }
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(std::int64_t index) const { return columns_.at(static_cast<std::size_t>(index)); }
  // Column by name; NotFound (listing the available names) if absent.
  const Column& column(std::string_view name) const;
  bool HasColumn(std::string_view name) const;
  std::int64_t ColumnIndex(std::string_view name) const;  // NotFound if absent
  std::vector<std::string> ColumnNames() const;

  // Adds a column; InvalidArgument on a duplicate name or a length that differs from the frame's.
  void AddColumn(Column column);
  // Rows in the given order (indices may repeat, e.g. for bootstrap samples).
  Frame Take(std::span<const std::int64_t> rows) const;
  // Appends another frame's rows; it must have the same column names and types in the same order.
  void Append(const Frame& other);

 private:
  std::vector<Column> columns_;
  std::unordered_map<std::string, std::int64_t> index_;
  std::int64_t num_rows_ = 0;
};

}  // namespace finai
