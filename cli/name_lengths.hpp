#pragma once
/// File names longer than the file system allows, found before anything is written or created:
/// the system's ENAMETOOLONG would otherwise surface halfway through (after a summary was
/// printed, a directory made), or be misread by the checks that look for a file in the way.
#include <cstddef>
#include <optional>
#include <string>

namespace msim::cli {

/// A part of a path past its limit.
struct LongName {
  std::string name;         ///< the file or directory name (the whole path, when `whole_path`)
  std::size_t bytes = 0;    ///< its length
  std::size_t limit = 0;    ///< the most the file system allows
  bool whole_path = false;  ///< the path as a whole is too long (_PC_PATH_MAX), not one name
};

/// The first name in `path` longer than the file system allows (pathconf _PC_NAME_MAX of the
/// nearest directory that exists), or the whole path when it is longer than _PC_PATH_MAX;
/// nothing when every part fits.
std::optional<LongName> long_name(const std::string& path);

/// `text` for a message: whole when short, else its start and its end around "…" (cut between
/// UTF-8 characters, not inside one).
std::string shortened(const std::string& text);

/// "the name 'aaaa…a.h5' is 303 bytes, longer than the 255 bytes the file system allows for a
/// name", calling the name `kind` ("directory name", "temporary name").
std::string too_long(const LongName& l, const std::string& kind = "name");

}  // namespace msim::cli
