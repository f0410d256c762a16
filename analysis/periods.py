"""The run's time unit in words, by its steps per year: the one rule that the summaries, the
figures' time axes, the shock lines and the tables of the package follow, as `marketsim
summarize` does (period_word and period_point in models/summary_format.cpp).

A named period ("week 1", "month 7") is numbered from 1, as the scenarios and the
documentation count weeks: week 1 is step 0. Steps without a name keep the program's own
numbering, from 0 ("step 26")."""

# The run's period by steps per year; any other count is "step".
PERIODS = {52: "week", 12: "month", 4: "quarter", 1: "year", 365: "day"}


def period(steps_per_year):
    """The run's period: "week" for 52 steps a year, "month" for 12, "quarter" for 4, "year" for
    1, "day" for 365, else "step" (also when the count is unknown)."""
    try:
        return PERIODS.get(int(steps_per_year), "step")
    except (TypeError, ValueError):
        return "step"


def first_number(steps_per_year):
    """What step 0 is called on the run's time axis: 1 for a named period (week 1), 0 for bare
    steps (step 0)."""
    return 0 if period(steps_per_year) == "step" else 1


def time_point(steps_per_year, step):
    """Step `step` as the run's time axis names it: "week 27" for step 26 of a weekly run,
    "month 27" of a monthly one, "step 26" where steps have no name."""
    return f"{period(steps_per_year)} {int(step) + first_number(steps_per_year)}"


def run_length(steps, steps_per_year):
    """How long `steps` steps of a run are, for a reader: "1 week", "10 weeks", "6 months" while
    shorter than a year in a run of a named period; "2.0 years" from a year on ("1.0 years", as
    `marketsim summarize` says it), and in a run whose steps have no name, with enough digits
    that a short run does not read "0.0 years" (26 steps at 1,000 a year: "0.026 years"); ""
    when the steps per year are unknown."""
    try:
        per_year = int(steps_per_year)
    except (TypeError, ValueError):
        return ""
    if per_year <= 0:
        return ""
    steps = int(steps)
    name = period(per_year)
    if steps < per_year and name != "step":
        return f"{steps} {name}" + ("" if steps == 1 else "s")
    years = steps / per_year
    return f"{years:.1f} years" if years >= 0.1 or years == 0 else f"{years:.2g} years"
