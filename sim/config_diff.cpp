#include "sim/config_diff.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config_text.hpp"

namespace msim {
namespace {

/// A node's value in a line: the scalar, or what kind of node it is.
std::string shown(const std::optional<Config>& node) {
  if (!node || node->is_null()) return "(absent)";
  if (node->is_map()) return "(a map)";
  if (node->is_sequence()) {
    const std::size_t n = node->items().size();
    return fmt::format("({} item{})", n, n == 1 ? "" : "s");
  }
  std::string text = node->as_string();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

/// The last segment of a key path: a list item's name (or index).
std::string last_segment(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

struct Walk {
  std::vector<std::string> out;
  std::size_t limit;

  void note(const std::string& path, const std::string& a, const std::string& b) {
    if (out.size() < limit)
      out.push_back(fmt::format("{}: {} -> {}", path.empty() ? "(top level)" : path, a, b));
  }

  void compare(const std::string& path, const std::optional<Config>& a,
               const std::optional<Config>& b) {
    if (out.size() >= limit) return;
    const bool a_map = a && a->is_map(), b_map = b && b->is_map();
    const bool a_list = a && a->is_sequence(), b_list = b && b->is_sequence();
    if (a_map && b_map) {
      std::vector<std::string> keys = a->keys();
      for (const std::string& key : b->keys())
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      // (find, not peek: a key may itself be a key path, as a sweep's are.)
      for (const std::string& key : keys)
        compare(path.empty() ? key : path + "." + key, a->find(key), b->find(key));
      return;
    }
    if (a_list && b_list) {
      const std::vector<Config> x = a->items(), y = b->items();
      if (x.size() != y.size()) return note(path, shown(a), shown(b));
      for (std::size_t k = 0; k < x.size(); ++k) {
        if (x[k].path() != y[k].path()) {  // another item in this place (renamed, reordered)
          note(fmt::format("{}.{}", path, k), "item " + last_segment(x[k].path()),
               "item " + last_segment(y[k].path()));
          continue;
        }
        compare(y[k].path(), x[k], y[k]);
      }
      return;
    }
    if (a_map || b_map || a_list || b_list) return note(path, shown(a), shown(b));
    const bool a_value = a && !a->is_null(), b_value = b && !b->is_null();
    if (a_value != b_value || (a_value && !same_scalar(a->as_string(), b->as_string())))
      note(path, shown(a), shown(b));
  }
};

/// `text` as a truth value, if YAML reads it as one.
std::optional<bool> truth(const std::string& text) {
  bool v = false;
  if (!YAML::convert<bool>::decode(YAML::Node(text), v)) return std::nullopt;
  return v;
}

}  // namespace

bool same_scalar(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (const auto x = config_detail::parse_double(a), y = config_detail::parse_double(b); x && y)
    return *x == *y;
  if (const auto x = truth(a), y = truth(b); x && y) return *x == *y;
  return false;
}

std::vector<std::string> config_differences(const Config& before, const Config& after,
                                            std::size_t limit) {
  Walk walk{{}, limit};
  walk.compare("", before, after);
  return walk.out;
}

}  // namespace msim
