#pragma once
/// HDF5 dimension scales attached in bulk. Only sim/hdf5_*.cpp include this (it includes hdf5.h).
#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

namespace msim::hdf5 {

/// Attaches dimension scales to datasets with the attributes that H5DSattach_scale and
/// H5DSset_label write (HDF5's dimension-scale specification), each attribute written once: on a
/// dataset, DIMENSION_LIST (a reference to the scale of each axis) and DIMENSION_LABELS (the
/// axes' names); on a scale, REFERENCE_LIST (each dataset and axis it is attached to, in the
/// order attached). H5DSattach_scale reads, deletes and writes again both lists at every
/// attachment, and a scale's list grows with each one. Each run of an experiment of 120 runs of
/// 5,000 agents attaches 173 times, which took a tenth of the experiment's processor time.
class ScaleLinks {
 public:
  /// `file` names the file in error messages.
  explicit ScaleLinks(std::string file) : file_(std::move(file)) {}

  /// A scale (a dataset that H5DSset_scale made one, open until write_references(), and always
  /// the same identifier: a scale is known by it) and the name that labels the axis it is
  /// attached to.
  struct Axis {
    hid_t scale;
    std::string name;
  };
  static constexpr hid_t kNone = H5I_INVALID_HID;  ///< Axis::scale of an axis left without one
  /// Attaches axes[k] to axis k of `dataset` (`path` in error messages), one scale for each of
  /// its axes; an axis whose scale is kNone gets none (only its label). Once per dataset.
  void attach(hid_t dataset, const std::string& path, const std::vector<Axis>& axes);
  /// Writes the REFERENCE_LIST of each scale attached so far; once, after the last attach().
  void write_references();

 private:
  /// An entry of REFERENCE_LIST, laid out as H5DSattach_scale lays it out.
  struct Entry {
    hobj_ref_t dataset;
    int axis;
  };
  std::string file_;
  std::vector<hid_t> scales_;                // in the order first attached
  std::vector<std::vector<Entry>> entries_;  // [scale]
};

}  // namespace msim::hdf5
