#pragma once
/// Where a firm's segments come from: the true segments (`known`), or a market-research study
/// that clusters a noisy sample of consumers (`research`; models/research.hpp runs it).
#include <cstdint>

namespace msim {

class Config;
class YamlWriter;
struct Scenario;

enum class SegmentationKind { known, research };

/// A firm's `segmentation:` key, resolved.
struct Segmentation {
  SegmentationKind kind = SegmentationKind::known;
  std::int64_t sample_size = 2000;  ///< consumers observed per study (drawn with replacement)
  double noise_sd = 0.3;            ///< observation error per dimension, preference-space distance
  int clusters = 0;                 ///< k of k-means; the loader resolves 0 to the segment count
  double cost_per_study = 50000.0;  ///< money, charged as a fixed cost in the study's step
  std::int64_t refresh_steps = 0;   ///< steps between studies; 0 = one study, at the first step
};

/// Reads the optional `segmentation` key of a firm node (the scenario's segments are loaded).
/// @throws InputError naming file, line, key, value and what was expected.
Segmentation load_segmentation(const Config& firm, const Scenario& sc);
/// Writes the `segmentation` key of a firm, resolved.
void write_segmentation(YamlWriter& out, const Segmentation& s);

}  // namespace msim
