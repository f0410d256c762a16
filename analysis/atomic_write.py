"""Writing a file whole or not at all: the data go to a temporary file in the target's directory,
which is renamed over the target once complete, so a full disk or an interrupted command never
leaves a truncated file under the target's name (nor changes another name of the same file, a
hard link: the rename gives the target a new file). Every file the package writes goes through
atomic_write, and every directory a command makes for its files through output_directory, which
removes it again when the command fails and leaves it empty."""

import contextlib
import os
import secrets
import sys


# The longest file name, in bytes, to assume where the file system does not say (os.pathconf).
DEFAULT_NAME_MAX = 255


class WriteError(OSError):
    """The system failed to write a file (a full disk, say); the message names the file."""


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
    directory, name = os.path.split(path)
    temporary = None
    try:
        for _ in range(100):
            candidate = _temporary_name(directory, name)
            try:
                # 0o666 less the umask, as a file opened plainly for writing would have.
                handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            temporary = candidate
            break
        else:
            raise FileExistsError(f"no free temporary name beside '{path}'")
        with os.fdopen(handle, mode, encoding=encoding) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        if isinstance(error, WriteError):
            raise
        failure = WriteError(f"cannot write '{path}': {error.strerror or error}")
        failure.errno = error.errno
        raise failure from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.remove(temporary)


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
    except OSError as error:
        remove_empty_directories(made)
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
def output_directory(path):
    """Makes directory `path` (make_directory) for the files the block writes into it. When the
    block raises (a full disk), the directories made here that are still empty are removed, so
    that a command that fails leaves no empty directory behind; one the user had is never
    removed, nor one holding anything.

    @throws WriteError when the system fails to make the directory.
    """
    made = make_directory(path)
    try:
        yield
    except BaseException:
        remove_empty_directories(made)
        raise


def cannot_write(error):
    """Prints a WriteError as a command's one-line message; returns exit code 1 (a failure of the
    system, not of the input)."""
    print(f"error: {error}", file=sys.stderr)
    return 1
