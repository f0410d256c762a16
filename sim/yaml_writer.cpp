#include "sim/yaml_writer.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace msim {

struct YamlWriter::Impl {
  YAML::Emitter out;
};

YamlWriter::YamlWriter() : impl_(std::make_unique<Impl>()) {
  impl_->out.SetIndent(2);
}
YamlWriter::~YamlWriter() = default;

YamlWriter& YamlWriter::begin_map() {
  impl_->out << YAML::BeginMap;
  return *this;
}
YamlWriter& YamlWriter::end_map() {
  impl_->out << YAML::EndMap;
  return *this;
}
YamlWriter& YamlWriter::begin_list() {
  impl_->out << YAML::BeginSeq;
  return *this;
}
YamlWriter& YamlWriter::end_list() {
  impl_->out << YAML::EndSeq;
  return *this;
}
YamlWriter& YamlWriter::key(std::string_view k) {
  impl_->out << YAML::Key << std::string(k) << YAML::Value;
  return *this;
}
YamlWriter& YamlWriter::value(double v) {
  impl_->out << YAML::Node(format_number(v));
  return *this;
}
YamlWriter& YamlWriter::value(std::int64_t v) {
  impl_->out << v;
  return *this;
}
YamlWriter& YamlWriter::value(bool v) {
  impl_->out << v;
  return *this;
}
YamlWriter& YamlWriter::value(std::string_view v) {
  impl_->out << std::string(v);
  return *this;
}
YamlWriter& YamlWriter::value(const std::vector<double>& v) {
  impl_->out << YAML::Flow << YAML::BeginSeq;
  for (double x : v) impl_->out << YAML::Node(format_number(x));
  impl_->out << YAML::EndSeq;
  return *this;
}
YamlWriter& YamlWriter::value(const std::vector<std::string>& v) {
  impl_->out << YAML::Flow << YAML::BeginSeq;
  for (const auto& x : v) impl_->out << x;
  impl_->out << YAML::EndSeq;
  return *this;
}
YamlWriter& YamlWriter::comment(std::string_view text) {
  impl_->out << YAML::Comment(std::string(text));
  return *this;
}
std::string YamlWriter::str() const {
  return std::string(impl_->out.c_str()) + "\n";
}

std::string format_number(double v) {
  return fmt::format("{}", v);
}

}  // namespace msim
