"""Writes a synthetic /panel, drawn from the NBD-Dirichlet, into a copy of a run file."""

import shutil

import h5py
import numpy as np

from analysis.nbd_dirichlet import simulate_purchases


def add_panel(source, target, M, K, S, shares, members, seed, compound=False):
    """Copies `source` to `target` and adds /panel with `members` consumers whose purchases in
    category 0 over the run's steps are NBD-Dirichlet (M, K, S, shares over the firms)."""
    shutil.copyfile(source, target)
    rng = np.random.default_rng(seed)
    counts = simulate_purchases(M, K, S, shares, members, rng)
    consumer_ids = np.sort(rng.choice(10 * members, size=members, replace=False))
    member, firm = np.nonzero(counts)
    repeats = counts[member, firm]
    member, firm = np.repeat(member, repeats), np.repeat(firm, repeats)
    with h5py.File(target, "a") as f:
        steps = len(f["step"])
        columns = {"step": rng.integers(0, steps, size=len(member)),
                   "consumer": consumer_ids[member], "category": np.zeros(len(member), np.int64),
                   "firm": firm, "units": np.ones(len(member)), "price": np.full(len(member), 2.5)}
        panel = f.create_group("panel")
        panel.attrs["size"] = members
        panel["members/consumer"] = consumer_ids
        panel["members/segment"] = rng.integers(0, len(f["segments/name"]), size=members)
        if compound:
            dtype = [(name, values.dtype) for name, values in columns.items()]
            table = np.empty(len(member), dtype=dtype)
            for name, values in columns.items():
                table[name] = values
            panel["purchases"] = table
        else:
            for name, values in columns.items():
                panel[f"purchases/{name}"] = values
    return counts
