#include "models/simulation.hpp"

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "models/diagnostics.hpp"
#include "models/metrics.hpp"
#include "models/panel.hpp"
#include "models/scenario_load.hpp"
#include "models/snapshot.hpp"
#include "models/strategy.hpp"
#include "models/version.hpp"
#include "sim/program_hash.hpp"

namespace msim {
namespace {

std::vector<std::string> names(const auto& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.name);
  return out;
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

RecordingLayout recording_layout(const Scenario& sc, std::size_t threads) {
  RecordingLayout l;
  l.steps = sc.steps;
  l.attributes = {{"marketsim_version", std::string(kVersion)},
                  {"git_commit", std::string(kGitCommit)},
                  {"program_hash", program_hash()},
                  {"created_utc", utc_now()},
                  {"scenario_name", sc.name},
                  {"seed", static_cast<std::int64_t>(sc.seed)},
                  {"threads", static_cast<std::int64_t>(threads)},
                  {"consumers", sc.consumers},
                  {"scale", sc.scale},
                  {"steps", sc.steps},
                  {"steps_per_year", sc.steps_per_year},
                  {"wall_seconds", 0.0},
                  {"steps_done", std::int64_t{0}},
                  {"overrides", fmt::format("{}", fmt::join(sc.overrides, "\n"))}};
  l.texts = {{"/scenario", resolved_yaml(sc), "the resolved scenario (YAML, defaults filled in)"},
             {"/description", sc.description, "the scenario's description"}};
  l.dims = {{"firm", "/firms/name", names(sc.firms), "firm name"},
            {"segment", "/segments/name", names(sc.segments), "segment name"},
            {"category", "/categories/name", names(sc.categories), "product category name"}};
  std::vector<std::string> axes;
  for (int d = 1; d <= sc.preference_dims; ++d) axes.push_back(fmt::format("x{}", d));
  l.dims.push_back({"dimension", "/dimensions/name", axes, "preference-space dimension"});
  std::vector<std::string> strategies, kinds;
  for (const auto& f : sc.firms) strategies.push_back(f.strategy);
  for (const auto& c : sc.categories) kinds.push_back(c.durable() ? "durable" : "consumable");
  l.labels = {{"/firms/strategy", "firm", strategies, "registered strategy of each firm"},
              {"/categories/kind", "category", kinds, "consumable or durable"}};
  const bool durables = sc.durable_categories() > 0;
  for (const auto& m : firm_metrics())
    if (durables || !m.durables_only)
      l.series.push_back({fmt::format("/market/{}", m.name), {"firm"}, m.units, m.description});
  for (const auto& m : firm_metrics())
    if (durables || !m.durables_only)
      l.series.push_back({fmt::format("/market/by_category/{}", m.name),
                          {"category", "firm"},
                          m.units,
                          m.description});
  for (const auto& m : segment_metrics())
    l.series.push_back(
        {fmt::format("/segments/{}", m.name), {"segment", "firm"}, m.units, m.description});
  if (durables)
    l.series.push_back({"/market/saturation", {"category"}, "fraction",
                        "share of all consumers who own a working product of the category at "
                        "the end of the step (0 for consumables, which nobody keeps)"});
  l.series.push_back({"/firms/segment_centres",
                      {"firm", "segment", "dimension"},
                      "preference space",
                      "where the firm placed each segment in the step: the segment's true mean "
                      "(segmentation: known) or the centre its latest research study learned"});
  for (const DiagnosticDoc& d : scenario_diagnostics(sc))
    l.series.push_back({fmt::format("/strategies/{}", d.name),
                        {"firm"},
                        d.units,
                        fmt::format("{} (recorded by the firm's strategy; NaN where it records "
                                    "none)",
                                    d.description)});
  add_panel_layout(sc, l);
  add_snapshot_layout(sc, l);
  return l;
}

std::vector<std::vector<double>> metric_rows(const StepMetrics& m) {
  std::vector<std::vector<double>> rows;
  for (const auto& info : firm_metrics())
    if (m.durables || !info.durables_only) rows.push_back((m.*info.member).firm);
  for (const auto& info : firm_metrics())
    if (m.durables || !info.durables_only) rows.push_back((m.*info.member).by_category);
  for (const auto& info : segment_metrics()) rows.push_back(m.*info.member);
  if (m.durables) rows.push_back(m.saturation);
  rows.push_back(m.segment_centres);
  const std::size_t F = m.units.firm.size();
  for (std::size_t k = 0; F > 0 && k < m.diagnostics.size() / F; ++k)
    rows.emplace_back(m.diagnostics.begin() + static_cast<std::ptrdiff_t>(k * F),
                      m.diagnostics.begin() + static_cast<std::ptrdiff_t>((k + 1) * F));
  return rows;
}

void record_step(const Market& market, Recorder& recorder, int panel) {
  if (panel >= 0)
    recorder.append(static_cast<std::size_t>(panel) + 1,
                    panel_purchase_rows(market.steps_done() - 1, market.panel_purchases()));
  recorder.record(market.steps_done() - 1, metric_rows(market.metrics()));
}

void record_panel_members(const Market& market, Recorder& recorder, int panel) {
  if (panel >= 0)
    recorder.append(
        static_cast<std::size_t>(panel),
        panel_member_rows(market.scenario(), market.population(), market.panel_members()));
}

RunReport run_simulation(const Scenario& sc, Recorder& recorder, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const RecordingLayout layout = recording_layout(sc, options.threads);
  const int panel = panel_table(layout);
  recorder.begin(layout);
  Market market(sc, EngineOptions{options.block_size});
  record_panel_members(market, recorder, panel);
  RunReport report;
  report.bytes_per_consumer = market.population().bytes_per_consumer();
  if (sc.branch.present && !sc.after_branch)
    throw std::logic_error("a scenario with a branch: block needs after_branch (resolve_branch)");
  for (std::int64_t t = 0; t < sc.steps; ++t) {
    if (options.stop && options.stop->load()) break;
    if (sc.after_branch && t == sc.branch.step) market.branch(*sc.after_branch);
    market.step();
    const auto record_start = std::chrono::steady_clock::now();
    // Flushed with the step's rows: a file whose process is killed says how far it got.
    recorder.progress(
        {{"steps_done", t + 1},
         {"wall_seconds", std::chrono::duration<double>(record_start - start).count()}});
    record_step(market, recorder, panel);
    report.recording_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - record_start).count();
    report.steps_done = t + 1;
    if (options.on_step) options.on_step(t + 1);
  }
  report.complete = report.steps_done == sc.steps;
  record_snapshot(market, recorder, snapshot_table(layout));
  report.phases = market.phase_times();
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Attributes final_attributes = {{"wall_seconds", report.wall_seconds},
                                 {"steps_done", report.steps_done}};
  if (sc.branch.present) final_attributes.push_back({"branch_at", sc.branch.step});
  const auto finish_start = std::chrono::steady_clock::now();
  recorder.finish(final_attributes, report.complete);  // (a background recorder's queue drains)
  report.recording_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - finish_start).count();
  return report;
}

}  // namespace msim
