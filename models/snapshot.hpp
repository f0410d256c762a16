#pragma once
/// The final snapshot (DESIGN.md §1, optional outputs): the state of a sample of consumers (or
/// all of them) at the end of the run, one row per consumer in /snapshot, for analyses of
/// individual heterogeneity that the per-step aggregates cannot give.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/market.hpp"
#include "models/scenario.hpp"
#include "sim/recorder.hpp"

namespace msim {

/// Adds the /snapshot table and its group's attributes; nothing when the scenario asks for none
/// (output.snapshot.size = 0).
void add_snapshot_layout(const Scenario& sc, RecordingLayout& layout);

/// The index of /snapshot in RecordingLayout::tables, or -1.
int snapshot_table(const RecordingLayout& layout);

/// The consumers in the snapshot, ascending: every consumer when size = consumers, else a
/// uniform sample fixed by (seed, purpose::snapshot) alone.
std::vector<std::uint32_t> snapshot_members(std::uint64_t seed, std::size_t consumers,
                                            std::size_t size);

/// The rows of /snapshot for `members` (ascending consumer indices) in the market's state now.
TableRows snapshot_rows(const Market& market, const std::vector<std::uint32_t>& members);

/// Appends the whole snapshot to layout table `table` in slices (so memory stays bounded);
/// nothing when `table` is -1 (snapshot_table() of a layout without one).
void record_snapshot(const Market& market, Recorder& recorder, int table);

}  // namespace msim
