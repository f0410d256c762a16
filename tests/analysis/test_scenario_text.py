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
