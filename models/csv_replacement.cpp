// Which existing files the CSV tables replace: a table an earlier `summarize --csv` wrote, told by
// its first line, and nothing else, so that --force never loses a run's file, a scenario or notes
// that happen to have a table's name (p-summary.csv, q-market.csv).
#include "models/csv_replacement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// The first bytes of a file read to tell what it is, and the most of its first line shown.
constexpr std::size_t kHeadBytes = 256;
constexpr std::size_t kShownChars = 60;

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
  if (!first.empty() && head.compare(0, first.size(), first) == 0 &&
      (head.size() == first.size() || head[first.size()] == ',' || head[first.size()] == '\n' ||
       head[first.size()] == '\r'))
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

}  // namespace msim
