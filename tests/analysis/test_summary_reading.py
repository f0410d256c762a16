"""analysis.summary.reading: the plain-language reading under the summary table names a leader
only when it leads, over the firms in the market only (the rule marketsim summarize uses)."""

import pandas as pd

from analysis.summary import format_summary, reading


def _table(rows):
    return pd.DataFrame(rows, columns=["firm", "strategy", "market_share", "customer_share",
                                       "penetration", "awareness", "profit", "profit_per_year",
                                       "roi", "in_market"])


def test_a_leader_is_named_when_it_leads():
    table = _table([["A", "s", 0.413, 0.483, 0.5, 0.9, 720_200.0, 720_200.0, 2.0, True],
                    ["B", "t", 0.300, 0.400, 0.5, 0.9, 500_000.0, 500_000.0, 1.0, True]])
    assert reading(table) == [
        "In the last step, A (s) sold the most units: 41.3% of the market.",
        "A (s) won the largest share of its own buyers' category purchases: 48.3%.",
        "Over the run, A (s) earned the most: 720.2k."]


def test_level_firms_are_named_together_leader_first():
    table = _table([["B", "t", 0.500, 0.821, 0.5, 0.9, 9_126_000.0, 0.0, 2.0, True],
                    ["A", "s", 0.500, 0.822, 0.5, 0.9, 9_134_000.0, 0.0, 2.0, True],
                    ["C", "u", 0.000, 0.100, 0.5, 0.9, 1_000.0, 0.0, 2.0, True]])
    assert reading(table) == [
        "In the last step, B (t) and A (s) sold about as many units: 50.0% and 50.0% of the "
        "market.",
        "A (s) and B (t) won about the same share of their own buyers' category "
        "purchases: 82.2% and 82.1%.",
        "Over the run, A (s) and B (t) earned about the same: 9.13M and 9.13M."]


def test_level_thresholds_half_a_point_and_one_percent_of_profit():
    def lines(share_b, profit_b):
        return reading(_table([
            ["A", "s", 0.400, 0.400, 0.5, 0.9, 100_000.0, 0.0, 1.0, True],
            ["B", "t", share_b, share_b, 0.5, 0.9, profit_b, 0.0, 1.0, True]]))
    level = lines(0.3951, 99_001.0)
    assert "about as many" in level[0] and "about the same" in level[1]
    assert "about the same" in level[2]
    apart = lines(0.3949, 98_999.0)
    assert "sold the most" in apart[0] and "largest share" in apart[1]
    assert "earned the most" in apart[2]
    # every firm lost money: nobody "earned" anything, whoever lost the least
    losses = reading(_table([["A", "s", 0.5, 0.5, 0.5, 0.9, -100_000.0, 0.0, 1.0, True],
                             ["B", "t", 0.5, 0.5, 0.5, 0.9, -100_500.0, 0.0, 1.0, True]]))
    assert losses[2] == "Over the run, every firm lost money; A (s) lost the least: -100.0k."


def test_a_gap_that_chance_gives_in_the_weeks_units_is_level():
    """advertising_budget.yaml's two equal firms read 50.5% and 49.5% in week 52, and "FizzCo
    sold the most units" with the seed at 1, "about as many" at 2, 3 and 5: one point of a
    week's 20,000 units is chance (twice the gap's standard error is 1.41 points)."""
    from analysis.summary import shares_level
    table = _table([["A", "s", 0.505, 0.4, 0.5, 0.9, 100_000.0, 0.0, 1.0, True],
                    ["B", "t", 0.495, 0.3, 0.5, 0.9, 50_000.0, 0.0, 1.0, True]])
    table.attrs["units_last_step"] = 20_000.0
    assert reading(table)[0] == ("In the last step, A (s) and B (t) sold about as many units: "
                                 "50.5% and 49.5% of the market.")
    table.attrs["units_last_step"] = 200_000.0
    assert reading(table)[0] == "In the last step, A (s) sold the most units: 50.5% of the market."
    assert shares_level(0.505, 0.495, 20_000) and not shares_level(0.505, 0.495, 200_000)
    assert shares_level(0.504, 0.4991, 0) and not shares_level(0.506, 0.4991, 0)
    assert not shares_level(0.9, 0.1, 10)


def test_only_firms_in_the_market_count():
    table = _table([["Durabox", "mass", 1.0, 1.0, 0.9, 1.0, 18_180_000.0, 0.0, 18.0, True],
                    ["LongLife", "mass", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False]])
    assert reading(table) == ["Durabox (mass) is the only firm in the market."]
    assert format_summary(table).endswith("\n\nDurabox (mass) is the only firm in the market.")
    second = _table([["A", "s", 0.30, 0.30, 0.5, 0.9, 100.0, 0.0, 1.0, True],
                     ["Out", "t", 0.00, 0.00, 0.0, 0.0, 0.0, 0.0, 0.0, False],
                     ["B", "u", 0.70, 0.70, 0.5, 0.9, 50.0, 0.0, 1.0, True]])
    assert reading(second)[0] == "In the last step, B (u) sold the most units: 70.0% of the market."
    assert all("Out" not in line for line in reading(second))


def test_a_firm_without_a_budget_is_in_the_market_one_that_never_entered_is_not(tmp_path):
    # Niche (tiny.yaml) with no budget and nobody aware of it sells nothing and spends nothing,
    # but it is on the shelf; a firm whose entry is switched off never was in the market. The
    # rule of `marketsim summarize`, from the stored scenario's entries.
    from analysis.load import load_run
    from analysis.summary import not_in_market
    from conftest import run_tiny
    quiet = load_run(run_tiny(tmp_path / "quiet.h5", "firms.Niche.budget_per_year=0",
                              "firms.Niche.fixed_cost_per_year=0", "market.initial_awareness=0"))
    assert quiet.market["units"]["Niche"].sum() == 0
    assert quiet.market["marketing_spend"]["Niche"].sum() == 0
    assert not_in_market(quiet) == []
    waiting = load_run(run_tiny(tmp_path / "waiting.h5",
                                "shocks=[{name: arrives, kind: enter, firm: Niche, step: 3, "
                                "enabled: false}]"))
    assert not_in_market(waiting) == ["Niche"]
    arrived = load_run(run_tiny(tmp_path / "arrived.h5",
                                "shocks=[{name: arrives, kind: enter, firm: Niche, step: 3}]"))
    assert not_in_market(arrived) == []


def test_entries_and_exits_apply_in_step_order(tmp_path):
    # In for steps 2 and 3 only: it took part; out from step 0 on: it did not (marketsim's
    # in_market_in_run, which the summary and the experiment tables use).
    from analysis.load import load_run
    from analysis.summary import not_in_market
    from conftest import run_tiny
    brief = load_run(run_tiny(tmp_path / "brief.h5",
                              "shocks=[{kind: enter, firm: Niche, step: 2}, "
                              "{kind: exit, firm: Niche, step: 4}]"))
    assert not_in_market(brief) == []
    gone = load_run(run_tiny(tmp_path / "gone.h5", "shocks=[{kind: exit, firm: Niche, step: 0}]"))
    assert not_in_market(gone) == ["Niche"]
    late = load_run(run_tiny(tmp_path / "late.h5", "shocks=[{kind: enter, firm: Niche, step: 11}]"))
    assert not_in_market(late) == ["Niche"]  # the run (10 steps) ends before it enters


def test_a_market_where_nobody_bought_names_no_leader():
    # every firm left the market before the last step: 0.0% and 0.0% is no contest
    table = _table([["A", "s", 0.0, float("nan"), 0.5, 0.9, -100.0, 0.0, 1.0, True],
                    ["B", "t", 0.0, float("nan"), 0.5, 0.9, -200.0, 0.0, 1.0, True]])
    assert reading(table) == ["In the last step, no firm sold anything.",
                              "Over the run, every firm lost money; A (s) lost the least: -100."]


def test_shares_without_sales_or_buyers_read_n_a_as_in_summarize(tmp_path):
    """Nobody buys (an outside option far better than any product): market share is 0 of 0
    units and customer share has no buyers, so both are n/a, as `marketsim summarize` prints."""
    from conftest import run_tiny
    from analysis.load import load_run
    from analysis.summary import formatted, summary_table
    run = load_run(run_tiny(tmp_path / "nobody.h5", "market.outside_utility=1e6"))
    table = summary_table(run)
    assert table["market_share"].isna().all() and table["customer_share"].isna().all()
    shown = formatted(table)
    assert set(shown["market share"]) == {"n/a"} and set(shown["customer share"]) == {"n/a"}
    assert set(shown["penetration"]) == {"0.0%"}


def test_a_firm_without_buyers_is_not_ranked_on_customer_share():
    """Customer share is undefined (NaN) for a firm nobody bought from: it is left out of the
    ranking, not named leader with "n/a" because it is listed first."""
    nan = float("nan")
    table = _table([["Fizz", "mass", 0.0, nan, 0.0, 0.0, 0.0, 0.0, nan, True],
                    ["Cola", "mass", 0.6, 0.62, 0.8, 0.9, 500.0, 0.0, 2.0, True],
                    ["Pop", "niche", 0.4, 0.45, 0.5, 0.9, 100.0, 0.0, 1.0, True]])
    assert reading(table)[1] == ("Cola (mass) won the largest share of its own buyers' category "
                                 "purchases: 62.0%.")
    # the only firm with buyers leads, whatever its share: no "level with n/a"
    table = _table([["Fizz", "mass", 0.0, nan, 0.0, 0.0, 0.0, 0.0, nan, True],
                    ["Cola", "mass", 1.0, 0.003, 0.8, 0.9, 500.0, 0.0, 2.0, True]])
    assert reading(table)[1] == ("Cola (mass) won the largest share of its own buyers' category "
                                 "purchases: 0.3%.")
    # no firm with a customer share (a file without it): no sentence about it, none with n/a
    table = _table([["A", "s", 0.6, nan, 0.8, 0.9, 500.0, 0.0, 2.0, True],
                    ["B", "t", 0.4, nan, 0.5, 0.9, 100.0, 0.0, 1.0, True]])
    assert reading(table) == ["In the last step, A (s) sold the most units: 60.0% of the market.",
                              "Over the run, A (s) earned the most: 500."]
    assert all("n/a" not in line for line in reading(table))


def test_the_customer_share_leader_is_the_one_summarize_names(tmp_path):
    """Mass, the first firm of tiny.yaml, with no budget and nobody aware of it: nobody buys
    from it, and the reading names the leader that `marketsim summarize` names."""
    import subprocess
    from conftest import marketsim_binary, run_tiny
    from analysis.load import load_run
    from analysis.summary import summary_table
    path = run_tiny(tmp_path / "no-buyers.h5", "firms.Mass.budget_per_year=0",
                    "market.initial_awareness=0")
    printed = subprocess.run([marketsim_binary(), "summarize", str(path)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    ours = reading(summary_table(load_run(path)))
    sentence = next(line for line in ours if "share of its own buyers'" in line)
    assert not sentence.startswith("Mass") and "n/a" not in sentence
    assert sentence in printed
