#include "sim/rng.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace msim {

void Stream::bad_gamma_shape(double shape) {
  throw std::invalid_argument(
      fmt::format("Stream::gamma({}): the shape must be a number > 0", shape));
}

}  // namespace msim
