// The consumer kernel. Consumers are processed in chunks of kChunk: the random words every
// consumer needs each step (media exposures, word of mouth, contacts, purchase occasions and
// first choices) are drawn for the whole chunk at once with SIMD Philox (sim/rng_batch.hpp).
// Per-firm state is padded to W lanes (Population::lanes), a compile-time constant here, so
// adstock, awareness, loyalty and the logit's utilities and exponentials are whole-vector loops
// (models/kernel_lanes.hpp). A full chunk's tallies are counted for all its consumers at once
// (models/chunk_tallies.hpp). Every consumer of a chunk sees advertising, then every one hears
// from firms and other consumers; then the consumers due in each category (an occasion, or a
// durable's failure), found without branches, shop: their first choices are all decided before
// any purchase is written (shop(), decide(), buy()). Draws that are rarely needed (the low half
// of a 32-bit uniform on a tie, choices after a category's first occasion) are made one at a
// time. In AVX-512 builds with eight firm lanes, advertising and word of mouth take two
// consumers per 512-bit vector (advertise_pair, hear_pair): the same operations, so the same
// bits (EngineOptions::paired_consumers turns them off, for the test that compares).
#include "models/consumer_kernel.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/chunk_tallies.hpp"
#include "models/kernel_communication.hpp"
#include "models/kernel_lanes.hpp"
#include "models/population.hpp"
#include "sim/rng_batch.hpp"

namespace msim {
namespace {

/// The kernel for one block of consumers, with W firm lanes: its parts are the layers below it
/// (models/kernel_state.hpp lists them); this is the block's loop over its chunks.
template <std::size_t W>
class Kernel : public KernelCommunication<W> {
  using Base = KernelCommunication<W>;
  using Base::advertise;
  using Base::advertise_pair;
  using Base::communicate;
  using Base::contact;
  using Base::events;
  using Base::hear;
  using Base::hear_pair;
  using Base::panel_;
  using Base::pop_;
  using Base::shop;
  using Base::t_;
  using Base::tally;
  using Base::tally_;
  using Base::tally_rest;
  using typename Base::Chunk;

 public:
  using Base::Base;

  void run(std::size_t begin, std::size_t end) {
    constexpr std::size_t G = W / 8;
    Chunk words;
    const bool by_chunk = ChunkTallies<W>::fits(t_.S);
    if (by_chunk) chunk_.clear(t_.S, t_.crm_firms);
    const std::size_t pairs_of_categories = (t_.C + 1) / 2;
    // Two consumers' advertising at once (advertise_pair) where it applies.
    const bool pairs = kPairs && W == 8 && t_.audiences.empty() && t_.paired_consumers;
    const bool pairs_hear = kPairs && W == 8 && t_.paired_consumers &&
                            (t_.wom_active || t_.negative_wom_active) &&
                            !(t_.step == 0 && t_.initial_aware > 0);
    for (std::size_t c0 = begin; c0 < end; c0 += kChunk) {
      const auto a0 = static_cast<std::uint32_t>(c0);
      const auto draw = [&](std::uint32_t slot, WordRows<kChunk>& out) {
        philox_lanes(t_.step_gen, a0, t_.step, slot, out);
      };
      for (std::size_t g = 0; g < G; ++g) {
        const auto g32 = static_cast<std::uint32_t>(g);
        if (t_.expo_group_drawn[g]) draw(slot::exposure + g32, words.expo[g]);
        if (t_.wom_active || t_.negative_wom_active) draw(slot::wom + g32, words.wom[g]);
        if (!t_.contacts.empty()) draw(slot::contact + g32, words.contact[g]);
      }
      for (std::size_t p = 0; p < pairs_of_categories; ++p)
        draw(slot::occasions + static_cast<std::uint32_t>(p), words.occ[p]);
      const std::size_t n = std::min(kChunk, end - c0);
      // The chunk's consumers see advertising, then hear from firms and each other, then shop;
      // awareness is counted before they shop, the other tallies at the end of the step: for the
      // whole chunk at once where it is full. Advertising goes through the chunk in a loop of
      // its own, so that its table lookups for many consumers are in flight at once (measured
      // 1.4% to 3.5% faster than one loop).
      const bool whole = by_chunk && n == kChunk;
      std::size_t paired = 0;
      if (pairs)
        for (; paired + 2 <= n; paired += 2) advertise_pair(c0 + paired, paired, words);
      for (std::size_t l = paired; l < n; ++l) advertise(c0 + l, pop_.segment[c0 + l], l, words);
      if (pairs_hear) {  // contacts one at a time, then word of mouth two at a time
        for (std::size_t l = 0; l < n; ++l) contact(c0 + l, l, words);
        paired = 0;
        for (; paired + 2 <= n; paired += 2) hear_pair(c0 + paired, paired, words);
        for (std::size_t l = paired; l < n; ++l) hear(c0 + l, pop_.segment[c0 + l], l, words);
      } else {
        for (std::size_t l = 0; l < n; ++l) communicate(c0 + l, pop_.segment[c0 + l], l, words);
      }
      if (whole) {
        chunk_.segments(&pop_.segment[c0]);
        chunk_.aware(&pop_.goodwill[c0 * W], &pop_.loyalty[c0 * W], kAware);
      } else {
        for (std::size_t i = c0; i < c0 + n; ++i)
          lanes::count_aware<W>(&pop_.goodwill[i * W], &pop_.loyalty[i * W], kAware,
                                &tally_.aware[pop_.segment[i] * W]);
      }
      // Category by category, the consumers with something to do in it. A consumer's categories
      // still come in order, and consumers do not interact within a step; only the panel's
      // purchases are put back in consumer order.
      std::uint32_t due[kMaxCategories];
      events(c0, n, words.occ, due);
      const std::size_t panel_from = panel_.size();
      for (std::size_t c = 0; c < t_.C; ++c) shop(c0, c, due[c], words.occ);
      if (panel_.size() > panel_from + 1)
        std::stable_sort(
            panel_.begin() + static_cast<std::ptrdiff_t>(panel_from), panel_.end(),
            [](const PanelPurchase& a, const PanelPurchase& b) { return a.consumer < b.consumer; });
      if (whole) {
        const bool referred = chunk_.after_step(
            &pop_.since[c0 * W], &pop_.loyalty[c0 * W], pop_.crm.data() + c0 * t_.crm_firms,
            static_cast<std::uint8_t>(t_.wom_window), t_.wom_window < 255, tally_);
        if (referred || !t_.audiences.empty())
          for (std::size_t i = c0; i < c0 + n; ++i) tally_rest(i, pop_.segment[i]);
      } else {
        for (std::size_t i = c0; i < c0 + n; ++i) tally(i, pop_.segment[i]);
      }
    }
    if (by_chunk) chunk_.fold(tally_);
  }

 private:
  ChunkTallies<W> chunk_;
};

template <std::size_t W>
void run_lanes(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
               std::int64_t* partial, BlockTallies& tally, std::vector<PanelPurchase>& panel) {
  Kernel<W>(t, pop, partial, tally, panel).run(begin, end);
}

}  // namespace

bool paired_consumers_built() {
  return kPairs;
}

void run_consumer_block(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
                        std::int64_t* partial, std::vector<PanelPurchase>& panel) {
  thread_local BlockTallies tally;
  tally.clear(t.S, t.C, t.lanes, t.crm_firms);
  switch (t.lanes) {
    case 8:
      run_lanes<8>(t, pop, begin, end, partial, tally, panel);
      break;
    case 16:
      run_lanes<16>(t, pop, begin, end, partial, tally, panel);
      break;
    case 24:
      run_lanes<24>(t, pop, begin, end, partial, tally, panel);
      break;
    case 32:
      run_lanes<32>(t, pop, begin, end, partial, tally, panel);
      break;
    case 40:
      run_lanes<40>(t, pop, begin, end, partial, tally, panel);
      break;
    case 48:
      run_lanes<48>(t, pop, begin, end, partial, tally, panel);
      break;
    case 56:
      run_lanes<56>(t, pop, begin, end, partial, tally, panel);
      break;
    default:
      run_lanes<64>(t, pop, begin, end, partial, tally, panel);
      break;
  }
  tally.add_to(t.layout, t.lanes, t.crm_firm, partial);
}

}  // namespace msim
