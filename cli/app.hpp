#pragma once
/// The whole marketsim command line (run, validate, summarize, strategies) as a function, so a
/// program of the user's own can register its strategies (msim::register_strategy) and then
/// offer every command with them: see examples/custom_cli.cpp.

namespace msim::cli {

/// Parses the arguments and runs the command. Returns the exit code: 0 ok, 2 bad input (with a
/// message on stderr, nothing written), 1 internal error, 128 + the signal when SIGINT (130),
/// SIGTERM (143) or SIGHUP (129) stopped a run.
int main(int argc, char** argv);

}  // namespace msim::cli
