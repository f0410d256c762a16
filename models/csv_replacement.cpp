// Which existing files the CSV tables replace: a table an earlier `summarize --csv` wrote, told by
// its first line, and nothing else, so that --force never loses a run's file, a scenario or notes
// that happen to have a table's name (p-summary.csv, q-market.csv); and which tables of an
// earlier --csv this one removes, by the same test.
#include "models/csv_replacement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include "models/experiment_report.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// The first bytes of a file read to tell what it is (its first line, a header of many swept
/// keys among them), and the most of its first line shown.
constexpr std::size_t kHeadBytes = 65536;
constexpr std::size_t kShownChars = 60;

/// The columns a sensitivity table ends with, after the swept keys (experiment_sensitivity.cpp).
constexpr const char* kSensitivityTail = "metric,firm,key,n,prcc,p_value";

/// The first line of `head`, without its line end.
std::string first_line(const std::string& head) {
  return head.substr(0, head.find_first_of("\r\n"));
}

/// Whether `line` starts with the column `first`, then ',' or its end.
bool starts_with_column(const std::string& line, const std::string& first) {
  return !first.empty() && line.compare(0, first.size(), first) == 0 &&
         (line.size() == first.size() || line[first.size()] == ',');
}

/// The name of summarize's table that the file `path` is named as (NAME.csv, PREFIX-NAME.csv,
/// PREFIX_NAME.csv: csv_path); "" for none.
std::string named_table(const std::string& path) {
  const std::string file = fs::path(path).filename().string();
  for (const std::string& name : summarize_table_names()) {
    const std::string tail = name + ".csv";
    if (file == tail) return name;
    if (file.size() > tail.size() &&
        file.compare(file.size() - tail.size(), tail.size(), tail) == 0 &&
        (file[file.size() - tail.size() - 1] == '-' || file[file.size() - tail.size() - 1] == '_'))
      return name;
  }
  return "";
}

/// The start of the file `path` (up to `bytes`); none when it cannot be read.
std::optional<std::string> head_of(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string head(bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(bytes));
  if (in.bad()) return std::nullopt;
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

/// The first line of `head`, as a message shows it: shortened, or "" when it is not text.
std::string shown_line(const std::string& head) {
  std::string line = head.substr(0, head.find_first_of("\r\n"));
  if (std::any_of(line.begin(), line.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
      }))
    return "";
  if (line.size() > kShownChars) line = line.substr(0, kShownChars) + "...";
  return line;
}

}  // namespace

const std::vector<std::string>& summarize_table_names() {
  static const std::vector<std::string> names = {"runs",    "summary", "differences", "sensitivity",
                                                 "columns", "market",  "categories",  "years"};
  return names;
}

bool summarize_header(const std::string& name, const std::string& line) {
  if (name == "sensitivity") {
    const std::string tail = kSensitivityTail;
    return line == tail || (line.size() > tail.size() &&
                            line.compare(line.size() - tail.size(), tail.size(), tail) == 0 &&
                            line[line.size() - tail.size() - 1] == ',');
  }
  // Each table's first column: a single run's (summary: firm; columns: table) and an
  // experiment's (summary, differences: design_point; columns: column).
  static const std::map<std::string, std::vector<std::string>> first = {
      {"runs", {"run"}},
      {"summary", {"firm", "design_point"}},
      {"differences", {"design_point"}},
      {"columns", {"table", "column"}},
      {"market", {"step"}},
      {"categories", {"step"}},
      {"years", {"year"}}};
  const auto it = first.find(name);
  return it != first.end() &&
         std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& column) { return starts_with_column(line, column); });
}

std::string kept_from_replacing(const std::string& path, const ExperimentTable& table) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // through a link: what it points to
  if (status.type() == fs::file_type::not_found) return "";
  if (ec)
    return fmt::format("cannot be looked at ({}), so what it is cannot be told", ec.message());
  if (status.type() != fs::file_type::regular)
    return "is not a regular file (a directory, a device or a pipe)";
  if (fs::file_size(path, ec) == 0 && !ec) return "";  // nothing in it to lose
  if (has_hdf5_signature(path))
    return "is an HDF5 file (a run's or an experiment's: the very file summarized, perhaps)";
  const std::string first = table.columns.empty() ? std::string() : table.columns.front();
  const std::optional<std::string> read = head_of(path, std::max(kHeadBytes, first.size() + 1));
  if (!read || read->empty()) return "cannot be read, so what it is cannot be told";
  const std::string& head = *read;
  if (starts_with_column(first_line(head), first)) return "";
  // Another of summarize's tables of this name: a single run's summary.csv where an
  // experiment's goes, or a sensitivity table of other swept keys.
  if (const std::string name = named_table(path);
      !name.empty() && summarize_header(name, first_line(head)))
    return "";
  const std::string line = shown_line(head);
  return fmt::format(
      "is not a table that summarize --csv wrote: {}, where one of this table starts with '{}{}'",
      line.empty() ? std::string("it is not text") : fmt::format("its first line is '{}'", line),
      first, table.columns.size() > 1 ? "," : "");
}

void check_replaceable(const std::vector<std::pair<const ExperimentTable*, std::string>>& files) {
  std::vector<std::string> kept;
  for (const auto& [table, path] : files) {
    const std::string why = kept_from_replacing(path, *table);
    if (!why.empty()) kept.push_back(fmt::format("'{}' {}", path, why));
  }
  if (kept.empty()) return;
  throw InputError(fmt::format(
      "{}; --force replaces only the CSV tables that an earlier summarize --csv wrote (a file "
      "whose first line is the table's header), never an HDF5 file, a scenario or any other file, "
      "so nothing was written: choose another --csv, or move {} elsewhere",
      fmt::join(kept, "; "), kept.size() == 1 ? "it" : "them"));
}

namespace {

/// Whether `path` is a table that summarize --csv wrote as `name`: a regular file (not a link,
/// whose removal would leave what it points to), not an HDF5 file, whose first line is a header
/// summarize writes under that name.
bool is_summarize_table(const std::string& path, const std::string& name) {
  std::error_code ec;
  if (fs::symlink_status(path, ec).type() != fs::file_type::regular || ec) return false;
  if (has_hdf5_signature(path)) return false;
  const std::optional<std::string> head = head_of(path, kHeadBytes);
  return head && summarize_header(name, first_line(*head));
}

/// What an earlier --csv's table `name` is, beside the tables of an experiment (`experiment`) or
/// of a single run, which do not include it.
std::string earlier_what(const std::string& name, bool experiment) {
  const bool of_run = name == "market" || name == "categories" || name == "years";
  if (experiment && of_run)
    return "an earlier --csv's table of a single run, which an experiment does not have";
  if (!experiment && !of_run)
    return "an earlier --csv's table of an experiment, which a single run does not have";
  if (name == "differences")
    return "an earlier --csv's table of changes against design point 0, which this experiment "
           "does not have";
  if (name == "sensitivity")
    return "an earlier --csv's sensitivity table of a Latin hypercube, which this experiment "
           "does not have";
  return "an earlier --csv's table, which this one does not write";
}

}  // namespace

std::vector<EarlierTable> earlier_tables(const std::string& target,
                                         const std::vector<std::string>& written, bool experiment,
                                         bool force) {
  std::vector<EarlierTable> out;
  for (const std::string& name : summarize_table_names()) {
    const std::string path = csv_path(target, name);
    if (std::find(written.begin(), written.end(), path) != written.end()) continue;
    if (is_summarize_table(path, name)) out.push_back({name, path, earlier_what(name, experiment)});
  }
  if (out.empty() || force) return out;
  std::vector<std::string> named;
  for (const EarlierTable& t : out) named.push_back(fmt::format("'{}' ({})", t.path, t.what));
  throw InputError(fmt::format(
      "--csv '{}': {} {} left by an earlier --csv, and the tables written beside {} would mix "
      "two files' tables; use --force to remove {} as this one's tables replace the others, or "
      "choose another --csv",
      target, fmt::join(named, ", "), out.size() == 1 ? "is" : "are",
      out.size() == 1 ? "it" : "them", out.size() == 1 ? "it" : "them"));
}

std::vector<EarlierTable> remove_earlier_tables(const std::vector<EarlierTable>& tables) {
  std::vector<EarlierTable> removed;
  std::set<std::string> directories;
  for (const EarlierTable& t : tables) {
    if (!is_summarize_table(t.path, t.name)) continue;  // changed since: no longer ours to remove
    std::error_code ec;
    fs::remove(t.path, ec);
    if (ec)
      throw OutputError(fmt::format(
          "the tables are written, but '{}' ({}) cannot be removed ({}): remove it by hand", t.path,
          t.what, ec.message()));
    removed.push_back(t);
    directories.insert(fs::path(t.path).parent_path().string());
  }
  for (const EarlierTable& t : removed) {
    if (directories.erase(fs::path(t.path).parent_path().string()) == 0) continue;
    try {
      sync_directory_of(t.path);
    } catch (const OutputError& e) {
      throw OutputError(fmt::format(
          "{}: the tables are written and the earlier ones removed, but a power loss now may "
          "undo the removal",
          e.what()));
    }
  }
  return removed;
}

}  // namespace msim
