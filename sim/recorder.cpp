#include "sim/recorder.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace msim {

void Recorder::record_steps(std::int64_t first, std::size_t n,
                            const std::vector<std::vector<double>>& values) {
  for (std::size_t k = 0; k < values.size() && n > 0; ++k)
    if (values[k].size() % n != 0)
      throw std::invalid_argument("record_steps: " + std::to_string(values[k].size()) +
                                  " values of series " + std::to_string(k) + " for " +
                                  std::to_string(n) + " steps");
  std::vector<std::vector<double>> rows(values.size());
  for (std::size_t t = 0; t < n; ++t) {
    for (std::size_t k = 0; k < values.size(); ++k) {
      const std::size_t width = values[k].size() / n;
      const auto from = values[k].begin() + static_cast<std::ptrdiff_t>(t * width);
      rows[k].assign(from, from + static_cast<std::ptrdiff_t>(width));
    }
    record(first + static_cast<std::int64_t>(t), rows);
  }
}

const std::vector<std::vector<double>>& MemoryRecorder::series(const std::string& path) const {
  for (std::size_t k = 0; k < layout_.series.size(); ++k)
    if (layout_.series[k].path == path) return rows_[k];
  throw std::out_of_range("no series recorded at " + path);
}

const TableRows& MemoryRecorder::table(const std::string& path) const {
  for (std::size_t k = 0; k < layout_.tables.size(); ++k)
    if (layout_.tables[k].path == path) return tables_[k];
  throw std::out_of_range("no table recorded at " + path);
}

TableRows MemoryRecorder::empty_rows(const TableSpec& spec) {
  TableRows rows;
  for (const TableColumnSpec& c : spec.columns)
    rows.push_back(c.integer ? TableColumn{std::vector<std::int64_t>{}}
                             : TableColumn{std::vector<double>{}});
  return rows;
}

namespace {

/// Appends `rows` to `into`, the rows of `spec` (table `table` of `layout`) so far: copied, or
/// when `rows` may be taken (`Rows` is TableRows), moved into the columns that are still empty.
/// @throws std::invalid_argument when the columns do not match (and appends nothing).
template <class Rows>
void append_rows(const TableSpec& spec, TableRows& into, Rows& rows) {
  if (rows.size() != into.size())
    throw std::invalid_argument("append: " + std::to_string(rows.size()) + " columns for " +
                                std::to_string(into.size()) + " in table " + spec.path);
  std::size_t count = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].index() != into[k].index())
      throw std::invalid_argument("append: column " + spec.columns[k].name + " of " + spec.path +
                                  " has another type");
    const std::size_t values = std::visit([](const auto& v) { return v.size(); }, rows[k]);
    const std::size_t width = std::max<std::size_t>(spec.columns[k].width, 1);
    if (values % width != 0 || (k > 0 && values / width != count))
      throw std::invalid_argument("append: column " + spec.columns[k].name + " of " + spec.path +
                                  " has the wrong length");
    count = values / width;
  }
  for (std::size_t k = 0; k < rows.size(); ++k)
    std::visit(
        [&](auto& out) {
          auto& in = *std::get_if<std::decay_t<decltype(out)>>(&rows[k]);
          if constexpr (!std::is_const_v<Rows>) {
            if (out.empty()) {
              out = std::move(in);
              return;
            }
          }
          out.insert(out.end(), in.begin(), in.end());
        },
        into[k]);
}

}  // namespace

void MemoryRecorder::append(std::size_t table, const TableRows& rows) {
  TableRows& into = tables_.at(table);
  append_rows(layout_.tables[table], into, rows);
}

void MemoryRecorder::append(std::size_t table, TableRows&& rows) {
  TableRows& into = tables_.at(table);
  append_rows(layout_.tables[table], into, rows);
}

void FlatRecorder::begin(const RecordingLayout& layout) {
  layout_ = layout;
  steps_ = 0;
  values_.assign(layout.series.size(), {});
  tables_.clear();
  for (const TableSpec& spec : layout.tables) tables_.push_back(MemoryRecorder::empty_rows(spec));
}

std::vector<double>& FlatRecorder::series_for(std::size_t k, std::size_t width) {
  std::vector<double>& v = values_[k];
  if (v.empty() && reserve_steps_ > steps_) v.reserve((reserve_steps_ - steps_) * width);
  return v;
}

void FlatRecorder::record(std::int64_t, const std::vector<std::vector<double>>& rows) {
  if (rows.size() != values_.size())
    throw std::invalid_argument("record: " + std::to_string(rows.size()) + " rows for " +
                                std::to_string(values_.size()) + " series");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::vector<double>& v = series_for(k, rows[k].size());
    v.insert(v.end(), rows[k].begin(), rows[k].end());
  }
  ++steps_;
}

void FlatRecorder::record_steps(std::int64_t, std::size_t n,
                                const std::vector<std::vector<double>>& values) {
  if (values.size() != values_.size())
    throw std::invalid_argument("record_steps: " + std::to_string(values.size()) + " series for " +
                                std::to_string(values_.size()));
  if (n == 0) return;
  for (std::size_t k = 0; k < values.size(); ++k)
    if (values[k].size() % n != 0)
      throw std::invalid_argument("record_steps: " + std::to_string(values[k].size()) +
                                  " values of series " + std::to_string(k) + " for " +
                                  std::to_string(n) + " steps");
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::vector<double>& v = series_for(k, values[k].size() / n);
    v.insert(v.end(), values[k].begin(), values[k].end());
  }
  steps_ += n;
}

void FlatRecorder::append(std::size_t table, const TableRows& rows) {
  TableRows& into = tables_.at(table);
  append_rows(layout_.tables[table], into, rows);
}

void FlatRecorder::append(std::size_t table, TableRows&& rows) {
  TableRows& into = tables_.at(table);
  append_rows(layout_.tables[table], into, rows);
}

}  // namespace msim
