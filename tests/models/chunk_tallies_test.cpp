// The tallies of a whole chunk of consumers at once (models/chunk_tallies.hpp) against the same
// tallies counted consumer by consumer with the lane functions (models/kernel_lanes.hpp), over
// random states, every supported segment count and several CRM column counts, and across the
// folds that keep the narrow counters from overflowing.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "models/chunk_tallies.hpp"

namespace {

using msim::BlockTallies;
using msim::kChunk;

/// A chunk's state: per-firm columns of kChunk consumers, their segments and CRM bytes.
template <std::size_t W>
struct ChunkState {
  std::vector<std::uint16_t> goodwill = std::vector<std::uint16_t>(kChunk * W);
  std::vector<std::uint16_t> loyalty = std::vector<std::uint16_t>(kChunk * W);
  std::vector<std::uint8_t> since = std::vector<std::uint8_t>(kChunk * W);
  std::vector<std::uint8_t> segment = std::vector<std::uint8_t>(kChunk);
  std::vector<std::uint8_t> crm;

  /// Random values, with the edges each tally turns on (threshold, window, 0 and the maximum)
  /// drawn often.
  void draw(std::mt19937& rng, std::size_t S, std::size_t K, std::uint8_t window, int extreme) {
    // extreme 1: every tally true at its largest increment (a recent purchase, full loyalty);
    // 2: the same with lapsed customers (last purchase window + 1 steps ago) for recent ones.
    const std::uint32_t recency = extreme == 2 ? window + 1u : 1u;
    const auto pick = [&](std::initializer_list<std::uint32_t> edges, std::uint32_t top,
                          std::uint32_t most = 0) {
      if (extreme != 0) return most != 0 ? most : top;
      if (rng() % 2 == 0) return *(edges.begin() + rng() % edges.size());
      return static_cast<std::uint32_t>(rng() % (top + 1));
    };
    for (std::size_t p = 0; p < kChunk * W; ++p) {
      goodwill[p] = static_cast<std::uint16_t>(pick({0, 255, 256, 257, 65535}, 65535));
      loyalty[p] = static_cast<std::uint16_t>(pick({0, 1, 127, 128, 65407, 65408, 65535}, 65535));
      since[p] = static_cast<std::uint8_t>(
          pick({0u, 1u, window, window + 1u, window + 2u, 255u}, 255, recency) & 0xFF);
    }
    for (auto& s : segment) s = static_cast<std::uint8_t>(rng() % S);
    crm.resize(kChunk * K);
    for (auto& c : crm) c = static_cast<std::uint8_t>(pick({0, 1, 127, 128, 129, 255}, 255));
  }
};

template <std::size_t W>
void check(std::size_t S, std::size_t K, std::uint8_t window, std::size_t chunks, int extreme,
           std::uint32_t seed) {
  std::mt19937 rng(seed);
  BlockTallies got, want;
  got.clear(S, 2, W, K);
  want.clear(S, 2, W, K);
  msim::ChunkTallies<W> chunk;
  REQUIRE(msim::ChunkTallies<W>::fits(S));
  chunk.clear(S, K);
  const bool lapsed = window < 255;
  constexpr std::uint32_t kThreshold = 256;
  ChunkState<W> st;
  for (std::size_t n = 0; n < chunks; ++n) {
    st.draw(rng, S, K, window, extreme);
    chunk.segments(st.segment.data());
    chunk.aware(st.goodwill.data(), st.loyalty.data(), kThreshold);
    bool tagged = false;
    for (std::size_t l = 0; l < kChunk; ++l) {
      const std::size_t s = st.segment[l];
      msim::lanes::count_aware<W>(&st.goodwill[l * W], &st.loyalty[l * W], kThreshold,
                                  &want.aware[s * W]);
      msim::lanes::count_recent<W>(&st.since[l * W], window, &want.recent[s * W]);
      msim::lanes::sum_rounded_high_bytes<W>(&st.loyalty[l * W], want.loyalty.data());
      if (lapsed)
        msim::lanes::count_equal<W>(&st.since[l * W], static_cast<std::uint8_t>(window + 1),
                                    want.lost.data());
      for (std::size_t k = 0; k < K; ++k) {
        want.crm_known[k] += (st.crm[l * K + k] & msim::kDepthMask) != 0 ? 1u : 0u;
        tagged |= (st.crm[l * K + k] & msim::kReferred) != 0;
      }
    }
    const bool reported =
        chunk.after_step(st.since.data(), st.loyalty.data(), st.crm.data(), window, lapsed, got);
    REQUIRE(reported == tagged);
  }
  chunk.fold(got);
  for (std::size_t x = 0; x < S * W; ++x) {
    REQUIRE(got.aware[x] == want.aware[x]);
    REQUIRE(got.recent[x] == want.recent[x]);
  }
  for (std::size_t j = 0; j < W; ++j) {
    REQUIRE(got.loyalty[j] == want.loyalty[j]);
    REQUIRE(got.lost[j] == want.lost[j]);
  }
  for (std::size_t k = 0; k < K; ++k) REQUIRE(got.crm_known[k] == want.crm_known[k]);
}

}  // namespace

TEST_CASE("ChunkTallies counts what the per-consumer tallies count", "[kernel]") {
  const std::size_t S = GENERATE(1, 2, 3, 4);
  const std::size_t K = GENERATE(0, 1, 2, 5);
  const auto window = static_cast<std::uint8_t>(GENERATE(26, 254, 255));
  // 600 chunks cross two folds (every 255 chunks); 7 end between folds.
  const std::size_t chunks = GENERATE(7, 600);
  const auto seed = static_cast<std::uint32_t>(S * 1000 + K * 10 + window + chunks);
  check<8>(S, K, window, chunks, 0, seed);
  check<16>(S, K, window, chunks, 0, seed + 1);
  check<24>(S, K, window, chunks, 0, seed + 2);
}

TEST_CASE("ChunkTallies counts alike for every lane width and up to 64 CRM firms", "[kernel]") {
  const std::size_t K = GENERATE(3, 17, 64);
  const auto seed = static_cast<std::uint32_t>(K);
  check<32>(3, K, 26, 300, 0, seed);
  check<40>(2, K, 1, 300, 0, seed + 1);
  check<48>(4, K, 254, 300, 0, seed + 2);
  check<56>(1, K, 255, 300, 0, seed + 3);
  check<64>(3, K, 26, 300, 0, seed + 4);
}

TEST_CASE("ChunkTallies' narrow counters fold before they overflow", "[kernel]") {
  // Every position at its maximum in every chunk: a count of 1 and a loyalty of 256 per chunk,
  // for more chunks than a byte or a sixteen-bit lane could hold without folding.
  check<8>(3, 2, 26, 1000, 1, 1);
  check<64>(4, 64, 26, 300, 1, 2);
  // Lapsed customers at every position, in every chunk.
  check<8>(3, 2, 26, 1000, 2, 3);
  check<16>(2, 1, 254, 600, 2, 4);
}

TEST_CASE("ChunkTallies fits at most kChunkSegments segments", "[kernel]") {
  CHECK(msim::ChunkTallies<8>::fits(msim::kChunkSegments));
  CHECK_FALSE(msim::ChunkTallies<8>::fits(msim::kChunkSegments + 1));
}
