#include "sim/durable_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/error.hpp"

namespace msim {
namespace {

/// Attempts at making a file that others keep taking for a leftover; each loss needs another
/// process to open it in the microseconds between its making and its lock.
constexpr int kCreateAttempts = 100;

/// Whether the descriptor `fd` is the file named `path` now.
bool names(int fd, const std::string& path) {
  struct stat by_fd {};
  struct stat by_name {};
  return ::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_name) == 0 &&
         by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino;
}

/// A failure of flock that says the file system has no locks, rather than that a process holds
/// one: the file is then used unlocked, as HDF5 does on such a file system when told to.
bool no_locks_here(int err) {
  return err == ENOLCK || err == ENOSYS || err == EOPNOTSUPP || err == EINVAL;
}

/// Locks the file `fd`, which this process made a moment ago. Another process may hold its lock
/// for as long as it takes to look at it (file_locked()) or to remove it (remove_leftover()):
/// waited for, up to a few seconds. False when it stays held.
bool lock_new_file(int fd) {
  using namespace std::chrono_literals;
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return no_locks_here(errno);
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::string directory_of(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? "." : dir.string();
}

/// fsync of `fd`; 0, or the errno of a failure. A file or directory that cannot be synced
/// (EINVAL: a file system that keeps nothing to write, such as a pipe's) has nothing to lose.
int sync_descriptor(int fd) {
  while (::fsync(fd) != 0) {
    if (errno == EINTR) continue;
    return errno == EINVAL ? 0 : errno;
  }
  return 0;
}

/// Renames `from` to `to` unless a file is at `to`: 0, EEXIST when one is (it is left as it
/// was), or the errno of another failure. The check and the rename are one step
/// (renameat2's RENAME_NOREPLACE); on a file system without it, a hard link (which fails on a
/// name that is taken) then the removal of the old name; without hard links either, a look
/// then a rename, which a file made in between would lose to.
int rename_without_replacing(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return errno;
  if (::link(from.c_str(), to.c_str()) == 0) return ::unlink(from.c_str()) == 0 ? 0 : errno;
  if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) return errno;
  if (file_id(to) != FileId{}) return EEXIST;
  return std::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

}  // namespace

LockedFile::LockedFile(LockedFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

LockedFile& LockedFile::operator=(LockedFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

int LockedFile::create(const std::string& path) {
  release();
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return errno;
    // Between open() and the lock, another process may have taken it for a killed run's
    // leftover and removed it (under its lock): then the name is not this file's any more.
    if (lock_new_file(fd) && names(fd, path)) {
      path_ = path;
      fd_ = fd;
      return 0;
    }
    ::close(fd);
  }
  return EEXIST;
}

void LockedFile::sync() const {
  if (const int err = sync_descriptor(fd_); err != 0)
    throw OutputError(
        fmt::format("cannot write '{}' to the disk (fsync: {})", path_, std::strerror(err)));
}

void LockedFile::rename_into_place(const std::string& to, std::optional<FileId> replaces) {
  const std::string from = path_;
  const std::string kept = fmt::format("; the finished output stays in '{}'", from);
  if (const int err = sync_descriptor(fd_); err != 0)
    throw OutputError(
        fmt::format("cannot write '{}' to the disk (fsync: {}){}", from, std::strerror(err), kept));
  const FileId there = file_id(to);
  if (replaces && *replaces != FileId{} && there != FileId{} && there != *replaces)
    throw OutputError(fmt::format(
        "'{}' is not the file that was there when the run began: another program replaced or "
        "changed it meanwhile, and it was left alone{}",
        to, kept));
  const int err = replaces && *replaces == FileId{}            ? rename_without_replacing(from, to)
                  : std::rename(from.c_str(), to.c_str()) == 0 ? 0
                                                               : errno;
  if (err == EEXIST)
    throw OutputError(fmt::format(
        "'{}' appeared while the run was writing (it was not there when the run began): "
        "another program made it, and it was left alone{}",
        to, kept));
  if (err != 0)
    throw OutputError(
        fmt::format("cannot rename '{}' to '{}' ({}){}", from, to, std::strerror(err), kept));
  release();
  try {
    sync_directory_of(to);
  } catch (const OutputError& e) {
    throw OutputError(
        fmt::format("{}: '{}' was renamed to '{}', but a power loss now may undo "
                    "that or leave '{}' empty",
                    e.what(), from, to, to));
  }
}

void LockedFile::remove() noexcept {
  if (fd_ < 0) return;
  // Under the lock no other process removes the file, so no other file can take its name
  // between the check and the unlink.
  if (names(fd_, path_)) ::unlink(path_.c_str());
  release();
}

void LockedFile::release() noexcept {
  if (fd_ >= 0) ::close(fd_);  // (closing releases the lock)
  fd_ = -1;
}

bool DirectoryLock::acquire(const std::string& dir, bool shared) {
  release();
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw OutputError(fmt::format("cannot make the directory '{}' ({})", dir, ec.message()));
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) continue;  // removed by the process that held it
    if (fd < 0)
      throw OutputError(
          fmt::format("cannot open the directory '{}' ({})", dir, std::strerror(errno)));
    int err = 0;
    while (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (err == EWOULDBLOCK) {
      ::close(fd);
      return false;
    }
    // Locked (or on a file system without locks): kept while the name is still this
    // directory's, not one that its holder removed as this process opened it.
    if ((err == 0 || no_locks_here(err)) && names(fd, dir)) {
      fd_ = fd;
      return true;
    }
    ::close(fd);
    if (err != 0 && !no_locks_here(err))
      throw OutputError(
          fmt::format("cannot lock the directory '{}' ({})", dir, std::strerror(err)));
  }
  throw OutputError(fmt::format(
      "cannot lock the directory '{}': other processes kept removing and making it", dir));
}

void DirectoryLock::release() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Leftover remove_leftover(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return Leftover::kRemoved;
  if (fd < 0)
    throw OutputError(
        fmt::format("cannot open '{}' to replace it ({})", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Leftover::kNotRegular;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && !no_locks_here(errno)) {
    ::close(fd);
    return Leftover::kLocked;
  }
  // Only while it still has the name: otherwise another process removed it meanwhile (and may
  // have made its own, which is not this one to remove).
  int err = 0;
  if (names(fd, path) && ::unlink(path.c_str()) != 0 && errno != ENOENT) err = errno;
  ::close(fd);
  if (err != 0)
    throw OutputError(
        fmt::format("cannot remove '{}' to replace it ({})", path, std::strerror(err)));
  return Leftover::kRemoved;
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  const int err = fd < 0 ? errno : sync_descriptor(fd);
  if (fd >= 0) ::close(fd);
  if (err != 0)
    throw OutputError(
        fmt::format("cannot write '{}' to the disk (fsync: {})", path, std::strerror(err)));
}

void sync_directory_of(const std::string& path) {
  const std::string dir = directory_of(path);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const int err = fd < 0 ? errno : sync_descriptor(fd);
  if (fd >= 0) ::close(fd);
  if (err != 0)
    throw OutputError(fmt::format("cannot write the directory '{}' to the disk (fsync: {})", dir,
                                  std::strerror(err)));
}

void create_directories_durably(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> missing;  // from `dir` up to the first that exists
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty(); p = p.parent_path()) {
    if (p.filename().empty()) continue;  // "out/" names "out"
    if (fs::exists(p, ec)) break;
    missing.push_back(p);
    if (p.parent_path() == p) break;
  }
  fs::create_directories(dir, ec);
  if (ec)
    throw OutputError(fmt::format("cannot create the directory '{}' ({})", dir, ec.message()));
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) sync_directory_of(it->string());
}

FileId file_id(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
          static_cast<unsigned long long>(st.st_size),
          static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

}  // namespace msim
