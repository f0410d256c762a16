#pragma once
/// Fast, deterministic elementary functions for hot loops.
#include <algorithm>
#include <bit>
#include <cassert>
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

/// sin t and cos t for 0 <= t <= 2 pi (a Box-Muller angle), within 0.86 of a unit in the last
/// place (tests/sim/fast_math_test.cpp measures it). t less the nearest multiple k pi / 2
/// (Cody-Waite: pi / 2 in three parts, the first two of 33 bits, so that k times them is exact
/// and t less the first is exact too) leaves |r| <= pi / 4, where the Taylor series of sin r to
/// r^17 and of cos r to r^18 are exact far below a unit in the last place; cos r = 1 - r^2 / 2 +
/// ... carries the rounding of its first subtraction separately. Plain double arithmetic with
/// no calls: the same bits with every compiler and C library; 7 ns a call in a loop of its own
/// here, against 11.6 ns for glibc's sincos (about 22 ns inside population synthesis).
inline void sin_cos(double t, double& sin_t, double& cos_t) {
  assert(t >= 0.0 && t <= 6.3);  // (k below is 0 to 4: the reduction is exact for these)
  constexpr double kTwoOverPi = 0x1.45f306dc9c883p-1;
  constexpr double kHalfPiHi = 0x1.921fb544p+0;          // pi / 2 to 33 bits
  constexpr double kHalfPiMid = 0x1.0b4611a6p-34;        // the next 33 bits
  constexpr double kHalfPiLo = 0x1.3198a2e037073p-69;    // the rest
  const int k = static_cast<int>(t * kTwoOverPi + 0.5);  // t >= 0: rounds to nearest
  const auto kd = static_cast<double>(k);
  // r + r_lo = t - k pi / 2: a is exact, and (a - r) - b is the rounding error of r exactly
  // (Fast2Sum where |a| >= |b|; where not, a - b itself is exact).
  const double a = t - kd * kHalfPiHi, b = kd * kHalfPiMid;
  const double r = a - b;
  const double r_lo = ((a - r) - b) - kd * kHalfPiLo;
  const double z = r * r, z2 = z * z, z4 = z2 * z2;
  // Estrin's scheme: pairs joined by z^2 and z^4, half the dependent steps of Horner's rule.
  const auto estrin = [&](const double(&coef)[8]) {
    return ((coef[0] + z * coef[1]) + z2 * (coef[2] + z * coef[3])) +
           z4 * ((coef[4] + z * coef[5]) + z2 * (coef[6] + z * coef[7]));
  };
  // (-1)^n / (2n + 1)! for n = 1..8, and (-1)^n / (2n)! for n = 2..9.
  constexpr double kSin[8] = {
      -1.0 / 6.0,        1.0 / 120.0,        -1.0 / 5040.0,          1.0 / 362880.0,
      -1.0 / 39916800.0, 1.0 / 6227020800.0, -1.0 / 1307674368000.0, 1.0 / 355687428096000.0};
  constexpr double kCos[8] = {
      1.0 / 24.0,        -1.0 / 720.0,         1.0 / 40320.0,          -1.0 / 3628800.0,
      1.0 / 479001600.0, -1.0 / 87178291200.0, 1.0 / 20922789888000.0, -1.0 / 6402373705728000.0};
  // sin(r + r_lo) = sin r + r_lo cos r and cos(r + r_lo) = cos r - r_lo sin r, to within far
  // less than a unit in the last place (|r_lo| is below one of r's).
  const double half_z = 0.5 * z, w = 1.0 - half_z;  // (1 - w) - half_z is w's rounding, exact
  const double s = r + ((r * z) * estrin(kSin) + (r_lo - r_lo * half_z));
  const double c = w + (((1.0 - w) - half_z) + (z2 * estrin(kCos) - r * r_lo));
  // The quadrant, without a branch (it is a coin toss): odd ones swap sin and cos, and the
  // sign bits flip in the lower half-turn for sin and the left one for cos.
  const bool odd = (k & 1) != 0;
  const auto sign_sin = static_cast<std::uint64_t>(k & 2) << 62;
  const auto sign_cos = static_cast<std::uint64_t>((k + 1) & 2) << 62;
  sin_t = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? c : s) ^ sign_sin);
  cos_t = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? s : c) ^ sign_cos);
}

}  // namespace msim
