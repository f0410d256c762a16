/// Config: a read-only, location-aware view of a YAML scenario.
///
/// The document is parsed once (--set overrides edit the parsed tree in place), then every
/// Config shares one State: the file name, the keys each map was asked for (so finish() can
/// reject and correct the rest), and which key paths were replaced by an override (so messages
/// about them point at the command line instead of the file).
#include "sim/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/error.hpp"

namespace msim {

namespace {

/// The (key, value) entry at `key` of a map, or nullopt. Never inserts, unlike non-const
/// operator[]; the value shares the tree, so assigning to it replaces the value in the map.
std::optional<std::pair<YAML::Node, YAML::Node>> find_entry(const YAML::Node& map,
                                                            const std::string& key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return std::pair(kv.first, kv.second);
  }
  return std::nullopt;
}

/// `text` with control characters written as \xNN (\n, \t as such), for messages.
std::string escape_controls(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += ch;
    }
  }
  return out;
}

/// A list item's path segment: its `name` when it is a map with a non-empty one (control
/// characters escaped: a NUL would end the message), else its index.
std::string item_segment(const YAML::Node& item, std::size_t index) {
  auto name = find_entry(item, "name");
  return name && name->second.IsScalar() && !name->second.Scalar().empty()
             ? escape_controls(name->second.Scalar())
             : std::to_string(index);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join_path(const std::string& parent, const std::string& segment) {
  return parent.empty() ? segment : parent + "." + segment;
}

std::string join(const std::vector<std::string>& words, const std::string& quote) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + quote + w + quote;
  return out;
}

/// The node in flow style, scalars unquoted: "[1, 2]", "{a: 1}".
std::string flow(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  std::vector<std::string> parts;
  for (const auto& item : node) {
    parts.push_back(node.IsMap() ? flow(item.first) + ": " + flow(item.second) : flow(item));
  }
  return node.IsMap()        ? "{" + join(parts, "") + "}"
         : node.IsSequence() ? "[" + join(parts, "") + "]"
                             : "~";
}

std::string shorten(const std::string& text, std::size_t max, const std::string& close) {
  return text.size() <= max ? text : text.substr(0, max - 3 - close.size()) + "..." + close;
}

/// The length of the UTF-8 sequence that starts `text` (at least 1 byte), or 0 if it is not one.
std::size_t utf8_length(std::string_view text) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](std::size_t k) { return k < text.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char lead = b(0);
  std::size_t n = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    n = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    n = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)
    n = 4;
  else
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if (!continuation(k)) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  if ((lead == 0xE0 && b(1) < 0xA0) || (lead == 0xED && b(1) > 0x9F) ||
      (lead == 0xF0 && b(1) < 0x90) || (lead == 0xF4 && b(1) > 0x8F))
    return 0;
  return n;
}

/// What makes `text` unfit as text in a scenario: a byte that is not UTF-8 or a control
/// character (tab and line breaks are fine unless `one_line`); "" when it is fine.
std::string text_fault(std::string_view text, bool one_line) {
  for (std::size_t at = 0, character = 1; at < text.size(); ++character) {
    const std::size_t n = utf8_length(text.substr(at));
    if (n == 0) return fmt::format("byte {} (character {}) is not UTF-8", at + 1, character);
    const auto byte = static_cast<unsigned char>(text[at]);
    const bool line_break = byte == '\n' || byte == '\r' || byte == '\t';
    if (n == 1 && (byte < 0x20 || byte == 0x7f) && (one_line || !line_break))
      return fmt::format("character {} is the control character \\x{:02x}", character, byte);
    at += n;
  }
  return "";
}

/// Parses a YAML number ("12", "-3.5", "1e6", "+2", ".inf", ".nan"); nullopt if not one.
std::optional<double> parse_double(std::string text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.erase(0, 1);
  const std::string special = lower(text);
  if (special == ".inf") return std::numeric_limits<double>::infinity();
  if (special == "-.inf") return -std::numeric_limits<double>::infinity();
  if (special == ".nan") return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string describe_range(const Range& r, const std::string& noun) {
  const bool has_lo = std::isfinite(r.lo);
  const bool has_hi = std::isfinite(r.hi);
  if (has_lo && has_hi) {
    return fmt::format("{} in {}{}, {}{}", noun, r.lo_open ? '(' : '[', r.lo, r.hi,
                       r.hi_open ? ')' : ']');
  }
  if (has_lo) return fmt::format("{} {} {}", noun, r.lo_open ? ">" : ">=", r.lo);
  if (has_hi) return fmt::format("{} {} {}", noun, r.hi_open ? "<" : "<=", r.hi);
  return noun;
}

/// The most values a document may expand to: a scenario has a few thousand, and aliases nested
/// ten deep ten times over ("billion laughs") would otherwise take hours to walk.
constexpr std::size_t kMaxNodes = 1'000'000;

/// Rejects a key given twice in one map (yaml-cpp keeps both and lookups see only the first),
/// pointing at the second occurrence, and a document that expands past kMaxNodes values.
void reject_duplicate_keys(const YAML::Node& node, const std::string& path, const std::string& file,
                           std::size_t& visited) {
  if (++visited > kMaxNodes)
    throw InputError(fmt::format(
        "{}:{}:{}: key '{}': the document expands to more than {} values; YAML aliases (*name) "
        "that repeat lists or maps inside each other multiply its size",
        file, node.Mark().line + 1, node.Mark().column + 1, path.empty() ? "top level" : path,
        kMaxNodes));
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;
      const std::string& key = kv.first.Scalar();
      const int line = kv.first.Mark().line + 1;
      if (auto [it, inserted] = first_line.emplace(key, line); !inserted) {
        throw InputError(fmt::format("{}:{}:{}: key '{}': '{}' is given twice (first on line {})",
                                     file, line, kv.first.Mark().column + 1, join_path(path, key),
                                     key, it->second));
      }
      reject_duplicate_keys(kv.second, join_path(path, key), file, visited);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      reject_duplicate_keys(node[i], join_path(path, item_segment(node[i], i)), file, visited);
  }
}

/// What likely caused a YAML syntax error reported at 0-based `line`: a tab in the indentation
/// of that line or one before it, or a [ or { still open there. Empty if neither.
std::string syntax_hint(const std::string& text, int line) {
  std::size_t start = 0;
  int depth = 0, opened = 0;  // flow brackets open before the error line, and where they opened
  for (int n = 0; n <= line && start < text.size(); ++n) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view row(text.data() + start, end - start);
    start = end + 1;
    const std::size_t indent = std::min(row.find_first_not_of(" \t"), row.size());
    if (row.substr(0, indent).find('\t') != std::string_view::npos)
      return fmt::format(" (line {} is indented with a tab; YAML indents with spaces)", n + 1);
    if (n == line || row.substr(indent, 1) == "#") continue;
    for (char ch : row.substr(0, row.find(" #"))) {
      if ((ch == '[' || ch == '{') && depth++ == 0) opened = n;
      if ((ch == ']' || ch == '}') && depth > 0) --depth;
    }
  }
  if (depth > 0) return fmt::format(" (the [ or {{ on line {} is not closed)", opened + 1);
  return "";
}

InputError bad_override(const std::string& assignment, const std::string& problem) {
  return InputError(fmt::format("--set '{}': {}", assignment, problem));
}

}  // namespace

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
    std::string path = join_path(parent.path_, segment);
    if (node.IsNull() || node.Mark().is_null()) parent.state_->fallback_marks[path] = fallback;
    return Config(parent.state_, std::make_shared<const YAML::Node>(node), std::move(path));
  }

  /// Marks `key` as known and returns the child at it (even a null one), or nullopt.
  static std::optional<Config> lookup(const Config& self, const std::string& key) {
    self.state_->known[self.path_].insert(key);
    if (!self.is_map() && !self.is_null())
      self.fail_expected(fmt::format("a map with key '{}'", key));
    auto entry = find_entry(*self.node_, key);
    if (!entry) return std::nullopt;
    return wrap(self, entry->second, key, self.state_->to_mark(entry->first.Mark()));
  }
};

// --- Range --------------------------------------------------------------------------------

std::string Range::describe() const {
  return describe_range(*this, "a number");
}

bool Range::contains(double v) const {
  return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
}

// --- Loading ------------------------------------------------------------------------------

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

/// The index of the item of `list` named `segment`, else at index `segment`. @throws InputError
/// naming the items.
std::size_t find_item(const YAML::Node& list, const std::string& segment,
                      const std::string& assignment, const std::string& path) {
  std::vector<std::string> named;  // names of the items that have one
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string name = item_segment(list[k], k);
    if (name == segment) return k;
    if (name != std::to_string(k)) named.push_back(name);
  }
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (std::to_string(k) == segment) return k;
  }
  if (segment.find_first_not_of("0123456789") == std::string::npos) {
    const std::string items =
        list.size() == 0
            ? "no items"
            : fmt::format("{} item{}, 0 to {}{}", list.size(), list.size() == 1 ? "" : "s",
                          list.size() - 1, named.empty() ? "" : " (" + join(named, "") + ")");
    throw bad_override(assignment,
                       fmt::format("index {} is out of range: '{}' has {}", segment, path, items));
  }
  const std::string guess = did_you_mean(segment, named);
  const std::string hint = !guess.empty()  ? fmt::format("did you mean '{}'?", guess)
                           : named.empty() ? fmt::format("it has {} items", list.size())
                                           : "items: " + join(named, "");
  throw bad_override(assignment,
                     fmt::format("no item named '{}' in '{}' ({})", segment, path, hint));
}

/// Applies one "key.path=value" assignment to `root`; returns the canonical key path of the
/// shallowest node it created or replaced, so errors anywhere beneath it point at the --set.
std::string apply_override(YAML::Node root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto segments = split(assignment.substr(0, eq), '.');
  const bool empty_segment =
      std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); });
  if (eq == std::string::npos || empty_segment) {
    throw bad_override(assignment, "expected key.path=value");
  }
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    throw bad_override(assignment, "cannot parse the value: " + e.msg);
  }

  // Assigning to a YAML::Node replaces the value it shares with the tree; reset() re-points it.
  YAML::Node node = root;
  std::string path, created;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (node.IsSequence()) {
      const std::size_t k = find_item(node, seg, assignment, path);
      YAML::Node item = node[k];
      if (last && item.IsMap() && !value.IsMap()) {
        // Replacing an item that has keys (a name among them) with a number or a list.
        const std::string at = join_path(path, item_segment(item, k));
        throw bad_override(
            assignment,
            fmt::format("key '{}': got {}, expected a map to replace the item with, or one of "
                        "its keys: --set '{}.KEY=VALUE'",
                        at,
                        value.IsNull()     ? "nothing"
                        : value.IsScalar() ? "\"" + escape_controls(value.Scalar()) + "\""
                                           : flow(value),
                        at));
      }
      if (last) {
        // A map that replaces an item addressed by name keeps the name: "shocks.cut={...}"
        // still replaces the shock called cut.
        const std::string name = item_segment(item, k);
        if (value.IsMap() && !find_entry(value, "name") && name != std::to_string(k))
          value["name"] = name;
        item = value;
      }
      path = join_path(path, item_segment(item, k));  // as the loader will name it
      node.reset(item);
    } else if (node.IsMap() || node.IsNull()) {
      path = join_path(path, seg);
      auto entry = find_entry(node, seg);
      const std::string& next = last ? seg : segments[i + 1];
      if (!last && (!entry || entry->second.IsNull()) &&
          next.find_first_not_of("0123456789") == std::string::npos)
        throw bad_override(assignment,
                           fmt::format("the scenario has no '{}', so no item {} of it to change; "
                                       "give it whole instead: --set '{}=[...]'",
                                       path, next, path));
      if (!entry) {
        node[seg] = last ? value : YAML::Node(YAML::NodeType::Map);
        entry = find_entry(node, seg);
        if (created.empty()) created = path;
      } else if (last) {
        entry->second = value;
      }
      node.reset(entry->second);
    } else {
      throw bad_override(assignment, fmt::format("'{}' is a single value, not a map or a list",
                                                 path.empty() ? "top level" : path));
    }
  }
  return created.empty() ? path : created;
}

}  // namespace

Config Config::load_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    const std::string reason = in ? "it is a directory" : std::strerror(errno);
    throw InputError(fmt::format("cannot read scenario file '{}': {}", path, reason));
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return load_string(text, path, overrides);
}

Config Config::load_string(const std::string& text, const std::string& name,
                           const std::vector<std::string>& overrides) {
  auto state = std::make_shared<State>();
  state->file = name;
  // Classic Mac line ends (CR alone) read as one line that is all comment or all error.
  std::string lines = text;
  if (lines.find('\n') == std::string::npos) std::replace(lines.begin(), lines.end(), '\r', '\n');
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(lines);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: YAML syntax error: {}{}", name, e.mark.line + 1,
                                 e.mark.column + 1, e.msg, syntax_hint(lines, e.mark.line)));
  }
  YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
  for (std::size_t k = 1; k < documents.size(); ++k)
    if (!documents[k].IsNull())
      throw InputError(fmt::format(
          "{}:{}: a second YAML document (after '---'); a scenario is one document, and the "
          "rest would be ignored",
          name, documents[k].Mark().line + 1));
  if (root.IsNull()) {
    const bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
    throw InputError(
        fmt::format("{}: the file is empty{}", name, blank ? "" : " (it holds only comments)"));
  }
  std::size_t visited = 0;
  reject_duplicate_keys(root, "", name, visited);
  if (!overrides.empty() && !root.IsMap())  // the file's fault, not the --set's
    throw InputError(fmt::format(
        "{}:{}:{}: the top level is {}, not a map of keys, so --set '{}' has nothing to set", name,
        root.Mark().line + 1, root.Mark().column + 1,
        root.IsSequence() ? "a list"
                          : fmt::format("the single value \"{}\"",
                                        escape_controls(shorten(root.Scalar(), 38, ""))),
        overrides.front()));
  // Overrides edit the freshly parsed tree in place: YAML::Clone would drop every mark.
  for (const auto& assignment : overrides) {
    const std::string path = apply_override(root, assignment);
    // A later override replaces whatever earlier ones set at or beneath its path.
    std::erase_if(state->overridden, [&](const auto& kv) {
      return kv.first == path || kv.first.rfind(path + ".", 0) == 0;
    });
    state->overridden[path] = assignment;
  }
  return Config(state, std::make_shared<const YAML::Node>(root), "");
}

Config::Config(std::shared_ptr<State> state, std::shared_ptr<const YAML::Node> node,
               std::string path)
    : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)) {}

// --- Navigation ---------------------------------------------------------------------------

const std::string& Config::path() const {
  return path_;
}

Mark Config::mark() const {
  if (state_->override_of(path_)) return {"<--set>", 0, 0};
  if (is_null() || node_->Mark().is_null()) {
    auto it = state_->fallback_marks.find(path_);
    if (it != state_->fallback_marks.end()) return it->second;
  }
  return state_->to_mark(node_->Mark());
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
  const std::set<std::string>& known = state_->known[path_];
  return {known.begin(), known.end()};
}

Config Config::child(const std::string& key) const {
  auto c = State::lookup(*this, key);
  if (c) return *c;
  std::string message = fmt::format("missing required key '{}'", key);
  std::vector<std::string> unread;
  for (const auto& k : keys()) {
    if (!state_->known[path_].count(k)) unread.push_back(k);
  }
  // A misspelt required key is reported where it stands, not at its parent.
  const std::string guess = did_you_mean(key, unread);
  if (!guess.empty()) {
    if (auto misspelt = State::lookup(*this, guess))
      misspelt->fail(fmt::format("unknown key '{}' (did you mean '{}'?)", guess, key));
  }
  fail(message);
}

std::optional<Config> Config::find(const std::string& key) const {
  auto c = State::lookup(*this, key);
  if (c && c->is_null()) return std::nullopt;
  return c;
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

// --- Scalars ------------------------------------------------------------------------------

namespace {

/// "5,000" or "1,250,000.5": a number written with thousands separators, which YAML reads as
/// text; the message then says how to write it.
bool thousands_separated(const std::string& text) {
  std::size_t i = text.size() > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  const std::size_t point = std::min(text.find('.'), text.size());
  const std::string whole = text.substr(i, point - i);
  if (whole.find(',') == std::string::npos || whole.front() == ',') return false;
  std::size_t group = 0;
  for (std::size_t k = whole.size(); k-- > 0;) {
    if (whole[k] == ',') {
      if (group != 3) return false;
      group = 0;
    } else if (whole[k] >= '0' && whole[k] <= '9') {
      ++group;
    } else {
      return false;
    }
  }
  return group >= 1 && group <= 3 && parse_double("0" + text.substr(point)).has_value();
}

/// What a number is expected to be, and for text such as "5,000" how to write it: "5000".
std::string expected_number(const std::string& expected, const std::string& text) {
  if (!thousands_separated(text)) return expected;
  std::string plain = text;
  plain.erase(std::remove(plain.begin(), plain.end(), ','), plain.end());
  return fmt::format("{}, written without thousands separators, such as {}", expected, plain);
}

}  // namespace

double Config::as_double(const Range& r) const {
  const auto v = is_scalar() ? parse_double(node_->Scalar()) : std::nullopt;
  if (!v)
    fail_expected(is_scalar() ? expected_number(r.describe(), node_->Scalar()) : r.describe());
  if (!std::isfinite(*v)) fail_expected("a finite number");
  if (!r.contains(*v)) fail_expected(r.describe());
  return *v;
}

std::int64_t Config::as_int(const Range& r) const {
  const std::string expected = describe_range(r, "an integer");
  if (!is_scalar()) fail_expected(expected);
  std::string text = node_->Scalar();
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.erase(0, 1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    // Also accept integral floats such as 1e6 or 3.0.
    const auto d = parse_double(text);
    constexpr double two_to_63 = 9223372036854775808.0;
    // Past 64 bits (an integer's digits, or a float's value): name the bound the range leaves out.
    const bool integral = d && std::trunc(*d) == *d;
    if (ec == std::errc::result_out_of_range ||
        (integral && (*d >= two_to_63 || *d < -two_to_63))) {
      if (text[0] != '-' && !(r.hi < two_to_63))
        fail_expected(fmt::format("{}, and at most {} (2^63 - 1)", expected,
                                  std::numeric_limits<std::int64_t>::max()));
      if (text[0] == '-' && !(r.lo >= -two_to_63))
        fail_expected(fmt::format("{}, and at least {} (-2^63)", expected,
                                  std::numeric_limits<std::int64_t>::min()));
      fail_expected(expected);
    }
    if (!integral) fail_expected(expected_number(expected, text));
    v = static_cast<std::int64_t>(*d);
  }
  if (!r.contains(static_cast<double>(v))) fail_expected(expected);
  return v;
}

bool Config::as_bool() const {
  bool v = false;
  if (!is_scalar() || !YAML::convert<bool>::decode(*node_, v)) fail_expected("true or false");
  return v;
}

std::string Config::as_string() const {
  if (!is_scalar()) fail_expected("a string");
  if (const std::string fault = text_fault(node_->Scalar(), false); !fault.empty())
    fail_expected(fmt::format("UTF-8 text without control characters ({})", fault));
  return node_->Scalar();
}

std::string Config::as_name() const {
  if (!is_scalar()) fail_expected("a name");
  const std::string& name = node_->Scalar();
  if (const std::string fault = text_fault(name, true); !fault.empty())
    fail_expected(fmt::format("a name: UTF-8 text on one line ({})", fault));
  if (name.empty() || name.front() == ' ' || name.back() == ' ')
    fail_expected("a name: not empty, and not starting or ending with a space");
  return name;
}

std::vector<double> Config::as_doubles(const Range& r) const {
  if (!is_sequence()) fail_expected("a list of numbers");
  std::vector<double> out;
  for (const auto& item : items()) out.push_back(item.as_double(r));
  return out;
}

std::vector<std::string> Config::as_strings() const {
  if (!is_sequence()) fail_expected("a list of strings");
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(item.as_string());
  return out;
}

std::string Config::as_choice(const std::vector<std::string>& choices) const {
  const std::string expected = "one of " + join(choices, "'");
  if (!is_scalar()) fail_expected(expected);
  const std::string v = node_->Scalar();
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  const std::string guess = did_you_mean(v, choices);
  fail_expected(guess.empty() ? expected : fmt::format("{} (did you mean '{}'?)", expected, guess));
}

// --- Keyed getters ------------------------------------------------------------------------

double Config::get_double(const std::string& key, double fallback, const Range& r) const {
  auto c = find(key);
  return c ? c->as_double(r) : fallback;
}
double Config::get_double(const std::string& key, const Range& r) const {
  return child(key).as_double(r);
}
std::int64_t Config::get_int(const std::string& key, std::int64_t fallback, const Range& r) const {
  auto c = find(key);
  return c ? c->as_int(r) : fallback;
}
std::int64_t Config::get_int(const std::string& key, const Range& r) const {
  return child(key).as_int(r);
}
bool Config::get_bool(const std::string& key, bool fallback) const {
  auto c = find(key);
  return c ? c->as_bool() : fallback;
}
std::string Config::get_string(const std::string& key, const std::string& fallback) const {
  auto c = find(key);
  return c ? c->as_string() : fallback;
}
std::string Config::get_string(const std::string& key) const {
  return child(key).as_string();
}

// --- Errors -------------------------------------------------------------------------------

void Config::finish() const {
  if (!is_map()) return;
  const std::set<std::string>& known = state_->known[path_];
  for (const auto& kv : *node_) {
    const std::string key = kv.first.Scalar();
    if (known.count(key)) continue;
    const std::vector<std::string> candidates(known.begin(), known.end());  // sorted
    const std::string guess = did_you_mean(key, candidates);
    std::string hint = guess.empty() ? "known keys: " + join(candidates, "")
                                     : fmt::format("did you mean '{}'?", guess);
    // {budget: 5,000} reads as {budget: 5, 000: null}: the comma separates entries.
    const bool digits = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    if (digits && kv.second.IsNull())
      hint = fmt::format(
          "a thousands separator? In a {{...}} map a comma separates entries, so write numbers "
          "without commas, such as 5000 or 5e3; {}",
          hint);
    const std::string path = join_path(path_, key);
    throw InputError(fmt::format("{}: unknown key '{}' ({})",
                                 state_->where(path, state_->to_mark(kv.first.Mark())), key, hint));
  }
}

void Config::fail_expected(const std::string& expected) const {
  fail(fmt::format("got {}, expected {}", show(), expected));
}

void Config::fail(const std::string& message) const {
  // A check of a whole map or list (shares that must sum to 1, say) can fail because of a --set
  // inside it: name those assignments, since the file alone no longer explains the error.
  std::string changed;
  if (!state_->override_of(path_))
    for (const auto& [path, assignment] : state_->overridden)
      if (!path_.empty() && path.rfind(path_ + ".", 0) == 0)
        changed += fmt::format("{}--set '{}'", changed.empty() ? " (after " : ", ", assignment);
  throw InputError(fmt::format("{}: {}{}", where(), message, changed.empty() ? "" : changed + ")"));
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
  return shorten(flow(*node_), 40, "]");
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
  return best;
}

}  // namespace msim
