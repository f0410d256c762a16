#pragma once
/// Which program wrote a file: a 64-bit hash of the running executable's bytes, which changes
/// whenever the executable does (other code, code a program adds of its own, another compiler or
/// other flags), so that files that two builds of one commit wrote can be told apart.
#include <cstddef>
#include <cstdint>
#include <string>

namespace msim {

/// A 64-bit hash of bytes given in pieces; where the pieces break does not matter. Not a
/// cryptographic hash, but any change of one 8-byte word of the input changes it (each word
/// goes through a mix that is one-to-one in the word and in the state so far).
class ByteHash {
 public:
  void add(const void* data, std::size_t size);
  std::uint64_t value() const;

 private:
  void mix(std::uint64_t word);
  std::uint64_t state_ = 0x6a09e667f3bcc908ull;
  std::uint64_t length_ = 0;
  unsigned char tail_[8] = {};
  std::size_t tail_size_ = 0;
};

/// ByteHash of the file at `path` as 16 lowercase hex digits; "" when it cannot be read.
std::string file_hash(const std::string& path);

/// file_hash of the running program's executable (/proc/self/exe), read once per process; ""
/// where the system does not show it.
const std::string& program_hash();

}  // namespace msim
