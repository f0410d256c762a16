#include "sim/durable_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/temp_dir.hpp"

namespace fs = std::filesystem;
using msim::Leftover;
using msim::LockedFile;
using msim::test::slurp;
using msim::test::TempDir;

TEST_CASE("durable file: a locked file is made once, held, and removed by its maker", "[durable]") {
  TempDir dir;
  const std::string path = dir.file("out.h5.partial");
  LockedFile made;
  REQUIRE(made.create(path) == 0);
  CHECK(made.held());
  CHECK(fs::is_regular_file(path));
  CHECK(msim::file_locked(path));
  LockedFile second;
  CHECK(second.create(path) == EEXIST);
  CHECK_FALSE(second.held());
  made.sync();
  made.remove();
  CHECK_FALSE(made.held());
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("durable file: a maker never removes a file that took its name since", "[durable]") {
  TempDir dir;
  const std::string path = dir.file("out.h5.partial");
  LockedFile made;
  REQUIRE(made.create(path) == 0);
  // Someone moved it away and another file took the name: that one is not the maker's.
  fs::rename(path, dir.file("moved"));
  std::ofstream(path) << "another run's rows";
  made.remove();
  CHECK(slurp(path) == "another run's rows");
  CHECK(fs::exists(dir.file("moved")));
}

TEST_CASE("durable file: a leftover is removed unless a process holds it", "[durable]") {
  TempDir dir;
  const std::string path = dir.file("out.h5.partial");
  CHECK(msim::remove_leftover(path) == Leftover::kRemoved);  // none there
  std::ofstream(path) << "a killed run's rows";
  CHECK(msim::remove_leftover(path) == Leftover::kRemoved);
  CHECK_FALSE(fs::exists(path));

  std::ofstream(path) << "another run's rows";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // held as a run holds it
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  CHECK(msim::remove_leftover(path) == Leftover::kLocked);
  CHECK(slurp(path) == "another run's rows");
  ::close(fd);

  LockedFile made;
  REQUIRE(made.create(dir.file("mine")) == 0);
  CHECK(msim::remove_leftover(dir.file("mine")) == Leftover::kLocked);
  CHECK(fs::exists(dir.file("mine")));

  fs::create_directory(dir / "folder");
  CHECK(msim::remove_leftover(dir.file("folder")) == Leftover::kNotRegular);
  CHECK(fs::is_directory(dir / "folder"));
}

TEST_CASE("durable file: a rename puts the file in place, and a failed one names both and says so",
          "[durable]") {
  TempDir dir;
  const std::string from = dir.file("t.h5.partial"), to = dir.file("t.h5");
  std::ofstream(to) << "old";
  LockedFile made;
  REQUIRE(made.create(from) == 0);
  std::ofstream(from) << "new";
  made.rename_into_place(to);
  CHECK_FALSE(made.held());  // the name it guarded is gone, and readers of t.h5 find it free
  CHECK_FALSE(msim::file_locked(to));
  CHECK(slurp(to) == "new");
  CHECK_FALSE(fs::exists(from));

  // Moved away from under its maker: the rename fails, and says where the output is.
  REQUIRE(made.create(from) == 0);
  fs::rename(from, dir.file("moved"));
  CHECK_THROWS_MATCHES(made.rename_into_place(to), msim::OutputError,
                       Catch::Message("cannot rename '" + from + "' to '" + to +
                                      "' (No such file or directory); the finished output stays "
                                      "in '" +
                                      from + "'"));
  CHECK(slurp(to) == "new");
}

TEST_CASE("durable file: a rename told what it may replace leaves any other file alone",
          "[durable]") {
  TempDir dir;
  const std::string from = dir.file("t.h5.partial"), to = dir.file("t.h5");
  const auto finished = [&] {
    LockedFile made;
    REQUIRE(made.create(from) == 0);
    std::ofstream(from) << "new";
    return made;
  };
  const std::string kept = "; the finished output stays in '" + from + "'";

  // Nothing may be there: a file that appeared meanwhile stays, and so does the output.
  LockedFile made = finished();
  std::ofstream(to) << "the user's";
  CHECK_THROWS_MATCHES(made.rename_into_place(to, msim::FileId{}), msim::OutputError,
                       Catch::Message("'" + to +
                                      "' appeared while the run was writing (it was not there "
                                      "when the run began): another program made it, and it was "
                                      "left alone" +
                                      kept));
  CHECK(slurp(to) == "the user's");
  CHECK(slurp(from) == "new");
  CHECK(made.held());
  made.remove();
  fs::remove(to);
  made = finished();
  made.rename_into_place(to, msim::FileId{});  // and where nothing is, it goes in place
  CHECK(slurp(to) == "new");
  CHECK_FALSE(fs::exists(from));

  // Only the file that was there: not one that was changed, or removed and made again (which
  // may get the same inode) since.
  const msim::FileId seen = msim::file_id(to);
  CHECK(seen != msim::FileId{});
  fs::remove(to);
  std::ofstream(to) << "remade";
  made = finished();
  CHECK_THROWS_WITH(made.rename_into_place(to, seen),
                    Catch::Contains("is not the file that was there when the run began") &&
                        Catch::Contains(kept));
  CHECK(slurp(to) == "remade");
  const msim::FileId remade = msim::file_id(to);
  made.rename_into_place(to, remade);
  CHECK(slurp(to) == "new");
  fs::remove(to);
  made = finished();
  made.rename_into_place(to, remade);  // the file seen is gone: nothing is lost
  CHECK(slurp(to) == "new");
}

TEST_CASE("durable file: a file and a directory are written to the disk, or say why not",
          "[durable]") {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  std::ofstream(path) << "a,b\n";
  CHECK_NOTHROW(msim::sync_file(path));
  CHECK_NOTHROW(msim::sync_directory_of(path));
  CHECK_THROWS_MATCHES(msim::sync_file(dir.file("gone.csv")), msim::OutputError,
                       Catch::Message("cannot write '" + dir.file("gone.csv") +
                                      "' to the disk (fsync: No such file or directory)"));
  CHECK_THROWS_WITH(msim::sync_directory_of(dir.file("gone/t.csv")),
                    Catch::Contains("cannot write the directory '" + dir.file("gone") + "'"));
}

TEST_CASE("durable file: a directory lock is exclusive for the whole, shared for parts",
          "[durable]") {
  TempDir dir;
  const std::string runs = dir.file("out.h5.runs");
  msim::DirectoryLock whole;
  REQUIRE(whole.acquire(runs, false));  // made where missing
  CHECK(fs::is_directory(runs));
  msim::DirectoryLock other;
  CHECK_FALSE(other.acquire(runs, false));
  CHECK_FALSE(other.acquire(runs, true));
  whole.release();
  msim::DirectoryLock part_a, part_b;
  REQUIRE(part_a.acquire(runs, true));
  CHECK(part_b.acquire(runs, true));
  CHECK_FALSE(other.acquire(runs, false));
  part_a.release();
  part_b.release();
  CHECK(other.acquire(runs, false));
  // Removed by its holder: the next process makes it again and locks the new one.
  fs::remove(runs);
  other.release();
  CHECK(whole.acquire(runs, false));
  CHECK(fs::is_directory(runs));
}

TEST_CASE("durable file: missing directories are made, and a file in the way is named",
          "[durable]") {
  TempDir dir;
  msim::create_directories_durably(dir.file("a/b/c/"));
  CHECK(fs::is_directory(dir / "a/b/c"));
  CHECK_NOTHROW(msim::create_directories_durably(dir.file("a/b")));  // there already
  std::ofstream(dir / "file") << "x";
  REQUIRE_THROWS_AS(msim::create_directories_durably(dir.file("file/d")), msim::OutputError);
  REQUIRE_THROWS_WITH(msim::create_directories_durably(dir.file("file/d")),
                      Catch::Contains("cannot create the directory"));
}
