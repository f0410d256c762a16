// README.md's "Command line" section against the program's --help: every option a command's
// help lists is in the section's synopsis of that command and in its bullets, and the synopsis
// has no option the help does not list.
#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using namespace cli_test;

namespace {

/// The options a help text lists under "Options:" (both names of -o,--output), less --help.
std::set<std::string> help_options(const std::string& help) {
  std::set<std::string> out;
  std::istringstream lines(help.substr(help.find("Options:")));
  std::string line;
  const std::regex option(R"(^\s+(-[^\s]+))");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, option)) continue;
    std::istringstream names(m[1].str());
    std::string name;
    while (std::getline(names, name, ','))
      if (name != "-h" && name != "--help") out.insert(name);
  }
  return out;
}

/// The options written in `text`: --name and -x.
std::set<std::string> options_in(const std::string& text) {
  std::set<std::string> out;
  const std::regex option(R"((^|[\s\[|(`])(--?[a-z][a-z-]*))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), option);
       it != std::sregex_iterator(); ++it)
    out.insert((*it)[2].str());
  return out;
}

/// Each command's synopsis in the section's code block, by command: what follows
/// "marketsim COMMAND" on its line and on the indented lines that continue it.
std::map<std::string, std::string> synopses(const std::string& block) {
  std::map<std::string, std::string> out;
  std::string* current = nullptr;
  std::istringstream lines(block);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("marketsim ", 0) == 0) {
      std::istringstream words(line);
      std::string program, command, rest;
      words >> program >> command;
      std::getline(words, rest);
      current = &out[command];
      *current += rest + "\n";
    } else if (current != nullptr && !line.empty() && line.front() == ' ') {
      *current += line + "\n";
    } else {
      current = nullptr;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("cli: README's command line lists every option of each command's --help", "[cli]") {
  const std::string readme = slurp(kSource / "README.md");
  const std::size_t from = readme.find("\n## Command line\n");
  REQUIRE(from != std::string::npos);
  const std::string section = readme.substr(from, readme.find("\n## ", from + 1) - from);
  const std::size_t open = section.find("```\n"), close = section.find("```\n", open + 4);
  REQUIRE(close != std::string::npos);
  const std::string block = section.substr(open + 4, close - open - 4);
  const std::string bullets = section.substr(close);
  const std::map<std::string, std::string> synopsis = synopses(block);
  TempDir dir;
  for (const std::string command : {"run", "validate", "summarize", "strategies"}) {
    INFO("marketsim " << command << " --help");
    const Result help = marketsim(dir, command + " --help");
    REQUIRE(help.code == 0);
    const std::set<std::string> listed = help_options(help.out);
    REQUIRE(synopsis.count(command) == 1);
    CHECK(options_in(synopsis.at(command)) == listed);
    for (const std::string& option : listed) {
      INFO(option);
      CHECK_THAT(bullets, Catch::Contains("`" + option));
    }
  }
  // The program's own: --help (-h) and --version.
  const Result help = marketsim(dir, "--help");
  REQUIRE(help.code == 0);
  CHECK(help_options(help.out) == std::set<std::string>{"--version"});
  CHECK_THAT(block, Catch::Contains("marketsim --help") && Catch::Contains("--version"));
  for (const char* option : {"`--help`", "`-h`", "`--version`"})
    CHECK_THAT(bullets, Catch::Contains(option));
}
