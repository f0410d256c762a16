#pragma once
/// Which existing files the CSV tables of `summarize --csv` replace (with --force): only tables
/// that an earlier --csv wrote. An HDF5 file (a run's or an experiment's: the very file
/// summarized, perhaps) and any other file that has a table's name (a scenario, notes) are kept,
/// whatever the user asks.
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

}  // namespace msim
