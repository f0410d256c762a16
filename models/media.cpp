#include "models/media.hpp"

#include <algorithm>

namespace msim {

MediaReach media_reach(const Scenario& sc, const std::vector<FirmPlan>& plans,
                       const std::vector<double>& segment_consumers,
                       const std::vector<double>& audience) {
  const std::size_t F = plans.size(), S = segment_consumers.size();
  const double N = static_cast<double>(sc.consumers);
  // Impressions bought with `spend` at `cpm`, capped (finite however small the CPM).
  const auto bought = [&](double spend, double cpm) {
    return spend > 0 ? std::min(1000.0 * spend / cpm, kMaxMeanExposures * N) : 0.0;
  };
  MediaReach r{std::vector<double>(S * F, 0.0), std::vector<double>(S * F, 0.0),
               std::vector<double>(S * F, 0.0)};
  for (std::size_t j = 0; j < F; ++j) {
    const FirmPlan& p = plans[j];
    const double mass = bought(p.mass_spend, sc.market.cpm_mass) / N;
    double spill = 0.0;
    for (std::size_t s = 0; s < S; ++s) {
      const double impressions = bought(p.targeted_spend[s], sc.market.cpm_targeted);
      if (impressions <= 0) continue;
      const double picked = audience[s * F + j];
      if (picked >= 0) {  // an audience: only those it picks out
        if (picked > 0) {
          r.targeted_in[s * F + j] += p.targeting_precision * impressions / picked;
          spill += (1.0 - p.targeting_precision) * impressions / N;
        } else {
          spill += impressions / N;
        }
      } else if (segment_consumers[s] > 0) {
        r.targeted[s * F + j] += p.targeting_precision * impressions / segment_consumers[s];
        spill += (1.0 - p.targeting_precision) * impressions / N;
      } else {
        spill += impressions / N;  // an empty segment: everything spills
      }
    }
    for (std::size_t s = 0; s < S; ++s) {
      r.mass[s * F + j] = mass;
      r.targeted[s * F + j] += spill;
      if (audience[s * F + j] >= 0)
        r.targeted_in[s * F + j] += spill;
      else
        r.targeted_in[s * F + j] = r.targeted[s * F + j];
      for (auto* v : {&r.targeted, &r.targeted_in})
        (*v)[s * F + j] = std::min((*v)[s * F + j], kMaxMeanExposures);
    }
  }
  return r;
}

}  // namespace msim
