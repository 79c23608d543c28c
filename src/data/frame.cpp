#include "finai/data/frame.hpp"

#include <fmt/format.h>

#include "finai/core/error.hpp"

namespace finai {

Frame::Frame(std::vector<Column> columns) {
  for (auto& c : columns) AddColumn(std::move(c));
}

void Frame::AddColumn(Column column) {
  if (index_.count(column.name())) {
    throw InvalidArgument("duplicate column name", {.field = column.name(), .expected = "unique column names"});
  }
  if (!columns_.empty() && column.size() != num_rows_) {
    throw InvalidArgument(fmt::format("column has {} rows but the frame has {}", column.size(), num_rows_),
                          {.field = column.name()});
  }
  num_rows_ = column.size();
  index_.emplace(column.name(), static_cast<std::int64_t>(columns_.size()));
  columns_.push_back(std::move(column));
}

bool Frame::HasColumn(std::string_view name) const { return index_.count(std::string(name)) > 0; }

std::int64_t Frame::ColumnIndex(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) {
    std::string names;
    for (const auto& c : columns_) names += (names.empty() ? "" : ", ") + c.name();
    throw NotFound("no such column", {.field = std::string(name), .expected = fmt::format("one of: {}", names)});
  }
  return it->second;
}

const Column& Frame::column(std::string_view name) const {
  return columns_[static_cast<std::size_t>(ColumnIndex(name))];
}

std::vector<std::string> Frame::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const auto& c : columns_) names.push_back(c.name());
  return names;
}

Frame Frame::Take(std::span<const std::int64_t> rows) const {
  for (std::int64_t r : rows) {
    if (r < 0 || r >= num_rows_) {
      throw InvalidArgument(fmt::format("row index {} outside the frame's {} rows", r, num_rows_));
    }
  }
  Frame out;
  for (const auto& c : columns_) out.AddColumn(c.Take(rows));
  if (columns_.empty()) out.num_rows_ = 0;
  return out;
}

void Frame::Append(const Frame& other) {
  if (columns_.empty()) {
    *this = other;
    return;
  }
  if (other.columns_.size() != columns_.size()) {
    throw InvalidArgument(fmt::format("cannot append a frame of {} columns to one of {}", other.columns_.size(),
                                      columns_.size()));
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].Append(other.columns_[i]);
  num_rows_ += other.num_rows_;
}

}  // namespace finai
