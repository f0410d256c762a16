"""Load a marketsim run (or one run of an experiment file) into labelled pandas frames.

    python3 -m analysis.load RUN.h5 [--run ID]

prints a short overview: the scenario, what the command line changed in it (--set, --seed), the
steps, the firms and their final market share and customer share, and what else the file holds
(the firms' metrics, the strategies' diagnostics, the consumer panel, the final snapshot). As a
library:

    from analysis.load import load_run
    run = load_run("tiny.h5")
    run.market["market_share"]          # DataFrame [step x firm]
    run.by_category["units"]            # DataFrame [step x (category, firm)]
    run.segments["market_share"]        # DataFrame [step x (segment, firm)]
    run.units["/market/market_share"]   # "fraction"
    run.snapshot()                      # /snapshot as a DataFrame [consumer x column], or None
    run.panel_members(), run.panel_purchases()   # /panel's tables, or None
"""

import argparse
import sys

import h5py
import pandas as pd

from analysis import experiment_tables
from analysis import hdf5_read as rd
from analysis import periods
from analysis import run_main
from analysis.output_paths import check_writable_directory, check_writable_file  # noqa: F401

# The axes each group's datasets have by the layout (scenarios/README.md, "Recorded outputs"),
# unless their dimension labels say otherwise.
_DEFAULT_AXES = {
    "market": ("step", "firm"),
    "market/by_category": ("step", "category", "firm"),
    "segments": ("step", "segment", "firm"),
    "strategies": ("step", "firm"),
}
# The datasets of those groups whose axes are not their group's.
_OWN_AXES = {"market/saturation": ("step", "category")}
_SCALES = {"firm": "firms/name", "segment": "segments/name", "category": "categories/name"}
# An axis's length as a message names it: "expected (steps, firms) = (52, 3)".
_AXIS_WORDS = {"step": "steps", "firm": "firms", "segment": "segments", "category": "categories"}


class NotARunError(ValueError):
    """The file (or the requested run inside it) is not a marketsim run."""


class LayoutError(NotARunError):
    """A dataset of the run has another shape than the layout gives it: read as it is, it would
    be taken for absent, or crash a figure, so the run is refused as bad input."""


def run_ids(path):
    """The run ids of an experiment file (the groups under /runs), in natural order; [] if none."""
    with rd.open_file(path) as f:
        if "runs" not in f:
            return []
        return sorted(f["runs"].keys(), key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k))


class Run:
    """One run's recorded series as pandas frames, with its labels, attributes and units."""

    def __init__(self, path, run_id=None):
        self.path = str(path)
        self.run_id = run_id
        self.market = {}            # metric -> [step x firm]
        self.by_category = {}       # metric -> [step x (category, firm)]
        self.segments = {}          # metric -> [step x (segment, firm)]
        self.category_series = {}   # metric -> [step x category], e.g. saturation
        self.diagnostics = {}       # strategies' own diagnostics: name -> [step x firm]
        self.units = {}             # dataset path ("/market/roi") -> units attribute
        self.descriptions = {}      # dataset path -> description attribute
        self.experiment = {}        # "runs"/"summary" -> DataFrame, when the file is an experiment
        self.together = []          # the experiment's keys moved in step (experiment.together)
        self.sampled = []           # its Latin hypercube's keys (design.latin_hypercube.ranges)
        self.panel_group = None     # path of the /panel group inside the file, when present
        self.snapshot_group = None  # likewise of the final snapshot, /snapshot
        with rd.open_file(self.path) as f:
            if run_id is None:
                group, prefix = f, ""
            else:
                key = f"runs/{run_id}"
                if key not in f:
                    raise NotARunError(f"'{self.path}' has no run '{run_id}' under /runs")
                group, prefix = f[key], f"/runs/{run_id}"
            if (not isinstance(group.get("market/market_share"), h5py.Dataset)
                    or "firms/name" not in group):
                raise NotARunError(
                    f"'{self.path}{prefix}' is not a marketsim run (no market/market_share)")
            self.prefix = prefix
            self.attrs = {**rd.attributes(f), **(rd.attributes(group) if prefix else {})}
            self.scenario = rd.scalar_text(group, "scenario")
            self.description = rd.scalar_text(group, "description")
            self.firms = rd.strings(group["firms/name"])
            self.strategies = (rd.strings(group["firms/strategy"]) if "firms/strategy" in group
                               else [""] * len(self.firms))
            self.segment_names = (rd.strings(group["segments/name"]) if "segments/name" in group
                                  else [])
            self.categories = (rd.strings(group["categories/name"]) if "categories/name" in group
                               else [])
            self.category_kinds = (rd.strings(group["categories/kind"])
                                   if "categories/kind" in group else [""] * len(self.categories))
            share = group["market/market_share"]
            self.steps = pd.Index(list(self._step_numbers(group, share)), name="step")
            self._check_shape(share, _DEFAULT_AXES["market"])
            if len(self.steps) == 0:
                raise NotARunError(f"'{self.path}{prefix}' has recorded no steps yet")
            self._read_group(group, "market")
            self._read_group(group, "market/by_category")
            self._read_group(group, "segments")
            self._read_group(group, "strategies")
            if "panel" in group:
                self.panel_group = f"{prefix}/panel"
            if isinstance(group.get("snapshot"), h5py.Group):
                self.snapshot_group = f"{prefix}/snapshot"
            if "experiment" in f:
                for name in ("runs", "summary", "differences"):
                    if f"experiment/{name}" in f:
                        table = rd.experiment_table(f, name)
                        if name != "runs":
                            table = experiment_tables.undefined_spreads(table)
                        self.experiment[name] = table
                if "experiment/scenario" in f:
                    text = rd.scalar_text(f["experiment"], "scenario")
                    self.together = _experiment_keys(text, "together")
                    self.sampled = _experiment_keys(text, "design", "latin_hypercube", "ranges")

    # ---- reading ----

    def _labels(self, dim):
        return {"firm": self.firms, "segment": self.segment_names, "category": self.categories}[dim]

    def _step_numbers(self, group, share):
        """The run's steps: /step, or 0, 1, ... for the rows of `share` (market_share) in a file
        without it.

        @throws LayoutError when /step is not one-dimensional.
        """
        if "step" not in group:
            return range(share.shape[0] if share.ndim else 0)
        step = group["step"]
        if not isinstance(step, h5py.Dataset) or step.ndim != 1:
            shape = f"shape {step.shape}" if isinstance(step, h5py.Dataset) else "no shape"
            raise LayoutError(f"'{self.path}': {self.prefix}/step has {shape}, expected (steps,)")
        return step[()]

    def _check_shape(self, dataset, axes):
        """check_shape with this run's steps and labels."""
        check_shape(self.path, dataset, {axis: len(self.steps) if axis == "step"
                                         else len(self._labels(axis)) for axis in axes})

    def _axes(self, dataset, group_name, metric):
        """The axes of /<group_name>/<metric>: its dimension labels when they are the layout's
        axes, step first; else those the layout gives it (_OWN_AXES, _DEFAULT_AXES)."""
        labels = tuple(rd.axis_labels(dataset))
        if labels and labels[0] == "step" and all(label in ("step", *_SCALES)
                                                  for label in labels):
            return labels
        return _OWN_AXES.get(f"{group_name}/{metric}", _DEFAULT_AXES[group_name])

    def _read_group(self, group, name):
        """Reads the numeric datasets of `group`'s subgroup `name` into the frames of their axes.

        @throws LayoutError when one has another shape than its axes give it.
        """
        if name not in group:
            return
        for metric, dataset in group[name].items():
            if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in "fiu":
                continue
            axes = self._axes(dataset, name, metric)
            self._check_shape(dataset, axes)
            key = f"/{name}/{metric}"
            self.units[key] = rd.attribute(dataset, "units", "")
            self.descriptions[key] = rd.attribute(dataset, "description", "")
            values = dataset[()].reshape(dataset.shape[0], -1)
            inner = [self._labels(dim) for dim in axes[1:]]
            if len(inner) == 1:
                columns = pd.Index(inner[0], name=axes[1])
            else:
                columns = pd.MultiIndex.from_product(inner, names=list(axes[1:]))
            frame = pd.DataFrame(values, index=self.steps, columns=columns)
            if name == "strategies":
                self.diagnostics[metric] = frame
            elif axes == ("step", "firm"):
                self.market[metric] = frame
            elif axes == ("step", "category"):
                self.category_series[metric] = frame
            elif axes == ("step", "category", "firm"):
                self.by_category[metric] = frame
            elif axes == ("step", "segment", "firm"):
                self.segments[metric] = frame

    # ---- convenience ----

    @property
    def name(self):
        return self.attrs.get("scenario_name") or "unnamed scenario"

    @property
    def steps_per_year(self):
        return int(self.attrs.get("steps_per_year") or 0)

    @property
    def saturation(self):
        """Ownership saturation [step x category], or None when the run did not record it."""
        return self.category_series.get("saturation")

    def unit(self, metric, group="market"):
        """The `units` attribute of /<group>/<metric> ("" when absent)."""
        return self.units.get(f"/{group}/{metric}", "")

    def final(self, metric):
        """The last step's value of a [step x firm] metric, as a Series by firm."""
        return self.market[metric].iloc[-1]

    def long(self, metric, group="market"):
        """One metric in long form: columns step, <dims...>, value."""
        frames = {"market": self.market, "by_category": self.by_category,
                  "segments": self.segments, "category": self.category_series,
                  "strategies": self.diagnostics}[group]
        frame = frames[metric]
        stacked = frame.stack(list(range(frame.columns.nlevels)))
        return stacked.rename("value").reset_index()

    # ---- the consumer tables, read when asked for (a snapshot of every consumer is big) ----

    def _column_table(self, group, path, index=None, order=None):
        """panel.column_table of `path` under this run's root, read from the file now; None when
        `group` (the panel's or the snapshot's path, None when the run has none) or `path` is
        absent."""
        if group is None:
            return None
        from analysis.panel import column_table
        with rd.open_file(self.path) as f:
            root = f[self.prefix] if self.prefix else f
            return column_table(root, path, index, order) if path in root else None

    def panel_members(self):
        """The consumer panel's members (/panel/members) as a DataFrame indexed by consumer, a
        column per attribute (segment, age, income, ...; the preference dimensions of `ideal`
        under it: frame["ideal"]["x1"]); None when the run recorded no panel."""
        return self._column_table(self.panel_group, "panel/members", "consumer")

    def panel_purchases(self):
        """The consumer panel's purchases (/panel/purchases) as a DataFrame, one row per purchase
        occasion: step, consumer, category and firm (indices into run.categories and run.firms,
        as recorded), price, units; None when the run recorded no panel."""
        return self._column_table(self.panel_group, "panel/purchases",
                                  order=("step", "consumer", "category", "firm", "price", "units"))

    def snapshot(self):
        """The final snapshot (/snapshot) as a DataFrame indexed by consumer, one row per
        consumer: a column per one-dimensional column of the file (frame["segment"], a Series)
        and, for a column per firm, category or preference dimension, one under its name per
        firm...: frame["aware"] is [consumer x firm], frame["purchases"] [consumer x
        "category/firm"]. None when the run recorded no snapshot."""
        return self._column_table(self.snapshot_group, "snapshot", "consumer")

    def time_label(self):
        """The x-axis label for steps: the run's period (analysis.periods.period), "week" for a
        weekly run, "month" for a monthly one, "step" where steps have no name."""
        return periods.period(self.steps_per_year)

    def time_values(self, steps):
        """The values to draw `steps` at on a time axis: numbered from 1 in a run of a named
        period (weeks 1 to 52 are steps 0 to 51, as the documentation counts them), the steps
        themselves otherwise (analysis.periods.first_number)."""
        return pd.Index(steps) + periods.first_number(self.steps_per_year)

    def time_point(self, step):
        """A step as the time axis names it: "week 27" (step 26 of a weekly run), "month 27",
        "step 26" (analysis.periods.time_point)."""
        return periods.time_point(self.steps_per_year, step)


def check_shape(path, dataset, lengths):
    """Raises LayoutError naming the file `path`, `dataset`, its shape and the shape that
    `lengths` ({axis: length}, in the dataset's order of axes) give it ("expected (steps, firms) =
    (52, 3)") when the two differ, so that a mis-shaped dataset is refused at once rather than
    read as absent or crashing a figure."""
    expected = tuple(lengths.values())
    if dataset.shape != expected:
        words = ", ".join(_AXIS_WORDS[axis] for axis in lengths)
        raise LayoutError(f"'{path}': {dataset.name} has shape {dataset.shape}, expected "
                          f"({words}) = {expected}")


def check_readable(path):
    """Raises OSError saying why `path` cannot be opened as an HDF5 file, if it cannot
    (hdf5_read.open_file)."""
    rd.open_file(path).close()


def bad_input(error):
    """Prints `error` as the one-line message of a command's bad input; returns exit code 2."""
    print(f"error: {error}", file=sys.stderr)
    return 2


def describe_runs(ids):
    """The run ids of an experiment file in a few words: "runs 00000 to 00119", or a list."""
    if not ids:
        return "no runs"
    numbers = [int(k) for k in ids if k.isascii() and k.isdigit()]
    if len(ids) > 2 and len(numbers) == len(ids) and numbers == list(
            range(numbers[0], numbers[0] + len(ids))):
        return f"runs {ids[0]} to {ids[-1]}"
    shown = ", ".join(ids[:8]) + (f", ... ({len(ids)} runs)" if len(ids) > 8 else "")
    return f"run {shown}" if len(ids) == 1 else f"runs {shown}"


def resolve_run_id(path, run, ids):
    """The id under /runs that `run` names: the id itself, or for a whole number written with or
    without leading zeros (42, "42", "042") the run of that number ("00042").

    @throws NotARunError naming the runs the file has, when none matches.
    """
    text = str(run)
    if text in ids:
        return text
    if text.isascii() and text.isdigit():
        matches = [k for k in ids if k.isascii() and k.isdigit() and int(k) == int(text)]
        if len(matches) == 1:
            return matches[0]
    if not ids:
        raise NotARunError(f"'{path}' has no run '{text}': it is not an experiment file (no "
                           "/runs), so there is no run to choose")
    raise NotARunError(f"'{path}' has no run '{text}' under /runs (it has {describe_runs(ids)})")


def load_run(path, run=None):
    """Loads a single-run file, or run `run` of an experiment file (its first run when None).
    `run` is a run id ("00042") or the run's number (42, "42").

    @throws NotARunError when the file or run holds no marketsim series, or the run does not
    exist; OSError, with the path and the reason in plain words, when the file is missing or not
    an HDF5 file.
    """
    check_readable(path)
    ids = run_ids(path)
    if run is not None:
        return Run(path, resolve_run_id(path, run, ids))
    with rd.open_file(path) as f:
        single = "market/market_share" in f
    if single:
        return Run(path, None)
    if not ids:
        raise NotARunError(f"'{path}' is neither a marketsim run nor an experiment (no /runs)")
    return Run(path, ids[0])


def plural(n, one, many=None):
    """A count with its noun: "1 category", "2 categories", "0 firms"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def overrides(run):
    """The `--set` assignments (and seed=N for --seed) the run applied to its scenario file, from
    the root attribute `overrides` (one "key.path=value" a line): [] when absent or empty."""
    return _override_lines(run.attrs.get("overrides"))


def _override_lines(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def is_experiment_key(assignment):
    """True for an assignment to the experiment block, which says how an experiment's runs vary:
    experiment.sweep=..., experiment.replications=2, or the whole block, experiment={...}."""
    key = assignment.split("=", 1)[0].strip()
    return key == "experiment" or key.startswith("experiment.")


def _experiment_keys(text, *block):
    """The key paths of a map in the experiment block of the scenario `text`, in order: the keys
    moved in step ("together") or the Latin hypercube's ("design", "latin_hypercube", "ranges");
    [] when it has none or the text does not parse."""
    from analysis.scenario_text import ScenarioSyntaxError, parse_scenario
    try:
        tree = parse_scenario(text)
    except ScenarioSyntaxError:
        return []
    for name in ("experiment",) + block:
        tree = tree.get(name) if isinstance(tree, dict) else None
    return list(tree) if isinstance(tree, dict) else []


def experiment_overrides(path):
    """The `--set` assignments shared by every run of an experiment file, less the experiment's
    own keys (experiment=... and experiment.*, which say how the runs vary; is_experiment_key):
    what the command line changed for the
    whole experiment, in the order of the first run. [] for a single-run file or none."""
    per_run = _runs_override_lines(path)
    if not per_run:
        return []
    shared = set(per_run[0]).intersection(*per_run[1:])
    return [line for line in per_run[0]
            if line in shared and not is_experiment_key(line)]


def experiment_varied_keys(path):
    """The key paths whose `--set` assignments differ between the runs of an experiment file
    (the keys its design points set: shocks.match.multiply), in the order of their first
    appearance. [] for a single-run file."""
    per_run = _runs_override_lines(path)
    if not per_run:
        return []
    shared = set(per_run[0]).intersection(*per_run[1:])
    keys = [line.split("=", 1)[0].strip() for lines in per_run for line in lines
            if line not in shared and not is_experiment_key(line)]
    return list(dict.fromkeys(keys))


def _runs_override_lines(path):
    """Each run's `--set` assignments (the attribute `overrides` of /runs/ID), [] when the file
    holds no runs group."""
    with rd.open_file(path) as f:
        if "runs" not in f:
            return []
        return [_override_lines(f[f"runs/{k}"].attrs.get("overrides")) for k in f["runs"].keys()]


def run_words(run, total=True):
    """Which run of an experiment file `run` is, in words: "run 00030 of 40, design point 3,
    replication 0" (without "of 40" unless `total`); "" for a single-run file. The design point
    and replication are the run's attributes, left out when it lacks them."""
    if run.run_id is None:
        return ""
    parts = [f"{word} {run.attrs[key]}" for key, word in
             (("design_point", "design point"), ("replication", "replication"))
             if key in run.attrs]
    of = f" of {len(run_ids(run.path))}" if total else ""
    return f"run {run.run_id}{of}" + "".join(f", {part}" for part in parts)


def firms_recording(frame):
    """The firms (columns of a [step x firm] diagnostic) that recorded a value in any step."""
    return [str(firm) for firm in frame.columns if frame[firm].notna().any()] or ["no firm"]


def _rows(path, column):
    """The number of rows of the column `column` of a table in `path` (its first axis); None
    when it is absent."""
    with rd.open_file(path) as f:
        item = f.get(column)
        if isinstance(item, h5py.Dataset) and item.ndim:
            return item.shape[0]
        if isinstance(item, h5py.Group):  # a group of columns: the first one's rows
            firsts = [d for d in item.values() if isinstance(d, h5py.Dataset) and d.ndim]
            return firsts[0].shape[0] if firsts else None
    return None


def panel_words(run):
    """What the overview says of a run's consumer panel: "yes (/panel: 500 members, 4,127
    purchases; run.panel_members(), run.panel_purchases())"."""
    members = _rows(run.path, f"{run.panel_group}/members/consumer")
    purchases = _rows(run.path, f"{run.panel_group}/purchases")
    sizes = ", ".join(part for part in (
        f"{members:,} members" if members is not None else "",
        f"{purchases:,} purchases" if purchases is not None else "") if part)
    return (f"yes (/panel{': ' + sizes if sizes else ''}; run.panel_members(), "
            "run.panel_purchases())")


def snapshot_words(run):
    """What the overview says of a run's final snapshot: "yes (/snapshot: 20,000 consumers, 15
    columns; run.snapshot())"."""
    with rd.open_file(run.path) as f:
        group = f[run.snapshot_group]
        columns = [name for name, item in group.items() if isinstance(item, h5py.Dataset)]
        rows = next((group[name].shape[0] for name in columns if group[name].ndim), None)
    sizes = ", ".join(part for part in (f"{rows:,} consumers" if rows is not None else "",
                                        plural(len(columns), "column")) if part)
    return f"yes (/snapshot: {sizes}; run.snapshot())"


def overview(run):
    """A short plain-language overview of a run, as text."""
    from analysis.summary import format_summary, scale_note, summary_table
    lines = []
    where = ""
    if run.run_id is not None:
        # Which run: its place in the design, and the seed that reruns it alone.
        seed = f", seed {run.attrs['seed']}" if "seed" in run.attrs else ""
        where = f" ({run_words(run)}{seed})"
    lines.append(f"{run.name}{where}")
    if run.description:
        lines.append(run.description.strip())
    changes = overrides(run)  # as the report's note and `marketsim summarize` show them
    if changes:
        # A run of an experiment: the keys its design points set (the columns of
        # /experiment/runs) are the design point's, the rest the command line's; the experiment's
        # own keys, which say how the runs vary, are neither.
        typed, point = changes, []
        if run.run_id is not None:
            runs = run.experiment.get("runs")
            swept = (set(experiment_tables.swept_columns(runs, run.firms)) if runs is not None
                     else None)
            key = lambda line: line.split("=", 1)[0].strip()  # noqa: E731
            if swept is None:  # no table: what every run shares came from the command line
                shared = experiment_overrides(run.path)
                swept_line = lambda line: line not in shared  # noqa: E731
            else:
                swept_line = lambda line: key(line) in swept  # noqa: E731
            point = [line for line in changes if not is_experiment_key(line) and swept_line(line)]
            typed = [line for line in changes
                     if not is_experiment_key(line) and not swept_line(line)]
        if typed:
            lines.append("Changed from the scenario file on the command line: " + ", ".join(typed))
        if point:
            lines.append("Changed by the run's design point: " + ", ".join(point))
    from analysis.scenario_text import branch_line
    branched = branch_line(run.scenario, run.steps_per_year)  # as summarize says it
    if branched:
        lines.append(branched)
    if changes and run.description:
        lines.append("The description above is the scenario file's and may not hold for this "
                     "run.")
    length = periods.run_length(len(run.steps), run.steps_per_year)  # "1 week", "2.0 years"
    years = f", {length}" if length else ""
    complete = "" if run.attrs.get("complete", 1) == 1 else "  [INCOMPLETE RUN]"
    lines.append(f"{run.attrs.get('consumers', '?')} consumers, {len(run.steps)} of "
                 f"{run.attrs.get('steps', len(run.steps))} steps{years}; "
                 f"{plural(len(run.firms), 'firm')}, "
                 f"{plural(len(run.segment_names), 'segment')}, "
                 f"{plural(len(run.categories), 'category', 'categories')}{complete}")
    if scale_note(run):
        lines.append(scale_note(run))
    lines.append("")
    lines.append(format_summary(summary_table(run)))
    lines.append("")
    lines.append("Firm metrics recorded: " + ", ".join(sorted(run.market)))
    if run.diagnostics:
        lines.append("Strategies' own diagnostics (/strategies, run.diagnostics): "
                     + ", ".join(f"{name} ({', '.join(firms_recording(frame))})"
                                 for name, frame in sorted(run.diagnostics.items())))
    if run.saturation is not None:
        lines.append("Durables: ownership saturation is recorded.")
    lines.append("Consumer panel: " + (panel_words(run) if run.panel_group else "not recorded"))
    lines.append("Final snapshot: " + (snapshot_words(run) if run.snapshot_group
                                       else "not recorded"))
    if run.run_id is not None:
        ids = run_ids(run.path)
        shown = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
        tables = ", ".join(f"/experiment/{name} ({plural(len(table), 'row')})"
                           for name, table in run.experiment.items())
        lines.append(f"Experiment file: runs {shown}; pick one with --run ID."
                     + (f" Tables: {tables}." if tables else ""))
    return "\n".join(lines)


def add_run_arguments(parser):
    """The arguments every command that reads one run takes: the file and --run."""
    parser.add_argument("file", help="a run file (RUN.h5) or an experiment file")
    parser.add_argument("--run", help="the run inside an experiment file: its id (00042) or its "
                                      "number (42); default: the first")


def load_run_or_report(args):
    """The run that the parsed arguments name, or None after printing why it cannot be read
    (the caller then exits with code 2)."""
    try:
        return load_run(args.file, args.run)
    except (OSError, NotARunError) as error:
        bad_input(error)
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.load",
                                     description="Load a marketsim run and print an overview.")
    add_run_arguments(parser)
    run = load_run_or_report(parser.parse_args(argv))
    if run is None:
        return 2
    print(overview(run))
    return 0


if __name__ == "__main__":
    run_main(main)
