// The program's identity recorded in every file: a hash of its executable's bytes.
#include "sim/program_hash.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

namespace {

std::uint64_t hash_of(const std::string& bytes, std::size_t piece) {
  msim::ByteHash h;
  for (std::size_t at = 0; at < bytes.size(); at += piece)
    h.add(bytes.data() + at, std::min(piece, bytes.size() - at));
  return h.value();
}

}  // namespace

TEST_CASE("ByteHash does not depend on how the bytes are split", "[program_hash]") {
  std::string bytes;
  for (int k = 0; k < 1000; ++k) bytes += static_cast<char>((k * 37 + 11) % 256);
  const std::uint64_t whole = hash_of(bytes, bytes.size());
  for (std::size_t piece : {1, 3, 7, 8, 9, 64, 999}) CHECK(hash_of(bytes, piece) == whole);
}

TEST_CASE("ByteHash changes with any byte, and with the length", "[program_hash]") {
  std::string bytes(203, '\0');
  for (std::size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>(k);
  const std::uint64_t base = hash_of(bytes, bytes.size());
  for (std::size_t k = 0; k < bytes.size(); ++k) {
    std::string changed = bytes;
    changed[k] = static_cast<char>(changed[k] ^ 1);
    CHECK(hash_of(changed, changed.size()) != base);
  }
  // A zero byte more looks like the padding of the last word: the length tells them apart.
  CHECK(hash_of(bytes + std::string(1, '\0'), bytes.size() + 1) != base);
  CHECK(hash_of("", 1) != hash_of(std::string(1, '\0'), 1));
}

TEST_CASE("program_hash is the hash of the running executable's bytes", "[program_hash]") {
  const std::string& mine = msim::program_hash();
  REQUIRE(mine.size() == 16);
  CHECK(mine.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(&msim::program_hash() == &mine);  // computed once
  CHECK(msim::file_hash("/proc/self/exe") == mine);

  msim::test::TempDir dir;
  const std::string copy = dir.file("copy");
  std::filesystem::copy_file("/proc/self/exe", copy);
  CHECK(msim::file_hash(copy) == mine);
  std::ofstream(copy, std::ios::app) << 'x';  // another executable, as a rebuild makes
  CHECK(msim::file_hash(copy) != mine);
  CHECK(msim::file_hash(dir.file("missing")).empty());
}
