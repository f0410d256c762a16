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

/// Why the existing file `path` is not replaced by `table`, as a phrase after its name ("is an
/// HDF5 file ..."); "" when it may be: nothing is there (or a link to nothing), or a regular file
/// that is empty or starts with a header of `table` (its first column, then ',' or the line's
/// end), as a table an earlier --csv wrote does. Anything else is kept: a file that is not a
/// regular one, an HDF5 file (has_hdf5_signature, after a user block too) or any other.
std::string kept_from_replacing(const std::string& path, const ExperimentTable& table);

/// @throws InputError naming every file of `files` (table, path) that is kept from replacing
/// (kept_from_replacing) and why, and saying what --force replaces.
void check_replaceable(const std::vector<std::pair<const ExperimentTable*, std::string>>& files);

}  // namespace msim
