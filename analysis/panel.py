"""Read a run's consumer panel (/panel) into per-member purchase counts, and its panel and final
snapshot (/snapshot) as pandas tables (column_table: Run.panel_members, Run.panel_purchases and
Run.snapshot of analysis.load).

The layout this module expects is documented in analysis/README.md ("The /panel layout"):
/panel/members/consumer [N] and /panel/purchases (a compound dataset or a group of equal-length
columns) with at least `step`, `consumer`, `category` and `firm`; one row per purchase occasion.
"""

import numpy as np
import pandas as pd

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


# The label datasets of a column's second axis, by its dimension label (the layout's scales).
_AXIS_NAMES = {"firm": "firms/name", "category": "categories/name",
               "dimension": "dimensions/name", "segment": "segments/name"}


def _entry_names(run_group, dataset, width):
    """The names of the `width` entries of a two-dimensional column's second axis: the labels of
    its dimension's scale (firm, category, preference dimension); for the snapshot's
    `purchases` [consumer, category x firm], "category/firm", category-major; for a column of one
    value per durable category (`owner`, `bought`, `fails`), those categories' names; else the
    positions 0, 1, ..."""
    def names(path):
        return rd.strings(run_group[path]) if path in run_group else []
    label = rd.axis_labels(dataset)[1]
    labelled = names(_AXIS_NAMES[label]) if label in _AXIS_NAMES else []
    if len(labelled) == width:
        return labelled
    firms, categories = names("firms/name"), names("categories/name")
    if dataset.name.endswith("/purchases") and len(firms) * len(categories) == width:
        return [f"{category}/{firm}" for category in categories for firm in firms]
    kinds = names("categories/kind")
    durable = [c for c, kind in zip(categories, kinds) if kind == "durable"]
    if durable and len(durable) == width:
        return durable
    return [str(k) for k in range(width)]


def column_table(run_group, path, index=None, order=None):
    """The group of columns at `path` in `run_group` (a run's root, or /runs/<id> of an
    experiment file) as one DataFrame, one row per row of the columns: a one-dimensional column
    [N] is one column of the frame, named as in the file, with its second level "" (so that
    frame["segment"] is a Series); a two-dimensional one [N, k] is k columns under its name, one
    per entry of its second axis (_entry_names: frame["aware"] is a [row x firm] frame, its
    columns the firms' names). Columns keep the file's values (indices into /firms/name,
    /segments/name, ... where the layout says so). `index` names the column that indexes the
    rows (`consumer`), kept as a column too; None for none. A compound dataset, or a group whose
    columns are all one-dimensional, gives plain column names (hdf5_read.table). The columns are
    in `order` (names it lacks follow), else in the file's (name) order."""
    obj = run_group[path]
    columns, arrays = [], []
    children = list(obj.items()) if hasattr(obj, "items") else []
    if not children or all(getattr(child, "ndim", 0) == 1 for _, child in children):
        frame = rd.table(obj, order)
    else:
        children = [(name, obj[name]) for name in rd.ordered([n for n, _ in children], order)]
        for name, child in children:
            if not hasattr(child, "ndim") or child.ndim not in (1, 2):
                continue
            values = child[()]
            if values.dtype.kind in "SO":
                values = np.array([rd.text(v) for v in values.ravel()],
                                  dtype=object).reshape(values.shape)
            if child.ndim == 1:
                columns.append((name, ""))
                arrays.append(values)
            else:
                for k, entry in enumerate(_entry_names(run_group, child, values.shape[1])):
                    columns.append((name, entry))
                    arrays.append(values[:, k])
        frame = pd.DataFrame(dict(enumerate(arrays)))
        frame.columns = pd.MultiIndex.from_tuples(columns, names=["column", "entry"])
    if index is not None and index in frame.columns.get_level_values(0):
        frame.index = pd.Index(np.asarray(frame[index]).ravel(), name=index)
    return frame
