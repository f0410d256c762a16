"""Copies of run files with what the tests change in them."""
import shutil

import h5py


def with_overrides(source, target, overrides):
    """Copies the run file `source` to `target` with its `overrides` attribute set (None: removed,
    as in files of older versions); returns `target`."""
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        if overrides is None:
            del f.attrs["overrides"]
        else:
            f.attrs["overrides"] = overrides
    return target
