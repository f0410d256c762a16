#pragma once
/// Small fixed-width vectors (GCC/Clang vector extensions) for hot loops over lanes, and the
/// vector form of fast_exp. Every operation is element-wise IEEE arithmetic in the same order as
/// the scalar code, so vector and scalar results are the same bits.
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sim/fast_math.hpp"

namespace msim::simd {

using f32x4 = float __attribute__((vector_size(16)));
using i32x4 = std::int32_t __attribute__((vector_size(16)));
using u16x8 = std::uint16_t __attribute__((vector_size(16)));
using i16x8 = std::int16_t __attribute__((vector_size(16)));
using u8x8 = std::uint8_t __attribute__((vector_size(8)));
using i8x8 = std::int8_t __attribute__((vector_size(8)));
// Eight lanes of 32 bits: one AVX register, or two SSE registers (the compiler splits them).
using f32x8 = float __attribute__((vector_size(32)));
using i32x8 = std::int32_t __attribute__((vector_size(32)));
using u32x8 = std::uint32_t __attribute__((vector_size(32)));
using i64x8 = std::int64_t __attribute__((vector_size(64)));
// Thirty-two lanes of 8 and 16 bits, and sixteen of 8, for tallies over a chunk of consumers.
using u8x16 = std::uint8_t __attribute__((vector_size(16)));
using i8x16 = std::int8_t __attribute__((vector_size(16)));
using u8x32 = std::uint8_t __attribute__((vector_size(32)));
using i8x32 = std::int8_t __attribute__((vector_size(32)));
using u16x16 = std::uint16_t __attribute__((vector_size(32)));
using i16x16 = std::int16_t __attribute__((vector_size(32)));

/// The same vectors with the alignment of their elements, for unaligned loads and stores. A
/// vector type aliases its element type, so these accesses are ordinary typed ones (memcpy
/// would be treated as touching any memory and force the compiler to reload everything).
template <class V>
struct Unaligned;
#define MSIM_SIMD_UNALIGNED(V, E)                                                \
  template <>                                                                    \
  struct Unaligned<V> {                                                          \
    typedef E type __attribute__((vector_size(sizeof(V)), aligned(alignof(E)))); \
  };
MSIM_SIMD_UNALIGNED(f32x4, float)
MSIM_SIMD_UNALIGNED(i32x4, std::int32_t)
MSIM_SIMD_UNALIGNED(u16x8, std::uint16_t)
MSIM_SIMD_UNALIGNED(i16x8, std::int16_t)
MSIM_SIMD_UNALIGNED(u8x8, std::uint8_t)
MSIM_SIMD_UNALIGNED(f32x8, float)
MSIM_SIMD_UNALIGNED(i32x8, std::int32_t)
MSIM_SIMD_UNALIGNED(u32x8, std::uint32_t)
MSIM_SIMD_UNALIGNED(i64x8, std::int64_t)
MSIM_SIMD_UNALIGNED(u8x16, std::uint8_t)
MSIM_SIMD_UNALIGNED(u8x32, std::uint8_t)
MSIM_SIMD_UNALIGNED(u16x16, std::uint16_t)
#undef MSIM_SIMD_UNALIGNED

/// Unaligned load and store of a vector from and to an array of its elements (or of elements
/// of the other signedness, which alias them).
template <class V, class T>
inline V load(const T* p) {
  static_assert(sizeof(T) == sizeof(V{}[0]), "an array of the vector's elements");
  return *reinterpret_cast<const typename Unaligned<V>::type*>(p);
}
template <class T, class V>
inline void store(T* p, V v) {
  static_assert(sizeof(T) == sizeof(V{}[0]), "an array of the vector's elements");
  *reinterpret_cast<typename Unaligned<V>::type*>(p) = v;
}

/// The high halves of x * q: (x * q) >> 16 in every lane.
inline u16x8 mulhi(u16x8 x, std::uint16_t q) {
#if defined(__SSE2__)
  return (u16x8)_mm_mulhi_epu16((__m128i)x, _mm_set1_epi16(static_cast<short>(q)));
#else
  for (int e = 0; e < 8; ++e)
    x[e] = static_cast<std::uint16_t>((static_cast<std::uint32_t>(x[e]) * q) >> 16);
  return x;
#endif
}

/// Bit e set for each true lane e of a comparison mask.
inline std::uint32_t lane_bits(i16x8 mask) {
#if defined(__SSE2__)
  return static_cast<std::uint32_t>(
      _mm_movemask_epi8(_mm_packs_epi16((__m128i)mask, _mm_setzero_si128())));
#else
  std::uint32_t bits = 0;
  for (int e = 0; e < 8; ++e) bits |= (mask[e] != 0 ? 1u : 0u) << e;
  return bits;
#endif
}

/// The bytes table[at[e]] of eight lanes, zero-extended. The table must be readable for three
/// bytes past its last indexed byte: where AVX-512 is there, this is one gather of 32-bit words.
/// (Processors with AVX2 alone include some, first-generation Zen, whose gathers are slow.)
inline i32x8 gather_bytes(const std::uint8_t* table, i32x8 at) {
#if defined(__AVX512F__)
  return (i32x8)_mm256_i32gather_epi32(reinterpret_cast<const int*>(table), (__m256i)at, 1) & 0xFF;
#else
  return i32x8{table[at[0]], table[at[1]], table[at[2]], table[at[3]],
               table[at[4]], table[at[5]], table[at[6]], table[at[7]]};
#endif
}

/// The bytes table[at[e]] of 32 lanes: one in-lane byte shuffle of the table copied into both
/// halves where AVX2 is there. Every index must be below 16 (the paths differ above it).
inline u8x32 pick16(u8x16 table, u8x32 at) {
#if defined(__AVX2__)
  return (u8x32)_mm256_shuffle_epi8(_mm256_broadcastsi128_si256((__m128i)table), (__m256i)at);
#else
  u8x32 r;
  for (int e = 0; e < 32; ++e) r[e] = table[at[e] & 15];
  return r;
#endif
}

/// Two sixteen-lane comparison masks of 16 bits (each lane -1 or 0) narrowed to one of 32 lanes
/// of 8 bits. (Other values saturate to the int8 range on every path.)
inline i8x32 narrow_masks(i16x16 lo, i16x16 hi) {
#if defined(__AVX2__)
  // vpacksswb packs within 128-bit halves; vpermq puts the quarters back in order.
  return (i8x32)_mm256_permute4x64_epi64(_mm256_packs_epi16((__m256i)lo, (__m256i)hi), 0xD8);
#else
  const auto saturate = [](std::int16_t v) {
    return static_cast<std::int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
  };
  i8x32 r;
  for (int e = 0; e < 16; ++e) {
    r[e] = saturate(lo[e]);
    r[16 + e] = saturate(hi[e]);
  }
  return r;
#endif
}

/// Bit e set for each true lane e of an eight-lane 32-bit comparison mask.
inline std::uint32_t lane_bits(i32x8 mask) {
#if defined(__AVX__)
  return static_cast<std::uint32_t>(_mm256_movemask_ps((__m256)mask));
#elif defined(__SSE2__)
  const i32x4 lo{mask[0], mask[1], mask[2], mask[3]}, hi{mask[4], mask[5], mask[6], mask[7]};
  return static_cast<std::uint32_t>(_mm_movemask_ps((__m128)lo) |
                                    (_mm_movemask_ps((__m128)hi) << 4));
#else
  std::uint32_t bits = 0;
  for (int e = 0; e < 8; ++e) bits |= (mask[e] != 0 ? 1u : 0u) << e;
  return bits;
#endif
}

/// fast_exp (sim/fast_math.hpp) on every lane of a float vector (f32x4, f32x8): the same
/// operations, so the same bits.
template <class V>
inline V fast_exp(V x) {
  using I = decltype(x < x);  // the signed integer vector of the same shape
  const V lo = V{} - 87.0f, hi = V{} + 88.0f;
  x = x < lo ? lo : x;
  x = x > hi ? hi : x;
  constexpr float kRound = 12582912.0f;
  const V n = (x * 1.44269504088896341f + kRound) - kRound;
  constexpr float kLn2Hi = 0.693145751953125f;
  constexpr float kLn2Lo = 1.428606765330187e-06f;
  const V r = (x - n * kLn2Hi) - n * kLn2Lo;
  const V r2 = r * r, r4 = r2 * r2;
  const V p01 = 1.0f + r, p23 = 0.5f + r * (1.0f / 6.0f);
  const V p45 = 1.0f / 24.0f + r * (1.0f / 120.0f), p67 = 1.0f / 720.0f + r * (1.0f / 5040.0f);
  const V p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67);
  const I bits = (__builtin_convertvector(n, I) + 127) << 23;
  return p * (V)bits;  // a vector cast reinterprets the bits
}

/// Eight lanes widened to 32 bits: unsigned values are zero-extended, comparison masks (signed)
/// stay -1 or 0.
template <class V>
inline i32x8 widen8(V v) {
  return __builtin_convertvector(v, i32x8);
}
#if defined(__AVX2__)
// One vpmovzx/vpmovsx each (folded into the load when the vector comes from memory). GCC 12
// converts eight unsigned bytes one lane at a time, and sixteen-bit lanes in two halves.
inline i32x8 widen8(u8x8 v) {
  return (i32x8)_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(std::bit_cast<long long>(v)));
}
inline i32x8 widen8(i8x8 v) {
  return (i32x8)_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(std::bit_cast<long long>(v)));
}
inline i32x8 widen8(u16x8 v) {
  return (i32x8)_mm256_cvtepu16_epi32((__m128i)v);
}
inline i32x8 widen8(i16x8 v) {
  return (i32x8)_mm256_cvtepi16_epi32((__m128i)v);
}
#endif

}  // namespace msim::simd
