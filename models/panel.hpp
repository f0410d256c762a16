#pragma once
/// The consumer panel (DESIGN.md §1, "What is recorded"): a fixed random sample of consumers
/// whose every purchase is logged to /panel, for Dirichlet, duplication and SCR analyses.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/population.hpp"
#include "models/scenario.hpp"
#include "sim/recorder.hpp"

namespace msim {

inline constexpr std::uint8_t kPanel = 2;  ///< Population::flags bit: a panel member

/// One purchase occasion of a panel member, as the kernel logs it.
struct PanelPurchase {
  std::uint32_t consumer = 0;
  std::uint16_t category = 0, firm = 0;
  std::int64_t cents = 0;  ///< price paid per unit, in minor units
};

/// `size` distinct consumers out of `consumers`, ascending: a uniform sample fixed by (seed,
/// purpose::panel) alone (Floyd's algorithm on one Philox stream), so it does not depend on
/// threads or blocks. @throws std::invalid_argument when size > consumers.
std::vector<std::uint32_t> panel_members(std::uint64_t seed, std::size_t consumers,
                                         std::size_t size);

/// `size` distinct consumers out of `consumers`, ascending, drawn as panel_members() draws them
/// but from the stream of `purpose` (another sample for another use).
std::vector<std::uint32_t> consumer_sample(std::uint64_t seed, std::uint32_t purpose,
                                           std::size_t consumers, std::size_t size);

/// Bytes consumer_sample() holds at its peak for a sample of `size`: the set it draws into (its
/// buckets, reserved for 2 x size, and a heap block per member) and the sorted vector it returns.
double consumer_sample_bytes(std::size_t size);

/// Adds the /panel tables (members at index `first`, purchases at `first + 1` of
/// layout.tables) and the /panel group's attributes; nothing when the scenario asks for no panel.
void add_panel_layout(const Scenario& sc, RecordingLayout& layout);

/// The rows of /panel/members: each member's id, segment and attributes.
TableRows panel_member_rows(const Scenario& sc, const Population& pop,
                            const std::vector<std::uint32_t>& members);

/// Bytes panel_member_rows() holds at its peak for `members` members with `dims` preference
/// dimensions: its columns, each sized once, which its return takes over.
double panel_member_rows_bytes(std::size_t members, std::size_t dims);

/// The rows of /panel/purchases for one step's purchases.
TableRows panel_purchase_rows(std::int64_t step, const std::vector<PanelPurchase>& purchases);

/// The index of /panel/members in RecordingLayout::tables (purchases follow it), or -1.
int panel_table(const RecordingLayout& layout);

}  // namespace msim
