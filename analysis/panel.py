"""Read a run's consumer panel (/panel) into per-member purchase counts.

The layout this module expects is documented in analysis/README.md ("The /panel layout"):
/panel/members/consumer [N] and /panel/purchases (a compound dataset or a group of equal-length
columns) with at least `step`, `consumer`, `category` and `firm`; one row per purchase occasion.
"""

import numpy as np

from analysis import hdf5_read as rd

REQUIRED = ("step", "consumer", "category", "firm")


class NoPanelError(LookupError):
    """The run has no /panel, or the panel lacks what the analysis needs."""


class Panel:
    """The panel's members and purchase table, with labels for firms and categories."""

    def __init__(self, path, run_id=None):
        prefix = f"runs/{run_id}/" if run_id is not None else ""
        with rd.open_file(path) as f:
            if f"{prefix}panel" not in f:
                raise NoPanelError(
                    f"'{path}' has no /{prefix}panel: this run did not record a consumer panel. "
                    "Ask for one in the scenario with `output: {panel: {size: 5000}}` (or "
                    "`--set output.panel.size=5000`) and run again, with a marketsim that records "
                    "the panel; see analysis/README.md for the layout this analysis reads.")
            group = f[f"{prefix}panel"]
            self.firms = rd.strings(f[f"{prefix}firms/name"])
            self.categories = rd.strings(f[f"{prefix}categories/name"])
            if "members/consumer" in group:
                self.members = np.asarray(group["members/consumer"][()], dtype=np.int64)
            elif "size" in group.attrs:
                self.members = None
                self.size = int(rd.attribute(group, "size"))
            else:
                raise NoPanelError(f"'{path}': /{prefix}panel has neither members/consumer nor a "
                                   "`size` attribute, so non-buyers cannot be counted")
            if self.members is not None:
                self.size = len(self.members)
            if "purchases" not in group:
                raise NoPanelError(f"'{path}': /{prefix}panel has no purchases table")
            table = rd.table(group["purchases"])
        missing = [c for c in REQUIRED if c not in table.columns]
        if missing:
            raise NoPanelError(f"'{path}': /{prefix}panel/purchases lacks column(s) "
                               f"{', '.join(missing)} (it has {', '.join(table.columns)})")
        self.purchases = table
        self.purchases["firm"] = self._indices(table["firm"], self.firms, "firm")
        self.purchases["category"] = self._indices(table["category"], self.categories, "category")

    @staticmethod
    def _indices(column, names, what):
        """Column values as indices into `names` (strings are looked up by name)."""
        if column.dtype == object:
            lookup = {name: i for i, name in enumerate(names)}
            unknown = sorted(set(column) - set(lookup))
            if unknown:
                raise NoPanelError(f"panel purchases name unknown {what}(s): {', '.join(unknown)}")
            return column.map(lookup).astype(np.int64)
        values = column.astype(np.int64)
        if len(values) and (values.min() < 0 or values.max() >= len(names)):
            raise NoPanelError(f"panel purchases hold a {what} index outside 0..{len(names) - 1}")
        return values

    def steps(self):
        """(first, last) step with a purchase, or (0, -1) for an empty panel."""
        if not len(self.purchases):
            return 0, -1
        return int(self.purchases["step"].min()), int(self.purchases["step"].max())

    def counts(self, category, first_step=None, last_step=None):
        """[members x firms] purchase occasions in `category` (an index) over the steps."""
        rows = self.purchases[self.purchases["category"] == category]
        if first_step is not None:
            rows = rows[rows["step"] >= first_step]
        if last_step is not None:
            rows = rows[rows["step"] <= last_step]
        if self.members is not None:
            order = np.argsort(self.members)
            sorted_ids = self.members[order]
            where = np.searchsorted(sorted_ids, rows["consumer"].to_numpy())
            where = np.minimum(where, len(sorted_ids) - 1)
            if len(rows) and not np.all(sorted_ids[where] == rows["consumer"].to_numpy()):
                raise NoPanelError("panel purchases name consumers that are not panel members")
            member = order[where]
        else:  # members unknown: buyers get rows 0.., the rest of the panel are non-buyers
            _, member = np.unique(rows["consumer"].to_numpy(), return_inverse=True)
        counts = np.zeros((self.size, len(self.firms)), dtype=np.int64)
        np.add.at(counts, (member, rows["firm"].to_numpy()), 1)
        return counts
