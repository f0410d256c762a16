#include "sim/recorder.hpp"

#include <stdexcept>

namespace msim {

const std::vector<std::vector<double>>& MemoryRecorder::series(const std::string& path) const {
  for (std::size_t k = 0; k < layout_.series.size(); ++k)
    if (layout_.series[k].path == path) return rows_[k];
  throw std::out_of_range("no series recorded at " + path);
}

}  // namespace msim
