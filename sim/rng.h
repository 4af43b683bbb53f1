// The simulator's own randomness: SplitMix64 to derive seeds, xoshiro256** for streams, and
// integer distributions we own (the standard library's differ between implementations).
// One root seed is split into a stream per subsystem so that adding draws in one subsystem
// does not shift the others.
#pragma once

#include <array>
#include <cstdint>

namespace clawsim {

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Seed of a subsystem's stream: a pure function of the root seed and the stream's id.
constexpr std::uint64_t derive_seed(std::uint64_t root, std::uint64_t stream) {
  std::uint64_t state = root ^ (stream * 0xd1b54a32d192ed03ULL);
  return splitmix64(state);
}

__extension__ using Uint128 = unsigned __int128;

class Rng {
 public:
  constexpr explicit Rng(std::uint64_t seed = 0) {
    std::uint64_t state = seed;
    for (auto& word : s_) word = splitmix64(state);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), without modulo bias (Lemire's method). bound > 0.
  constexpr std::uint64_t below(std::uint64_t bound) {
    Uint128 m = static_cast<Uint128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], inclusive. lo <= hi.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace clawsim
