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

std::optional<std::string> memory_shortfall(const Scenario& sc, std::size_t copies) {
  const MemoryNeed m = memory_need(sc, copies);
  if (m.bytes <= 0.9 * m.available) return std::nullopt;
  const double fits = 0.8 * m.available / m.per_consumer / static_cast<double>(copies);
  const std::string lower = sc.scale == 1.0
                                ? fmt::format("lower `consumers` (e.g. --set consumers={})",
                                              static_cast<std::int64_t>(fits))
                                : fmt::format("lower `scale` (e.g. --set scale={:.3g})",
                                              sc.scale * fits / static_cast<double>(sc.consumers));
  return fmt::format(
      "{}: {} consumers need about {:.1f} GiB ({:.0f} bytes each plus working memory), but only "
      "{:.1f} GiB of memory is available; {}",
      sc.consumers_where, sc.consumers, m.bytes / 1073741824.0, m.per_consumer,
      m.available / 1073741824.0, lower);
}

}  // namespace msim::cli
