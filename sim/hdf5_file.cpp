#include "sim/hdf5_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_handle.hpp"
#include "sim/hdf5_scales.hpp"

namespace msim {

static_assert(std::is_same_v<hid_t, std::int64_t>, "Hdf5Reader stores hid_t as std::int64_t");

namespace {

using hdf5::check;
using hdf5::Handle;
using hdf5::scalar_space;
using hdf5::silence_hdf5;
using hdf5::string_type;
using hdf5::throw_hdf5_error;

/// Rows of a series chunk hold about this many values (8 KiB). Every record() flushes, and a
/// flush rewrites each dirty chunk whole, so small chunks keep the per-step cost low.
constexpr hsize_t kChunkValues = 1024;
constexpr hsize_t kMaxRowsPerChunk = 1024;
/// Half the entries of a node of the B-tree that indexes a dataset's chunks (HDF5's default: 32).
constexpr unsigned kChunkTreeK = 4;

/// Creates the HDF5 file `path`, a .partial file, for writing, and returns it, locked by `lock`
/// until the file is renamed or removed. A file already there that another process is writing
/// (it holds the file's lock) is refused (InputError: two runs given the same output) and left
/// alone; a regular file that nobody holds, left by a run that was killed, is replaced. The
/// lock is taken before HDF5 opens the file, so no other process finds it unlocked and takes it
/// for a leftover; HDF5's own lock, the same kind (flock), would conflict with it and is off.
/// Once the lock is held, the file at `final_path` must still be what `replaces` says (see
/// Hdf5RecorderOptions::replaces), or nothing: one made or changed since the caller looked (by
/// another run with the same output that finished meanwhile, say) is refused (InputError) and
/// left alone, before anything is written, rather than when the finished file's rename would
/// have to keep it.
/// @throws OutputError when the file cannot be made.
hid_t create_partial(const std::string& path, LockedFile& lock, const std::string& final_path,
                     const std::optional<FileId>& replaces) {
  for (int attempt = 0;; ++attempt) {
    const int err = lock.create(path);
    if (err == 0) break;
    if (err != EEXIST)
      throw OutputError(fmt::format("cannot create HDF5 file '{}' ({})", path, std::strerror(err)));
    // Each removal lost to another process that made the file again: it is writing it.
    const Leftover found = attempt < 10 ? remove_leftover(path) : Leftover::kLocked;
    if (found == Leftover::kNotRegular)
      throw OutputError(fmt::format("cannot create HDF5 file '{}' ({})", path, std::strerror(err)));
    if (found == Leftover::kLocked)
      throw InputError(fmt::format(
          "cannot create HDF5 file '{}': another process is writing it (it holds the file's "
          "lock), another run with the same output, perhaps; it was left alone",
          path));
  }
  if (const FileId now = file_id(final_path); replaces && now != FileId{} && now != *replaces) {
    lock.remove();
    throw InputError(fmt::format(
        "cannot write '{}': it {} since this run looked at it (another run with the same output, "
        "perhaps, finished meanwhile); it was left alone, and nothing was written: run again{} "
        "or choose another -o",
        final_path, *replaces == FileId{} ? "appeared" : "was replaced or changed",
        *replaces == FileId{} ? " (with --force to replace it)" : ""));
  }
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create the file", path), H5Pclose);
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "create the file", path);
  check(H5Pset_file_locking(fapl.get(), false, true), "create the file", path);
  // The B-trees that index a chunked dataset's chunks get nodes of 2 x kChunkTreeK entries
  // instead of HDF5's 64: most series of a run are one chunk or a few, and a node of 64, about 3
  // KB whatever it holds, was a third of a run's file. (A file-creation setting since HDF5 1.6:
  // every HDF5 reader reads it.)
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "create the file", path), H5Pclose);
  check(H5Pset_istore_k(fcpl.get(), kChunkTreeK), "create the file", path);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
  if (file < 0) {
    lock.remove();  // this call made it; a full disk can leave it empty
    throw_hdf5_error(fmt::format("cannot create HDF5 file '{}'", path));
  }
  return file;
}

/// Writes a scalar attribute, replacing any attribute of the same name.
void write_attribute(hid_t object, const std::string& object_name, const std::string& name,
                     const AttrValue& value, const std::string& file) {
  const std::string what = fmt::format("write attribute '{}' of '{}'", name, object_name);
  if (check(H5Aexists(object, name.c_str()), what, file) > 0)
    check(H5Adelete(object, name.c_str()), what, file);
  Handle space = scalar_space();
  Handle text_type;
  hid_t type = H5T_NATIVE_INT64;
  const void* data = nullptr;
  const char* chars = nullptr;
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    data = i;
  } else if (const auto* d = std::get_if<double>(&value)) {
    type = H5T_NATIVE_DOUBLE;
    data = d;
  } else {
    text_type = string_type();
    type = text_type.get();
    chars = std::get<std::string>(value).c_str();
    data = &chars;
  }
  Handle attr(check(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    what, file),
              H5Aclose);
  check(H5Awrite(attr.get(), type, data), what, file);
}

void describe(hid_t dataset, const std::string& path, const std::string& units,
              const std::string& description, const std::string& file) {
  write_attribute(dataset, path, "units", units, file);
  write_attribute(dataset, path, "description", description, file);
}

/// Creates a string dataset (scalar when `scalar`, else 1-D) and returns it open.
Handle write_strings(hid_t file_id, hid_t lcpl, const std::string& path,
                     const std::vector<std::string>& values, bool scalar, const std::string& file) {
  const std::string what = fmt::format("write dataset '{}'", path);
  const hsize_t size = values.size();
  Handle space = scalar ? scalar_space() : Handle(H5Screate_simple(1, &size, nullptr), H5Sclose);
  check(space.get(), what, file);
  Handle type = string_type();
  Handle dataset(check(H5Dcreate2(file_id, path.c_str(), type.get(), space.get(), lcpl, H5P_DEFAULT,
                                  H5P_DEFAULT),
                       what, file),
                 H5Dclose);
  std::vector<const char*> chars;
  for (const auto& v : values) chars.push_back(v.c_str());
  if (chars.empty()) return dataset;
  // Writing variable-length strings converts them through buffers that HDF5 allocates and
  // clears at each write, 1 MiB each unless told otherwise. Clearing them, page faults included,
  // was about 17% of the processor time of an experiment of 120 runs of 5,000 agents, which
  // writes a file and a group in the experiment's file per run. A few bytes per string are
  // enough.
  Handle transfer(check(H5Pcreate(H5P_DATASET_XFER), what, file), H5Pclose);
  check(H5Pset_buffer(transfer.get(), std::max<std::size_t>(4096, 16 * chars.size()), nullptr,
                      nullptr),
        what, file);
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, transfer.get(), chars.data()), what,
        file);
  return dataset;
}

/// An extendible dataset that grows by one row per record().
struct Column {
  std::string path;
  Handle dataset;
  Handle memory_space;             // one row: [1, d1, d2, ...]
  std::vector<hsize_t> extent;     // current shape
  std::vector<hsize_t> row_shape;  // [1, d1, d2, ...]
  std::size_t row_size = 1;
};

/// A column of rows shaped `row_dims`, chunked by about kChunkValues values, and by at most
/// `rows` rows where it is not 0 (the rows it is known to get: a run's steps), so that a short
/// series does not take a chunk many times its size.
Column create_column(hid_t file_id, hid_t lcpl, const std::string& path, hid_t file_type,
                     const std::vector<hsize_t>& row_dims, const std::string& file,
                     hsize_t rows = 0) {
  const std::string what = fmt::format("create dataset '{}'", path);
  Column column;
  column.path = path;
  column.row_shape = {1};
  column.row_shape.insert(column.row_shape.end(), row_dims.begin(), row_dims.end());
  column.extent = column.row_shape;
  column.extent[0] = 0;
  std::vector<hsize_t> max_dims{H5S_UNLIMITED};
  std::vector<hsize_t> chunk{1};
  for (hsize_t d : row_dims) {
    column.row_size *= static_cast<std::size_t>(d);
    max_dims.push_back(d == 0 ? H5S_UNLIMITED : d);  // a chunk may not exceed a fixed size
    chunk.push_back(std::max<hsize_t>(d, 1));
  }
  chunk[0] = std::clamp<hsize_t>(kChunkValues / std::max<hsize_t>(column.row_size, 1), 1,
                                 rows > 0 ? std::min(rows, kMaxRowsPerChunk) : kMaxRowsPerChunk);
  const int rank = static_cast<int>(column.extent.size());
  Handle space(check(H5Screate_simple(rank, column.extent.data(), max_dims.data()), what, file),
               H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what, file), H5Pclose);
  check(H5Pset_chunk(dcpl.get(), rank, chunk.data()), what, file);
  column.dataset = Handle(check(H5Dcreate2(file_id, path.c_str(), file_type, space.get(), lcpl,
                                           dcpl.get(), H5P_DEFAULT),
                                what, file),
                          H5Dclose);
  column.memory_space =
      Handle(check(H5Screate_simple(rank, column.row_shape.data(), nullptr), what, file), H5Sclose);
  return column;
}

/// Appends `rows` rows (rows * row_size values of `memory_type`) to `column`.
void append_rows(Column& column, hid_t memory_type, const void* data, hsize_t rows,
                 const std::string& file) {
  if (rows == 0) return;
  const std::string what = fmt::format("append to dataset '{}'", column.path);
  std::vector<hsize_t> start(column.extent.size(), 0);
  start[0] = column.extent[0];
  column.extent[0] += rows;
  check(H5Dset_extent(column.dataset.get(), column.extent.data()), what, file);
  Handle space(check(H5Dget_space(column.dataset.get()), what, file), H5Sclose);
  std::vector<hsize_t> shape = column.row_shape;
  shape[0] = rows;
  Handle memory;
  if (rows != 1)
    memory = Handle(
        check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), what, file),
        H5Sclose);
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, shape.data(),
                            nullptr),
        what, file);
  check(H5Dwrite(column.dataset.get(), memory_type,
                 rows == 1 ? column.memory_space.get() : memory.get(), space.get(), H5P_DEFAULT,
                 data),
        what, file);
}

class Hdf5Recorder final : public Recorder {
 public:
  Hdf5Recorder(std::string final_path, const Hdf5RecorderOptions& options)
      : final_path_(std::move(final_path)),
        path_(partial_path(final_path_)),
        flush_each_record_(options.flush_each_record),
        labelled_(options.labelled),
        replaces_(options.replaces) {}
  /// Writes under the group `prefix` of an open file, which stays open after finish().
  Hdf5Recorder(hid_t shared_file, std::string file_name, std::string prefix)
      : path_(std::move(file_name)),
        flush_each_record_(false),
        shared_file_(shared_file),
        prefix_(std::move(prefix)) {}
  /// Destroyed without finish() (something else failed): the rows so far stay, complete=0.
  ~Hdf5Recorder() override { close(); }
  Hdf5Recorder(const Hdf5Recorder&) = delete;
  Hdf5Recorder& operator=(const Hdf5Recorder&) = delete;

  void begin(const RecordingLayout& layout) override {
    if (state_ != State::kNew) throw std::logic_error("Hdf5Recorder::begin called twice");
    validate(layout);
    silence_hdf5();
    state_ = State::kOpen;
    if (shared_file_ < 0) {  // made before writing(), whose failures remove the file
      file_ = Handle(create_partial(path_, lock_, final_path_, replaces_), H5Fclose);
      root_ = file_.get();
    }
    writing([&] { create(layout); });
  }

  void record(std::int64_t step, const std::vector<std::vector<double>>& rows) override {
    record_steps(step, 1, rows);
  }

  void record_steps(std::int64_t first, std::size_t n,
                    const std::vector<std::vector<double>>& values) override {
    if (state_ != State::kOpen) throw std::logic_error("Hdf5Recorder::record outside a run");
    if (values.size() != series_.size())
      throw std::invalid_argument(fmt::format("record: {} rows for {} series in '{}'",
                                              values.size(), series_.size(), path_));
    for (std::size_t k = 0; k < values.size(); ++k)
      if (values[k].size() != n * series_[k].row_size)
        throw std::invalid_argument(fmt::format("record: series '{}' needs {} values, got {}",
                                                series_[k].path, n * series_[k].row_size,
                                                values[k].size()));
    std::vector<std::int64_t> steps(n);
    for (std::size_t t = 0; t < n; ++t) steps[t] = first + static_cast<std::int64_t>(t);
    writing([&] {
      append_rows(step_, H5T_NATIVE_INT64, steps.data(), n, path_);
      for (std::size_t k = 0; k < values.size(); ++k)
        append_rows(series_[k], H5T_NATIVE_DOUBLE, values[k].data(), n, path_);
      if (flush_each_record_) check(H5Fflush(root_, H5F_SCOPE_GLOBAL), "flush the file", path_);
    });
  }

  void append(std::size_t table, const TableRows& rows) override {
    if (state_ != State::kOpen) throw std::logic_error("Hdf5Recorder::append outside a run");
    std::vector<Column>& columns = tables_.at(table);
    if (rows.size() != columns.size())
      throw std::invalid_argument(
          fmt::format("append: {} columns for {} in '{}'", rows.size(), columns.size(), path_));
    std::size_t count = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const bool integer = std::holds_alternative<std::vector<std::int64_t>>(rows[k]);
      const std::size_t values = std::visit([](const auto& v) { return v.size(); }, rows[k]);
      const std::size_t n = values / columns[k].row_size;
      if (integer != table_integer_[table][k] || n * columns[k].row_size != values ||
          (k > 0 && n != count))
        throw std::invalid_argument(
            fmt::format("append: column '{}' has the wrong type or length", columns[k].path));
      count = n;
    }
    writing([&] {
      for (std::size_t k = 0; k < rows.size(); ++k) {
        if (const auto* i = std::get_if<std::vector<std::int64_t>>(&rows[k]))
          append_rows(columns[k], H5T_NATIVE_INT64, i->data(), count, path_);
        else
          append_rows(columns[k], H5T_NATIVE_DOUBLE, std::get<std::vector<double>>(rows[k]).data(),
                      count, path_);
      }
    });
  }

  void progress(const Attributes& attributes) override {
    if (state_ != State::kOpen) throw std::logic_error("Hdf5Recorder::progress outside a run");
    const std::string root_name = prefix_.empty() ? "/" : prefix_;
    writing([&] {
      for (const auto& [name, value] : attributes)
        write_attribute(root_, root_name, name, value, path_);
    });
  }

  void finish(const Attributes& final_attributes, bool complete) override {
    if (state_ != State::kOpen) throw std::logic_error("Hdf5Recorder::finish outside a run");
    const std::string root_name = prefix_.empty() ? "/" : prefix_;
    writing([&] {
      for (const auto& [name, value] : final_attributes)
        write_attribute(root_, root_name, name, value, path_);
      write_attribute(root_, root_name, "complete", std::int64_t{complete ? 1 : 0}, path_);
      check(H5Fflush(root_, H5F_SCOPE_GLOBAL), "flush the file", path_);
      if (!close()) throw_hdf5_error(fmt::format("HDF5 error: cannot close '{}'", path_));
    });
    if (shared_file_ >= 0) return;
    if (complete) lock_.rename_into_place(final_path_, replaces_);
    lock_.release();
  }

 private:
  enum class State { kNew, kOpen, kClosed };

  /// Where a dimension's scale goes: "/NAME", at the run's root.
  static std::string root_scale_path(const Dimension& dim) { return "/" + dim.name; }

  /// Throws std::invalid_argument for dimension names that do not resolve, or whose scale's
  /// path (root_scale_path) another dataset or group of the layout takes.
  static void validate(const RecordingLayout& layout) {
    std::map<std::string, std::size_t> sizes;
    for (const auto& dim : layout.dims)
      if (dim.name == "step" || !sizes.emplace(dim.name, dim.labels.size()).second)
        throw std::invalid_argument(
            fmt::format("dimension '{}' is defined twice (or is the reserved 'step')", dim.name));
    std::vector<std::string> paths;
    for (const auto& dim : layout.dims) paths.push_back(dim.scale_path);
    for (const auto& blob : layout.texts) paths.push_back(blob.path);
    for (const auto& table : layout.labels) paths.push_back(table.path);
    for (const auto& series : layout.series) paths.push_back(series.path);
    for (const auto& table : layout.tables) paths.push_back(table.path);
    for (const auto& group : layout.groups) paths.push_back(group.path);
    for (const auto& dim : layout.dims) {
      const std::string scale = root_scale_path(dim);
      for (const auto& path : paths)
        if (path != dim.scale_path && (path == scale || path.rfind(scale + "/", 0) == 0))
          throw std::invalid_argument(fmt::format(
              "'{}' takes the path of dimension '{}''s scale, '{}'", path, dim.name, scale));
    }
    for (const auto& series : layout.series)
      for (const auto& dim : series.dims)
        if (!sizes.count(dim))
          throw std::invalid_argument(
              fmt::format("series '{}': unknown dimension '{}'", series.path, dim));
    for (const auto& table : layout.tables)
      for (const auto& c : table.columns) {
        if (c.axis.empty()) continue;
        const auto it = sizes.find(c.axis);
        if (it == sizes.end() || it->second != c.width)
          throw std::invalid_argument(fmt::format(
              "table column '{}/{}': width {} along dimension '{}' of size {}", table.path, c.name,
              c.width, c.axis,
              it == sizes.end() ? std::string("(unknown)") : std::to_string(it->second)));
      }
    for (const auto& table : layout.labels) {
      const auto it = sizes.find(table.dim);
      if (it == sizes.end())
        throw std::invalid_argument(
            fmt::format("labels '{}': unknown dimension '{}'", table.path, table.dim));
      if (it->second != table.values.size())
        throw std::invalid_argument(fmt::format("labels '{}': {} values along '{}' of size {}",
                                                table.path, table.values.size(), table.dim,
                                                it->second));
    }
  }

  void create(const RecordingLayout& layout) {
    Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "create a property list", path_), H5Pclose);
    check(H5Pset_create_intermediate_group(lcpl.get(), 1), "create a property list", path_);
    check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "create a property list", path_);
    if (shared_file_ >= 0) {
      const std::string what = fmt::format("create group '{}'", prefix_);
      group_ = Handle(
          check(H5Gcreate2(shared_file_, prefix_.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                what, path_),
          H5Gclose);
      root_ = group_.get();
    }
    // Paths in the layout are absolute within the run; they are created relative to its root.
    const hid_t file_id = root_;
    const std::string root_name = prefix_.empty() ? "/" : prefix_;
    for (const auto& [name, value] : layout.attributes)
      write_attribute(file_id, root_name, name, value, path_);
    write_attribute(file_id, root_name, "complete", std::int64_t{0}, path_);

    for (const auto& blob : layout.texts) {
      Handle ds = write_strings(file_id, lcpl.get(), rel(blob.path), {blob.text}, true, path_);
      if (labelled_) describe(ds.get(), blob.path, "", blob.description, path_);
    }

    hdf5::ScaleLinks links(path_);
    std::map<std::string, Handle> scales;  // dimension name -> its scale dataset
    std::map<std::string, hsize_t> sizes;
    for (const auto& dim : layout.dims) {
      sizes.emplace(dim.name, dim.labels.size());
      if (!labelled_) continue;
      // The labels where the layout puts them, and the axis's dimension scale at the run's root,
      // named as the dimension: netCDF readers (xarray, MATLAB's ncread) name an axis after its
      // scale's dataset and look for it in the dataset's own group and those above it.
      const std::string scale_path = root_scale_path(dim);
      Handle ds = write_strings(file_id, lcpl.get(), rel(scale_path), dim.labels, false, path_);
      describe(ds.get(), scale_path, "",
               dim.scale_path == scale_path
                   ? dim.description
                   : fmt::format("{}: the dimension scale of every {} axis (the same as {})",
                                 dim.description, dim.name, dim.scale_path),
               path_);
      check(H5DSset_scale(ds.get(), dim.name.c_str()),
            fmt::format("make '{}' a dimension scale", scale_path), path_);
      if (dim.scale_path != scale_path) {  // the labels at their own place, along the scale
        Handle names =
            write_strings(file_id, lcpl.get(), rel(dim.scale_path), dim.labels, false, path_);
        describe(names.get(), dim.scale_path, "", dim.description, path_);
        links.attach(names.get(), dim.scale_path, {{ds.get(), dim.name}});
      }
      scales.emplace(dim.name, std::move(ds));
    }
    const auto steps = static_cast<hsize_t>(std::max<std::int64_t>(layout.steps, 0));
    step_ = create_column(file_id, lcpl.get(), "step", H5T_STD_I64LE, {}, path_, steps);
    if (labelled_) {
      describe(step_.dataset.get(), "/step", "step", "simulation step (0-based)", path_);
      check(H5DSset_scale(step_.dataset.get(), "step"), "make '/step' a dimension scale", path_);
    }

    for (const auto& table : labelled_ ? layout.labels : std::vector<LabelTable>{}) {
      Handle ds = write_strings(file_id, lcpl.get(), rel(table.path), table.values, false, path_);
      describe(ds.get(), table.path, "", table.description, path_);
      links.attach(ds.get(), table.path, {{scales.at(table.dim).get(), table.dim}});
    }

    for (const auto& spec : layout.series) {
      std::vector<hsize_t> row_dims;
      for (const auto& dim : spec.dims) row_dims.push_back(sizes.at(dim));
      Column column = create_column(file_id, lcpl.get(), rel(spec.path), H5T_IEEE_F64LE, row_dims,
                                    path_, steps);
      if (labelled_) {
        describe(column.dataset.get(), spec.path, spec.units, spec.description, path_);
        std::vector<hdf5::ScaleLinks::Axis> axes{{step_.dataset.get(), "step"}};
        for (const auto& dim : spec.dims) axes.push_back({scales.at(dim).get(), dim});
        links.attach(column.dataset.get(), spec.path, axes);
      }
      series_.push_back(std::move(column));
    }
    for (const auto& spec : layout.tables) {
      std::vector<Column> columns;
      std::vector<bool> integer;
      for (const auto& c : spec.columns) {
        const std::string path = spec.path + "/" + c.name;
        std::vector<hsize_t> row_dims;
        if (c.width != 0) row_dims.push_back(c.width);
        columns.push_back(create_column(file_id, lcpl.get(), rel(path),
                                        c.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, row_dims,
                                        path_));
        if (labelled_) {
          describe(columns.back().dataset.get(), path, c.units, c.description, path_);
          if (!c.axis.empty())  // the rows have no scale; the second axis has its dimension's
            links.attach(columns.back().dataset.get(), path,
                         {{hdf5::ScaleLinks::kNone, ""}, {scales.at(c.axis).get(), c.axis}});
        }
        integer.push_back(c.integer);
      }
      tables_.push_back(std::move(columns));
      table_integer_.push_back(std::move(integer));
    }
    links.write_references();
    for (const auto& group : layout.groups) {
      const std::string what = fmt::format("write attributes of group '{}'", group.path);
      const std::string name = rel(group.path);
      Handle g;
      if (check(H5Lexists(file_id, name.c_str(), H5P_DEFAULT), what, path_) > 0)
        g = Handle(check(H5Oopen(file_id, name.c_str(), H5P_DEFAULT), what, path_), H5Oclose);
      else
        g = Handle(check(H5Gcreate2(file_id, name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                         what, path_),
                   H5Gclose);
      for (const auto& [key, value] : group.attributes)
        write_attribute(g.get(), group.path, key, value, path_);
    }
    check(H5Fflush(file_id, H5F_SCOPE_GLOBAL), "flush the file", path_);
  }

  /// A layout path ("/market/units") relative to the run's root group.
  static std::string rel(const std::string& path) {
    return path.empty() || path[0] != '/' ? path : path.substr(1);
  }

  /// Runs `write`; when it throws (a full disk, say), closes and removes the file, which may be
  /// broken, and rethrows. A run in a shared file leaves its file to the file's owner.
  template <typename Write>
  void writing(const Write& write) {
    silence_hdf5();
    try {
      write();
    } catch (const OutputError& e) {
      close();
      if (shared_file_ >= 0) throw;
      lock_.remove();
      const std::string suffix = ".partial";
      const bool partial = path_.size() > suffix.size() &&
                           path_.compare(path_.size() - suffix.size(), suffix.size(), suffix) == 0;
      throw OutputError(fmt::format("{}; the unfinished file was removed{}", e.what(),
                                    partial
                                        ? fmt::format(", and any earlier '{}' is as it was",
                                                      path_.substr(0, path_.size() - suffix.size()))
                                        : ""));
    } catch (...) {
      close();
      if (shared_file_ < 0) lock_.remove();
      throw;
    }
  }

  /// Closes every handle; true when the file closed cleanly. Never throws.
  bool close() noexcept {
    series_.clear();
    tables_.clear();
    step_ = Column{};
    bool ok = group_.reset() >= 0;
    ok = file_.reset() >= 0 && ok;
    root_ = H5I_INVALID_HID;
    state_ = State::kClosed;
    return ok;
  }

  std::string final_path_;
  std::string path_;
  bool flush_each_record_ = true;  ///< false: only finish() flushes
  bool labelled_ = true;           ///< false: no labels, scales, units or descriptions
  std::optional<FileId> replaces_;  ///< what the finished file may replace (the options')
  State state_ = State::kNew;
  hid_t shared_file_ = H5I_INVALID_HID;  ///< group mode: the file holding the run
  std::string prefix_;                   ///< group mode: the run's group
  Handle file_;                          ///< file mode: the file, owned
  LockedFile lock_;                      ///< file mode: the file's lock, until it is in place
  Handle group_;                         ///< group mode: the run's group
  hid_t root_ = H5I_INVALID_HID;         ///< where the run's paths start
  Column step_;
  std::vector<Column> series_;
  std::vector<std::vector<Column>> tables_;       ///< [table][column]
  std::vector<std::vector<bool>> table_integer_;  ///< [table][column] int64, else float64
};

}  // namespace

std::unique_ptr<Recorder> make_hdf5_recorder(const std::string& final_path,
                                             const Hdf5RecorderOptions& options) {
  return std::make_unique<Hdf5Recorder>(final_path, options);
}

// ---- several runs in one file ----

Hdf5Output::Hdf5Output(const std::string& final_path, std::optional<FileId> replaces)
    : file_(H5I_INVALID_HID),
      final_path_(final_path),
      path_(partial_path(final_path)),
      replaces_(replaces) {
  silence_hdf5();
  file_ = create_partial(path_, lock_, final_path_, replaces_);
}

/// Never committed: the experiment failed or was interrupted, and its runs are kept elsewhere.
Hdf5Output::~Hdf5Output() {
  if (file_ < 0) return;
  H5Fclose(file_);
  lock_.remove();
}

std::unique_ptr<Recorder> Hdf5Output::group_recorder(const std::string& prefix) {
  return std::make_unique<Hdf5Recorder>(file_, path_, prefix);
}

namespace {

Handle link_properties(const std::string& file) {
  silence_hdf5();
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "create a property list", file), H5Pclose);
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), "create a property list", file);
  check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "create a property list", file);
  return lcpl;
}

void write_numbers(hid_t file, const std::string& path, hid_t file_type, hid_t memory_type,
                   const void* data, std::size_t n, const std::string& units,
                   const std::string& description, const std::string& file_name) {
  const std::string what = fmt::format("write dataset '{}'", path);
  Handle lcpl = link_properties(file_name);
  const hsize_t size = n;
  Handle space(check(H5Screate_simple(1, &size, nullptr), what, file_name), H5Sclose);
  Handle ds(check(H5Dcreate2(file, path.c_str(), file_type, space.get(), lcpl.get(), H5P_DEFAULT,
                             H5P_DEFAULT),
                  what, file_name),
            H5Dclose);
  if (n > 0)
    check(H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what, file_name);
  describe(ds.get(), path, units, description, file_name);
}

}  // namespace

void Hdf5Output::write_column(const std::string& path, const std::vector<double>& values,
                              const std::string& units, const std::string& description) {
  write_numbers(file_, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), values.size(), units,
                description, path_);
}

void Hdf5Output::write_column(const std::string& path, const std::vector<std::int64_t>& values,
                              const std::string& units, const std::string& description) {
  write_numbers(file_, path, H5T_STD_I64LE, H5T_NATIVE_INT64, values.data(), values.size(), units,
                description, path_);
}

void Hdf5Output::write_column(const std::string& path, const std::vector<std::string>& values,
                              const std::string& description) {
  Handle lcpl = link_properties(path_);
  Handle ds = write_strings(file_, lcpl.get(), path, values, false, path_);
  describe(ds.get(), path, "", description, path_);
}

void Hdf5Output::write_text(const std::string& path, const std::string& text,
                            const std::string& description) {
  Handle lcpl = link_properties(path_);
  Handle ds = write_strings(file_, lcpl.get(), path, {text}, true, path_);
  describe(ds.get(), path, "", description, path_);
}

void Hdf5Output::set_attribute(const std::string& object, const std::string& name,
                               const AttrValue& value) {
  silence_hdf5();
  Handle owner(
      check(H5Oopen(file_, object.c_str(), H5P_DEFAULT), fmt::format("open '{}'", object), path_),
      H5Oclose);
  write_attribute(owner.get(), object, name, value, path_);
}

void Hdf5Output::flush() {
  silence_hdf5();
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the file", path_);
}

void Hdf5Output::commit() {
  silence_hdf5();
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the file", path_);
  const herr_t rc = H5Fclose(file_);
  file_ = H5I_INVALID_HID;
  if (rc < 0) {
    lock_.remove();
    throw_hdf5_error(fmt::format("HDF5 error: cannot close '{}'", path_));
  }
  lock_.rename_into_place(final_path_, replaces_);
}

std::string partial_path(const std::string& final_path) {
  return final_path + ".partial";
}

bool file_locked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // (closing releases a lock this call took)
  return locked;
}

}  // namespace msim
