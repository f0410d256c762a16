#include "sim/hdf5_handle.hpp"

#include <stdexcept>

#include "sim/error.hpp"

namespace msim::hdf5 {
namespace {

/// The most specific message on the HDF5 error stack ("" when there is none), and whether it is
/// the operating system's (a file-driver error such as "No space left on device").
struct Hdf5Detail {
  std::string text;
  bool system = false;
};

Hdf5Detail hdf5_detail() {
  Hdf5Detail detail;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        if (error->desc != nullptr && *error->desc != '\0')
          static_cast<Hdf5Detail*>(data)->text = error->desc;
        return 0;
      },
      &detail);
  // File-driver messages carry the OS error: "... error message = 'No such file or directory' ..."
  const std::string marker = "error message = '";
  if (const auto at = detail.text.find(marker); at != std::string::npos) {
    const auto start = at + marker.size();
    detail.text = detail.text.substr(start, detail.text.find('\'', start) - start);
    detail.system = true;
  }
  return detail;
}

}  // namespace

std::optional<std::string> stacked_error(hid_t minor) {
  struct Search {
    hid_t minor;
    std::optional<std::string> found;
  } search{minor, std::nullopt};
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        auto& s = *static_cast<Search*>(data);
        if (!s.found && error->min_num == s.minor)
          s.found = error->desc != nullptr ? error->desc : "";
        return 0;
      },
      &search);
  return search.found;
}

void silence_hdf5() {
  [[maybe_unused]] static const bool no_atexit = H5dont_atexit() >= 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

[[noreturn]] void throw_hdf5_error(const std::string& message) {
  const Hdf5Detail detail = hdf5_detail();
  if (detail.system) {
    // The system refused: not the library's fault, so not called an HDF5 error, and where the
    // refusal is of room, what would make room.
    const std::string prefix = "HDF5 error: ";
    std::string text = message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
    text += fmt::format(" ({})", detail.text);
    if (detail.text == "No space left on device")
      text += ": the disk is full; free some space there, or write elsewhere with -o";
    else if (detail.text == "Disk quota exceeded")
      text += ": your disk quota is full; free some of it, or write elsewhere with -o";
    else if (detail.text == "File too large")
      text +=
          ": the file passed the largest the system allows (a file size limit, ulimit -f, "
          "or the file system's)";
    throw OutputError(text);
  }
  throw std::runtime_error(detail.text.empty() ? message
                                               : fmt::format("{} ({})", message, detail.text));
}

Handle string_type(H5T_cset_t cset) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (type.get() < 0 || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.get(), cset) < 0)
    throw std::runtime_error("HDF5 error: cannot create a string type");
  return type;
}

Handle scalar_space() {
  return Handle(H5Screate(H5S_SCALAR), H5Sclose);
}

}  // namespace msim::hdf5
