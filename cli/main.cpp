// marketsim: the command line (cli/app.cpp). Exit codes: 0 ok, 2 bad input, 1 internal error.
#include "cli/app.hpp"

int main(int argc, char** argv) {
  return msim::cli::main(argc, argv);
}
