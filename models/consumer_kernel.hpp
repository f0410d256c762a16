#pragma once
/// The consumer kernel: one fused, non-virtual pass over a block of consumers that applies
/// adstock, media exposures, CRM contacts, word of mouth, purchase occasions, logit choice,
/// loyalty smoothing and the step's tallies. It takes no locks; it writes only the block's
/// consumers, the block's partial-sum row and the block's panel buffer, where it appends the
/// purchases of panel members (kPanel), the one allocation (amortised vector growth).
#include <cstddef>
#include <cstdint>

#include <vector>

#include "models/kernel_tables.hpp"
#include "models/panel.hpp"
#include "models/population.hpp"

namespace msim {

/// Whether this build has the kernel's paths that take two consumers per vector (AVX-512);
/// without them EngineOptions::paired_consumers changes nothing.
bool paired_consumers_built();

void run_consumer_block(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
                        std::int64_t* partial, std::vector<PanelPurchase>& panel);

}  // namespace msim
