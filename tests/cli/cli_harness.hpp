#pragma once
// What the command-line tests share: a scratch directory, reading a file whole, and running the
// marketsim program with its exit code and output captured.
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

namespace cli_test {

using msim::test::TempDir;

namespace fs = std::filesystem;

inline const fs::path kSource = MARKETSIM_SOURCE_DIR;
inline const std::string kBinary = MARKETSIM_BINARY;

/// s in single quotes for the shell.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Result {
  int code = -1;
  std::string out, err;
};

/// Runs `marketsim ARGS` in `dir` with stdin closed; captures exit code, stdout and stderr.
/// `shell` is run first in the same shell (to set limits, say).
inline Result marketsim(const TempDir& dir, const std::string& args,
                        const std::string& shell = "") {
  const fs::path out = dir / ".stdout", err = dir / ".stderr";
  const std::string cmd = "cd " + quote(dir.path.string()) + " && " + shell +
                          (shell.empty() ? "" : "; ") + quote(kBinary) + " " + args +
                          " </dev/null >" + quote(out.string()) + " 2>" + quote(err.string());
  const int status = std::system(cmd.c_str());
  REQUIRE(status != -1);
  REQUIRE(WIFEXITED(status));
  Result r{WEXITSTATUS(status), slurp(out), slurp(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

}  // namespace cli_test
