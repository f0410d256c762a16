#pragma once
/// Which existing files the CSV tables of `summarize --csv` replace (with --force): only tables
/// that an earlier --csv wrote. An HDF5 file (a run's or an experiment's: the very file
/// summarized, perhaps) and any other file that has a table's name (a scenario, notes) are kept,
/// whatever the user asks. The tables an earlier --csv wrote that this one does not (a
/// differences.csv where this experiment has one design point) are removed with --force, so that
/// a target never holds the tables of two files.
#include <string>
#include <utility>
#include <vector>

#include "models/experiment.hpp"

namespace msim {

/// The names of the tables `summarize --csv` writes (csv_path gives their files): a single
/// run's summary, market, years and columns, and an experiment's runs, summary, differences,
/// sensitivity and columns.
const std::vector<std::string>& summarize_table_names();

/// Whether `line`, the first line of a file (without its line end), is the header of a table
/// that summarize --csv writes as `name`, a single run's or an experiment's: it starts with that
/// table's first column, then ',' or its end (summary: `firm` for a run, `design_point` for an
/// experiment; columns: `table` or `column`; runs: `run`; differences: `design_point`; market:
/// `step`; years: `year`), or for sensitivity, whose first columns are the swept keys, ends with
/// `metric,firm,key,n,prcc,p_value`. False for any other name.
bool summarize_header(const std::string& name, const std::string& line);

/// Why the existing file `path` is not replaced by `table`, as a phrase after its name ("is an
/// HDF5 file ..."); "" when it may be: nothing is there (or a link to nothing), or a regular file
/// that is empty or starts with a header of `table` (its first column, then ',' or the line's
/// end), as a table an earlier --csv wrote does, or, when the file is named as one of
/// summarize's tables (NAME.csv, PREFIX-NAME.csv or PREFIX_NAME.csv), with a header that
/// summarize writes under that name (summarize_header): a single run's summary.csv where an
/// experiment's goes. Anything else is kept: a file that is not a regular one, an HDF5 file
/// (has_hdf5_signature, after a user block too) or any other.
std::string kept_from_replacing(const std::string& path, const ExperimentTable& table);

/// @throws InputError naming every file of `files` (table, path) that is kept from replacing
/// (kept_from_replacing) and why, and saying what --force replaces.
void check_replaceable(const std::vector<std::pair<const ExperimentTable*, std::string>>& files);

/// A table that an earlier summarize --csv wrote for a target, which this one does not write.
struct EarlierTable {
  std::string name;  ///< summarize's name for it: "differences"
  std::string path;
  /// What it is, for "removed PATH (WHAT)": "an earlier --csv's table of changes against design
  /// point 0, which this experiment does not have".
  std::string what;
};

/// The tables that an earlier summarize --csv wrote for `target` (csv_path of each of
/// summarize_table_names()) and that this one, writing the files `written` for an experiment
/// (`experiment`) or a single run, leaves out: each a regular file, not a link, whose first line
/// is a header summarize writes under its name (summarize_header). Any other file of such a name
/// is not summarize's, and is left alone.
/// @throws InputError naming them, without `force`: written beside them, this one's tables
/// would make a target of two files' tables.
std::vector<EarlierTable> earlier_tables(const std::string& target,
                                         const std::vector<std::string>& written, bool experiment,
                                         bool force);

/// Removes `tables` (earlier_tables), once this summarize --csv has written its own, each only
/// while it still is such a table, and makes the removals durable (their directory synced).
/// Returns the tables removed.
/// @throws OutputError naming a table that cannot be removed, and saying that the new tables
/// are written.
std::vector<EarlierTable> remove_earlier_tables(const std::vector<EarlierTable>& tables);

}  // namespace msim
