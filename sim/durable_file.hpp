#pragma once
/// Files written through a temporary name: made and held under a lock, so that another process
/// never takes one for a killed run's leftover and removes it, and written to the disk before
/// and after the rename that puts them in place, so that a power loss leaves the old file or the
/// new one, whole.
#include <optional>
#include <string>

namespace msim {

/// The device, inode, size and time of last modification of the file `path` (following
/// links); all 0 when there is none. Two equal ids are the same file, unchanged: a file removed
/// and made again may get the same inode, but not the same modification time.
struct FileId {
  unsigned long long device = 0, inode = 0, size = 0;
  long long modified_ns = 0;
  bool operator==(const FileId&) const = default;
};
FileId file_id(const std::string& path);

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
  /// Writes the file's data to the disk (fsync). @throws OutputError naming the file.
  void sync() const;
  /// Puts the finished file in place as `to`: its data on the disk, the rename, the lock
  /// released (it guards the temporary name, which the file no longer has; readers of `to` find
  /// it free), then the directory on the disk, so that a power loss leaves the old `to` or this
  /// file, whole. `replaces` says what may be at `to`: without it, anything (it is replaced);
  /// with FileId{}, nothing (a file there is never replaced, however late it appeared: the
  /// rename itself refuses, RENAME_NOREPLACE); with a file's id, that file or nothing (another
  /// file that took its name since the caller looked is left alone). @throws OutputError
  /// naming the files: before the rename (the file stays, locked, under its name), or after
  /// it, when the directory's write fails.
  void rename_into_place(const std::string& to, std::optional<FileId> replaces = std::nullopt);
  /// Removes the file when its name is still this file's (never another process's that took
  /// the name since), and releases the lock. Never throws.
  void remove() noexcept;
  /// Releases the lock and closes the file. Never throws.
  void release() noexcept;

 private:
  std::string path_;
  int fd_ = -1;
};

/// A lock (flock) on a directory, which acquire() makes where it is missing: exclusive for a
/// process that works on the whole directory, shared among processes that each work on files of
/// their own in it. Held until release() or destruction; the directory may be removed meanwhile
/// (a process that makes it again then locks the new one).
class DirectoryLock {
 public:
  DirectoryLock() = default;
  ~DirectoryLock() { release(); }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  /// Makes `dir` (and its parents) where missing and locks it. False, with nothing held, when
  /// another process holds a lock on it that this one would conflict with.
  /// @throws OutputError when it cannot be made or opened.
  bool acquire(const std::string& dir, bool shared);
  /// Releases the lock. Never throws.
  void release() noexcept;

 private:
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

/// Writes the file `path`'s data to the disk (fsync). @throws OutputError naming it.
void sync_file(const std::string& path);

/// Writes the directory holding `path` to the disk (fsync), so that a rename or a removal in it
/// survives a power loss. @throws OutputError naming it.
void sync_directory_of(const std::string& path);

/// Makes the directory `dir` and its missing parents, each written into its parent on the disk
/// (fsync), so that files renamed into it and synced survive a power loss with it.
/// @throws OutputError naming the directory.
void create_directories_durably(const std::string& dir);

}  // namespace msim
