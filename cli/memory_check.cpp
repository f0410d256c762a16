// The memory estimate behind `run`'s refusal and `validate`'s note.
#include "cli/memory_check.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>

#include "models/population.hpp"
#include "models/strategy.hpp"

namespace msim::cli {
namespace {

/// Bytes of memory available to us: MemAvailable from /proc/meminfo, else physical memory.
double available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024.0;
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

}  // namespace

MemoryNeed memory_need(const Scenario& sc, std::size_t copies) {
  std::size_t crm = 0;
  for (const auto& f : sc.firms) crm += f.prototype->uses_crm() ? 1 : 0;
  MemoryNeed m;
  m.per_consumer =
      population_bytes_per_consumer(sc.firms.size(), sc.categories.size(), sc.durable_categories(),
                                    static_cast<std::size_t>(sc.preference_dims), crm);
  m.state = m.per_consumer * static_cast<double>(sc.consumers) * static_cast<double>(copies);
  m.bytes = m.state + 64e6;
  m.available = available_bytes();
  return m;
}

const Scenario& largest_run(const Scenario& sc, const Experiment& ex) {
  // Only the runs count: a sweep of `consumers` never runs the base population. (A branched
  // experiment's history has the runs' size: branching keeps `consumers` unswept.)
  const Scenario* largest = ex.runs.empty() ? &sc : &ex.runs.front().scenario;
  for (const auto& run : ex.runs)
    if (run.scenario.consumers > largest->consumers) largest = &run.scenario;
  return *largest;
}

std::size_t experiment_copies(const Scenario& sc, const Experiment& ex, std::size_t threads) {
  const bool concurrent = largest_run(sc, ex).consumers < ExperimentOptions{}.concurrent_below;
  return (concurrent ? std::max<std::size_t>(1, std::min(threads, ex.runs.size())) : 1) *
         (sc.experiment.branch_at > 0 ? 2 : 1);
}

std::optional<std::string> memory_shortfall(const Scenario& sc, std::size_t copies,
                                            const ExperimentSpec& design) {
  const MemoryNeed m = memory_need(sc, copies);
  if (m.bytes <= 0.9 * m.available) return std::nullopt;
  const double fits = 0.8 * m.available / m.per_consumer / static_cast<double>(copies);
  const std::string consumers = fmt::format("{}", static_cast<std::int64_t>(fits / sc.scale));
  const std::string scale =
      fmt::format("{:.3g}", sc.scale * fits / static_cast<double>(sc.consumers));
  std::string where = sc.consumers_where;
  std::string lower = sc.scale == 1.0
                          ? fmt::format("lower `consumers` (e.g. --set consumers={})", consumers)
                          : fmt::format("lower `scale` (e.g. --set scale={})", scale);
  // A run's size from the experiment's design: --set cannot change it, the design's key can.
  const auto varied = [&](const std::string& path) -> std::optional<std::string> {
    const auto advice = [&](const std::string& block, const std::string& where_written,
                            const std::string& what, const std::string& limit) {
      where = where_written;
      return fmt::format(
          "lower {} of experiment.{}.{} to at most {} (the experiment sets `{}` in each run, so "
          "--set {}=... would not change it)",
          what, block, path, limit, path, path);
    };
    const std::string& limit = path == "consumers" ? consumers : scale;
    for (const auto& k : design.sweep)
      if (k.path == path) return advice("sweep", k.where, "the largest value", limit);
    for (const auto& k : design.together)
      if (k.path == path) return advice("together", k.where, "the largest value", limit);
    for (const auto& r : design.lhs_ranges)
      if (r.path == path)
        return advice("design.latin_hypercube.ranges", r.where, "the top of the range", limit);
    return std::nullopt;
  };
  if (auto advice = varied("consumers")) {
    lower = *advice;
  } else if (auto by_scale = varied("scale")) {
    lower = *by_scale;
  }
  return fmt::format(
      "{}: {} consumers need about {:.1f} GiB ({:.0f} bytes each plus working memory), but only "
      "{:.1f} GiB of memory is available; {}",
      where, sc.consumers, m.bytes / 1073741824.0, m.per_consumer, m.available / 1073741824.0,
      lower);
}

}  // namespace msim::cli
