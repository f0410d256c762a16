"""Dirichlet analysis of a run's consumer panel: observed against theoretical brand performance.

    python3 -m analysis.dirichlet RUN.h5 [--run ID] [--category NAME] [--steps FIRST:LAST]
                                         [--k-method zeros|moments]

For each category it counts every panel member's purchase occasions by brand over the period,
fits the NBD-Dirichlet (M from the mean, K by the method of zeros unless told otherwise, S so
that the theoretical brand penetrations match the observed by least squares) and prints, per
brand, penetration b, purchases per buyer w, share of category requirements and the 100%-loyal
share, observed and theoretical, then the duplication tables. Exit code 2 when the run has no
/panel.
"""

import argparse
import math
import re
import sys

import numpy as np

from analysis import run_main
from analysis.load import NotARunError, add_run_arguments, load_run, plural, run_words
from analysis.nbd_dirichlet import Fit
from analysis.panel import NoPanelError, Panel

K_METHODS = {"zeros": "the method of zeros (matches the observed share of non-buyers)",
             "moments": "the method of moments (matches the variance of category purchases)"}


def _pct(x):
    return f"{100 * x:5.1f}"


def brand_table(names, fit):
    """Observed against theoretical b, w, SCR and 100%-loyal per brand, with an average row."""
    obs, model = fit.observed, fit.model
    theory = {"penetration": model.penetration(),
              "purchases_per_buyer": model.purchases_per_buyer(),
              "share_of_requirements": model.share_of_requirements(),
              "sole_loyal": model.sole_loyal()}
    width = max(8, *(len(n) for n in names))
    lines = [f"{'':{width}}  {'market':>6}  {'penetration b %':>15}  {'buys per buyer w':>16}  "
             f"{'SCR %':>13}  {'100% loyal %':>13}",
             f"{'brand':{width}}  {'share%':>6}  {'obs':>7} {'theo':>7}  {'obs':>8} {'theo':>7}  "
             f"{'obs':>6} {'theo':>6}  {'obs':>6} {'theo':>6}"]

    def row(label, j=None):
        def pick(values):
            return float(np.mean(values)) if j is None else float(values[j])
        return (f"{label:{width}}  {_pct(pick(obs['share'])):>6}  "
                f"{_pct(pick(obs['penetration'])):>7} {_pct(pick(theory['penetration'])):>7}  "
                f"{pick(obs['purchases_per_buyer']):8.2f} "
                f"{pick(theory['purchases_per_buyer']):7.2f}  "
                f"{_pct(pick(obs['share_of_requirements'])):>6} "
                f"{_pct(pick(theory['share_of_requirements'])):>6}  "
                f"{_pct(pick(obs['sole_loyal'])):>6} {_pct(pick(theory['sole_loyal'])):>6}")
    lines += [row(name, j) for j, name in enumerate(names)]
    lines.append(row("average"))
    return "\n".join(lines)


def duplication_table(names, matrix, title):
    """A duplication matrix in % with an average column (the duplication law reads down it)."""
    corner = "buyers of"
    width = max(len(corner), *(len(n) for n in names))   # the row labels
    cell = max(7, *(len(n) for n in names)) + 1           # each column: its whole name and a space
    head = "".join(f"{n:>{cell}}" for n in names)
    lines = [title, f"{corner:{width}}{head}{'average':>9}"]
    for j, name in enumerate(names):
        others = [matrix[j, k] for k in range(len(names)) if k != j]
        cells = "".join(f"{'-':>{cell}}" if k == j else f"{_pct(matrix[j, k]):>{cell}}"
                        for k in range(len(names)))
        lines.append(f"{name:{width}}{cells}{_pct(float(np.mean(others)) if others else 0):>9}")
    return "\n".join(lines)


def analyse_category(panel, category, first, last, k_method):
    """The printed analysis of one category, or a sentence saying why there is none."""
    counts = panel.counts(category, first, last)
    name = panel.categories[category]
    sold = counts.sum(axis=0) > 0
    if sold.sum() < 2:
        return f"Category {name}: fewer than two brands bought by the panel; no Dirichlet fit."
    names = [f for f, s in zip(panel.firms, sold) if s]
    fit = Fit(counts[:, sold], k_method)
    category_counts = fit.observed["category_counts"]
    buyers = category_counts > 0
    steps = f"steps {first}-{last} ({plural(last - first + 1, 'step')})"
    k_text = "infinite (Poisson)" if math.isinf(fit.K) else f"{fit.K:.3f}"
    theo_buy_rate = fit.M / fit.model.category_penetration()
    lines = [
        f"Category {name}: {steps}, a panel of {panel.size} consumers",
        f"  category penetration {_pct(buyers.mean()).strip()}% (theory "
        f"{_pct(fit.model.category_penetration()).strip()}%), purchases per category buyer "
        f"{category_counts[buyers].mean():.2f} (theory {theo_buy_rate:.2f})",
        f"  M = {fit.M:.3f} category purchases per panel member over the period",
        f"  K = {k_text}, by {K_METHODS[k_method]}",
        f"  S = {fit.S:.3f}, chosen so that the theoretical brand penetrations match the observed "
        "ones (least squares)",
    ]
    if len(names) < len(panel.firms):
        lines.append("  brands the panel never bought here are left out: "
                     + ", ".join(f for f, s in zip(panel.firms, sold) if not s))
    lines += ["", brand_table(names, fit), "",
              duplication_table(names, fit.observed["duplication"],
                                "Duplication, observed: % of the row brand's buyers who also "
                                "bought the column brand"), "",
              duplication_table(names, fit.model.duplication(), "Duplication, Dirichlet theory")]
    return "\n".join(lines)


def _parse_steps(text, first_step, last_step, path):
    """The period FIRST:LAST of --steps, within the steps [first_step, last_step] of the panel of
    the run file `path`.

    @throws ValueError naming the file, the option, the value, what is wrong with it and what
    was expected.
    """
    problem, period = _steps_problem(text, first_step, last_step)
    if problem:
        raise ValueError(f"'{path}': --steps '{text}': {problem}; expected FIRST:LAST, two whole "
                         f"steps with FIRST <= LAST within the panel's steps "
                         f"{first_step}:{last_step}")
    return period


def _steps_problem(text, first_step, last_step):
    """(what is wrong with the period `text` in a few words, "" when nothing is; (FIRST, LAST)
    when it is whole)."""
    first, sep, last = text.partition(":")
    if not sep:
        return "it has no ':' between FIRST and LAST", None
    values = []
    for name, part in (("FIRST", first), ("LAST", last)):
        try:
            values.append(int(part))
        except ValueError:
            return f"{name} '{part}' is not a whole step", None
    first, last = values
    if first > last:
        return f"FIRST {first} is after LAST {last}", None
    if first < first_step:
        return f"FIRST {first} is before the panel's first step, {first_step}", None
    if last > last_step:
        return f"LAST {last} is after the panel's last step, {last_step}", None
    return "", (first, last)


def _option_values_joined(argv, option="--steps"):
    """The command line `argv` with `option` and a value that starts with '-' written as one
    argument, "--steps=-1:3": argparse takes such a value ("-1:3" is no plain negative number)
    for an option and says only "expected one argument", so the period never reached
    _parse_steps, which says what is wrong with it. An abbreviation of `option` ("--step") is
    joined too; arguments after "--" are left as they are."""
    args, joined = list(argv), []
    while args:
        arg = args.pop(0)
        if arg == "--":
            return joined + [arg] + args
        if (len(arg) > 2 and option.startswith(arg) and args
                and re.match(r"-[\d:.]", args[0])):
            arg = f"{arg}={args.pop(0)}"
        joined.append(arg)
    return joined


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.dirichlet",
                                     description="NBD-Dirichlet analysis of a run's /panel.")
    add_run_arguments(parser)
    parser.add_argument("--category", help="analyse this category only (default: each)")
    parser.add_argument("--steps", help="the period, FIRST:LAST inclusive (default: the whole "
                                        "panel)")
    parser.add_argument("--k-method", choices=sorted(K_METHODS), default="zeros",
                        help="how K is fitted (default: zeros)")
    args = parser.parse_args(_option_values_joined(sys.argv[1:] if argv is None else argv))
    try:
        run = load_run(args.file, args.run)
        panel = Panel(args.file, run.run_id)
        first, last = panel.steps()
        if args.steps:
            first, last = _parse_steps(args.steps, first, last, args.file)
        if args.category is not None and args.category not in panel.categories:
            raise ValueError(f"no category '{args.category}' (the run has "
                             f"{', '.join(panel.categories)})")
    except (OSError, NotARunError, NoPanelError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    categories = ([panel.categories.index(args.category)] if args.category is not None
                  else range(len(panel.categories)))
    which = run_words(run)  # an experiment's run: which one, chosen or the first by default
    print(f"{run.name}{f' ({which})' if which else ''}: Dirichlet analysis of the consumer panel "
          f"({panel.size} consumers)\n")
    print("\n\n".join(analyse_category(panel, c, first, last, args.k_method) for c in categories))
    return 0


if __name__ == "__main__":
    run_main(main)
