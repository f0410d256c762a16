// The `segmentation:` key of a firm: `known` (default), `research`, or a map with kind research
// and the study's parameters.
#include "models/segmentation.hpp"

#include <fmt/format.h>

#include "models/scenario.hpp"
#include "models/scenario_load.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

/// The largest sample a study may draw: k-means on it takes about 13 s with 64 clusters (a
/// second with a few), within one step, which an interrupt does not cut short.
constexpr double kMaxSample = 1e5;

SegmentationKind read_kind(const Config& node) {
  return node.as_choice({"known", "research"}) == "research" ? SegmentationKind::research
                                                             : SegmentationKind::known;
}

}  // namespace

Segmentation load_segmentation(const Config& firm, const Scenario& sc) {
  Segmentation s;
  s.clusters = static_cast<int>(sc.segments.size());
  const auto node = firm.find("segmentation");
  if (!node) return s;
  if (node->is_scalar()) {
    s.kind = read_kind(*node);
  } else {
    if (!node->is_map())
      node->fail_expected("known, research, or a map {kind: research, sample_size: ...}");
    s.kind = read_kind(node->child("kind"));
    if (s.kind == SegmentationKind::known) {
      for (const std::string& key : node->keys())
        if (key != "kind")
          node->child(key).fail(
              fmt::format("'{}' applies only to kind: research; kind known uses the true "
                          "segments and takes no other key",
                          key));
      return s;
    }
    s.noise_sd = node->get_double("noise_sd", s.noise_sd, spread_range());
    s.clusters =
        static_cast<int>(node->get_int("clusters", s.clusters, range::closed(1, kMaxSegments)));
    s.sample_size = node->get_int("sample_size", s.sample_size, range::closed(1, kMaxSample));
    if (s.sample_size < s.clusters)  // the default sample (2000) exceeds any cluster count
      node->child("sample_size")
          .fail_expected(fmt::format(
              "at least clusters ({}): k-means needs a sampled consumer per cluster", s.clusters));
    s.cost_per_study = scaled_money(*node, "cost_per_study", s.cost_per_study, sc.scale);
    s.refresh_steps = node->get_int("refresh_steps", s.refresh_steps, range::closed(0, kMaxSteps));
    node->finish();
  }
  return s;
}

void write_segmentation(YamlWriter& out, const Segmentation& s) {
  out.key("segmentation");
  if (s.kind == SegmentationKind::known) {
    out.value("known");
    return;
  }
  out.begin_map();
  out.key("kind").value("research");
  out.key("sample_size").value(s.sample_size);
  out.key("noise_sd").value(s.noise_sd);
  out.key("clusters").value(s.clusters);
  out.key("cost_per_study").value(s.cost_per_study);
  out.key("refresh_steps").value(s.refresh_steps);
  out.end_map();
}

}  // namespace msim
