#pragma once
/// The purposes that key the Philox streams. A purpose never changes meaning: adding a new
/// behaviour takes a new number, so existing streams (and common random numbers) stay intact.
#include <cstdint>

namespace msim::purpose {
inline constexpr std::uint32_t population = 1;         ///< counter (consumer, trait group, slot)
inline constexpr std::uint32_t initial_awareness = 2;  ///< counter (consumer, firm, 0)
inline constexpr std::uint32_t step = 3;               ///< counter (consumer, step, slot)
inline constexpr std::uint32_t custom_fit = 4;         ///< counter (consumer, firm, 0)
/// An opt_out shock: counter (consumer, step, k), k the shock's rank among this step's opt_outs.
inline constexpr std::uint32_t shock_opt_out = 5;
inline constexpr std::uint32_t research_sample = 6;   ///< a study's sample: stream (firm, step)
inline constexpr std::uint32_t research_seeding = 7;  ///< its k-means++ seeding: (firm, step)
/// The consumer panel's sample: one sequential stream, counter (0, 0, slot).
inline constexpr std::uint32_t panel = 8;
/// The final snapshot's sample (when smaller than the population): as the panel's.
inline constexpr std::uint32_t snapshot = 9;
/// A strategy's own draws (MarketView::random()): stream (firm, step).
inline constexpr std::uint32_t strategy = 10;
}  // namespace msim::purpose
