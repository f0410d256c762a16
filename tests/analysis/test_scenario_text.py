"""analysis.scenario_text: name and description with and without PyYAML."""

from analysis import scenario_text

TEXT = """# a comment
name: "Mass vs one-to-one"
description: >
  Two firms
  compete.
seed: 42
firms:
  - name: A
"""


def test_fallback_reader(monkeypatch):
    monkeypatch.setattr(scenario_text, "yaml", None)
    assert scenario_text.scenario_fields(TEXT) == {"name": "Mass vs one-to-one",
                                                   "description": "Two firms compete."}
    plain = scenario_text.scenario_fields("name: Tiny market  # short\nseed: 1\n")
    assert plain == {"name": "Tiny market", "description": ""}


def test_with_whatever_is_installed():
    fields = scenario_text.scenario_fields(TEXT)
    assert fields["name"] == "Mass vs one-to-one"
    assert fields["description"].startswith("Two firms")


def test_parse_scenario_reads_the_yaml_scenarios_use():
    text = """# comment
name: "Two \\"brands\\" of tea"   # trailing comment
description: >
  Folded
  text.
seed: 42
market: {cpm_mass: 10, beta: [1, 2]}
segments:
  - name: everyone
    share: 1.0
    ideal: {mean: [0, 0],
            sd: [0.5, 0.5]}
    purchase_rate:
      tea: {mean: 0.4}
  - {name: other, share: 0}
firms:
- name: Big
  categories: [tea]
  note: 'it''s # not a comment'
empty:
shocks: []
"""
    tree = scenario_text.parse_scenario(text)
    assert tree["name"] == 'Two "brands" of tea' and tree["description"] == "Folded text.\n"
    assert tree["seed"] == "42" and tree["market"] == {"cpm_mass": "10", "beta": ["1", "2"]}
    everyone, other = tree["segments"]
    assert everyone["ideal"] == {"mean": ["0", "0"], "sd": ["0.5", "0.5"]}
    assert everyone["purchase_rate"] == {"tea": {"mean": "0.4"}} and other["share"] == "0"
    assert tree["firms"] == [{"name": "Big", "categories": ["tea"],
                              "note": "it's # not a comment"}]
    assert tree["empty"] is None and tree["shocks"] == []


def test_parse_scenario_names_the_bad_line():
    import pytest
    with pytest.raises(scenario_text.ScenarioSyntaxError, match="line 2: an unclosed"):
        scenario_text.parse_scenario("seed: 1\nfirms: [a, b\n")


def _as_text(node):
    """A PyYAML tree with every scalar as the reader keeps it (str), to compare the two."""
    if isinstance(node, dict):
        return {str(k): _as_text(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_text(v) for v in node]
    if isinstance(node, bool):
        return str(node).lower()
    return node if node is None or isinstance(node, str) else float(node)


def _numbers_as_float(node):
    if isinstance(node, dict):
        return {k: _numbers_as_float(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_numbers_as_float(v) for v in node]
    if isinstance(node, str):
        try:
            return float(node) if node.lower() not in ("nan", "inf", "infinity") else node
        except ValueError:
            return node.lower() if node.lower() in ("true", "false") else node
    return node


def test_parse_scenario_agrees_with_pyyaml_on_every_shipped_scenario():
    """Every shipped scenario, as written and as marketsim resolves it, reads as PyYAML reads
    it (where PyYAML is installed; the reader itself does not need it)."""
    import subprocess
    import pytest
    from conftest import ROOT, marketsim_binary
    yaml = pytest.importorskip("yaml")
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        resolved = subprocess.run([marketsim_binary(), "validate", str(path)], check=True,
                                  capture_output=True, text=True, timeout=60).stdout
        for text in (path.read_text(encoding="utf-8"), resolved):
            mine = _numbers_as_float(scenario_text.parse_scenario(text))
            assert mine == _numbers_as_float(_as_text(yaml.safe_load(text))), path


SHOCKS = """name: Shocked
shocks:
  - {name: q3_cut, step: 26, kind: budget, firm: VarietyCo, multiply: 0.7}
  - {step: 3, kind: budget, firm: A, set: 20000}
  - {name: dear, step: 4, kind: price, firm: A, set: 2.5}
  - {name: back, step: 5, kind: price, firm: A, markup: 0.4}
  - {name: cheaper, step: 6, kind: cost, firm: B, multiply: 0.9}
  - {name: base, step: 6, kind: cost, firm: B, set: 1.2}
  - {name: entry, step: 0, kind: enter, firm: GreenBite}
  - {name: gone, step: 7, kind: exit, firm: B, segments: [young]}
  - {name: slump, step: 8, kind: recession, multiply: 0.8, categories: [a, b]}
  - {name: odd, step: 9, kind: weather}
  - {name: off, step: 2, kind: enter, firm: C, enabled: false}
  - {name: late, step: 59, kind: enter, firm: D}
"""


def test_shocks_in_the_words_of_marketsim_summarize():
    from analysis.scenario_text import scenario_shocks
    # Those applied in the order they apply (by step, in file order within one); the others in
    # file order.
    applied, skipped = scenario_shocks(SHOCKS, 52, 30)
    assert applied == [
        "week 1: GreenBite enters the market (entry)",
        "week 4: A's budget set to 20.0k per year",
        "week 5: A's price set to 2.5 per unit (dear)",
        "week 6: A's price back to cost plus a 40.0% markup (back)",
        "week 7: B's unit cost x 0.9 (cheaper)",
        "week 7: B's base cost set to 1.2 per unit (base)",
        "week 8: B leaves the market in segment young (gone)",
        "week 9: recession: purchase occasions x 0.8 in categories a, b (slump)",
        "week 10: weather (odd)",
        "week 27: VarietyCo's budget x 0.7 (q3_cut)"]
    assert skipped == ["off (disabled)", "late (week 60, after the last step run)"]
    # In the run's period, numbered from 1 when it has a name: month 27 is step 26.
    applied, skipped = scenario_shocks(SHOCKS, 12, 30)
    assert applied[-1] == "month 27: VarietyCo's budget x 0.7 (q3_cut)"
    assert skipped[1] == "late (month 60, after the last step run)"
    assert scenario_shocks(SHOCKS, 4, 30)[0][0] == "quarter 1: GreenBite enters the market (entry)"
    assert scenario_shocks(SHOCKS, 10, 30)[0][-1] == "step 26: VarietyCo's budget x 0.7 (q3_cut)"
    assert scenario_shocks("name: x\n", 52, 10) == ([], [])


def test_a_set_budget_at_a_scale_is_the_amount_the_run_spent_as_summarize_says():
    from analysis.scenario_text import scenario_shocks
    text = ("scale: 4\nshocks:\n  - {name: q3_cut, week: 27, kind: budget, firm: V, set: 3000}\n"
            "  - {name: rent, week: 28, kind: fixed_cost, firm: V, multiply: 2}\n")
    applied, _ = scenario_shocks(text, 52, 52)
    assert applied == [
        "week 27: V's budget set to 12.0k per year at scale 4 (3.0k in the file) (q3_cut)",
        "week 28: V's fixed cost x 2 (rent)"]
    assert scenario_shocks(text.replace("scale: 4", "scale: 1"), 52, 52)[0][0] == (
        "week 27: V's budget set to 3.0k per year (q3_cut)")


def test_a_branch_runs_its_shocks_as_it_sets_them():
    from analysis.scenario_text import scenario_shocks
    text = ("shocks:\n  - {name: q3_cut, step: 26, kind: budget, firm: V, multiply: 0.7, "
            "enabled: false}\nbranch:\n  at: 26\n  set:\n    shocks.q3_cut.enabled: true\n")
    assert scenario_shocks(text, 52, 52) == (["week 27: V's budget x 0.7 (q3_cut)"], [])


def test_a_branch_finds_a_list_item_by_name_before_index_as_marketsim_does():
    """shocks.0.enabled names the shock called "0" when there is one (marketsim resolves the
    name first), not the first shock; without such a name, the index; firms' nested keys are
    created as needed."""
    from analysis.scenario_text import branched
    shocks = [{"name": "a", "enabled": "false"}, {"name": "0", "enabled": "false"}]
    tree = {"branch": {"set": {"shocks.0.enabled": "true"}}}
    assert [s["enabled"] for s in branched(tree, "shocks", shocks)] == ["false", "true"]
    unnamed = [{"name": "a", "enabled": "false"}, {"name": "b", "enabled": "false"}]
    assert [s["enabled"] for s in branched(tree, "shocks", unnamed)] == ["true", "false"]
    assert unnamed[0]["enabled"] == "false"  # copies, not the caller's entries
    firms = [{"name": "Club"}]
    tree = {"branch": {"set": {"firms.Club.referral_program.multiplier": "3"}}}
    assert branched(tree, "firms", firms)[0]["referral_program"] == {"multiplier": "3"}


def test_key_labels_say_a_segments_centre_and_a_shocks_factor_in_words():
    """Axes of sweeps that move segments apart or scale a shock (they showed the bare path,
    then the words and the path): the words and the unit, not the path."""
    from analysis.scenario_text import key_label
    assert key_label("segments.tangy.ideal.mean.0", 52) == (
        "tangy's ideal point's centre on axis 0 (taste-space units)")
    assert key_label("segments.tangy.ideal.sd.1").startswith("tangy's ideal point's spread on axis 1")
    assert key_label("shocks.q3_cut.multiply") == (
        "q3_cut's factor (times the value before the shock)")
    # A durable's name after the key still goes in brackets, and the unit after a comma.
    assert key_label("firms.A.durability.washer", 52) == "A's durability (washer), in weeks"
    # A key the package does not know: its path without its block, and no unit.
    assert key_label("firms.Niche.segmentation") == "Niche.segmentation"
    assert key_label("steps", 52) == "steps (weeks)"
    assert key_label("steps", 12) == "steps (months)"  # any period's plural
    assert key_label("firms.A.durability.washer", 4) == "A's durability (washer), in quarters"


def test_a_programs_keys_are_named_by_the_program():
    """price_war.yaml sweeps firms.Crema.loyalty_program.reward: its figures and skipped lines
    said "Crema.loyalty_program.reward"."""
    from analysis.point_words import setting_words
    from analysis.scenario_text import key_label, key_words
    assert key_label("firms.Crema.loyalty_program.reward") == (
        "Crema's loyalty program's reward (money per reward)")
    assert key_words("firms.A.referral_program.multiplier") == "A's referral program's multiplier"
    assert setting_words("firms.A.loyalty_program.every", 10) == (
        "A's loyalty program's purchases per reward = 10 purchases")
    # A reward is money per reward: its value alone, not "1 per reward" (price_war.png's legend).
    assert setting_words("firms.Crema.loyalty_program.reward", 1.0) == (
        "Crema's loyalty program's reward = 1")
    assert setting_words("firms.A.referral_program.reward", 5.0) == (
        "A's referral program's reward = 5 per referred first purchase")
    # Innovation and a retention offer likewise: an experiment's figure said "by
    # Novo.innovation.every_steps".
    assert key_label("firms.Novo.innovation.every_steps", 52) == (
        "Novo's steps between product generations (weeks)")
    assert key_label("firms.Novo.innovation.quality_gain") == (
        "Novo's quality gain of each generation (utility)")
    assert key_words("firms.T.retention_offer.discount") == "T's retention offer's discount"
    # A firm named like a program is still a firm.
    assert key_words("firms.loyalty_program.budget_per_year") == (
        "loyalty_program's marketing budget")
