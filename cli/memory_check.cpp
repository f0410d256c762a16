// The memory estimate behind `run`'s refusal and `validate`'s note: the consumers, what the runs
// record (held in memory by an experiment's runs until each ends), the blocks' partial sums, and
// the program itself. Each part follows what the code allocates; see the functions below.
#include "cli/memory_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "cli/memory_limits.hpp"
#include "models/kernel_tables.hpp"
#include "models/panel.hpp"
#include "models/population.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/background_recorder.hpp"
#include "sim/parallel.hpp"

namespace msim::cli {
namespace {

/// The program's code, libraries, thread pools and small tables: a run of 1,000 consumers peaks
/// at 22 MB resident.
constexpr double kProgram = 32e6;
constexpr double kMiB = 1048576.0;
/// An experiment's file stays open while its runs are added: HDF5's metadata cache for it grows
/// with the datasets, up to its default maximum of 32 MiB (27 MB measured for 120 runs).
constexpr double kExperimentFile = 32.0 * kMiB;
/// Rows of the snapshot that record_snapshot() makes at once (models/snapshot.cpp): each column
/// is reserved once and moves into the rows, which go to the recorder by move (held once).
constexpr double kSnapshotSlice = 65536;
/// A streamed run's BackgroundRecorder holds its queued calls and the one being written, up to
/// this many bytes (or one call larger than that, alone).
constexpr double kQueueBytes = static_cast<double>(BackgroundRecorder::kDefaultMaxBytes);
/// What BackgroundRecorder::call_bytes() counts beside the values: the call, and each vector.
constexpr double kCallBytes = 64, kVectorBytes = 24;
/// A progress() call's attributes (two, with their names): call_bytes() counts about this.
constexpr double kProgressCallBytes = 200;
/// HDF5's bookkeeping per chunk that one write touches (selections, chunk entries), which it
/// keeps on its free lists: 91 MB measured while a run's 1 M-row snapshot (42,000 chunks) was
/// written, 11 MB of it cached chunks.
constexpr double kChunkBookkeeping = 1900;

/// Values in one row of a series: the product of its dimensions' sizes.
double series_width(const RecordingLayout& l, const SeriesSpec& s) {
  double w = 1;
  for (const std::string& dim : s.dims)
    for (const Dimension& d : l.dims)
      if (d.name == dim) w *= static_cast<double>(d.labels.size());
  return w;
}

/// Bytes of one row of a table: 8 per value.
double row_bytes(const TableSpec& t) {
  double values = 0;
  for (const TableColumnSpec& c : t.columns)
    values += static_cast<double>(std::max<std::size_t>(c.width, 1));
  return 8.0 * values;
}

/// What HDF5 holds while datasets are written (sim/hdf5_file.cpp): the chunks it caches, up to
/// 1 MiB a dataset, and the bookkeeping of the chunks that one write touches.
struct Hdf5Writes {
  double cached = 0;  ///< chunks cached
  double chunks = 0;  ///< chunks written
  /// A dataset of `rows` rows of `width` values (0: one), in chunks of whole rows of about 1024
  /// values.
  void add(double rows, double width) {
    const double w = std::max(width, 1.0);
    const double chunk_rows = std::clamp(std::floor(1024.0 / w), 1.0, 1024.0);
    const double n = std::ceil(rows / chunk_rows);
    cached += std::min(kMiB, n * chunk_rows * w * 8.0);
    chunks += n;
  }
  void add(double rows, const TableSpec& t) {
    for (const TableColumnSpec& c : t.columns) add(rows, static_cast<double>(c.width));
  }
};

/// The capacity, in pieces, that a vector grown by appending `pieces` equal pieces reaches
/// (libstdc++ doubles it: size + max(size, piece)).
double doubled(double pieces) {
  double capacity = 1;
  while (capacity < pieces) capacity *= 2;
  return capacity;
}

/// A table of the layout by path, or nullptr.
const TableSpec* table(const RecordingLayout& l, const std::string& path) {
  for (const TableSpec& t : l.tables)
    if (t.path == path) return &t;
  return nullptr;
}

/// Panel purchases that `members` members make in a step, at most: a row per purchase
/// occasion, whose mean is the share-weighted purchase rate summed over categories.
double panel_purchases_per_step(const Scenario& sc, double members) {
  double occasions = 0;
  for (const Segment& s : sc.segments)
    for (const PurchaseRate& r : s.purchase_rate) occasions += s.share * r.mean;
  return occasions * members;
}

/// What a run of the scenario records, in bytes.
struct Recording {
  double values = 0;        ///< values in one step's rows of every series
  double kept = 0;          ///< every step's rows, as a FlatRecorder keeps them
  double kept_history = 0;  ///< the steps before a branch, the same way
  double member_rows = 0;   ///< the panel's members, once
  double kept_tables = 0;   ///< the panel's members and the snapshot, as appends grow them
  double purchases = 0;     ///< the panel's purchases in one step
  double members = 0;       ///< the panel's member list, kept by the market
  double sampled = 0;       ///< the most that drawing the panel's or the snapshot's sample holds
  double made = 0;          ///< a snapshot slice being made (and holes), and its member list
  double calls = 0;         ///< every call a streamed run queues (BackgroundRecorder's bytes)
  double largest_call = 0;  ///< the largest of them
  double streaming = 0;     ///< what HDF5 holds while a streamed run writes step by step
  double written = 0;       ///< what HDF5 holds while a finished run is written at once
};

/// What a FlatRecorder holds of `steps` steps of a series of `width` values: one vector,
/// reserved for them all.
double kept_rows(double steps, double width) {
  return 8.0 * width * steps;
}

Recording recording(const Scenario& sc) {
  const RecordingLayout l = recording_layout(sc, 0);
  const double T = static_cast<double>(sc.steps);
  const double B = static_cast<double>(sc.experiment.branch_at);
  const double N = static_cast<double>(sc.consumers);
  const double M = static_cast<double>(std::min(sc.output.panel_size, sc.consumers));
  const double K = static_cast<double>(std::min(sc.output.snapshot_size, sc.consumers));
  Recording r;
  Hdf5Writes all;  // the run's datasets
  for (const SeriesSpec& s : l.series) {
    const double w = series_width(l, s);
    r.values += w;
    r.kept += kept_rows(T, w);
    r.kept_history += B > 0 ? kept_rows(B, w) : 0.0;
    all.add(T, w);
  }
  all.add(T, 1);  // /step
  // A streamed step queues its rows and its progress.
  const double step_call =
      kCallBytes + 8.0 * r.values + kVectorBytes * static_cast<double>(l.series.size());
  r.calls = T * (step_call + kProgressCallBytes);
  r.largest_call = step_call;
  double one_write = 0;  // the chunks of the largest write of a streamed run
  if (const TableSpec* members = table(l, "/panel/members")) {
    const double rows = M * row_bytes(*members);
    r.member_rows = rows;
    r.kept_tables += rows;  // appended once
    r.members = 4.0 * M;
    r.sampled = std::max(r.sampled, consumer_sample_bytes(static_cast<std::size_t>(M)));
    // The rows are made at once (panel_member_rows_bytes(), the same bytes) after the sample's
    // set is gone, then handed over: to the queued call of a streamed run, to the kept tables
    // of an experiment's run.
    r.calls += kCallBytes + rows;
    r.largest_call = std::max(r.largest_call, kCallBytes + rows);
    Hdf5Writes once;
    once.add(M, *members);
    one_write = once.chunks;
    all.add(M, *members);
  }
  if (const TableSpec* purchases = table(l, "/panel/purchases")) {
    const double per_step = panel_purchases_per_step(sc, M);
    r.purchases = per_step * row_bytes(*purchases);
    r.calls += T * (kCallBytes + r.purchases);
    all.add(per_step * T, *purchases);
  }
  if (const TableSpec* snapshot = table(l, "/snapshot")) {
    const double row = row_bytes(*snapshot);
    const double slice = std::min(K, kSnapshotSlice);
    r.kept_tables += slice * row * doubled(std::ceil(K / kSnapshotSlice));
    // The sample's set (or the list of all consumers), then the list beside the slice made,
    // and as much again that the allocator keeps of the slices before it: glibc serves blocks
    // smaller than the largest it has freed from its heap, whose holes it keeps (a run's peak
    // with a snapshot of 1 M consumers, slices of 22 MB, is 10 MB lower when
    // MALLOC_MMAP_THRESHOLD_ fixes glibc's threshold).
    r.sampled =
        std::max(r.sampled, K < N ? consumer_sample_bytes(static_cast<std::size_t>(K)) : 4.0 * N);
    r.made = 4.0 * K + 2.0 * slice * row;
    r.calls += K * row + std::ceil(K / kSnapshotSlice) * kCallBytes;
    r.largest_call = std::max(r.largest_call, kCallBytes + slice * row);
    Hdf5Writes one;
    one.add(slice, *snapshot);
    one_write = std::max(one_write, one.chunks);
    all.add(K, *snapshot);
  }
  r.streaming = all.cached + kChunkBookkeeping * one_write;
  r.written = all.cached + kChunkBookkeeping * all.chunks;
  return r;
}

MemoryNeed estimate(const Scenario& sc, const MemoryUse& use) {
  std::size_t crm = 0;
  for (const auto& f : sc.firms) crm += f.prototype->uses_crm() ? 1 : 0;
  const std::size_t F = sc.firms.size(), C = sc.categories.size(), S = sc.segments.size();
  const double copies = static_cast<double>(use.copies());
  const double runs = static_cast<double>(use.runs);
  const double histories = static_cast<double>(use.histories);
  MemoryNeed m;
  // A firm that enters after step 0 keeps the consumers' category counts of its entry step (an
  // entry that is off counts too: an experiment's design point may turn it on).
  std::set<int> entrants;
  for (const Shock& s : sc.shocks)
    if (s.kind == ShockKind::enter && s.step > 0 && s.step < sc.steps) entrants.insert(s.firm);
  m.per_consumer = population_bytes_per_consumer(F, C, sc.durable_categories(),
                                                 static_cast<std::size_t>(sc.preference_dims), crm,
                                                 entrants.size());
  m.state = m.per_consumer * static_cast<double>(sc.consumers) * copies;
  // Each market's partial sums (models/market.cpp), and its per-block lists of panel purchases.
  const std::size_t blocks = Blocks{static_cast<std::size_t>(sc.consumers), use.block_size}.count();
  m.partial_sums = copies * (PartialSums::bytes(blocks, PartialLayout{F, C, S}.width()) +
                             24.0 * static_cast<double>(blocks));
  const Recording r = recording(sc);
  const double T = static_cast<double>(sc.steps);
  const double B = static_cast<double>(sc.experiment.branch_at);
  m.step_values = r.values;
  // Purchases appended step by step: a capacity between their size and twice it.
  const double purchases = 1.5 * r.purchases;
  if (use.kept) {
    // models/experiment_run.cpp: a FlatRecorder holds every step's rows (reserved for the run's
    // steps) and its tables until the run ends, then hands them over to be written, uncopied.
    // A history holds its steps before the branch.
    m.series = runs * r.kept + histories * r.kept_history;
    // The panel's member rows are the kept tables' own (handed over, not copied); a snapshot
    // slice is made beside them, after its sample is drawn.
    const double tables = r.kept_tables + T * purchases + r.members + std::max(r.sampled, r.made);
    const double history_tables = r.member_rows + B * purchases + r.members;
    m.recorded = m.series + runs * tables + histories * history_tables;
  } else {
    // The calls that the BackgroundRecorder queues and writes: up to its bound, or one larger
    // call alone (the panel's member rows, handed over as they were made), and never more than
    // the run records. A sample is drawn beside steps' rows at most; a snapshot slice is made
    // beside the slice before it, queued and written.
    const double queued = std::min(r.calls, std::max(kQueueBytes, r.largest_call));
    m.recorded =
        copies * r.members + std::max(r.sampled + std::min(r.calls, kQueueBytes), r.made + queued);
  }
  const double hdf5 = use.kept ? r.written + kExperimentFile : r.streaming;
  // Each market's media exposure tables (models/market_tables.cpp), by segment and firm lane:
  // a Poisson CDF and a bucket table for everyone and for audiences.
  const double lanes = static_cast<double>(firm_lanes(F));
  const double exposure = 2.0 * static_cast<double>(S) * lanes *
                          (4.0 * static_cast<double>(kCdfLen) + static_cast<double>(kExpoBuckets));
  m.other = kProgram + hdf5 + copies * exposure;
  m.bytes = m.state + m.recorded + m.partial_sums + m.other;
  return m;
}

}  // namespace

MemoryNeed memory_need(const Scenario& sc, const MemoryUse& use) {
  MemoryNeed m = estimate(sc, use);
  const MemoryLimit limit = memory_limit();
  m.available = limit.bytes;
  m.available_source = limit.source;
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

MemoryUse experiment_use(const Scenario& sc, const Experiment& ex, std::size_t threads,
                         std::size_t block_size) {
  const bool concurrent = largest_run(sc, ex).consumers < ExperimentOptions{}.concurrent_below;
  MemoryUse use;
  use.runs = concurrent ? std::max<std::size_t>(1, std::min(threads, ex.runs.size())) : 1;
  use.histories = sc.experiment.branch_at > 0 ? use.runs : 0;
  use.kept = true;
  use.block_size = block_size;
  return use;
}

const Scenario& neediest_run(const Scenario& sc, const Experiment& ex, const MemoryUse& use) {
  const Scenario* neediest = &sc;
  double most = -1;
  // Replications differ only in their seed: the first of each design point stands for them.
  for (const auto& run : ex.runs) {
    if (run.plan.replication != 0) continue;
    const double bytes = estimate(run.scenario, use).bytes;
    if (bytes > most) {
      most = bytes;
      neediest = &run.scenario;
    }
  }
  return *neediest;
}

std::string readable_bytes(double bytes) {
  if (bytes < 1e7) return fmt::format("{:.1f} MB", bytes / 1e6);
  if (bytes < 1073741824.0) return fmt::format("{:.0f} MB", bytes / 1e6);
  return fmt::format("{:.1f} GiB", bytes / 1073741824.0);
}

std::pair<std::string, std::string> compared_bytes(double need, double available) {
  const double largest = std::max(need, available);
  const bool gib = largest >= 1073741824.0;
  const double unit = gib ? 1073741824.0 : 1e6;
  const auto in_unit = [&](double bytes, int digits) {
    return fmt::format("{:.{}f} {}", bytes / unit, digits, gib ? "GiB" : "MB");
  };
  // MB: one decimal below 10 MB, as readable_bytes; GiB: one. More while the two read the same.
  int digits = gib || largest < 1e7 ? 1 : 0;
  while (digits < 3 && in_unit(need, digits) == in_unit(available, digits)) ++digits;
  return {in_unit(need, digits), in_unit(available, digits)};
}

std::string recorded_tables(const Scenario& sc) {
  if (sc.output.panel_size > 0 && sc.output.snapshot_size > 0) return "panel and snapshot";
  return sc.output.panel_size > 0 ? "panel" : "snapshot";
}

namespace {

/// The most steps, below the scenario's, with which the run fits in `room` held as `use` says;
/// 0 when none do.
std::int64_t steps_that_fit(const Scenario& sc, const MemoryUse& use, double room) {
  Scenario shorter = sc;
  std::int64_t fits = 0, too_many = sc.steps;
  while (too_many - fits > 1) {
    shorter.steps = fits + (too_many - fits) / 2;
    (estimate(shorter, use).bytes <= room ? fits : too_many) = shorter.steps;
  }
  return fits;
}

}  // namespace

std::optional<std::string> memory_shortfall(const Scenario& sc, const MemoryUse& use,
                                            const ExperimentSpec& design,
                                            const std::string& source) {
  const MemoryNeed m = memory_need(sc, use);
  if (m.bytes <= 0.9 * m.available) return std::nullopt;
  const double room = 0.8 * m.available;  // what the advice aims at
  const double copies = static_cast<double>(use.copies());
  const double N = static_cast<double>(sc.consumers);
  const std::string scenario = source.empty() ? fmt::format("scenario '{}'", sc.name) : source;
  const auto [total, free] = compared_bytes(m.bytes, m.available);
  // A need below what is available is refused too, when above the 90% a run may take.
  const std::string available =
      fmt::format("but only {} of memory is available {}{}", free, m.available_source,
                  m.bytes <= m.available ? ", and a run leaves a tenth of it free" : "");
  // The parts that grow with the consumers (their state, and the partial sums, by block), and
  // how many consumers would fit beside the rest.
  const double per_consumer = m.per_consumer * copies + m.partial_sums / N;
  const double fits = (room - (m.bytes - m.state - m.partial_sums)) / per_consumer;
  // The panel and snapshot (the rest of what a run records is its rows waiting for the writer).
  const bool sampled = sc.output.panel_size > 0 || sc.output.snapshot_size > 0;
  const double tables = sampled ? m.recorded - m.series : 0.0;
  if (std::max({m.series, tables, m.partial_sums}) > m.state) {
    if (m.series >= tables && m.series >= m.partial_sums) {
      // An experiment whose runs' series outgrow memory: fewer at once, or fewer steps.
      std::string fewer;
      std::vector<std::string> fit;  // the steps that would fit
      const std::int64_t n = steps_that_fit(sc, use, room);
      if (n > 0)
        fit.push_back(use.runs > 1 ? fmt::format("about {} fit with {} runs at once", n, use.runs)
                                   : fmt::format("about {} fit", n));
      if (use.runs > 1) {
        MemoryUse one = use;
        one.runs = 1;
        one.histories = std::min<std::size_t>(use.histories, 1);
        fewer =
            fmt::format("run fewer at once (--threads 1 runs one at a time and needs about {}), ",
                        readable_bytes(estimate(sc, one).bytes));
        if (const std::int64_t n1 = steps_that_fit(sc, one, room); n1 > 0)
          fit.push_back(n > 0 ? fmt::format("{} one at a time", n1)
                              : fmt::format("about {} fit one at a time", n1));
      }
      const std::string steps =
          fmt::format("lower `steps` (now {}{})", sc.steps,
                      fit.empty() ? "" : fmt::format("; {}", fmt::join(fit, ", ")));
      return fmt::format(
          "{}: the experiment needs about {} ({} of it for the series its runs record: {} keeps "
          "its {} steps of {:.0f} values in memory until it ends), {}; {}{}, or run parts of it "
          "(--part K/N) on other machines",
          scenario, total, readable_bytes(m.series),
          use.runs > 1 ? fmt::format("each of the {} runs going on at once", use.runs)
                       : std::string("each run"),
          sc.steps, m.step_values, available, fewer, steps);
    }
    if (tables >= m.partial_sums) {
      std::vector<std::string> keys;
      if (sc.output.panel_size > 0)
        keys.push_back(fmt::format("output.panel.size (now {})", sc.output.panel_size));
      if (sc.output.snapshot_size > 0)
        keys.push_back(fmt::format("output.snapshot.size (now {})", sc.output.snapshot_size));
      return fmt::format(
          "{}: the run needs about {} ({} of it for the {} it records, beside {} for {} "
          "consumers), {}; lower {}",
          scenario, total, readable_bytes(tables), recorded_tables(sc), readable_bytes(m.state),
          sc.consumers, available, fmt::join(keys, " or "));
    }
    return fmt::format(
        "{}: the run needs about {} ({} of it for the partial sums of its {} blocks of {} "
        "consumers, beside {} for the consumers), {}; use a larger --block-size (the default "
        "is 4096)",
        scenario, total, readable_bytes(m.partial_sums),
        Blocks{static_cast<std::size_t>(sc.consumers), use.block_size}.count(), use.block_size,
        readable_bytes(m.state), available);
  }
  const std::string consumers = fmt::format("{}", static_cast<std::int64_t>(fits / sc.scale));
  const std::string scale = fmt::format("{:.3g}", sc.scale * fits / N);
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
  if (fits < 1.0) {  // no population fits beside the rest
    lower = fmt::format(
        "even without its consumers the run needs about {}, so it needs a machine with more "
        "memory free",
        readable_bytes(m.bytes - m.state - m.partial_sums));
  } else if (auto advice = varied("consumers")) {
    lower = *advice;
  } else if (auto by_scale = varied("scale")) {
    lower = *by_scale;
  }
  std::vector<std::string> beside;  // what the rest is, when it counts
  if (m.recorded > 0.1 * m.bytes) beside.emplace_back("what the run records");
  if (m.partial_sums > 0.1 * m.bytes)
    beside.push_back(fmt::format(
        "the partial sums of its {} blocks of {} consumers",
        Blocks{static_cast<std::size_t>(sc.consumers), use.block_size}.count(), use.block_size));
  beside.emplace_back("working memory");
  return fmt::format(
      "{}: {} consumers need about {} ({:.0f} bytes each, plus {} {}), {}; {}", where, sc.consumers,
      total, m.per_consumer, readable_bytes(m.bytes - m.state),
      beside.size() == 1 ? "of working memory" : fmt::format("for {}", fmt::join(beside, " and ")),
      available, lower);
}

}  // namespace msim::cli
