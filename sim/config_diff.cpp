#include "sim/config_diff.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

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

struct Walk {
  std::vector<std::string> out;
  std::size_t limit;

  void note(const std::string& path, const std::optional<Config>& a,
            const std::optional<Config>& b) {
    if (out.size() < limit)
      out.push_back(
          fmt::format("{}: {} -> {}", path.empty() ? "(top level)" : path, shown(a), shown(b)));
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
      for (const std::string& key : keys)
        compare(path.empty() ? key : path + "." + key, a->find(key), b->find(key));
      return;
    }
    if (a_list && b_list) {
      const std::vector<Config> x = a->items(), y = b->items();
      if (x.size() != y.size()) return note(path, a, b);
      for (std::size_t k = 0; k < x.size(); ++k) compare(y[k].path(), x[k], y[k]);
      return;
    }
    if (a_map || b_map || a_list || b_list) return note(path, a, b);
    if (shown(a) != shown(b)) note(path, a, b);
  }
};

}  // namespace

std::vector<std::string> config_differences(const Config& before, const Config& after,
                                            std::size_t limit) {
  Walk walk{{}, limit};
  walk.compare("", before, after);
  return walk.out;
}

}  // namespace msim
