"""An experiment's design points in words, for the legends, panel titles and axes of its figures:
each key a design point sets in words (scenario_text.key_words, the package's one function for
that) with its value and unit, a shock switched on or off, keys moved together
(experiment.together) as one, long labels wrapped and shortened, and design point 0 named as the
baseline where the file's tables compare every design point with it."""

import numbers
import re
import textwrap

import numpy as np

from analysis.periods import PERIODS
from analysis.scenario_text import (_shock_words, is_shock_switch, key_label, key_unit,
                                    key_words, run_shocks, short_key)

# Units written after a value as words ("26 weeks", "26 months": any period's plural); other units
# go in brackets, and money's "money per year" is "per year" after the value ("1,250 per year").
_COUNTED = ("steps", *(f"{word}s" for word in PERIODS.values()), "consumers", "units",
            "purchases")
_TRUE = ("true", "yes", "on", "1")


def key_in_words(path):
    """A swept key for a figure: its words where the package knows the key
    (scenario_text.key_words: "VarietyCo's marketing budget", "shock q3_cut"), else the path
    without its block (scenario_text.short_key: "Niche.segmentation")."""
    return key_words(path) or short_key(path)


def keys_in_words(paths):
    """Several keys in words, joined: "A", "A and B", "A, B and C"."""
    words = [key_in_words(p) for p in paths]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def axis_label(path, steps_per_year, width):
    """A swept key for an axis (scenario_text.key_label: its words and unit, not its path),
    wrapped to lines of at most `width` characters, never within a word, "axis 0" or a unit in
    brackets that fits on a line: "price of mass media\n(money per 1000 impressions)"."""
    return wrapped(key_label(path, steps_per_year), width)


def wrapped(text, width):
    """Words about keys wrapped to lines of at most `width` characters, never within a word,
    "axis 0" or a closing bracket that fits on a line."""
    glued = re.sub(r"axis (\d)", "axis\u00a0\\1", text)
    glued = re.sub(r"\([^()]*\)$", lambda m: m.group(0).replace(" ", "\u00a0")
                   if len(m.group(0)) <= width else m.group(0), glued)
    return textwrap.fill(glued, width, break_long_words=False,
                         break_on_hyphens=False).replace("\u00a0", " ")


def named_keys(paths):
    """{key path: its words} for keys named side by side, as in the lines that say why a figure
    is not drawn: key_in_words, with the key path in brackets only where two of the keys would
    otherwise read the same ("A's price (firms.A.price)", "A's price
    (firms.A.products.0.price)")."""
    words = {p: key_in_words(p) for p in paths}
    shared = {w for w in words.values() if list(words.values()).count(w) > 1}
    return {p: f"{w} ({p})" if w in shared else w for p, w in words.items()}


def _is_number(value):
    """True for a number (numpy's too), not for true/false."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _setting(value):
    """A design point's value for a label: 0.7, 12.85, 8,288, 38,247 (a sampled budget; never
    3.825e+04), 2,000 (an integer column), true."""
    if isinstance(value, numbers.Integral) and _is_number(value):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() and abs(value) < 1e3 else \
            f"{value:,.0f}"
    return str(value)


def value_words(path, value, steps_per_year=0):
    """A key's value in words, with the key's unit where the package knows it: "1,250 per year"
    (money per year), "26 weeks", "0.45 (fraction of unit cost)"; "on" or "off" for a shock's
    switch; other values as _setting writes them."""
    if is_shock_switch(path):
        return "on" if str(value).strip().lower() in _TRUE else "off"
    text = _setting(value)
    unit = key_unit(path, steps_per_year) if _is_number(value) else ""
    if not unit or unit == str(path).split(".")[-1]:  # consumers = 2,000, not 2,000 consumers
        return text
    if unit.startswith("money per "):
        # A reward's money is per reward: "reward = 1", not "reward = 1 per reward".
        per = unit[len("money per "):]
        return text if per == str(path).split(".")[-1] else f"{text} per {per}"
    return f"{text} {unit}" if unit in _COUNTED else f"{text} ({unit})"


def setting_words(paths, value, steps_per_year=0):
    """What a design point sets, in words: "VarietyCo's marketing budget = 1,250 per year";
    "shock q3_cut on"; for keys moved together to one value, each named once: "tangy's ideal
    point's centre on axis 0 and fruity's ideal point's centre on axis 1 = 0.5 (taste-space
    units)". `paths` is one key path or a list of them."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    words = value_words(paths[0], value, steps_per_year)
    if all(is_shock_switch(p) for p in paths):
        return f"{keys_in_words(paths)} {words}"
    return f"{keys_in_words(paths)} = {words}"


def _grouped(settings, together):
    """[(key paths, value)] of a design point's `settings` ({key path: value}) in their order,
    the keys moved together (`together`) that take one value and one unit merged at the first
    of them; other keys alone."""
    moved = [k for k in together if k in settings]
    merged = _same(settings, moved)
    groups = []
    for key, value in settings.items():
        if merged and key in moved[1:]:
            continue
        groups.append((moved if merged and key == moved[0] else [key], value))
    return groups


def _same(settings, keys):
    """True when the keys `keys` of `settings` take one value and have one unit."""
    return (len(keys) >= 2 and len({str(settings[k]) for k in keys}) == 1
            and len({key_unit(k) for k in keys}) == 1)


def point_words(settings, together=(), steps_per_year=0, named=True):
    """What a design point sets, every key in words (setting_words), joined by "; "; "" when
    it sets nothing. Not `named`: the values alone (value_words), for a legend or figure that
    names the keys once."""
    return "; ".join(setting_words(keys, value, steps_per_year) if named else
                     value_words(keys[0], value, steps_per_year)
                     for keys, value in _grouped(settings, together))


def point_label(point, settings, together=(), steps_per_year=0, baseline=False, width=None,
                max_lines=None, named=True):
    """A design point in words: "point 1: shock q3_cut off; shock niche_entry on", "point 0
    (baseline): VarietyCo's marketing budget = 0 per year" when `baseline` ("point 0
    (baseline): 0 per year" when not `named`). With `width`, wrapped to lines of at most that
    many characters (never within a word), and with `max_lines`, cut after that many lines
    (" ..."), so that a long label fits its legend or panel."""
    words = point_words(settings, together, steps_per_year, named)
    text = f"point {point}" + (" (baseline)" if baseline else "") + (f": {words}" if words
                                                                      else "")
    if width is None:
        return text
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False,
                         max_lines=max_lines, placeholder=" ...")


def baseline_point(run):
    """The design point the file's tables compare the others with (/experiment/differences:
    "change vs 0" in `marketsim summarize`, "changes against design point 0" in the report): 0
    when the file has such changes, else None (one design point, or no such table)."""
    differences = run.experiment.get("differences")
    return 0 if differences is not None and len(differences) else None


def shared_key(run, settings):
    """The words of the one key (or keys moved together to one value) that every design point
    of `settings` ({point: {key path: value}}) sets, so that a figure can name it once
    ("VarietyCo's marketing budget"); "" when the design points set more keys, or none."""
    together = getattr(run, "together", [])
    groups = {tuple(tuple(keys) for keys, _ in _grouped(s, together)) for s in settings.values()}
    if len(groups) != 1:
        return ""
    (only,) = groups
    return keys_in_words(only[0]) if len(only) == 1 else ""


def run_point_labels(run, points, settings, width=None, max_lines=None):
    """(what every design point sets, {point: label}) for the design points `points` of
    experiment `run` (settings: {point: {key path: value}}): when they all set one key (or keys
    moved together), its words (shared_key) and each point's value alone ("point 1: 1,250 per
    year"); else "" and each point's keys in words. Keys moved together are named once, units
    are in the run's time unit, and design point 0 is called the baseline where the tables
    compare with it (baseline_point)."""
    shown = {p: settings.get(p, {}) for p in points}
    key = shared_key(run, shown)
    return key, {p: point_label(p, s, getattr(run, "together", []), run.steps_per_year,
                                p == baseline_point(run), width, max_lines, named=not key)
                 for p, s in shown.items()}


def switched_shocks(run, keys):
    """What the shocks that design points switch on or off (`keys` of the form
    shocks.<name>.enabled) do, as `marketsim summarize` lists them: "shocks on or off by design
    point: week 27: VarietyCo's budget x 0.7 (q3_cut); week 60: GreenBite enters the market
    (niche_entry)"; "" when no key switches a shock or the run's scenario does not name it."""
    names = {str(k).split(".")[1] for k in keys if is_shock_switch(k)}
    found = [_shock_words(step, label, shock, True, run.steps_per_year)  # in the file's order
             for step, label, shock, _ in run_shocks(run.scenario, 1 << 30) if label in names]
    return "shocks on or off by design point: " + "; ".join(found) if found else ""
