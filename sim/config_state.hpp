#pragma once
/// Config::State, what every Config of one document shares (see sim/config.cpp). Only
/// sim/config*.cpp include this.
#include <cctype>
#include <cstddef>
#include <iterator>
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
  std::map<std::string, std::string> file_values;      ///< key path -> the file's single value
                                                       ///< there, where a --set replaced it
  std::map<std::string, Mark> fallback_marks;          ///< for null and unmarked nodes
  std::vector<std::string> notes;                      ///< Config::note(), in order
  /// key path -> the number there as written ("0,85"), where a flow map's comma split it
  /// ("{a: 0,85}" reads as {a: 0, 85: null}); found when the key is looked up.
  std::map<std::string, std::string> split_numbers;
  /// The text the document was parsed from, to tell a value written as a | or > block from a
  /// quoted one: yaml-cpp reads both as text and keeps no style for scalars.
  std::string source;

  /// Whether the scalar at `mark`, at key path `path`, is written in the file as a block: its
  /// mark is at the | or >. Not where a --set put it (its marks are in the --set's text).
  bool block_at(const YAML::Mark& mark, const std::string& path) const {
    const auto pos = static_cast<std::size_t>(mark.pos);
    return mark.pos >= 0 && pos < source.size() && (source[pos] == '|' || source[pos] == '>') &&
           override_of(path) == nullptr;
  }

  const std::string* split_number(const std::string& path) const {
    auto it = split_numbers.find(path);
    return it == split_numbers.end() ? nullptr : &it->second;
  }

  /// A list item a --set renamed: the list's key path, its old and new name, and the --set.
  struct Rename {
    std::string list, from, to, assignment;
  };
  std::vector<Rename> renames;

  /// Records that `assignment` renamed item `from` of `list` to `to`: the key paths of what
  /// earlier assignments set inside it take its new name.
  void renamed(const std::string& list, const std::string& from, const std::string& to,
               const std::string& assignment) {
    const std::string old_path = config_detail::join_path(list, from);
    const std::string new_path = config_detail::join_path(list, to);
    std::map<std::string, std::string> moved;
    for (auto& [path, text] : overridden)
      moved[path == old_path || path.rfind(old_path + ".", 0) == 0
                ? new_path + path.substr(old_path.size())
                : path] = text;
    overridden = std::move(moved);
    renames.push_back({list, from, to, assignment});
  }

  /// " (after --set 'K=V', ...)" naming the --set assignments that changed keys inside the node
  /// at `path` (not the node itself), or "": a check of a whole map or list can fail because of
  /// them, and the file alone no longer explains it.
  std::string changed_inside(const std::string& path) const {
    std::string changed;
    if (path.empty() || override_of(path)) return changed;
    for (const auto& [key, assignment] : overridden)
      if (key.rfind(path + ".", 0) == 0)
        changed += fmt::format("{}--set '{}'", changed.empty() ? " (after " : ", ", assignment);
    return changed.empty() ? changed : changed + ")";
  }

  /// " (after --set 'K=V', which renamed 'OLD' to 'NEW')" when `value` is the old name of an
  /// item a --set renamed, so a reference to it no longer resolves; else "".
  std::string renamed_from(const std::string& value) const {
    for (const Rename& r : renames)
      if (r.from == value)
        return fmt::format(" (after --set '{}', which renamed '{}' in '{}' to '{}')", r.assignment,
                           r.from, r.list, r.to);
    return "";
  }

  /// The --set assignment that produced `path` or one of its ancestors, if any.
  const std::string* override_of(const std::string& path) const {
    for (std::string p = path;; p.resize(p.rfind('.'))) {
      if (auto it = overridden.find(p); it != overridden.end()) return &it->second;
      if (p.find('.') == std::string::npos) return nullptr;
    }
  }

  /// "FILE:LINE:COLUMN: key 'PATH'", or "--set 'K=V': key 'PATH'", control characters and bytes
  /// that are not UTF-8 escaped (a key from a file in Latin-1, say).
  std::string where(const std::string& path, const Mark& m) const {
    using config_detail::escape_controls;
    if (const std::string* assignment = override_of(path)) {
      return fmt::format("--set '{}': key '{}'", escape_controls(*assignment),
                         escape_controls(path));
    }
    const std::string what =
        path.empty() ? "top level" : fmt::format("key '{}'", escape_controls(path));
    return fmt::format("{}:{}:{}: {}", escape_controls(m.file), m.line, m.column, what);
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

  /// Records in split_numbers the number at `key` of map `self` when the next entry is a key of
  /// digits without a value right after a comma. Both must come from one text: the file, or the
  /// same --set.
  void find_split_number(const Config& self, const std::string& key) {
    const YAML::Node& map = *self.node_;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != key) continue;
      auto next = std::next(it);
      if (next == map.end() || !next->second.IsNull() || !next->first.IsScalar()) return;
      const std::string& digits = next->first.Scalar();
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return;
      const std::string path = config_detail::join_path(self.path_, key);
      if (override_of(path) != override_of(config_detail::join_path(self.path_, digits))) return;
      if (auto written = config_detail::comma_joined(it->second, next->first))
        split_numbers[path] = *written;
      return;
    }
  }

  /// Marks `key` as known and returns the child at it (even a null one), or nullopt.
  static std::optional<Config> lookup(const Config& self, const std::string& key) {
    self.state_->known[self.path_].insert(key);
    if (!self.is_map() && !self.is_null()) {
      // "off" or "none" for a map the user means to leave out: null leaves it out.
      std::string word = self.is_scalar() ? self.node_->Scalar() : "";
      for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const bool off = word == "off" || word == "none" || word == "no" || word == "false" ||
                       word == "disabled" || word == "0";
      self.fail_expected(fmt::format(
          "a map (of keys such as '{}'){}", key,
          off ? "; to leave out a map that may be left out, write ~ (null) in its place" : ""));
    }
    auto entry = config_detail::find_entry(*self.node_, key);
    if (!entry) return std::nullopt;
    self.state_->find_split_number(self, key);
    return wrap(self, entry->second, key, self.state_->to_mark(entry->first.Mark()));
  }
};

}  // namespace msim
