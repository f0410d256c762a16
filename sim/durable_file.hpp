#pragma once
/// Files written through a temporary name: made and held under a lock, so that another process
/// never takes one for a killed run's leftover and removes it.
#include <string>

namespace msim {

/// A file this process made and holds an exclusive lock (flock) on: the lock HDF5 takes on a
/// file it writes, which file_locked() sees. The lock lasts until release() or destruction.
class LockedFile {
 public:
  LockedFile() = default;
  ~LockedFile() { release(); }
  LockedFile(LockedFile&& other) noexcept;
  LockedFile& operator=(LockedFile&& other) noexcept;
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;

  /// Makes `path`, which must not exist (O_EXCL), and locks it. A file made here that another
  /// process took for a leftover and removed before the lock held is made again. Returns 0, or
  /// the errno of the failure (EEXIST when a file is there).
  int create(const std::string& path);
  bool held() const { return fd_ >= 0; }
  /// Removes the file when its name is still this file's (never another process's that took
  /// the name since), and releases the lock. Never throws.
  void remove() noexcept;
  /// Releases the lock and closes the file. Never throws.
  void release() noexcept;

 private:
  std::string path_;
  int fd_ = -1;
};

/// What remove_leftover() found at a path.
enum class Leftover {
  kRemoved,     ///< the file is gone: removed here (nobody held it), or it was not there
  kLocked,      ///< another process holds the file's lock (it is writing it): left alone
  kNotRegular,  ///< not a regular file (a directory, a device): left alone
};

/// Removes the file `path` left by a process that was killed, unless another process holds its
/// lock. It is removed under its lock, so that a process that made it a moment ago and is about
/// to lock it finds it gone and makes it again, rather than losing it.
/// @throws OutputError when it cannot be opened or removed.
Leftover remove_leftover(const std::string& path);

}  // namespace msim
