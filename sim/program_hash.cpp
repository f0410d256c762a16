#include "sim/program_hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace msim {
namespace {

constexpr std::uint64_t kMul1 = 0x9e3779b97f4a7c15ull;  // odd: multiplying is one-to-one
constexpr std::uint64_t kMul2 = 0xbf58476d1ce4e5b9ull;

std::uint64_t rotl(std::uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

std::uint64_t load_le(const unsigned char* p) {
  std::uint64_t w = 0;
  for (int k = 7; k >= 0; --k) w = (w << 8) | p[k];
  return w;
}

}  // namespace

void ByteHash::mix(std::uint64_t word) {
  state_ = rotl(state_ ^ (word * kMul1), 29) * kMul2;
}

void ByteHash::add(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  length_ += size;
  while (tail_size_ > 0 && size > 0) {  // complete the word a previous piece began
    tail_[tail_size_++] = *p++;
    --size;
    if (tail_size_ == 8) {
      mix(load_le(tail_));
      tail_size_ = 0;
    }
  }
  for (; size >= 8; p += 8, size -= 8) mix(load_le(p));
  for (; size > 0; --size) tail_[tail_size_++] = *p++;
}

std::uint64_t ByteHash::value() const {
  ByteHash h = *this;
  if (h.tail_size_ > 0) {  // the last bytes, padded with zeros; the length tells them apart
    std::memset(h.tail_ + h.tail_size_, 0, 8 - h.tail_size_);
    h.mix(load_le(h.tail_));
  }
  std::uint64_t x = h.state_ ^ h.length_;
  x = (x ^ (x >> 30)) * kMul2;  // splitmix64's finalizer
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string file_hash(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ByteHash hash;
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return "";
    }
    if (n == 0) break;
    hash.add(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return fmt::format("{:016x}", hash.value());
}

const std::string& program_hash() {
  static const std::string hash = file_hash("/proc/self/exe");
  return hash;
}

}  // namespace msim
