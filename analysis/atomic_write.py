"""Writing files whole or not at all. A file's data go to a temporary file in the target's
directory, which is renamed over the target once complete, so a full disk or an interrupted
command never leaves a truncated file under the target's name (nor changes another name of the
same file, a hard link: the rename gives the target a new file). A command that writes several
files writes them all or none (all_or_nothing): each goes to its temporary file first, and only
when every one is complete are they renamed into place, together; when the command fails or is
interrupted before, every file it wrote is removed, every file it would have replaced or removed
is put back, and a directory it made for them is removed. Every file the package writes goes
through atomic_write or all_or_nothing."""

import contextlib
import os
import secrets
import signal
import sys
import threading


# The longest file name, in bytes, to assume where the file system does not say (os.pathconf).
DEFAULT_NAME_MAX = 255

# The signals held back while files are being put in place or put back (commit, rollback), so
# that an interrupt cannot leave half of a command's files replaced: it takes effect after.
HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))

# Every path this process has put a file at (atomic_write, all_or_nothing), in order, so that a
# command that is interrupted can say whether it had written anything.
WRITTEN = []


class WriteError(OSError):
    """The system failed to write a file (a full disk, say); the message names the file."""


def _named(path, error):
    """`error` as a WriteError naming `path` ("cannot write 'PATH': No space left on device")."""
    if isinstance(error, WriteError):
        return error
    failure = WriteError(f"cannot write '{path}': {error.strerror or error}")
    failure.errno = error.errno
    return failure


@contextlib.contextmanager
def _temporary_file(path, mode="wb", encoding=None):
    """Yields (file object open for writing, its name) of a new temporary file beside `path`.
    When the block ends normally the data are flushed to the disk and the file is closed; the
    caller then renames it (or removes it). When the block raises, the file is removed."""
    directory, name = os.path.split(path)
    for _ in range(100):
        candidate = _temporary_name(directory, name)
        try:
            # 0o666 less the umask, as a file opened plainly for writing would have.
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"no free temporary name beside '{path}'")
    try:
        with os.fdopen(handle, mode, encoding=encoding) as out:
            yield out, candidate
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(candidate)
        raise


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """Yields a file object open for writing a temporary file beside `path`. When the block ends
    normally the data are flushed to the disk and the file is renamed to `path`, replacing it
    (callers decide beforehand whether it may be replaced: output_paths). When the block raises,
    the temporary file is removed and `path` is left as it was.

    @throws WriteError ("cannot write 'PATH': No space left on device") when the system fails to
    create, write or rename the file.
    """
    path = os.fspath(path)
    try:
        with _temporary_file(path, mode, encoding) as (out, temporary):
            yield out
        try:
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise
        WRITTEN.append(path)
    except OSError as error:
        raise _named(path, error) from None


def name_max(directory):
    """The longest name, in bytes, that the file system of `directory` allows a file or directory
    in it (os.pathconf's PC_NAME_MAX, 255 on most); None when it does not say."""
    try:
        limit = os.pathconf(directory or ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        return None
    return limit if limit > 0 else None


def _temporary_name(directory, name):
    """A new path for the temporary file of `name` in `directory`: ".NAME.1f2e3d4c.tmp", hidden
    and random, the end of NAME cut where the whole would be longer than the file system allows
    a name to be (the random part is kept whole, so the name stays unique), so that whenever the
    target's name fits, its temporary file's does too."""
    suffix = f".{secrets.token_hex(4)}.tmp"
    room = (name_max(directory) or DEFAULT_NAME_MAX) - len(os.fsencode("." + suffix))
    stem = name
    while stem and len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return os.path.join(directory, f".{stem}{suffix}")


def write_file(path, data):
    """Writes `data` (bytes, or str written as UTF-8) to `path` through atomic_write.

    @throws WriteError when the system fails to write it.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_write(path) as out:
        out.write(data)


@contextlib.contextmanager
def _signals_held():
    """Holds back HELD_SIGNALS (Ctrl-C, a kill) for the block, when the process can (POSIX, the
    main thread): one that comes meanwhile takes effect when the block ends."""
    if (not HELD_SIGNALS or not hasattr(signal, "pthread_sigmask")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class OutputFiles:
    """The files one command writes, put in place all together or not at all (all_or_nothing
    makes one and commits or rolls it back). write() writes a file to its temporary name beside
    its target, remove() sets a file aside under a temporary name; commit() renames every file
    written into place (setting aside the files it replaces) and only then deletes what was set
    aside; rollback() removes every file written and puts back every file set aside, so that the
    directory is as it was before the command."""

    def __init__(self):
        self._staged = {}   # target -> its temporary file, complete, not yet in place
        self._undo = []     # what puts the directory back as it was, the last step last
        self._aside = []    # files set aside, deleted once the command succeeded
        self.committed = False

    def write(self, path, data):
        """Writes `data` (bytes, or str written as UTF-8) to a temporary file beside `path`; it
        is renamed to `path` at commit(). Writing the same path again replaces the data.

        @throws WriteError naming `path` when the system fails to write it (a full disk)."""
        path = os.fspath(path)
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            with _temporary_file(path) as (out, temporary):
                earlier, self._staged[path] = self._staged.get(path), temporary
                if earlier is not None:
                    os.remove(earlier)
                out.write(data)
        except OSError as error:
            self._staged.pop(path, None)
            raise _named(path, error) from None

    def remove(self, path):
        """Removes the file `path` as far as anyone looking can tell: it is renamed to a hidden
        temporary name, and deleted at commit() or put back at rollback().

        @throws OSError as os.rename does, when it cannot be moved (the file stays)."""
        path = os.fspath(path)
        with _signals_held():
            self._set_aside(path)

    def _set_aside(self, path):
        """Renames `path` to a free hidden temporary name beside it, to be put back at rollback
        and deleted at commit."""
        directory, name = os.path.split(path)
        for _ in range(100):
            aside = _temporary_name(directory, name)
            if not os.path.lexists(aside):
                break
        else:
            raise FileExistsError(f"no free temporary name beside '{path}'")
        os.rename(path, aside)
        self._undo.append(lambda: os.replace(aside, path))
        self._aside.append(aside)

    def commit(self):
        """Renames every file written to its target, replacing what is there (which is set aside
        first, so that it can be put back), then deletes the files set aside. Signals are held
        back meanwhile. When a rename fails, everything is put back as it was (rollback).

        @throws WriteError naming the target whose rename failed."""
        with _signals_held():
            placed = []
            try:
                for path, temporary in list(self._staged.items()):
                    try:
                        replacing = os.path.lexists(path)
                        if replacing:
                            self._set_aside(path)  # its undo puts it back over the new file
                        os.replace(temporary, path)
                    except OSError as error:
                        raise _named(path, error) from None
                    del self._staged[path]
                    if not replacing:
                        self._undo.append(lambda path=path: os.remove(path))
                    placed.append(path)
            except BaseException:
                self.rollback()
                raise
            self.committed = True
            WRITTEN.extend(placed)
            for aside in self._aside:
                with contextlib.suppress(OSError):
                    os.remove(aside)
            self._aside, self._undo = [], []

    def rollback(self):
        """Removes every file written (those still under their temporary names and those already
        renamed into place) and puts back every file set aside, the last first; nothing once the
        files were committed. Signals are held back meanwhile."""
        if self.committed:
            return
        with _signals_held():
            for temporary in self._staged.values():
                with contextlib.suppress(OSError):
                    os.remove(temporary)
            self._staged = {}
            while self._undo:
                with contextlib.suppress(OSError):
                    self._undo.pop()()
            self._aside = []


def make_directory(path):
    """Makes directory `path` and its missing parents, unless it exists. Returns the directories
    it made, the deepest first, so that a command that then fails can remove those it left empty
    (remove_empty_directories); when making one fails, those it made before are removed at once.

    @throws WriteError naming `path` when the system fails to make it.
    """
    made = []
    try:
        for directory in reversed(_missing_directories(path)):
            try:
                os.mkdir(directory)
            except FileExistsError:
                if not os.path.isdir(directory):
                    raise
                continue  # made meanwhile by someone else: not ours to remove
            made.insert(0, directory)
    except BaseException as error:  # an OSError, or Ctrl-C
        remove_empty_directories(made)
        if not isinstance(error, OSError):
            raise
        failure = WriteError(f"cannot make directory '{path}': {error.strerror or error}")
        failure.errno = error.errno
        raise failure from None
    return made


def _missing_directories(path):
    """`path` and those of its parents that do not exist, the deepest first."""
    missing = []
    directory = os.path.normpath(os.fspath(path))
    while directory and not os.path.lexists(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return missing


def remove_empty_directories(made):
    """Removes the directories `made` (the deepest first, as make_directory returns them) that
    are empty: what a failed command made and wrote nothing into. A directory holding anything
    stays, and so do its parents."""
    for directory in made:
        try:
            os.rmdir(directory)  # refuses a directory that is not empty
        except OSError:
            return


@contextlib.contextmanager
def all_or_nothing(directory=None):
    """Yields an OutputFiles for the files of one command, after making `directory` (with its
    missing parents, make_directory) when given and missing. When the block ends normally the
    files are committed: all put in place together. When it raises (a full disk, Ctrl-C), or the
    commit fails, they are rolled back: no file of the command is left, the files it would have
    replaced or removed are as they were, and the directories made here are removed when empty
    (one the user had is never removed, nor one holding anything).

    @throws WriteError when the system fails to make the directory or to write a file.
    """
    made = make_directory(directory) if directory is not None else []
    files = OutputFiles()
    try:
        yield files
        files.commit()
    except BaseException:
        files.rollback()
        remove_empty_directories(made)
        raise


def cannot_write(error):
    """Prints a WriteError as a command's one-line message; returns exit code 1 (a failure of the
    system, not of the input)."""
    print(f"error: {error}", file=sys.stderr)
    return 1
