/// Config: a read-only, location-aware view of a YAML scenario.
///
/// The document is parsed once (--set overrides edit the parsed tree in place), then every
/// Config shares one State: the file name, the keys each map was asked for (so finish() can
/// reject and correct the rest), and which key paths were replaced by an override (so messages
/// about them point at the command line instead of the file).
#include "sim/config.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config_state.hpp"
#include "sim/config_text.hpp"
#include "sim/error.hpp"

namespace msim {

using config_detail::comma_joined;
using config_detail::decimal_comma;
using config_detail::escape_controls;
using config_detail::find_entry;
using config_detail::flow;
using config_detail::input_error;
using config_detail::item_segment;
using config_detail::join;
using config_detail::join_path;
using config_detail::lower;
using config_detail::shorten;

Config::Config(std::shared_ptr<State> state, std::shared_ptr<const YAML::Node> node,
               std::string path)
    : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)) {}

// --- Navigation ---------------------------------------------------------------------------

const std::string& Config::path() const {
  return path_;
}

std::optional<std::string> Config::file_value() const {
  if (state_->override_of(path_) == nullptr) return std::nullopt;
  const auto it = state_->file_values.find(path_);
  if (it == state_->file_values.end()) return std::nullopt;
  return it->second;
}

Mark Config::mark() const {
  if (state_->override_of(path_)) return {"<--set>", 0, 0};
  if (is_null() || node_->Mark().is_null()) {
    auto it = state_->fallback_marks.find(path_);
    if (it != state_->fallback_marks.end()) return it->second;
  }
  return state_->to_mark(node_->Mark());
}

std::optional<std::string> Config::set_by() const {
  const std::string* assignment = state_->override_of(path_);
  return assignment ? std::optional<std::string>(*assignment) : std::nullopt;
}

std::string Config::where() const {
  return state_->where(path_, mark());
}

bool Config::is_map() const {
  return node_->IsMap();
}
bool Config::is_sequence() const {
  return node_->IsSequence();
}
bool Config::is_scalar() const {
  return node_->IsScalar();
}
bool Config::is_null() const {
  return node_->IsNull();
}

bool Config::has(const std::string& key) const {
  return find(key).has_value();
}

std::vector<std::string> Config::keys() const {
  if (is_null()) return {};
  if (!is_map()) fail_expected("a map");
  std::vector<std::string> out;
  for (const auto& kv : *node_) out.push_back(kv.first.Scalar());
  return out;
}

std::vector<std::string> Config::known_keys() const {
  const auto it = state_->known.find(path_);
  if (it == state_->known.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool Config::known(const std::string& key) const {
  const auto it = state_->known.find(path_);
  return it != state_->known.end() && it->second.count(key) > 0;
}

Config Config::child(const std::string& key) const {
  auto c = State::lookup(*this, key);
  if (c) return *c;
  // An empty list item (a bare '-', or '- ~') or value: nothing holds the key.
  if (is_null()) fail(fmt::format("got nothing, expected a map with the required key '{}'", key));
  std::string message = fmt::format("missing required key '{}'", key);
  std::vector<std::string> unread;
  for (const auto& k : keys()) {
    if (!state_->known[path_].count(k)) unread.push_back(k);
  }
  // A misspelt required key is reported where it stands, not at its parent.
  const std::string guess = did_you_mean(key, unread);
  if (!guess.empty())
    fail_key(guess, fmt::format("unknown key '{}' (did you mean '{}'?)", guess, key));
  fail(message);
}

std::optional<Config> Config::find(const std::string& key) const {
  auto c = State::lookup(*this, key);
  if (c && c->is_null()) return std::nullopt;
  return c;
}

namespace {

/// `key_path` walked from `start` as Config::peek() walks it (a list's item by its name, else
/// by its index): the node reached, unset where the path leaves the document, and the path with
/// each item named as Config::items() names it (segments past the document as written).
struct Walk {
  std::optional<YAML::Node> node;
  std::string named;
};

Walk walk(const YAML::Node& start, const std::string& key_path) {
  Walk w;
  YAML::Node node;
  node.reset(start);  // (assigning would replace the value in the tree)
  bool inside = true;
  for (std::size_t begin = 0; begin <= key_path.size();) {
    const std::size_t end = std::min(key_path.find('.', begin), key_path.size());
    std::string segment = key_path.substr(begin, end - begin);
    begin = end + 1;
    std::optional<YAML::Node> next;
    if (inside) {
      if (auto entry = find_entry(node, segment)) next = entry->second;
      for (std::size_t k = 0; !next && node.IsSequence() && k < node.size(); ++k)
        if (item_segment(node[k], k) == segment) next = node[k];
      for (std::size_t k = 0; !next && node.IsSequence() && k < node.size(); ++k)
        if (std::to_string(k) == segment) {
          next = node[k];
          segment = item_segment(node[k], k);
        }
    }
    w.named = join_path(w.named, segment);
    inside = next.has_value();
    if (inside) node.reset(*next);
  }
  if (inside) w.node = node;
  return w;
}

}  // namespace

std::optional<Config> Config::peek(const std::string& key_path) const {
  const Walk w = walk(*node_, key_path);
  if (!w.node) return std::nullopt;
  return Config(state_, std::make_shared<const YAML::Node>(*w.node), join_path(path_, key_path));
}

std::string Config::named_path(const std::string& key_path) const {
  return walk(*node_, key_path).named;
}

std::vector<Config> Config::items() const {
  if (!is_sequence()) fail_expected("a list");
  std::vector<Config> out;
  for (std::size_t i = 0; i < node_->size(); ++i) {
    const YAML::Node item = (*node_)[i];
    out.push_back(State::wrap(*this, item, item_segment(item, i), mark()));
  }
  return out;
}

// --- Errors -------------------------------------------------------------------------------

void Config::finish() const {
  if (!is_map()) return;
  const std::set<std::string>& known = state_->known[path_];
  for (auto it = node_->begin(), prev = it; it != node_->end(); prev = it++) {
    const auto& kv = *it;
    const std::string key = kv.first.Scalar();
    if (known.count(key)) continue;
    const std::vector<std::string> candidates(known.begin(), known.end());  // sorted
    const std::string guess = did_you_mean(key, candidates);
    // A map whose reader asked for none of its keys (a strategy that only looked for it).
    std::string hint = candidates.empty() ? std::string("no key of this map is read")
                       : guess.empty()    ? "known keys: " + join(candidates, "")
                                          : fmt::format("did you mean '{}'?", guess);
    // {budget: 5,000} reads as {budget: 5, 000: null}, and {multiply: 0,85} as {multiply: 0,
    // 85: null}: the comma separates entries.
    const bool digits = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    const auto written =
        digits && it != node_->begin() ? comma_joined(prev->second, kv.first) : std::nullopt;
    const auto point = written ? decimal_comma(*written) : std::nullopt;
    if (digits && kv.second.IsNull() && point)
      hint = fmt::format(
          "a decimal comma? In a {{...}} map a comma separates entries, so {} read as {} and a "
          "key '{}'; write {}; {}",
          *written, prev->second.Scalar(), key, *point, hint);
    else if (digits && kv.second.IsNull())
      hint = fmt::format(
          "a thousands separator? In a {{...}} map a comma separates entries, so write numbers "
          "without commas, such as 5000 or 5e3; {}",
          hint);
    // "seed:7" with no space after the colon is one word to YAML: a key without a value.
    const std::size_t colon = key.find(':');
    if (kv.second.IsNull() && colon != std::string::npos && colon > 0 && colon + 1 < key.size() &&
        key[colon + 1] != ' ')
      hint = fmt::format("a key and its value need a space after the colon: '{}: {}'",
                         key.substr(0, colon), key.substr(colon + 1));
    fail_key(key, fmt::format("unknown key '{}' ({})", escape_controls(key), hint));
  }
}

template <class Unread>
void Config::visit_unread(bool self, Unread&& unread) const {
  if (is_sequence()) {
    for (const Config& item : items()) item.visit_unread(true, unread);
    return;
  }
  if (!is_map()) return;
  for (const auto& kv : *node_) {
    const std::string key = kv.first.Scalar();
    if (!known(key)) {
      if (self) unread(*this, key);
      continue;
    }
    // A key asked for: its value was reached (wrapped as lookup() does, marking nothing).
    State::wrap(*this, kv.second, key, state_->to_mark(kv.first.Mark())).visit_unread(true, unread);
  }
}

void Config::finish_beneath() const {
  // finish() of the map that holds the first unread key reports it, with its did-you-mean.
  visit_unread(false, [](const Config& map, const std::string&) { map.finish(); });
}

std::vector<std::string> Config::unread_keys() const {
  std::vector<std::string> out;
  visit_unread(true, [&](const Config& map, const std::string& key) {
    out.push_back(join_path(map.path_, key));
  });
  return out;
}

void Config::fail_key(const std::string& key, const std::string& message) const {
  for (const auto& kv : *node_)
    if (kv.first.Scalar() == key) {
      // A key the file gave can become wrong through a --set beside it (another strategy).
      const std::string path = join_path(path_, key);
      throw input_error(
          fmt::format("{}: {}{}", state_->where(path, state_->to_mark(kv.first.Mark())), message,
                      state_->override_of(path) ? "" : state_->changed_inside(path_)));
    }
  child(key).fail(message);
}

void Config::fail_expected(const std::string& expected) const {
  fail(fmt::format("got {}, expected {}", show(), expected));
}

void Config::fail(const std::string& message) const {
  // A check of a whole map or list (shares that must sum to 1, say) can fail because of a --set
  // inside it, and a reference because a --set renamed what it names: name those assignments.
  const std::string renamed =
      is_scalar() && !state_->override_of(path_) ? state_->renamed_from(node_->Scalar()) : "";
  // A value written as a | or > block is text, with its line break unless the block says -.
  const std::string block =
      is_scalar() && state_->block_at(node_->Mark(), path_)
          ? " (written as a | or > block, which YAML reads as text: write the value after the "
            "key's colon)"
          : "";
  throw input_error(fmt::format("{}: {}{}{}{}{}", where(), message, block, decimal_commas(),
                                state_->changed_inside(path_), renamed));
}

std::string Config::renamed_note(const std::string& name) const {
  return state_->renamed_from(name);
}

std::string Config::decimal_commas() const {
  // [0,5, 0,5] reads as [0, 5, 0, 5]. Pairs of numbers joined by a bare comma, each pair and
  // every other item apart from the next by a comma and a space, look like decimal commas;
  // commas all alike ([1,2,3]) could be either.
  if (!is_sequence()) return "";
  const YAML::Node& list = *node_;
  std::vector<std::string> written, fixed;
  bool joined = false, spaced = false;
  for (std::size_t k = 0; k < list.size();) {
    if (!list[k].IsScalar()) return "";
    const auto both = k + 1 < list.size() ? comma_joined(list[k], list[k + 1]) : std::nullopt;
    if (both) {
      const auto point = decimal_comma(*both);
      if (!point) return "";
      written.push_back(*both);
      fixed.push_back(*point);
      joined = true;
      k += 2;
    } else {
      written.push_back(list[k].Scalar());
      fixed.push_back(list[k].Scalar());
      k += 1;
    }
    if (k < list.size()) {
      if (comma_joined(list[k - 1], list[k])) return "";  // three joined: "0,5,3"
      spaced = true;
    }
  }
  if (!joined || !spaced) return "";
  return fmt::format(
      " ([{}] looks like decimal commas: write [{}]; in a [...] list a comma separates items)",
      fmt::join(written, ", "), fmt::join(fixed, ", "));
}

void Config::note(const std::string& message) const {
  std::string text = fmt::format("{}: {}", where(), message);
  if (std::find(state_->notes.begin(), state_->notes.end(), text) == state_->notes.end())
    state_->notes.push_back(std::move(text));
}

std::vector<std::string> Config::notes() const {
  return state_->notes;
}

std::string Config::show() const {
  if (is_null()) return "nothing";
  if (is_scalar()) return fmt::format("\"{}\"", escape_controls(shorten(node_->Scalar(), 38, "")));
  if (is_map()) return "{...}";
  return escape_controls(shorten(flow(*node_), 40, "]"));
}

std::size_t edit_distance(const std::string& word, const std::string& other) {
  // Levenshtein distance with two rows, ignoring case.
  const std::string a = lower(word), b = lower(other);
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  std::string best;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (!best.empty() || word.size() < 4) return best;
  // A key given by its first word or words ("novelty" for "novelty_seeking"): the one candidate
  // that begins with it and goes on with a '_'.
  const std::string start = lower(word) + "_";
  for (const auto& candidate : candidates) {
    if (lower(candidate).rfind(start, 0) != 0) continue;
    if (!best.empty()) return {};  // two of them: no guess
    best = candidate;
  }
  return best;
}

}  // namespace msim
