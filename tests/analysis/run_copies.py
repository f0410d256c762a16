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


def with_final_shares(source, target, market, customer):
    """Copies the run file `source` to `target` with the last step's market shares and customer
    shares (one a firm) set; returns `target`."""
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        f["market/market_share"][-1, :] = market
        f["market/customer_share"][-1, :] = customer
    return target
