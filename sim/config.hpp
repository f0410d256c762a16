#pragma once
/// A read-only view of a YAML document that remembers where every value came from.
///
/// Every node knows its file, line, column and key path ("firms.Acme.budget_per_year": list
/// items are named by their `name` key, or by index when they have none). Getters are typed and
/// range-checked; every error is an InputError whose message reads
///   FILE:LINE:COLUMN: key 'PATH': got VALUE, expected WHAT
/// Nodes record which keys were read; finish() then rejects any key that was never read, with a
/// "did you mean" suggestion drawn from the keys that were asked for.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace msim {

/// Where a node sits in its source: 1-based line and column; file is "<--set>" for overrides.
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;
};

/// A closed or open interval that a number must lie in.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  /// A fraction that people also write as a percentage: "30%" is answered with "0.3 for 30%"
  /// (elsewhere with "without a percent sign"). Ranges within [-1, 1] are taken as fractions.
  bool fraction = false;
  /// Human text, e.g. "a number in [0, 1]" or "a number > 0".
  std::string describe() const;
  bool contains(double v) const;
};

namespace range {
inline Range any() {
  return {};
}
inline Range non_negative() {
  return {0.0, std::numeric_limits<double>::infinity(), false, false};
}
inline Range positive() {
  return {0.0, std::numeric_limits<double>::infinity(), true, false};
}
inline Range unit() {
  return {0.0, 1.0, false, false};
}
inline Range closed(double lo, double hi) {
  return {lo, hi, false, false};
}
/// `r` for a fraction that may lie outside [-1, 1] (Range::fraction).
inline Range fraction(Range r) {
  r.fraction = true;
  return r;
}
}  // namespace range

class Config {
 public:
  /// Parses a YAML file. @throws InputError on a missing file or a YAML syntax error.
  static Config load_file(const std::string& path, const std::vector<std::string>& overrides = {});
  /// Parses YAML text; `name` stands in for the file name in messages.
  /// `overrides` are "key.path=value" assignments applied before anything is read
  /// (list items addressed by name or index); values are parsed as YAML scalars or flow nodes.
  /// @throws InputError on a syntax error or a bad override.
  static Config load_string(const std::string& text, const std::string& name,
                            const std::vector<std::string>& overrides = {});

  const std::string& path() const;  ///< key path; "" for the root
  Mark mark() const;                ///< where this node starts
  std::string where() const;        ///< "FILE:LINE:COLUMN: key 'PATH'"
  /// The --set assignment ("K=V") that gave this node, itself or a map or list around it;
  /// nullopt where the file gave it.
  std::optional<std::string> set_by() const;
  /// The single value the file had at this key of a map, where a --set replaced it; nullopt
  /// where the file had none there (the key was absent, or not a single value), where no --set
  /// changed it, and for what the file's value does not reach: an item of a list, a key inside
  /// a map that a --set replaced whole, a key of a list item that a --set renamed.
  std::optional<std::string> file_value() const;

  bool is_map() const;
  bool is_sequence() const;
  bool is_scalar() const;
  bool is_null() const;

  /// Marks `key` as known and says whether it is present (and not null).
  bool has(const std::string& key) const;
  /// Keys of a map, in file order. Does not mark them as read.
  std::vector<std::string> keys() const;
  /// The keys of this map asked for so far (by get_*, has, find or child), sorted.
  std::vector<std::string> known_keys() const;
  /// Whether `key` of this map was asked for so far (by get_*, has, find or child).
  bool known(const std::string& key) const;
  /// The child at `key`. @throws InputError "missing required key" when absent.
  Config child(const std::string& key) const;
  /// The child at `key`, or nullopt when absent; marks `key` as known either way.
  std::optional<Config> find(const std::string& key) const;
  /// The node at `key_path` beneath this one (list items by name, else by index), or nullopt;
  /// marks no key as known, so it may look anywhere without hiding an unknown key.
  std::optional<Config> peek(const std::string& key_path) const;
  /// `key_path` (beneath this node) with each list item it reaches named as items() names it,
  /// by its name where it has one ("firms.0.budget" is "firms.Acme.budget"); segments past what
  /// the document holds are kept as written.
  std::string named_path(const std::string& key_path) const;
  /// Items of a sequence. @throws InputError when this is not a sequence.
  std::vector<Config> items() const;

  // Scalars of this node. @throws InputError on a wrong type or out-of-range value. A number or a
  // truth value is written plain: quoted ("3000") it is a string, as YAML has it, and refused; a
  // YAML tag is taken when it names the type (!!float "3"), else refused (!!str 5).
  double as_double(const Range& r = {}) const;
  std::int64_t as_int(const Range& r = {}) const;  ///< rejects 2.5 and non-numbers
  /// true or false, and yes/no and on/off, in any case; not y/n (or 0/1).
  bool as_bool() const;
  std::string as_string() const;  ///< UTF-8 text; tabs and line breaks are its only controls
  std::string as_name() const;    ///< as_string() on one line, not empty, not space-padded
  /// as_name() for a name that key paths address (a list item's): without a '.'. `example` is
  /// such a key path with NAME in it ("items.NAME.size"), for the message.
  std::string as_path_name(const std::string& example) const;
  /// The scalar's text, for a --set to apply (as the values of a sweep or a branch are).
  /// @throws InputError for a quoted (or tagged) string whose text a --set reads as something
  /// else: "3000" as a number, "no" as false, "a: b" as a map; the --set would not give it.
  std::string as_set_value() const;
  std::vector<double> as_doubles(const Range& r = {}) const;  ///< a sequence of numbers
  std::vector<std::string> as_strings() const;                ///< a sequence of strings
  /// A string that must be one of `choices`. @throws InputError listing them (with did-you-mean).
  std::string as_choice(const std::vector<std::string>& choices) const;

  // Keyed getters: the value at `key`, or `fallback` when absent. Both mark `key` as known.
  double get_double(const std::string& key, double fallback, const Range& r = {}) const;
  double get_double(const std::string& key, const Range& r = {}) const;  ///< required
  std::int64_t get_int(const std::string& key, std::int64_t fallback, const Range& r = {}) const;
  std::int64_t get_int(const std::string& key, const Range& r = {}) const;  ///< required
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::string get_string(const std::string& key) const;  ///< required

  /// Throws for the first key of this map that nothing asked for, suggesting the nearest known
  /// key. Call it after reading a map. @throws InputError "unknown key 'X' (did you mean 'Y'?)"
  void finish() const;
  /// finish() for every map beneath this node that a read reached: the value of a key asked for
  /// (by get_*, has, find or child), an item of a list so reached, and so on down; the first
  /// key nothing asked for, in file order, is refused as finish() refuses it. Not this node's
  /// own keys (finish() them), nor what lies under a key nothing asked for (finish() refuses the
  /// key). For a reader that may not finish() the maps it looks into (a strategy of a user's).
  /// @throws InputError "unknown key 'X' (did you mean 'Y'?)" at that key
  void finish_beneath() const;
  /// The key paths, in file order, of the keys that finish() and finish_beneath() would refuse:
  /// this map's keys that nothing asked for, and those of the maps beneath it that a read
  /// reached.
  std::vector<std::string> unread_keys() const;

  /// Throws an InputError about `key` of this map, at the key itself: "<file:line:col of the
  /// key>: key '<path>': <message>", followed by "(after --set ...)" when a --set beside it
  /// changed this map (as finish() reports an unknown key).
  [[noreturn]] void fail_key(const std::string& key, const std::string& message) const;

  /// Throws an InputError about this node: "<where()>: got <value>, expected <expected>".
  [[noreturn]] void fail_expected(const std::string& expected) const;
  /// Throws an InputError about this node with a free-form message after where(), followed by
  /// "(after --set 'K=V', ...)" when --set assignments changed keys inside this node.
  [[noreturn]] void fail(const std::string& message) const;
  /// " (after --set 'K=V', which renamed 'OLD' in 'LIST' to 'NEW')" when `name` is the old name
  /// of an item a --set renamed, for a message about a key of this node that names it; else "".
  std::string renamed_note(const std::string& name) const;

  /// Whether this list looks written with decimal commas ("[0,85, 0,9]", read as four items).
  bool has_decimal_commas() const { return !decimal_commas().empty(); }

  /// The value as it appears in the file, shortened for messages ("-3", "[1, 2]", "{...}").
  std::string show() const;

  /// Notes a value that is allowed but looks like a mistake ("<where()>: <message>"), for the
  /// program to show as a warning; once per node and message. Shared by the whole document.
  void note(const std::string& message) const;
  /// The notes made on this document, in order.
  std::vector<std::string> notes() const;

  struct State;  // shared between all nodes of one document

 private:
  Config(std::shared_ptr<State> state, std::shared_ptr<const YAML::Node> node, std::string path);
  /// For a list that looks written with decimal commas ("[0,5, 0,5]"), " (... write [0.5, 0.5]
  /// ...)" for fail() to add; else "".
  std::string decimal_commas() const;
  /// Calls `unread(map, key)` for each key, in file order, of this node (when `self` and it is
  /// a map) and of the maps beneath it that a read reached (see finish_beneath()), that nothing
  /// asked for.
  template <class Unread>
  void visit_unread(bool self, Unread&& unread) const;
  std::shared_ptr<State> state_;
  std::shared_ptr<const YAML::Node> node_;
  std::string path_;
};

/// Why `name` cannot be a segment of a key path ("names may not contain '.': ..."; `example`
/// as in Config::as_path_name), or "" when it can.
std::string path_name_fault(const std::string& name, const std::string& example);

/// The Levenshtein distance between two words, ignoring case.
std::size_t edit_distance(const std::string& word, const std::string& other);

/// The nearest candidate to `word` by edit distance, or "" when none is close
/// (distance above max(2, word.size() / 3)); failing that, the one candidate that begins with
/// `word` and an underscore ("novelty" for "novelty_seeking"; `word` of 4 letters or more).
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace msim
