#pragma once
/// What the HDF5 code in sim/ shares: identifiers that close themselves, and errors that say
/// what failed. Only sim/hdf5_*.cpp include this (it includes hdf5.h).
#include <hdf5.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace msim::hdf5 {

/// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      close_ = other.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  /// Closes now; returns the closer's result (0 when there was nothing to close).
  herr_t reset() noexcept {
    herr_t result = 0;
    if (id_ >= 0 && close_ != nullptr) result = close_(id_);
    id_ = H5I_INVALID_HID;
    return result;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

/// A variable-length string type in `cset` (UTF-8 unless given).
Handle string_type(H5T_cset_t cset = H5T_CSET_UTF8);
/// A scalar dataspace.
Handle scalar_space();

/// Before the library's first use: no clean-up at exit, which in HDF5 1.10 crashes on a file
/// whose close failed (a full disk; every file here is closed by its owner), and no error
/// printing of its own (check() reports errors). The error stack is the calling thread's, so
/// every thread that writes calls this first (a BackgroundRecorder's, an experiment's runs).
void silence_hdf5();

/// The description of the first error on the calling thread's HDF5 error stack whose minor
/// number is `minor` (H5E_TRUNCATED, say), or nothing.
std::optional<std::string> stacked_error(hid_t minor);

/// Throws `message` with the HDF5 error stack's detail appended: an OutputError when the system
/// refused the write, else std::runtime_error.
[[noreturn]] void throw_hdf5_error(const std::string& message);

/// Throws (throw_hdf5_error) "HDF5 error: cannot WHAT in 'FILE' (detail)" when rc < 0.
template <typename T>
T check(T rc, std::string_view what, const std::string& file) {
  if (rc < 0) throw_hdf5_error(fmt::format("HDF5 error: cannot {} in '{}'", what, file));
  return rc;
}

}  // namespace msim::hdf5
