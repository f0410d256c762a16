#pragma once
/// Counter-based random numbers (Random123 Philox4x32-10). No generator state lives anywhere:
/// a draw is a pure function of (seed, purpose, a, b, slot), so results never depend on threads.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

#include "sim/fast_math.hpp"
#include "sim/stats.hpp"

namespace msim {

/// Four independent 32-bit words per call.
using Words = std::array<std::uint32_t, 4>;

/// A keyed Philox generator: the key is (seed, purpose); the counter is (a, b, slot, seed_hi),
/// where a is usually a consumer index and b a step.
class Philox {
 public:
  Philox(std::uint64_t seed, std::uint32_t purpose)
      : key_{{static_cast<std::uint32_t>(seed), purpose}},
        seed_hi_(static_cast<std::uint32_t>(seed >> 32)) {}

  Words operator()(std::uint32_t a, std::uint32_t b, std::uint32_t slot) const {
    r123::Philox4x32::ctr_type ctr = {{a, b, slot, seed_hi_}};
    const auto r = gen_(ctr, key_);
    return {r[0], r[1], r[2], r[3]};
  }
  std::uint32_t key0() const { return key_[0]; }
  std::uint32_t key1() const { return key_[1]; }
  std::uint32_t seed_hi() const { return seed_hi_; }

 private:
  r123::Philox4x32 gen_;
  r123::Philox4x32::key_type key_;
  std::uint32_t seed_hi_;
};

/// Philox4x32-10's round constants (Random123's): the multipliers and the Weyl key increments.
/// philox_one and the batched paths of sim/rng_batch.cpp all use these.
inline constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

/// One counter: the same bits as gen(a, b, slot), in plain C++ that the compiler schedules
/// freely (Random123's x86 multiply is inline assembly, which it cannot).
inline Words philox_one(const Philox& gen, std::uint32_t a, std::uint32_t b, std::uint32_t slot) {
  constexpr std::uint64_t kM0 = kPhiloxM0, kM1 = kPhiloxM1;
  std::uint32_t c0 = a, c1 = b, c2 = slot, c3 = gen.seed_hi();
  std::uint32_t k0 = gen.key0(), k1 = gen.key1();
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = kM0 * c0;
    const std::uint64_t p1 = kM1 * c2;
    c0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    c2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    k0 += kPhiloxW0;
    k1 += kPhiloxW1;
  }
  return {c0, c1, c2, c3};
}

/// The 16-bit uniform of item k (0..7) of a Philox call: half k % 2 of word k / 2.
inline std::uint32_t half_word(const Words& w, std::size_t k) {
  return (w[(k >> 1) & 3] >> ((k & 1) * 16)) & 0xFFFFu;
}

/// A uniform in the open interval (0, 1) from 32 random bits.
inline double to_unit(std::uint32_t w) {
  return (static_cast<double>(w) + 0.5) * 0x1p-32;
}
/// The same in single precision; the result is in (0, 1].
inline float to_unit_f(std::uint32_t w) {
  return static_cast<float>((w >> 8) + 1u) * 0x1p-24f;
}

/// A sequential stream of variates for one (a, b): slot 0, 1, 2, ... consumed four words at a
/// time. Use it where the number of draws varies (population synthesis, rejection sampling).
class Stream {
 public:
  Stream(const Philox& gen, std::uint32_t a, std::uint32_t b) : gen_(gen), a_(a), b_(b) {}
  /// The same stream, its slot 0 already drawn (`first`, which must be gen(a, b, 0)), and
  /// slot 1 too where `second` is given (gen(a, b, 1); it must outlive the stream's use of it):
  /// for callers that draw the first slots of many streams at once (sim/rng_batch.hpp).
  Stream(const Philox& gen, std::uint32_t a, std::uint32_t b, const Words& first,
         const Words* second = nullptr)
      : gen_(gen), a_(a), b_(b), slot_(1), words_(first), used_(0), second_(second) {}

  std::uint32_t bits() {
    if (used_ == 4) [[unlikely]]
      refill();
    return words_[used_++];
  }
  double uniform() { return to_unit(bits()); }
  /// Skips n words, as n calls of bits() would. A Box-Muller pair of normals is two words, so
  /// with no spare normal pending, skipping them leaves the stream where drawing both would.
  void skip(unsigned n) {
    for (; n > 0; --n) bits();
  }
  /// A standard normal (Box-Muller; the pair's second value is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double t = 2.0 * 3.14159265358979323846 * uniform();
    double sin_t, cos_t;
    // Not libm's sincos: sim/fast_math.hpp's, within a unit in the last place, took a quarter
    // off population synthesis (glibc's was its largest part), and does not depend on the C
    // library (the logarithm above still does).
    sin_cos(t, sin_t, cos_t);
    spare_ = r * sin_t;
    has_spare_ = true;
    return r * cos_t;
  }
  /// Gamma(shape, scale 1) by Marsaglia & Tsang (2000), with the boost for shape < 1. Its
  /// domain is shape > 0 (an infinite shape gives infinity).
  /// @throws std::invalid_argument naming the shape when it is 0, negative or NaN.
  double gamma(double shape) {
    if (!(shape > 0.0)) [[unlikely]]
      bad_gamma_shape(shape);
    if (shape < 1.0) {
      const double boosted = gamma_at_least_one(shape + 1.0);
      return boosted * std::pow(uniform(), 1.0 / shape);
    }
    return gamma_at_least_one(shape);
  }

 private:
  /// Throws the std::invalid_argument of gamma() for `shape`. Out of line (sim/rng.cpp), to
  /// keep gamma() small on the hot path of population synthesis.
  [[noreturn, gnu::cold]] static void bad_gamma_shape(double shape);
  /// The next four words. Out of line, so that bits() itself is small enough to be inlined
  /// (Clang left it a call in population synthesis).
  [[gnu::noinline]] void refill() {
    words_ = second_ != nullptr && slot_ == 1 ? *second_ : philox_one(gen_, a_, b_, slot_);
    ++slot_;
    used_ = 0;
  }
  [[gnu::always_inline]] double gamma_at_least_one(double shape) {
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  const Philox& gen_;
  std::uint32_t a_, b_;
  std::uint32_t slot_ = 0;
  Words words_{};
  int used_ = 4;
  const Words* second_ = nullptr;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// Poisson(mean) by inversion of one uniform u in (0, 1); exp_neg_mean = exp(-mean).
/// Means above 64 use the normal approximation with continuity correction, which is far beyond
/// any per-step rate a market scenario produces.
inline std::uint32_t poisson(double u, double mean, double exp_neg_mean) {
  if (mean <= 0.0) return 0;
  if (mean > 64.0) {
    const double n = mean + std::sqrt(mean) * normal_quantile(u) + 0.5;
    return n <= 0.0 ? 0u : static_cast<std::uint32_t>(std::min(n, 4.0e9));
  }
  std::uint32_t k = 0;
  double p = exp_neg_mean;
  double cdf = p;
  while (u > cdf && k < 256) {
    ++k;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

}  // namespace msim
