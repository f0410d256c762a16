#pragma once
/// Writes block-style YAML (for resolved scenarios), numbers in their shortest exact form.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace msim {

class YamlWriter {
 public:
  YamlWriter();
  ~YamlWriter();
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;

  YamlWriter& begin_map();
  YamlWriter& end_map();
  YamlWriter& begin_list();
  YamlWriter& end_list();
  YamlWriter& key(std::string_view k);
  YamlWriter& value(double v);
  YamlWriter& value(std::int64_t v);
  YamlWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  YamlWriter& value(bool v);
  YamlWriter& value(std::string_view v);
  YamlWriter& value(const char* v) { return value(std::string_view(v)); }
  YamlWriter& value(const std::string& v) { return value(std::string_view(v)); }
  /// A list of numbers on one line: [1, 2.5].
  YamlWriter& value(const std::vector<double>& v);
  /// A list of strings on one line: [a, b].
  YamlWriter& value(const std::vector<std::string>& v);
  /// A comment after the last value.
  YamlWriter& comment(std::string_view text);
  /// The document so far.
  std::string str() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The shortest decimal text that reads back as exactly v.
std::string format_number(double v);

}  // namespace msim
