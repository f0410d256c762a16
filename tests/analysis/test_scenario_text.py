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
