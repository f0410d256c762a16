#pragma once
/// Config::State, what every Config of one document shares (see sim/config.cpp). Only
/// sim/config*.cpp include this.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config.hpp"
#include "sim/config_text.hpp"

namespace msim {

struct Config::State {
  std::string file;
  std::map<std::string, std::set<std::string>> known;  ///< node path -> keys asked for
  std::map<std::string, std::string> overridden;       ///< key path -> the --set text
  std::map<std::string, Mark> fallback_marks;          ///< for null and unmarked nodes
  std::vector<std::string> notes;                      ///< Config::note(), in order

  /// The --set assignment that produced `path` or one of its ancestors, if any.
  const std::string* override_of(const std::string& path) const {
    for (std::string p = path;; p.resize(p.rfind('.'))) {
      if (auto it = overridden.find(p); it != overridden.end()) return &it->second;
      if (p.find('.') == std::string::npos) return nullptr;
    }
  }

  std::string where(const std::string& path, const Mark& m) const {
    if (const std::string* assignment = override_of(path)) {
      return fmt::format("--set '{}': key '{}'", *assignment, path);
    }
    const std::string what = path.empty() ? "top level" : fmt::format("key '{}'", path);
    return fmt::format("{}:{}:{}: {}", m.file, m.line, m.column, what);
  }

  Mark to_mark(const YAML::Mark& m) const { return {file, m.line + 1, m.column + 1}; }

  /// Wraps `node`, a child of `parent`. A null node's own mark points past it (to the next
  /// token), so null and unmarked nodes report `fallback` instead: their key, or their parent.
  static Config wrap(const Config& parent, const YAML::Node& node, const std::string& segment,
                     const Mark& fallback) {
    std::string path = config_detail::join_path(parent.path_, segment);
    if (node.IsNull() || node.Mark().is_null()) parent.state_->fallback_marks[path] = fallback;
    return Config(parent.state_, std::make_shared<const YAML::Node>(node), std::move(path));
  }

  /// Marks `key` as known and returns the child at it (even a null one), or nullopt.
  static std::optional<Config> lookup(const Config& self, const std::string& key) {
    self.state_->known[self.path_].insert(key);
    if (!self.is_map() && !self.is_null())
      self.fail_expected(fmt::format("a map with key '{}'", key));
    auto entry = config_detail::find_entry(*self.node_, key);
    if (!entry) return std::nullopt;
    return wrap(self, entry->second, key, self.state_->to_mark(entry->first.Mark()));
  }
};

}  // namespace msim
