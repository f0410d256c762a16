#pragma once
/// What `summarize` needs of a run's file before it reads one: the firms' names and each series
/// it reads in the shape the names give it, so that a damaged or edited file is refused with the
/// file, the dataset, its shape and the shape expected, not with a message that names neither.
#include <string>

namespace msim::cli {

/// Refuses (InputError) a run file whose /market/market_share is there but whose /firms/name is
/// not, or whose series that summarize reads are not one column per firm ([steps, firms]; the
/// durables' [steps, categories, firms] and /market/saturation's [steps, categories]). A file
/// without /market/market_share passes: summarize says what it is (not a run, an unfinished
/// experiment).
void check_run_layout(const std::string& path);

}  // namespace msim::cli
