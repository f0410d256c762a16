#pragma once
/// The recorder interface: what a run writes, step by step, independent of the file format.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace msim {

using AttrValue = std::variant<std::int64_t, double, std::string>;
using Attributes = std::vector<std::pair<std::string, AttrValue>>;

/// A labelled axis, e.g. {"firm", "/firms/name", {"Acme", "Bolt"}, "firm name"}.
/// The labels are written at `scale_path`. The HDF5 recorder writes them again at "/NAME" (the
/// run's root), as the dimension scale of every axis along the dimension, where netCDF readers
/// look for it; a `scale_path` of "/NAME" is written once.
struct Dimension {
  std::string name;
  std::string scale_path;
  std::vector<std::string> labels;
  std::string description;
};

/// Strings along one dimension, e.g. {"/firms/strategy", "firm", {...}, "strategy of each firm"}.
struct LabelTable {
  std::string path;
  std::string dim;
  std::vector<std::string> values;
  std::string description;
};

/// A text dataset, e.g. the resolved scenario YAML at "/scenario".
struct TextBlob {
  std::string path;
  std::string text;
  std::string description;
};

/// A time series: one row per step, each row shaped by `dims` (row-major, e.g. {"category",
/// "firm"}). The recorder adds the leading "step" dimension.
struct SeriesSpec {
  std::string path;
  std::vector<std::string> dims;
  std::string units;
  std::string description;
};

/// One column of a table: int64 or float64, of shape [rows] (width 0: one value per row) or
/// [rows, width]. A column whose second dimension can be 1 (one preference dimension, one firm)
/// keeps it: readers index [:, k] whatever the size.
struct TableColumnSpec {
  std::string name;  ///< the dataset's name inside the table's group
  bool integer = true;
  std::size_t width = 0;
  std::string units;
  std::string description;
  /// The dimension (RecordingLayout::dims) along the second axis, whose scale labels it (width
  /// is then that dimension's size); empty: the axis has no scale. The rows have none.
  std::string axis = {};
};

/// A table that grows by any number of rows at a time: a group of equal-length columns, e.g. an
/// event log or a list of sampled items.
struct TableSpec {
  std::string path;  ///< the group
  std::vector<TableColumnSpec> columns;
};

/// Some rows of a table: one entry per column (int64 for integer columns, else float64), each
/// holding rows * width values.
using TableColumn = std::variant<std::vector<std::int64_t>, std::vector<double>>;
using TableRows = std::vector<TableColumn>;

/// Attributes of a group (created when absent), e.g. a table's size or description.
struct GroupAttributes {
  std::string path;
  Attributes attributes;
};

/// Everything known before the first step.
struct RecordingLayout {
  Attributes attributes;  ///< root attributes
  /// The steps the run will record, when known (0: not known): a file format may size its
  /// storage by it (the HDF5 recorder's series chunks hold no more rows). More may still come.
  std::int64_t steps = 0;
  std::vector<TextBlob> texts;
  std::vector<Dimension> dims;
  std::vector<LabelTable> labels;
  std::vector<SeriesSpec> series;
  std::vector<TableSpec> tables;
  std::vector<GroupAttributes> groups;
};

/// Receives a run's output. Calls come in the order begin, record (once per step, steps
/// increasing from 0), finish; append may come at any time between begin and finish.
class Recorder {
 public:
  virtual ~Recorder() = default;
  /// @throws std::runtime_error when the output cannot be created.
  virtual void begin(const RecordingLayout& layout) = 0;
  /// rows[k] holds series k's values for this step, flattened row-major over its dims.
  virtual void record(std::int64_t step, const std::vector<std::vector<double>>& rows) = 0;
  /// Records the n steps first, first + 1, ... at once, as n calls of record() would:
  /// values[k] holds series k's rows for those steps one after another (n times its row size).
  /// A recorder may write them together (the HDF5 recorder appends to each dataset once).
  virtual void record_steps(std::int64_t first, std::size_t n,
                            const std::vector<std::vector<double>>& values);
  /// Appends rows to layout table `table` (an index into RecordingLayout::tables); they are
  /// flushed with the next record(). @throws std::invalid_argument when the columns do not match.
  virtual void append(std::size_t table, const TableRows& rows) = 0;
  /// Appends rows as the other append() does, but may take the caller's vectors instead of
  /// copying them: rows made only to be recorded (a panel's, a snapshot slice) are then held
  /// once. By default it copies them, as the other does. @throws as the other does.
  virtual void append(std::size_t table, TableRows&& rows) { append(table, std::as_const(rows)); }
  /// Sets (or overwrites) root attributes while the run goes on, such as how far it got, so
  /// that a file whose process is killed still says it; written with the next record().
  /// Recorders that keep nothing until finish() may ignore it.
  virtual void progress(const Attributes& /*attributes*/) {}
  /// Sets (or overwrites) root attributes, including "complete" (1 or 0), and closes.
  virtual void finish(const Attributes& final_attributes, bool complete) = 0;
};

/// Keeps everything in memory, each series as one vector of its rows one after another (no
/// vector per row), and hands it over (take_values(), take_tables()), so that what a run recorded
/// is held once: what an experiment's runs record into until each is written.
class FlatRecorder final : public Recorder {
 public:
  /// `steps`: the steps the run will record, for which each series reserves room at its first
  /// row (0: it grows as rows come).
  explicit FlatRecorder(std::size_t steps = 0) : reserve_steps_(steps) {}
  void begin(const RecordingLayout& layout) override;
  /// @throws std::invalid_argument when `rows` does not hold one row per series.
  void record(std::int64_t step, const std::vector<std::vector<double>>& rows) override;
  /// Appends each series' values at once. @throws std::invalid_argument as Recorder's does.
  void record_steps(std::int64_t first, std::size_t n,
                    const std::vector<std::vector<double>>& values) override;
  void append(std::size_t table, const TableRows& rows) override;
  /// Takes the rows' vectors as a table's columns while they are empty (later rows are copied
  /// after them). @throws std::invalid_argument as the other does, having taken none.
  void append(std::size_t table, TableRows&& rows) override;
  void finish(const Attributes& final_attributes, bool complete) override {
    final_ = final_attributes;
    complete_ = complete;
  }
  const RecordingLayout& layout() const { return layout_; }
  /// Steps recorded so far.
  std::size_t steps() const { return steps_; }
  /// values()[series]: every step's row, one after another.
  const std::vector<std::vector<double>>& values() const { return values_; }
  /// Every row appended to each table so far, in layout order.
  const std::vector<TableRows>& tables() const { return tables_; }
  const Attributes& final_attributes() const { return final_; }
  bool complete() const { return complete_; }
  /// Hands over values() and tables(); this recorder is left without them.
  std::vector<std::vector<double>> take_values() { return std::move(values_); }
  std::vector<TableRows> take_tables() { return std::move(tables_); }

 private:
  /// Series `k`'s vector, with room for reserve_steps_ rows of `width` when it is empty.
  std::vector<double>& series_for(std::size_t k, std::size_t width);

  std::size_t reserve_steps_ = 0, steps_ = 0;
  RecordingLayout layout_;
  std::vector<std::vector<double>> values_;
  std::vector<TableRows> tables_;
  Attributes final_;
  bool complete_ = false;
};

/// Keeps everything in memory; for tests and for in-process analysis.
class MemoryRecorder final : public Recorder {
 public:
  void begin(const RecordingLayout& layout) override {
    layout_ = layout;
    rows_.assign(layout.series.size(), {});
    tables_.clear();
    for (const TableSpec& spec : layout.tables) tables_.push_back(empty_rows(spec));
  }
  void record(std::int64_t, const std::vector<std::vector<double>>& rows) override {
    for (std::size_t k = 0; k < rows.size(); ++k) rows_[k].push_back(rows[k]);
  }
  void append(std::size_t table, const TableRows& rows) override;
  /// Takes the rows' vectors as FlatRecorder's append() does.
  void append(std::size_t table, TableRows&& rows) override;
  void finish(const Attributes& final_attributes, bool complete) override {
    final_ = final_attributes;
    complete_ = complete;
  }
  const RecordingLayout& layout() const { return layout_; }
  /// rows()[series][step] -> flattened row
  const std::vector<std::vector<std::vector<double>>>& rows() const { return rows_; }
  /// The rows of the series at `path`. @throws std::out_of_range when there is none.
  const std::vector<std::vector<double>>& series(const std::string& path) const;
  /// Every row appended to each table so far, in layout order.
  const std::vector<TableRows>& tables() const { return tables_; }
  /// The rows of the table at `path`. @throws std::out_of_range when there is none.
  const TableRows& table(const std::string& path) const;
  const Attributes& final_attributes() const { return final_; }
  bool complete() const { return complete_; }

  /// A table with no rows, its columns typed as `spec` says.
  static TableRows empty_rows(const TableSpec& spec);

 private:
  RecordingLayout layout_;
  std::vector<std::vector<std::vector<double>>> rows_;
  std::vector<TableRows> tables_;
  Attributes final_;
  bool complete_ = false;
};

}  // namespace msim
