#include "sim/hdf5_scales.hpp"

#include <algorithm>
#include <cstddef>

#include "sim/hdf5_handle.hpp"

namespace msim::hdf5 {
namespace {

/// Creates attribute `name` of `owner`, a 1-D array of n elements of `type`, and writes `data`.
void write_list(hid_t owner, const char* name, hid_t type, std::size_t n, const void* data,
                const std::string& what, const std::string& file) {
  const hsize_t size = n;
  Handle space(check(H5Screate_simple(1, &size, nullptr), what, file), H5Sclose);
  Handle attribute(
      check(H5Acreate2(owner, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what, file),
      H5Aclose);
  check(H5Awrite(attribute.get(), type, data), what, file);
}

}  // namespace

void ScaleLinks::attach(hid_t dataset, const std::string& path, const std::vector<Axis>& axes) {
  const std::string what = fmt::format("attach dimension scales to '{}'", path);
  {
    Handle space(check(H5Dget_space(dataset), what, file_), H5Sclose);
    const int rank = check(H5Sget_simple_extent_ndims(space.get()), what, file_);
    if (static_cast<std::size_t>(std::max(rank, 1)) != axes.size())
      throw_hdf5_error(
          fmt::format("HDF5 error: cannot attach {} scales to the {} axes of '{}' in '{}'",
                      axes.size(), std::max(rank, 1), path, file_));
  }
  hobj_ref_t self;
  check(H5Rcreate(&self, dataset, ".", H5R_OBJECT, -1), what, file_);
  std::vector<hobj_ref_t> scale_refs(axes.size());
  std::vector<hvl_t> lists(axes.size());
  std::vector<const char*> labels(axes.size());
  for (std::size_t k = 0; k < axes.size(); ++k) {
    labels[k] = axes[k].name.c_str();
    if (axes[k].scale == kNone) {  // an empty list: no scale on this axis
      lists[k] = hvl_t{0, nullptr};
      continue;
    }
    check(H5Rcreate(&scale_refs[k], axes[k].scale, ".", H5R_OBJECT, -1), what, file_);
    lists[k] = hvl_t{1, &scale_refs[k]};
    const auto at = std::find(scales_.begin(), scales_.end(), axes[k].scale);
    const auto s = static_cast<std::size_t>(at - scales_.begin());
    if (at == scales_.end()) {
      scales_.push_back(axes[k].scale);
      entries_.emplace_back();
    }
    entries_[s].push_back(Entry{self, static_cast<int>(k)});
  }
  Handle list_type(check(H5Tvlen_create(H5T_STD_REF_OBJ), what, file_), H5Tclose);
  write_list(dataset, "DIMENSION_LIST", list_type.get(), lists.size(), lists.data(), what, file_);
  Handle label_type(check(H5Tcopy(H5T_C_S1), what, file_), H5Tclose);
  check(H5Tset_size(label_type.get(), H5T_VARIABLE), what, file_);
  write_list(dataset, "DIMENSION_LABELS", label_type.get(), labels.size(), labels.data(), what,
             file_);
}

void ScaleLinks::write_references() {
  const std::string what = "write the datasets' references of the dimension scales";
  Handle type(check(H5Tcreate(H5T_COMPOUND, sizeof(Entry)), what, file_), H5Tclose);
  check(H5Tinsert(type.get(), "dataset", offsetof(Entry, dataset), H5T_STD_REF_OBJ), what, file_);
  check(H5Tinsert(type.get(), "dimension", offsetof(Entry, axis), H5T_NATIVE_INT), what, file_);
  for (std::size_t s = 0; s < scales_.size(); ++s)
    write_list(scales_[s], "REFERENCE_LIST", type.get(), entries_[s].size(), entries_[s].data(),
               what, file_);
  scales_.clear();
  entries_.clear();
}

}  // namespace msim::hdf5
