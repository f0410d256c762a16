#include "models/scenario.hpp"

#include <algorithm>

namespace msim {

Eigen::VectorXd Scenario::population_mean() const {
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(preference_dims);
  for (const auto& s : segments) mean += s.share * s.ideal_mean;
  return mean;
}

int Scenario::segment_index(const std::string& n) const {
  for (std::size_t k = 0; k < segments.size(); ++k)
    if (segments[k].name == n) return static_cast<int>(k);
  return -1;
}

int Scenario::category_index(const std::string& n) const {
  for (std::size_t k = 0; k < categories.size(); ++k)
    if (categories[k].name == n) return static_cast<int>(k);
  return -1;
}

std::size_t Scenario::durable_categories() const {
  return static_cast<std::size_t>(
      std::count_if(categories.begin(), categories.end(), [](const Category& c) { return c.durable(); }));
}

}  // namespace msim
