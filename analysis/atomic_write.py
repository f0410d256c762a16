"""Writing a file whole or not at all: the data go to a temporary file in the target's directory,
which is renamed over the target once complete, so a full disk or an interrupted command never
leaves a truncated file under the target's name (nor changes another name of the same file, a
hard link: the rename gives the target a new file). Every file the package writes goes through
atomic_write."""

import contextlib
import os
import secrets
import sys


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
            candidate = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
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


def write_file(path, data):
    """Writes `data` (bytes, or str written as UTF-8) to `path` through atomic_write.

    @throws WriteError when the system fails to write it.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_write(path) as out:
        out.write(data)


def make_directory(path):
    """Makes directory `path` (and its missing parents) unless it exists.

    @throws WriteError naming it when the system fails to make it.
    """
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        failure = WriteError(f"cannot make directory '{path}': {error.strerror or error}")
        failure.errno = error.errno
        raise failure from None


def cannot_write(error):
    """Prints a WriteError as a command's one-line message; returns exit code 1 (a failure of the
    system, not of the input)."""
    print(f"error: {error}", file=sys.stderr)
    return 1
