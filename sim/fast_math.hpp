#pragma once
/// Fast, deterministic elementary functions for hot loops.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace msim {

/// e^x in single precision, relative error below 2e-7 for x in [-87, 88] (inputs outside are
/// clamped). Cody-Waite reduction x = n ln2 + r with |r| <= ln2 / 2, a degree-7 Taylor
/// polynomial of e^r (by Estrin's scheme), and 2^n from the exponent bits. n is rounded with
/// the 1.5 * 2^23 trick rather than floor(), so the function has no calls or branches and loops
/// over it vectorise. The same bits on every machine that runs the same binary.
inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  // ln 2 split so that n * kLn2Hi is exact in float for |n| < 256.
  constexpr float kLn2Hi = 0.693145751953125f;
  constexpr float kLn2Lo = 1.428606765330187e-06f;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  // The Taylor polynomial by Estrin's scheme: independent pairs joined by r^2 and r^4, half the
  // dependent steps of Horner's rule (this sits on the logit's critical path).
  const float r2 = r * r, r4 = r2 * r2;
  const float p01 = 1.0f + r, p23 = 0.5f + r * (1.0f / 6.0f);
  const float p45 = 1.0f / 24.0f + r * (1.0f / 120.0f), p67 = 1.0f / 720.0f + r * (1.0f / 5040.0f);
  const float p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67);
  const auto bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

}  // namespace msim
