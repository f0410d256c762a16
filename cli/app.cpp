// The marketsim command line, as a function: the program's main() calls it, and so may a
// program of the user's own that registers strategies first. Exit codes: 0 ok, 2 bad input,
// 1 internal error.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/seed_option.hpp"
#include "models/limits.hpp"
#include "models/strategy.hpp"
#include "models/version.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"

namespace {

/// When no command was recognised: the word that is not one (or that none was given), and the
/// commands there are. Empty when the error is another one.
std::string unknown_command(const CLI::App& app) {
  if (!app.get_subcommands().empty()) return "";
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  const std::string commands = fmt::format("the commands are {}", fmt::join(names, ", "));
  for (const std::string& arg : app.remaining()) {
    if (arg.empty() || arg.front() == '-') continue;
    // What the Python analysis does, not marketsim: say where it is.
    for (const char* module : {"compare", "report", "plot", "load", "dirichlet"})
      if (arg == module)
        return fmt::format(
            "'{}' is not a command of marketsim but a module of the Python analysis: python3 -m "
            "analysis.{} --help (from the repository's root) describes it; marketsim's {}",
            arg, arg, commands);
    const std::string guess = msim::did_you_mean(arg, names);
    return fmt::format("'{}' is not a command{}; {} (marketsim COMMAND --help describes one)", arg,
                       guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), commands);
  }
  const std::vector<std::string> rest = app.remaining();
  return fmt::format("no command was given{}; {} (marketsim --help describes them)",
                     rest.empty() ? "" : fmt::format(" ('{}' is not an option)", rest.front()),
                     commands);
}

/// An option of a command given before the command's name ("marketsim --threads 1 run"): which
/// command it belongs to, and where it goes. Empty when the first option there is no command's.
std::string early_option(const CLI::App& app, const std::vector<std::string>& args) {
  const auto command = [&](const std::string& word) -> const CLI::App* {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == word) return sub;
    return nullptr;
  };
  const CLI::App* named = nullptr;  // the command given after the option, if any
  for (const std::string& arg : args)
    if ((named = command(arg)) != nullptr) break;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (command(arg) != nullptr || arg.size() < 2 || arg.front() != '-') return "";
    const std::string given = arg.substr(0, arg.find('='));
    std::vector<const CLI::App*> owners;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_option_no_throw(given) != nullptr) owners.push_back(sub);
    if (owners.empty()) {
      // Before a command, an option neither marketsim's nor any command's ("--frobnicate run").
      if (named == nullptr || app.get_option_no_throw(given) != nullptr) continue;
      return fmt::format(
          "'{}' is not an option of marketsim or of any of its commands; marketsim's own are "
          "--help and --version, and a command's go after it (marketsim {} --help lists them)",
          given, named->get_name());
    }
    const bool of_named = std::find(owners.begin(), owners.end(), named) != owners.end();
    const CLI::App* sub = of_named ? named : owners.front();
    std::vector<std::string> names;
    for (const CLI::App* owner : owners) names.push_back(owner->get_name());
    // The option as given, with its value when it takes one.
    std::string example = arg;
    const bool takes_value = sub->get_option_no_throw(given)->get_expected_min() > 0;
    if (takes_value && arg.find('=') == std::string::npos && i + 1 < args.size() &&
        command(args[i + 1]) == nullptr)
      example += " " + args[i + 1];
    return fmt::format(
        "'{}' is an option of {}, not of marketsim itself: give it after the command, as in "
        "marketsim {} ... {} (marketsim {} --help lists its options)",
        given, of_named ? sub->get_name() : fmt::format("{}", fmt::join(names, " and ")),
        sub->get_name(), example, sub->get_name());
  }
  return "";
}

/// What each option (or argument) that takes a value expects, in words: "a directory DIR/ ...".
using Expected = std::map<const CLI::Option*, std::string>;

/// An option or argument given without its value ("--csv" last) or not at all, in words:
/// "--csv needs a value: expected ...". Empty when the error is another one.
std::string missing_value(const CLI::App& sub, const CLI::ParseError& e, const Expected& expected) {
  const std::string what = e.what();
  const bool no_value = dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr;
  const bool absent = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr;
  for (const CLI::Option* o : sub.get_options()) {
    const auto it = expected.find(o);
    if (it == expected.end()) continue;
    const std::string name = o->get_name();
    if (no_value && what.rfind(name + ": ", 0) == 0) {
      const std::string alias = o->get_snames().empty() ? "" : " (-" + o->get_snames()[0] + ")";
      // CLI11's "At Most 1 required but received 2": the option given twice, each with a value.
      if (what.find("At Most") != std::string::npos)
        return fmt::format("{}{} was given more than once: give it once, as {}", name, alias,
                           it->second);
      return fmt::format("{}{} needs a value: expected {}", name, alias, it->second);
    }
    if (absent && what == name + " is required")
      return fmt::format("no {} was given: expected {}", name, it->second);
  }
  return "";
}

/// A command line that CLI11 rejected, in the program's own words: which command, what was
/// wrong (an option that is not one gets the nearest the command has, one without its value
/// what it expects), and where help is.
std::string parse_error(const CLI::App& app, const CLI::ParseError& e, const Expected& expected) {
  const CLI::App* sub = app.get_subcommands().front();
  const auto words = [&](const std::string& what) {
    return fmt::format("{}: {} (marketsim {} --help lists its options)", sub->get_name(), what,
                       sub->get_name());
  };
  if (const std::string missing = missing_value(*sub, e, expected); !missing.empty())
    return words(missing);
  std::string what = e.what();
  if (!what.empty() && std::isupper(static_cast<unsigned char>(what.front())))
    what.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(what.front())));
  std::vector<std::string> options;
  for (const CLI::Option* o : sub->get_options())
    for (const std::string& name : o->get_lnames()) options.push_back("--" + name);
  for (const std::string& arg : sub->remaining()) {
    if (arg.size() < 2 || arg.front() != '-') continue;
    const std::string given = arg.substr(0, arg.find('='));
    // The one option that begins with what was given (--out for --output), else the nearest.
    std::vector<std::string> longer;
    for (const std::string& name : options)
      if (given.size() >= 5 && name.rfind(given, 0) == 0) longer.push_back(name);
    const std::string guess =
        longer.size() == 1 ? longer.front() : msim::did_you_mean(given, options);
    what = fmt::format("'{}' is not an option of {}{}", given, sub->get_name(),
                       guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess));
    break;
  }
  return words(what);
}

/// An option's check: a whole number in [lo, hi], named as such when the value is not one.
CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  const std::string top =
      hi == std::numeric_limits<std::int64_t>::max() ? "2^63 - 1" : std::to_string(hi);
  const std::string expected = fmt::format("a whole number from {} to {}", lo, top);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        std::int64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [at, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc{} || at != end || v < lo || v > hi)
          return fmt::format("got '{}', expected {}", text, expected);
        return "";
      },
      expected);
}

/// --part's value "K/N" as (K - 1, N), or an error saying what was expected.
std::variant<std::pair<std::size_t, std::size_t>, std::string> part_of(const std::string& text) {
  const auto number = [](std::string_view digits, std::size_t& v) {
    const auto [at, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return ec == std::errc{} && at == digits.data() + digits.size() && !digits.empty();
  };
  const std::size_t slash = text.find('/');
  std::size_t k = 0, n = 0;
  const std::string_view all(text);
  if (slash == std::string::npos || !number(all.substr(0, slash), k) ||
      !number(all.substr(slash + 1), n) || n == 0 || n > 1000000)
    return fmt::format(
        "got '{}', expected K/N, part K of N parts (1 <= K <= N), such as 2/4 for the second "
        "of four",
        text);
  if (k < 1 || k > n)
    return fmt::format("got '{}', but K must be from 1 to N ({}): the parts are 1/{} to {}/{}",
                       text, n, n, n, n);
  return std::pair{k - 1, n};
}

/// The program's description, naming the strategies it has registered.
std::string description() {
  const auto& registry = msim::strategy_registry();
  std::string names;
  for (std::size_t i = 0; i < registry.size(); ++i)
    names += (i == 0 ? "" : i + 1 == registry.size() ? " and " : ", ") + registry[i].name;
  return fmt::format(
      "marketsim: agent-based market simulation with {} marketing strategies: {} (marketsim "
      "strategies describes them)",
      registry.size(), names);
}

}  // namespace

namespace msim::cli {

int main(int argc, char** argv) {
  // A file past the file size limit (ulimit -f): the write fails, and the file is removed with a
  // message, instead of the signal killing the process and leaving it.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{description()};
  app.set_version_flag("--version", std::string(msim::kVersion) + " (" + msim::kGitCommit + ")");
  app.require_subcommand(1);
  Expected expected;  // for each option that takes a value, what it is, in words
  const auto expects = [&](CLI::Option* option, std::string what) {
    expected[option] = std::move(what);
    return option;
  };
  const std::string seeds = "a whole number from 0 to 2^63 - 1";
  const std::string assignment = "key.path=value, such as --set consumers=200000";

  msim::cli::RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "simulate a scenario and write an HDF5 file");
  expects(run_cmd->add_option("scenario", run.scenario,
                              "scenario YAML (default: the embedded default)"),
          "a scenario YAML file (or none for the embedded default)")
      ->check(
          [](const std::string& path) {
            return path.empty() ? std::string(
                                      "an empty path was given; expected a scenario "
                                      "YAML file (or none for the embedded default)")
                                : std::string();
          },
          "scenario path");
  expects(run_cmd->add_option("-o,--output", run.output, "output HDF5 file (default: output.path)"),
          "the HDF5 file to write, such as -o out.h5")
      ->each([&](const std::string&) { run.has_output = true; });
  expects(run_cmd->add_option("--threads", run.threads, "worker threads (default: all cores)"),
          "a number of worker threads, a whole number from 1 to 1024")
      ->check(whole_number(1, 1024));
  expects(run_cmd->add_option("--seed", run.seed,
                              "random seed, 0 .. 2^63-1 (overrides the scenario's)"),
          seeds)
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()))
      ->each([&](const std::string&) { run.has_seed = true; });
  expects(run_cmd->add_option("--set", run.overrides,
                              "override a key: --set firms.Acme.budget_per_year=2e6"),
          assignment)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run_cmd->add_flag("--force", run.force, "overwrite an existing output file");
  run_cmd->add_flag("--resume", run.resume,
                    "experiments: keep the runs an interrupted run of this experiment finished "
                    "(by design point and replication: replications may be added); with "
                    "--force, also those of a completed OUT.h5, which it replaces");
  std::string part;
  expects(run_cmd->add_option(
              "--part", part,
              "experiments: run only part K of N (K/N), on one of N processes or machines; "
              "--resume without --part then writes the file"),
          "K/N, part K of N parts, such as 2/4 for the second of four")
      ->check(
          [](const std::string& text) {
            const auto parsed = part_of(text);
            return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed)
                                                               : std::string();
          },
          "K/N");
  run_cmd->add_flag("-q,--quiet", run.quiet, "no progress and no summary");
  expects(run_cmd->add_option("--block-size", run.block_size, "consumers per parallel block"),
          fmt::format("a number of consumers, a whole number from 64 to {}", kMaxBlockSize))
      ->check(whole_number(64, static_cast<std::int64_t>(kMaxBlockSize)));

  std::string file;
  std::vector<std::string> overrides;
  auto* validate_cmd = app.add_subcommand("validate", "check a scenario and print it resolved");
  expects(validate_cmd->add_option("scenario", file, "scenario YAML"), "a scenario YAML file")
      ->required();
  expects(validate_cmd->add_option("--set", overrides, "override a key, as for run"), assignment)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  bool has_seed = false;
  std::int64_t seed = 0;
  expects(validate_cmd->add_option("--seed", seed,
                                   "random seed, as for run (the same as --set seed=S)"),
          seeds)
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()))
      ->each([&](const std::string&) { has_seed = true; });

  auto* summarize_cmd = app.add_subcommand("summarize", "print the summary table of a run file");
  expects(summarize_cmd->add_option("file", file, "HDF5 file written by marketsim run"),
          "an HDF5 file written by marketsim run")
      ->required();
  std::string csv;
  auto* csv_opt = summarize_cmd->add_option(
      "--csv", csv,
      "write the tables as CSV into a directory (DIR/, made if missing, or the name of an "
      "existing directory) or else with a file-name prefix (PREFIX-summary.csv, ...): for a "
      "single run DIR/summary.csv (one row per firm), "
      "DIR/market.csv (one row per step and firm), DIR/categories.csv (one row per step, "
      "category and firm), DIR/years.csv (one row per year and firm) "
      "and DIR/columns.csv (each column's table, unit and meaning); "
      "for an experiment DIR/runs.csv, "
      "DIR/summary.csv, with design points compared with design point 0 DIR/differences.csv, "
      "with a Latin hypercube DIR/sensitivity.csv (each result's partial rank correlation with "
      "each sampled key), and DIR/columns.csv (each runs.csv column's metric, firm, unit and "
      "meaning)");
  expects(csv_opt,
          "where to write the tables: a directory DIR/ (made if missing) or an existing one, or "
          "else a file-name prefix PREFIX (PREFIX-summary.csv, ...)");
  bool csv_force = false;
  summarize_cmd->add_flag("--force", csv_force,
                          "replace CSV tables that exist, but only tables an earlier --csv wrote "
                          "(a file whose first line is that table's header): an HDF5 file, such "
                          "as the run summarized, a scenario or any other file is never replaced");

  auto* strategies_cmd =
      app.add_subcommand("strategies", "list the registered strategies and their parameters");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    // "marketsim compre --help": the help of a command that is not one is an error, not
    // marketsim's own help with exit 0.
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto word = std::find_if(args.begin(), args.end(), [](const std::string& arg) {
      return !arg.empty() && arg.front() != '-';
    });
    if (app.get_subcommands().empty() && word != args.end()) {
      fmt::print(stderr, "error: {}\n", msim::escape_non_utf8(unknown_command(app)));
      return 2;
    }
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = early_option(app, std::vector<std::string>(argv + 1, argv + argc));
    if (message.empty()) message = unknown_command(app);
    fmt::print(stderr, "error: {}\n",
               msim::escape_non_utf8(message.empty() ? parse_error(app, e, expected) : message));
    return 2;
  }

  // What the command printed must reach its destination: a full disk under `> file` or
  // /dev/full is the system's refusal (exit 1), not success and not an internal error.
  const auto unwritten = [](int err) {
    fmt::print(stderr,
               "error: cannot write the standard output ({}); what the command printed "
               "is incomplete\n",
               std::strerror(err));
    return 1;
  };
  try {
    try {
      int code = 1;
      if (*run_cmd) {
        if (!part.empty()) std::tie(run.part, run.parts) = std::get<0>(part_of(part));
        code = msim::cli::run(run);
      }
      if (*validate_cmd)
        code = msim::cli::validate(
            file, with_seed(overrides, has_seed ? std::optional(seed) : std::nullopt));
      if (*summarize_cmd)
        code = msim::cli::summarize(file, csv_opt->count() > 0 ? std::optional(csv) : std::nullopt,
                                    csv_force);
      if (*strategies_cmd) code = msim::cli::strategies();
      if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) return unwritten(errno);
      return code;
    } catch (const std::system_error& e) {  // fmt::print's, when stdout refuses a write
      if (std::ferror(stdout) == 0) throw;
      return unwritten(e.code().value());
    }
  } catch (const msim::InputError& e) {  // (a path in it may be in any encoding)
    fmt::print(stderr, "error: {}\n", msim::escape_non_utf8(e.what()));
    return 2;
  } catch (const msim::OutputError& e) {  // the system's refusal, not a fault to report
    fmt::print(stderr, "error: {}\n", msim::escape_non_utf8(e.what()));
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr,
               "internal error: {}\nIf it names a strategy you wrote, the fault is in that "
               "strategy; otherwise please report it with the scenario that caused it.\n",
               msim::escape_non_utf8(e.what()));
    return 1;
  }
  return 1;
}

}  // namespace msim::cli
