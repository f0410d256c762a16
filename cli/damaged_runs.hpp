#pragma once
/// An experiment's finished run that was damaged where it is kept (OUT.h5.runs/): cut short by a
/// full disk or a copy, say. It is refused as damaged, named, with what to do, instead of
/// being taken for a file of the user's that is in the way.
#include <string>

namespace msim::cli {

/// Refuses (InputError, starting with `what`) a file in the runs directory `dir` that is one of
/// the experiment's runs by its name (00042.h5, point-00001-replication-00002.h5) or by its
/// content (an HDF5 file), but that cannot be read. Nothing when `dir` is not a directory.
void check_damaged_runs(const std::string& dir, const std::string& what);

}  // namespace msim::cli
