// Names past the file system's limits: found by pathconf on the directory that would hold them.
#include "cli/name_lengths.hpp"

#include <fmt/format.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace msim::cli {
namespace {

namespace fs = std::filesystem;

/// The nearest directory of `path` (itself or an ancestor) that exists: the file system whose
/// limits apply to the names that would be made in it.
fs::path nearest_directory(const fs::path& path) {
  fs::path dir = path;
  for (;;) {
    struct stat st {};
    if (!dir.empty() && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return dir;
    if (dir.empty() || dir == dir.parent_path()) return ".";
    dir = dir.parent_path();
  }
}

/// pathconf(dir, name), or `fallback` when the system does not say.
std::size_t limit_of(const fs::path& dir, int name, long fallback) {
  const long v = ::pathconf(dir.c_str(), name);
  return static_cast<std::size_t>(v > 0 ? v : fallback);
}

}  // namespace

std::optional<LongName> long_name(const std::string& path) {
  const fs::path dir = nearest_directory(fs::path(path).parent_path());
  const std::size_t name_max = limit_of(dir, _PC_NAME_MAX, NAME_MAX);
  for (const fs::path& part : fs::path(path)) {
    const std::string name = part.string();
    if (name.size() > name_max) return LongName{name, name.size(), name_max, false};
  }
  // PATH_MAX counts the terminating NUL.
  const std::size_t path_max = limit_of(dir, _PC_PATH_MAX, PATH_MAX);
  if (path.size() >= path_max) return LongName{path, path.size(), path_max - 1, true};
  return std::nullopt;
}

std::string shortened(const std::string& text) {
  constexpr std::size_t kHead = 24, kTail = 16;
  if (text.size() <= kHead + kTail + 8) return text;
  const auto continuation = [&](std::size_t at) {
    return (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
  };
  std::size_t head = kHead, tail = text.size() - kTail;
  while (head > 0 && continuation(head)) --head;
  while (tail < text.size() && continuation(tail)) ++tail;
  return text.substr(0, head) + "…" + text.substr(tail);
}

std::string too_long(const LongName& l, const std::string& kind) {
  if (l.whole_path)
    return fmt::format(
        "the path '{}' is {} bytes, longer than the {} bytes the file system allows for a path",
        shortened(l.name), l.bytes, l.limit);
  return fmt::format(
      "the {} '{}' is {} bytes, longer than the {} bytes the file system allows for a name", kind,
      shortened(l.name), l.bytes, l.limit);
}

}  // namespace msim::cli
