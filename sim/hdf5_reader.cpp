// Reading what marketsim wrote: datasets as numbers or strings, attributes, and the names in
// a group (Hdf5Reader, declared in sim/hdf5_file.hpp).
#include <hdf5.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/hdf5_handle.hpp"

namespace msim {
namespace {

using hdf5::Handle;
using hdf5::silence_hdf5;
using hdf5::string_type;

/// Reads every element of a string dataset or attribute; `read(memory_type, buffer)`.
template <typename Read>
std::vector<std::string> read_strings(hid_t file_type, hid_t space, Read read) {
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) return {};
  const auto n = static_cast<std::size_t>(points);
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(file_type) > 0) {
    Handle memory = string_type(H5Tget_cset(file_type));
    std::vector<char*> buffer(n, nullptr);
    if (read(memory.get(), buffer.data()) < 0) return {};
    struct Reclaim {
      hid_t type, space;
      void* data;
      ~Reclaim() { H5Dvlen_reclaim(type, space, H5P_DEFAULT, data); }
    } reclaim{memory.get(), space, buffer.data()};
    for (const char* s : buffer) out.emplace_back(s != nullptr ? s : "");
  } else {
    const std::size_t size = H5Tget_size(file_type);
    Handle memory(H5Tcopy(file_type), H5Tclose);
    std::vector<char> buffer(n * size);
    if (size == 0 || read(memory.get(), buffer.data()) < 0) return {};
    const bool space_padded = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
    for (std::size_t i = 0; i < n; ++i) {
      const char* s = buffer.data() + i * size;
      std::string value(s, std::find(s, s + size, '\0'));
      if (space_padded) value.erase(value.find_last_not_of(' ') + 1);
      out.push_back(std::move(value));
    }
  }
  return out;
}

/// ", N of its M bytes" from HDF5's "truncated file: eof = N, ..., stored_eof = M", else "".
std::string cut_sizes(const std::string& detail) {
  const auto number = [&](const std::string& label) -> std::optional<unsigned long long> {
    const auto at = detail.find(label);
    if (at == std::string::npos) return std::nullopt;
    unsigned long long v = 0;
    const char* begin = detail.data() + at + label.size();
    const auto [end, ec] = std::from_chars(begin, detail.data() + detail.size(), v);
    if (ec != std::errc() || end == begin) return std::nullopt;
    return v;
  };
  const auto has = number(" eof = "), stored = number("stored_eof = ");
  if (!has || !stored) return "";
  return fmt::format(", {} of its {} bytes", *has, *stored);
}

}  // namespace

bool has_hdf5_signature(const std::string& path) {
  static constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
  std::ifstream in(path, std::ios::binary);
  // At the start, or after a user block of 512, 1024, 2048, ... bytes, where HDF5 looks too.
  for (std::streamoff at = 0; in; at = at == 0 ? 512 : 2 * at) {
    char head[sizeof kSignature - 1] = {};
    if (!in.seekg(at) || !in.read(head, sizeof head)) return false;
    if (std::equal(head, head + sizeof head, kSignature)) return true;
  }
  return false;
}

Hdf5Reader::Hdf5Reader(const std::string& path) : file_(H5I_INVALID_HID), path_(path) {
  silence_hdf5();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(fmt::format("cannot open '{}': no such file", path));
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("cannot open '{}': it is a directory", path));
  // A file renamed into place a moment ago is held by its writer for a moment more: its lock
  // guards the temporary name until the rename, and goes right after it.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  for (;;) {
    if (H5Fis_hdf5(path.c_str()) > 0) file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ >= 0) return;
    if (std::chrono::steady_clock::now() > give_up || !file_locked(path)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // A run's file while it is written (HDF5 refuses to open it), and one cut short, are HDF5
  // files all the same: say what became of them.
  if (file_locked(path))
    throw InputError(fmt::format(
        "cannot open '{}': it is being written by a run in progress (it holds the file's lock); "
        "wait for it to finish",
        path));
  if (const auto cut = hdf5::stacked_error(H5E_TRUNCATED))
    throw InputError(fmt::format(
        "cannot open '{}': it is an HDF5 file cut short{} (copied incompletely, perhaps, or "
        "written to a disk that filled up)",
        path, cut_sizes(*cut)));
  if (has_hdf5_signature(path))
    throw InputError(fmt::format(
        "cannot open '{}': it starts as an HDF5 file does, but the rest cannot be read (cut "
        "short or damaged, perhaps)",
        path));
  throw InputError(fmt::format("cannot open '{}': not an HDF5 file, or not readable", path));
}

Hdf5Reader::~Hdf5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

bool Hdf5Reader::exists(const std::string& path) const {
  std::string current;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (end > begin) {
      current.push_back('/');
      current.append(path, begin, end - begin);
      if (H5Lexists(file_, current.c_str(), H5P_DEFAULT) <= 0) return false;
      if (H5Oexists_by_name(file_, current.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    begin = end + 1;
  }
  return true;
}

namespace {

Handle open_dataset(hid_t file, const Hdf5Reader& reader, const std::string& path,
                    const std::string& file_path) {
  if (!reader.exists(path))
    throw InputError(fmt::format("no dataset '{}' in '{}'", path, file_path));
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (dataset.get() < 0)
    throw InputError(fmt::format("'{}' in '{}' is not a dataset", path, file_path));
  return dataset;
}

Handle open_object(hid_t file, const Hdf5Reader& reader, const std::string& path,
                   const std::string& file_path) {
  if (!reader.exists(path)) throw InputError(fmt::format("no '{}' in '{}'", path, file_path));
  Handle object(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  if (object.get() < 0) throw InputError(fmt::format("cannot open '{}' in '{}'", path, file_path));
  return object;
}

std::vector<std::string> dataset_strings(hid_t file, const Hdf5Reader& reader,
                                         const std::string& path, const std::string& file_path) {
  Handle dataset = open_dataset(file, reader, path, file_path);
  Handle type(H5Dget_type(dataset.get()), H5Tclose);
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw InputError(fmt::format("'{}' in '{}' is not a string dataset", path, file_path));
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  auto values = read_strings(type.get(), space.get(), [&](hid_t memory, void* buffer) {
    return H5Dread(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  });
  if (static_cast<hssize_t>(values.size()) != points)
    throw InputError(fmt::format("cannot read strings '{}' in '{}'", path, file_path));
  return values;
}

}  // namespace

Table Hdf5Reader::table(const std::string& path) const {
  Handle dataset = open_dataset(file_, *this, path, path_);
  Handle type(H5Dget_type(dataset.get()), H5Tclose);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    throw InputError(fmt::format("'{}' in '{}' is not a numeric dataset", path, path_));
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InputError(fmt::format("cannot read '{}' in '{}'", path, path_));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Table table;
  std::size_t count = 1;
  for (hsize_t d : dims) {
    table.shape.push_back(static_cast<std::size_t>(d));
    count *= static_cast<std::size_t>(d);
  }
  table.values.resize(count);
  if (count > 0 && H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           table.values.data()) < 0)
    throw InputError(fmt::format("cannot read '{}' in '{}' as numbers", path, path_));
  return table;
}

std::vector<std::size_t> Hdf5Reader::shape(const std::string& path) const {
  Handle dataset = open_dataset(file_, *this, path, path_);
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InputError(fmt::format("cannot read '{}' in '{}'", path, path_));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

std::vector<std::int64_t> Hdf5Reader::integers(const std::string& path) const {
  Handle dataset = open_dataset(file_, *this, path, path_);
  Handle type(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_INTEGER)
    throw InputError(fmt::format("'{}' in '{}' is not an integer dataset", path, path_));
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) throw InputError(fmt::format("cannot read '{}' in '{}'", path, path_));
  std::vector<std::int64_t> values(static_cast<std::size_t>(count));
  if (count > 0 &&
      H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw InputError(fmt::format("cannot read '{}' in '{}' as integers", path, path_));
  return values;
}

std::vector<std::string> Hdf5Reader::strings(const std::string& path) const {
  return dataset_strings(file_, *this, path, path_);
}

std::string Hdf5Reader::text(const std::string& path) const {
  auto values = dataset_strings(file_, *this, path, path_);
  if (values.size() != 1)
    throw InputError(fmt::format("'{}' in '{}' is not a single text", path, path_));
  return values.front();
}

bool Hdf5Reader::has_attribute(const std::string& name, const std::string& object) const {
  Handle owner = open_object(file_, *this, object, path_);
  return H5Aexists(owner.get(), name.c_str()) > 0;
}

std::optional<std::int64_t> Hdf5Reader::int_attribute(const std::string& name,
                                                      const std::string& object) const {
  if (!has_attribute(name, object)) return std::nullopt;
  const AttrValue value = attribute(name, object);
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  return std::nullopt;
}

AttrValue Hdf5Reader::attribute(const std::string& name, const std::string& object) const {
  Handle owner = open_object(file_, *this, object, path_);
  if (H5Aexists(owner.get(), name.c_str()) <= 0)
    throw InputError(fmt::format("no attribute '{}' on '{}' in '{}'", name, object, path_));
  Handle attr(H5Aopen(owner.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  const auto bad = [&] {
    return InputError(
        fmt::format("cannot read attribute '{}' of '{}' in '{}' as a scalar", name, object, path_));
  };
  if (H5Sget_simple_extent_npoints(space.get()) != 1) throw bad();
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
      std::int64_t value = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_INT64, &value) < 0) throw bad();
      return value;
    }
    case H5T_FLOAT: {
      double value = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) throw bad();
      return value;
    }
    case H5T_STRING: {
      auto values = read_strings(type.get(), space.get(), [&](hid_t memory, void* buffer) {
        return H5Aread(attr.get(), memory, buffer);
      });
      if (values.size() != 1) throw bad();
      return std::move(values.front());
    }
    default:
      throw bad();
  }
}

std::vector<std::string> Hdf5Reader::list(const std::string& group) const {
  if (!exists(group)) throw InputError(fmt::format("no group '{}' in '{}'", group, path_));
  Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose);
  H5G_info_t info;
  if (g.get() < 0 || H5Gget_info(g.get(), &info) < 0)
    throw InputError(fmt::format("'{}' in '{}' is not a group", group, path_));
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) continue;
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    if (H5Oexists_by_name(g.get(), name.c_str(), H5P_DEFAULT) <= 0) continue;  // dangling link
    Handle child(H5Oopen(g.get(), name.c_str(), H5P_DEFAULT), H5Oclose);
    const H5I_type_t kind = H5Iget_type(child.get());
    if (kind == H5I_GROUP || kind == H5I_DATASET) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Hdf5Reader::string_attribute(const std::string& object, const std::string& name) const {
  Handle owner = open_object(file_, *this, object, path_);
  if (H5Aexists(owner.get(), name.c_str()) <= 0) return "";
  const AttrValue value = attribute(name, object);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  throw InputError(
      fmt::format("attribute '{}' of '{}' in '{}' is not a string", name, object, path_));
}

}  // namespace msim
