#pragma once
/// HDF5 output and input. Only sim/hdf5_*.cpp include hdf5.h.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/durable_file.hpp"
#include "sim/recorder.hpp"

namespace msim {

/// How make_hdf5_recorder writes; the defaults suit a file that people read.
struct Hdf5RecorderOptions {
  /// false: flush only in finish(), for a run replayed from memory (its rename is what makes it
  /// safe).
  bool flush_each_record = true;
  /// false: only the data, the texts and the attributes: no label or dimension-scale datasets,
  /// no units or descriptions. For an intermediate file that only marketsim reads back (an
  /// experiment's run kept for --resume): creating the labelled datasets is most of the
  /// cost of writing a small run.
  bool labelled = true;
  /// What the finished file may replace at its final name (LockedFile::rename_into_place):
  /// anything (unset), nothing (FileId{}), or only the file that was there when the caller
  /// looked (its id). A program that was told not to overwrite a file passes what it checked,
  /// so that a file made there while it ran is not lost. begin() refuses (InputError) one made
  /// or changed there between that look and its start, before anything is written.
  std::optional<FileId> replaces;
};

/// Writes a run to `final_path` through a temporary file `final_path + ".partial"`.
/// Series are chunked, extendible datasets (float64) with `units` and `description` attributes
/// and HDF5 dimension scales: "/step" (int64, extendible) for the leading axis and each
/// Dimension's scale_path for the others. Every record() appends one row to each series and
/// flushes the file, so a killed run leaves a readable .partial file with complete=0.
/// finish(complete=true) sets the attributes, closes and renames to final_path;
/// finish(complete=false) closes and leaves the .partial file in place. A write that fails (a full
/// disk) removes the .partial file, which may be broken; a recorder destroyed before finish()
/// leaves it in place with the rows so far and complete=0. begin() refuses (InputError) a
/// .partial file that another process is writing, and leaves it alone; a regular one that
/// nobody holds, a killed run's, is replaced. The .partial file is locked (flock) until it is
/// renamed or removed, and it is on the disk (fsync) before the rename.
/// @throws OutputError when the system refuses a write (disk full), InputError when another
/// process is writing the .partial file, std::runtime_error on other HDF5 failures.
std::unique_ptr<Recorder> make_hdf5_recorder(const std::string& final_path,
                                             const Hdf5RecorderOptions& options = {});

/// One file that holds several runs, each under its own group, plus tables of columns.
/// It is written to `final_path + ".partial"` and renamed to final_path by commit(); a file that
/// was never committed is removed when the Hdf5Output is destroyed. The .partial file is made
/// as make_hdf5_recorder makes it.
/// @throws OutputError when the system refuses a write (disk full), InputError when another
/// process is writing the .partial file, std::runtime_error on other HDF5 failures.
class Hdf5Output {
 public:
  /// `replaces`: what commit() may replace at `final_path`, as Hdf5RecorderOptions::replaces.
  explicit Hdf5Output(const std::string& final_path, std::optional<FileId> replaces = std::nullopt);
  ~Hdf5Output();
  Hdf5Output(const Hdf5Output&) = delete;
  Hdf5Output& operator=(const Hdf5Output&) = delete;

  /// A recorder that writes one run under the group `prefix` (e.g. "/runs/00003") with the same
  /// layout as a single-run file; its root attributes go on that group. Use one at a time.
  /// It flushes in finish(), not after every step.
  std::unique_ptr<Recorder> group_recorder(const std::string& prefix);
  /// A 1-D dataset (intermediate groups are created) with `units` and `description`.
  void write_column(const std::string& path, const std::vector<double>& values,
                    const std::string& units, const std::string& description);
  void write_column(const std::string& path, const std::vector<std::int64_t>& values,
                    const std::string& units, const std::string& description);
  void write_column(const std::string& path, const std::vector<std::string>& values,
                    const std::string& description);
  /// A scalar string dataset (a text, such as a YAML document) with `description`.
  void write_text(const std::string& path, const std::string& text, const std::string& description);
  /// Sets an attribute on the group or dataset at `object` ("/" for the root).
  void set_attribute(const std::string& object, const std::string& name, const AttrValue& value);
  /// Writes what is buffered to the file, so that a process killed later leaves it readable.
  void flush();
  /// Flushes, closes and renames the file to its final name.
  void commit();

 private:
  std::int64_t file_;
  std::string final_path_, path_;
  std::optional<FileId> replaces_;
  LockedFile lock_;  ///< the .partial file's lock, held until it is renamed or removed
};

/// The temporary name the HDF5 recorder writes to.
std::string partial_path(const std::string& final_path);

/// Whether another process holds a lock on the file `path`, as HDF5 does on a file it writes
/// (flock); false for a file nobody locks or that cannot be opened.
bool file_locked(const std::string& path);

/// Whether the file `path` has the HDF5 signature at its start (as every file marketsim writes
/// does) or after a user block (at byte 512, 1024, 2048, ...); false for one that cannot be read.
bool has_hdf5_signature(const std::string& path);

/// A numeric dataset read back: its shape and values (row-major, as float64).
struct Table {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

/// Reads what make_hdf5_recorder wrote (or any HDF5 file with such datasets).
class Hdf5Reader {
 public:
  /// @throws InputError when the file is missing, not HDF5, cut short, or being written by
  /// another process (which holds its lock).
  explicit Hdf5Reader(const std::string& path);
  ~Hdf5Reader();
  Hdf5Reader(const Hdf5Reader&) = delete;
  Hdf5Reader& operator=(const Hdf5Reader&) = delete;

  bool exists(const std::string& path) const;  ///< a dataset or group at `path`
  /// @throws InputError when absent or of the wrong kind.
  Table table(const std::string& path) const;
  /// A dataset's dimensions, without reading its values. @throws InputError when absent.
  std::vector<std::size_t> shape(const std::string& path) const;
  /// An integer dataset, flattened, exactly (no trip through double).
  /// @throws InputError when absent or not of an integer type.
  std::vector<std::int64_t> integers(const std::string& path) const;
  std::vector<std::string> strings(const std::string& path) const;
  std::string text(const std::string& path) const;
  /// A root attribute (or of `object`), as written. @throws InputError when absent.
  AttrValue attribute(const std::string& name, const std::string& object = "/") const;
  /// Whether the root (or `object`) has the attribute `name`.
  bool has_attribute(const std::string& name, const std::string& object = "/") const;
  /// An integer attribute of the root (or `object`); nullopt when absent or not an integer.
  std::optional<std::int64_t> int_attribute(const std::string& name,
                                            const std::string& object = "/") const;
  /// Names of the datasets and groups directly under a group, sorted.
  std::vector<std::string> list(const std::string& group) const;
  /// A string attribute of a dataset ("units", "description"); "" when absent.
  std::string string_attribute(const std::string& object, const std::string& name) const;

 private:
  std::int64_t file_;
  std::string path_;
};

}  // namespace msim
