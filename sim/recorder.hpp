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
/// The labels are written at `scale_path` and used as the dimension scale of that axis.
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

/// Everything known before the first step.
struct RecordingLayout {
  Attributes attributes;  ///< root attributes
  std::vector<TextBlob> texts;
  std::vector<Dimension> dims;
  std::vector<LabelTable> labels;
  std::vector<SeriesSpec> series;
};

/// Receives a run's output. Calls come in the order begin, record (once per step, steps
/// increasing from 0), finish.
class Recorder {
 public:
  virtual ~Recorder() = default;
  /// @throws std::runtime_error when the output cannot be created.
  virtual void begin(const RecordingLayout& layout) = 0;
  /// rows[k] holds series k's values for this step, flattened row-major over its dims.
  virtual void record(std::int64_t step, const std::vector<std::vector<double>>& rows) = 0;
  /// Sets (or overwrites) root attributes, including "complete" (1 or 0), and closes.
  virtual void finish(const Attributes& final_attributes, bool complete) = 0;
};

/// Keeps everything in memory; for tests and for in-process analysis.
class MemoryRecorder final : public Recorder {
 public:
  void begin(const RecordingLayout& layout) override {
    layout_ = layout;
    rows_.assign(layout.series.size(), {});
  }
  void record(std::int64_t, const std::vector<std::vector<double>>& rows) override {
    for (std::size_t k = 0; k < rows.size(); ++k) rows_[k].push_back(rows[k]);
  }
  void finish(const Attributes& final_attributes, bool complete) override {
    final_ = final_attributes;
    complete_ = complete;
  }
  const RecordingLayout& layout() const { return layout_; }
  /// rows()[series][step] -> flattened row
  const std::vector<std::vector<std::vector<double>>>& rows() const { return rows_; }
  /// The rows of the series at `path`. @throws std::out_of_range when there is none.
  const std::vector<std::vector<double>>& series(const std::string& path) const;
  const Attributes& final_attributes() const { return final_; }
  bool complete() const { return complete_; }

 private:
  RecordingLayout layout_;
  std::vector<std::vector<std::vector<double>>> rows_;
  Attributes final_;
  bool complete_ = false;
};

}  // namespace msim
