"""A scenario's YAML text: its top-level `name` and `description`, and the whole tree.

`scenario_fields` uses PyYAML when it is installed; otherwise a small reader handles top-level
`key: value` lines (plain, quoted, or `|` / `>` block scalars), which is all the report needs.

`parse_scenario` reads the YAML that scenarios are written in (block mappings and sequences,
flow `[...]` and `{...}`, plain and quoted scalars, `|` and `>` block scalars, comments) into
dicts, lists and str, without PyYAML: scalars stay the text they were written as ("40000",
"true"), so two scenarios compare key by key as written. Anchors, aliases, tags and
multi-document files are not read (scenarios do not use them).
"""

import copy
import re

from analysis.periods import period, time_point

try:
    import yaml
except ImportError:  # PyYAML is not one of the package's dependencies
    yaml = None


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return bytes(value[1:-1], "utf-8").decode("unicode_escape")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if " #" in value:
        value = value[: value.index(" #")].rstrip()
    return value


def _top_level(lines, key):
    """The scalar value of top-level `key`, or None."""
    for i, line in enumerate(lines):
        if not line.startswith(f"{key}:"):
            continue
        value = line[len(key) + 1:].strip()
        if value[:1] in ("|", ">"):
            block = []
            for follow in lines[i + 1:]:
                if follow.strip() and not follow[:1].isspace():
                    break
                block.append(follow.strip())
            while block and not block[-1]:
                block.pop()
            joiner = "\n" if value[0] == "|" else " "
            return joiner.join(block)
        return _unquote(value)
    return None


def scenario_fields(text):
    """{"name": ..., "description": ...} from scenario YAML text (missing keys give "")."""
    fields = None
    if yaml is not None:
        try:
            loaded = yaml.safe_load(text)
            if isinstance(loaded, dict):
                fields = loaded
        except yaml.YAMLError:
            fields = None
    if fields is None:
        lines = text.splitlines()
        fields = {key: _top_level(lines, key) for key in ("name", "description")}
    return {key: str(fields.get(key) or "") for key in ("name", "description")}


# ---- the whole tree ----

class ScenarioSyntaxError(ValueError):
    """The text is not YAML that parse_scenario reads; the message names the line."""


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/",
            " ": " ", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v"}


def _double_quoted(body):
    """The value of a double-quoted scalar's body (escapes resolved)."""
    def escape(match):
        code = match.group(1)
        if code[0] in "xuU":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)
    return re.sub(r'\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)', escape, body)


def _scalar(text):
    """A plain or quoted scalar as str; "" for an empty value, None for null (~, null)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _double_quoted(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text in ("~", "null", "Null", "NULL"):
        return None
    return text


def _strip_comment(text):
    """`text` without a trailing `# comment` (a # outside quotes, at the start or after a
    space)."""
    quote, i = None, 0
    while i < len(text):
        char = text[i]
        if quote == '"' and char == "\\":
            i += 1  # an escaped character
        elif quote == "'" and char == "'" and text[i + 1:i + 2] == "'":
            i += 1  # '' inside single quotes
        elif quote:
            quote = None if char == quote else quote
        elif char in "\"'" and (i == 0 or text[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


def _mapping_entry(text):
    """(key, rest) when `text` is `key: value` or `key:` (key plain or quoted), else None."""
    match = re.match(r'^("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^\s\'"\[\]{},#&*!|>%@`-][^#]*?'
                     r'|-[^\s#][^#]*?)\s*:(?:\s+(.*))?$', text)
    if not match:
        return None
    return _scalar(match.group(1)), match.group(2) or ""


class _FlowReader:
    """Flow collections: [a, b], {k: v}, nested, with plain or quoted scalars."""

    def __init__(self, text, line):
        self.text, self.pos, self.line = text, 0, line

    def fail(self, why):
        raise ScenarioSyntaxError(f"line {self.line}: {why} in '{self.text.strip()}'")

    def skip(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n":
            self.pos += 1

    def node(self):
        self.skip()
        char = self.text[self.pos:self.pos + 1]
        if char == "[":
            return self.sequence()
        if char == "{":
            return self.mapping()
        return self.scalar(stops=",]}")

    def scalar(self, stops):
        self.skip()
        start = self.pos
        if self.text[start:start + 1] in ("'", '"'):
            quote = self.text[start]
            self.pos += 1
            while self.pos < len(self.text):
                if self.text[self.pos] == "\\" and quote == '"':
                    self.pos += 2
                    continue
                if self.text[self.pos] == quote:
                    if quote == "'" and self.text[self.pos + 1:self.pos + 2] == "'":
                        self.pos += 2
                        continue
                    break
                self.pos += 1
            else:
                self.fail("an unclosed quote")
            self.pos += 1
            return _scalar(self.text[start:self.pos])
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            if self.text[self.pos] == ":" and ":" in stops and (
                    self.text[self.pos + 1:self.pos + 2] in (" ", "")):
                break
            self.pos += 1
        return _scalar(self.text[start:self.pos])

    def expect(self, char):
        self.skip()
        if self.text[self.pos:self.pos + 1] != char:
            self.fail(f"expected '{char}'")
        self.pos += 1

    def items(self, close, item):
        self.pos += 1
        self.skip()
        if self.text[self.pos:self.pos + 1] == close:
            self.pos += 1
            return
        while True:
            item()
            self.skip()
            char = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if char == close:
                return
            if char != ",":
                self.fail(f"expected ',' or '{close}'")
            self.skip()
            if self.text[self.pos:self.pos + 1] == close:  # a trailing comma
                self.pos += 1
                return

    def sequence(self):
        values = []
        self.items("]", lambda: values.append(self.node()))
        return values

    def mapping(self):
        values = {}

        def entry():
            key = self.scalar(stops=":,}")
            self.skip()
            if self.text[self.pos:self.pos + 1] == ":":
                self.pos += 1
                values[key] = self.node()
            else:
                values[key] = None
        self.items("}", entry)
        return values

    def whole(self):
        value = self.node()
        self.skip()
        if self.pos != len(self.text):
            self.fail("unexpected text after the closing bracket")
        return value


def _balanced(text):
    """True when every [ and { in `text` (outside quotes) is closed."""
    depth, quote = 0, None
    for i, char in enumerate(text):
        if quote:
            if char == quote and not (quote == '"' and text[i - 1] == "\\"):
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth <= 0


class _BlockReader:
    """Block mappings and sequences, by indentation."""

    def __init__(self, text):
        self.raw = text.splitlines()
        self.i = 0
        self.pending = None  # (indent, text) replacing the current line: a "- key: v" item

    def peek(self):
        """(indent, text, line number) of the next line with content, or None."""
        if self.pending is not None:
            return (*self.pending, self.i + 1)
        while self.i < len(self.raw):
            line = self.raw[self.i]
            text = _strip_comment(line.strip())
            if text and text != "---":
                if "\t" in line[: len(line) - len(line.lstrip())]:
                    raise ScenarioSyntaxError(f"line {self.i + 1}: a tab in the indentation")
                return len(line) - len(line.lstrip(" ")), text, self.i + 1
            self.i += 1
        return None

    def advance(self):
        if self.pending is not None:
            self.pending = None
        self.i += 1

    def node(self, indent):
        line = self.peek()
        if line[1] == "-" or line[1].startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def mapping(self, indent):
        values = {}
        while True:
            line = self.peek()
            if line is None or line[0] < indent:
                return values
            if line[0] > indent:
                raise ScenarioSyntaxError(f"line {line[2]}: unexpected indentation")
            if line[1] == "-" or line[1].startswith("- "):
                return values
            entry = _mapping_entry(line[1])
            if entry is None:
                raise ScenarioSyntaxError(f"line {line[2]}: expected 'key: value', got "
                                          f"'{line[1]}'")
            key, rest = entry
            self.advance()
            values[key] = self.value(rest, indent, line[2], in_sequence=False)

    def sequence(self, indent):
        values = []
        while True:
            line = self.peek()
            if line is None or line[0] != indent or not (
                    line[1] == "-" or line[1].startswith("- ")):
                return values
            rest = line[1][1:]
            content = rest.lstrip(" ")
            inner = indent + 1 + len(rest) - len(content)
            if content and not content.startswith(("[", "{", '"', "'")) and _mapping_entry(
                    content) is not None:
                self.pending = (inner, content)  # the item is a mapping starting on this line
                values.append(self.mapping(inner))
            else:
                self.advance()
                values.append(self.value(content, indent, line[2], in_sequence=True))

    def value(self, rest, indent, number, in_sequence):
        """The value after `key:` (or `-`) on line `number`, whose key is at `indent`."""
        rest = rest.strip()
        if not rest:
            line = self.peek()
            if line is not None and (line[0] > indent or (
                    not in_sequence and line[0] == indent and (
                        line[1] == "-" or line[1].startswith("- ")))):
                return self.node(line[0])
            return None
        if rest[0] in "|>":
            return self.block_scalar(rest, indent)
        if rest[0] in "[{":
            while not _balanced(rest):
                line = self.peek()
                if line is None:
                    raise ScenarioSyntaxError(f"line {number}: an unclosed '{rest[0]}'")
                rest += " " + line[1]
                self.advance()
            return _FlowReader(rest, number).whole()
        if rest[0] in "\"'" and (len(rest) == 1 or rest[-1] != rest[0]):
            while True:  # a quoted scalar continued on the next lines (folded with spaces)
                if self.i >= len(self.raw):
                    raise ScenarioSyntaxError(f"line {number}: an unclosed quote")
                rest += " " + self.raw[self.i].strip()
                self.i += 1
                if rest.rstrip().endswith(rest[0]):
                    break
        return _scalar(rest)

    def block_scalar(self, header, indent):
        """A | (literal) or > (folded) block scalar, with its chomping indicator."""
        chomp = "-" if "-" in header else "+" if "+" in header else ""
        lines = []
        while self.i < len(self.raw):
            line = self.raw[self.i]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                break
            lines.append(line)
            self.i += 1
        body = [line for line in lines if line.strip()]
        margin = min((len(line) - len(line.lstrip(" ")) for line in body), default=0)
        lines = [line[margin:] for line in lines]
        if header[0] == "|":
            text = "\n".join(lines)
        else:
            text, blank = "", False
            for line in lines:
                if not line.strip():
                    text += "\n"
                    blank = True
                else:
                    text += ("" if not text or blank or text.endswith("\n") else " ") + line
                    blank = False
        text = text.rstrip("\n")
        return text if chomp == "-" else text + "\n" if chomp == "" or not text else text + "\n"


def parse_scenario(text):
    """The scenario YAML `text` as nested dicts and lists of str (None for null).

    @throws ScenarioSyntaxError naming the line, for text outside the YAML that scenarios use.
    """
    reader = _BlockReader(text)
    line = reader.peek()
    if line is None:
        return {}
    if line[1][0] in "[{":
        reader.advance()
        return reader.value(line[1], -1, line[2], in_sequence=False)
    tree = reader.node(line[0])
    rest = reader.peek()
    if rest is not None:
        raise ScenarioSyntaxError(f"line {rest[2]}: unexpected indentation")
    return tree


# ---- the shocks of a run, in the words of `marketsim summarize` ----

def _number(text, default=0.0):
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def _g(x):
    """A number as C's %g prints it: 0.7, 1e+06."""
    return f"{x:g}"


def shock_change(shock):
    """One shock of the resolved scenario in plain words ("VarietyCo's budget x 0.7"), as
    `marketsim summarize` says it (models/summary_shocks.cpp shock_change); other kinds by their
    name. A market at a scale other than 1 (the `_scale` run_shocks gives each shock) spends
    `scale` times a budget or fixed cost that a shock sets: the amount the run used, then the
    file's ("set to 12.0k per year at scale 4 (3.0k in the file)")."""
    from analysis.summary import money, percent
    kind, firm = str(shock.get("kind") or ""), str(shock.get("firm") or "")
    times = "multiply" in shock
    key = next((k for k in ("multiply", "set", "markup", "fraction") if k in shock), None)
    v = _number(shock.get(key)) if key else 0.0
    scale = _number(shock.get("_scale"), 1.0)
    per_year = (money(v) + " per year" if scale == 1.0 else
                f"{money(v * scale)} per year at scale {_g(scale)} ({money(v)} in the file)")

    def to(amount):
        return f"x {_g(v)}" if times else f"set to {amount}"
    if kind == "budget":
        what = f"{firm}'s budget {to(per_year)}"
    elif kind == "fixed_cost":
        what = f"{firm}'s fixed cost {to(per_year)}"
    elif kind == "price":
        what = (f"{firm}'s price back to cost plus a {percent(v)} markup" if "markup" in shock
                else f"{firm}'s price {to(f'{_g(v)} per unit')}")
    elif kind == "cost":
        what = (f"{firm}'s unit cost x {_g(v)}" if times
                else f"{firm}'s base cost set to {_g(v)} per unit")
    elif kind == "cpm":
        channel = str(shock.get("channel") or "mass")
        what = (f"cost per direct contact {to(_g(v))}" if channel == "direct" else
                f"{channel} media's cost per 1000 impressions {to(_g(v))}")
    elif kind == "recession":
        what = f"recession: purchase occasions x {_g(v)}"
    elif kind == "opt_out":
        what = f"{percent(v)} of the consumers who still allowed CRM opt out"
    elif kind == "enter":
        what = f"{firm} enters the market"
    elif kind == "exit":
        what = f"{firm} leaves the market"
    else:
        what = kind
    for key, one in (("segments", "segment"), ("categories", "category")):
        names = shock.get(key)
        if isinstance(names, list) and names:
            what += f" in {one if len(names) == 1 else key} {', '.join(map(str, names))}"
    return what


def list_item(items, segment):
    """The index of the item of list `items` that key path segment `segment` names, as
    marketsim resolves a key path: the item of that name, else the one at that index; None for
    neither."""
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("name")) == segment:
            return i
    return int(segment) if segment.isdigit() and int(segment) < len(items) else None


def branched(tree, section, entries):
    """The entries of list `section` ("shocks", "firms") as a run with a branch: block ran them
    from its step on: the block's `set` entries `<section>.<name or index>.<key path>: value`
    applied to copies (nested keys created as needed; an item named "0" is found by its name
    before item 0 by its index, as marketsim finds it). `entries` unchanged without a
    branch."""
    branch = tree.get("branch") if isinstance(tree, dict) else None
    changes = branch.get("set") if isinstance(branch, dict) else None
    if not isinstance(changes, dict):
        return entries
    entries = [copy.deepcopy(e) for e in entries]
    for path, value in changes.items():
        parts = str(path).split(".")
        if len(parts) < 3 or parts[0] != section:
            continue
        at = list_item(entries, parts[1])
        if at is not None and isinstance(entries[at], dict):
            inner = entries[at]
            for key in parts[2:-1]:
                if not isinstance(inner.get(key), dict):
                    inner[key] = {}
                inner = inner[key]
            inner[parts[-1]] = value
    return entries


def branch_line(text, steps_per_year):
    """"Branched at week 21 (step 20): from then on, K=V, ..." for a run whose resolved scenario
    `text` has a branch: block, as `marketsim summarize` says it; "" without one (or when the
    text cannot be read)."""
    try:
        tree = parse_scenario(text) if text else {}
    except ScenarioSyntaxError:
        return ""
    branch = tree.get("branch") if isinstance(tree, dict) else None
    changes = branch.get("set") if isinstance(branch, dict) else None
    if not isinstance(changes, dict) or not changes:
        return ""
    try:
        step = int(_number(branch.get("step")))
    except (TypeError, ValueError):
        return ""
    point = time_point(steps_per_year, step)
    at = point if point.startswith("step") else f"{point} (step {step})"
    listed = ", ".join(f"{key}={value}" for key, value in changes.items())
    return f"Branched at {at}: from then on, {listed}"


def _shock_step(shock):
    """The step a shock applies at: its `step`, else its `week` less one (week 1 is step 0)."""
    if shock.get("step") is None and shock.get("week") is not None:
        return int(_number(shock.get("week"))) - 1
    return int(_number(shock.get("step")))


def _disabled(shock):
    return str(shock.get("enabled", "true")).lower() in ("false", "no", "off", "0")


def run_shocks(text, steps_done):
    """The shocks of a run's resolved scenario `text`, in file order, as the run met them:
    [(step, label, shock, applied)], label its name (or shocks.<index>), applied False for a
    disabled shock and one at or after `steps_done`; [] when the text cannot be read."""
    try:
        tree = parse_scenario(text) if text else {}
    except ScenarioSyntaxError:
        return []
    shocks = tree.get("shocks") if isinstance(tree, dict) else None
    if not isinstance(shocks, list):
        return []
    scale = _number(tree.get("scale"), 1.0)  # the market's, which shock_change words by
    found = []
    for i, shock in enumerate(branched(tree, "shocks", [dict(s, _scale=scale) for s in shocks
                                                        if isinstance(s, dict)])):
        step = _shock_step(shock)
        found.append((step, str(shock.get("name") or "") or f"shocks.{i}", shock,
                      not _disabled(shock) and step < steps_done))
    return found


def _shock_words(step, label, shock, applied, steps_per_year):
    """One shock as `marketsim summarize` lists it: "week 27: VarietyCo's budget x 0.7
    (q3_cut)" when applied; "rival_enters (disabled)" or "name (week 60, after the last step
    run)" when not; the step in the run's time unit ("month 27" in a monthly run, "step 26"
    where steps have no name: analysis.periods.time_point)."""
    when = time_point(steps_per_year, step)
    if applied:
        return f"{when}: {shock_change(shock)}" + (f" ({shock['name']})" if shock.get("name")
                                                   else "")
    if _disabled(shock):
        return f"{label} (disabled)"
    return f"{label} ({when}, after the last step run)"


def scenario_shocks(text, steps_per_year, steps_done):
    """The shocks of a run's resolved scenario `text`, as `marketsim summarize` lists them:
    (applied, in the order they apply; not applied, in file order), each a list of text
    (_shock_words). Both empty when the text cannot be read."""
    shocks = run_shocks(text, steps_done)
    # Those applied in the order they apply: by step, in file order within a step (as the run
    # applies them); the others in file order.
    applied = sorted((s for s in shocks if s[3]), key=lambda shock: shock[0])
    return ([_shock_words(*s, steps_per_year) for s in applied],
            [_shock_words(*s, steps_per_year) for s in shocks if not s[3]])


# ---- the product generations of a run (firm key `innovation`) ----

# The last generation a firm can launch, numbered from 1 (the first on sale): marketsim counts
# at most 255 new generations (Innovation::generation in models/scenario.hpp).
LAST_GENERATION = 256


def in_market_at(shocks, firm, step):
    """Whether `firm` is in the market at `step`, by the run's shocks (run_shocks) as marketsim
    applies entries and exits: a firm with an `enter` shock is out from the start unless an
    enabled one applies at step 0; each enabled entry or exit at or before `step` then moves it
    in or out."""
    mine = [(at, shock, applied) for at, _, shock, applied in shocks
            if str(shock.get("firm", "")) == firm and shock.get("kind") in ("enter", "exit")]
    active = not any(shock.get("kind") == "enter" and (at > 0 or not applied)
                     for at, shock, applied in mine)
    for at, shock, applied in sorted(mine, key=lambda move: move[0]):
        if applied and at <= step:
            active = shock.get("kind") == "enter"
    return active


def run_launches(text, steps_done):
    """The new product generations of a run's resolved scenario `text`, in step order, as
    marketsim launches them (firm key `innovation: {every_steps, quality_gain}`): generation g
    (the first on sale is 1) goes on sale at step (g - 1) x every_steps, for g up to
    LAST_GENERATION. [(step, firm, generation)] of the launches before `steps_done` by a firm in
    the market at that step; none for a firm whose quality_gain is 0 (its generations add
    nothing: marketsim does not count them as newer); [] when the text cannot be read."""
    try:
        tree = parse_scenario(text) if text else {}
    except ScenarioSyntaxError:
        return []
    firms = tree.get("firms") if isinstance(tree, dict) else None
    if not isinstance(firms, list):
        return []
    shocks = run_shocks(text, steps_done)
    found = []
    for firm in firms:
        innovation = firm.get("innovation") if isinstance(firm, dict) else None
        if not isinstance(innovation, dict):
            continue
        every = int(_number(innovation.get("every_steps")))
        if every <= 0 or not _number(innovation.get("quality_gain")) > 0:
            continue
        name = str(firm.get("name") or "")
        for generation in range(2, LAST_GENERATION + 1):
            step = (generation - 1) * every
            if step >= steps_done:
                break
            if in_market_at(shocks, name, step):
                found.append((step, name, generation))
    return sorted(found, key=lambda launch: launch[0])


# ---- scenario keys in words, with their units (scenarios/README.md) ----

# key name -> (words, unit) for the numeric keys an experiment is likely to sweep; the units are
# those of the key tables in scenarios/README.md ("steps" becomes "weeks" in a weekly run,
# "months" in a monthly one: key_unit).
KEY_WORDS = {
    "budget_per_year": ("marketing budget", "money per year"),
    "fixed_cost_per_year": ("fixed cost", "money per year"),
    "crm_fixed_cost_per_year": ("CRM fixed cost", "money per year"),
    "variant_fixed_cost_per_year": ("fixed cost per variant", "money per year"),
    "price": ("price", "money per unit"),
    "base_cost": ("base cost", "money per unit"),
    "markup": ("markup", "fraction of unit cost"),
    "custom_premium": ("customisation premium", "fraction of unit cost"),
    "cost_per_contact": ("cost per contact", "money per contact"),
    "cost_per_study": ("cost per study", "money per study"),
    "direct_share": ("share of the budget spent on direct contacts", "fraction of budget"),
    "test_share": ("share of the budget spent on tests", "fraction of budget"),
    "targeting_precision": ("targeting precision", "fraction"),
    "learning_rate": ("learning rate", "fraction per review"),
    "quality": ("quality", "utility"),
    "quality_cut": ("quality cut", "utility"),
    "quality_bonus": ("quality bonus", "utility"),
    "durability": ("durability", "steps"),
    "reference_life": ("reference life", "steps"),
    "review_steps": ("steps between reviews", "steps"),
    "refresh_steps": ("steps between studies", "steps"),
    "reference_volume": ("reference volume", "units"),
    "durability_weight": ("weight of durability", "utility per doubling"),
    "upgrade_threshold": ("upgrade threshold", "utility"),
    "cpm_mass": ("price of mass media", "money per 1000 impressions"),
    "cpm_targeted": ("price of targeted media", "money per 1000 impressions"),
    "discount_rate_per_year": ("discount rate", "fraction per year"),
    "consumers": ("consumers", "consumers"),
    "sample_size": ("sample size", "consumers"),
    "share": ("share", "fraction of consumers"),
    "steps": ("steps", "steps"),
    "ideal": ("ideal point", "taste-space units"),
    "multiply": ("factor", "times the value before the shock"),
    "target": ("target segment", ""),
    # A program's keys, named by the program and the key (firms.Crema.loyalty_program.reward).
    "loyalty_program.reward": ("loyalty program's reward", "money per reward"),
    "loyalty_program.every": ("loyalty program's purchases per reward", "purchases"),
    "referral_program.reward": ("referral program's reward",
                                "money per referred first purchase"),
    "referral_program.multiplier": ("referral program's multiplier", "factor"),
    "retention_offer.after_steps": ("retention offer's steps since the last purchase", "steps"),
    "retention_offer.discount": ("retention offer's discount", "fraction of price"),
    # Innovation, named likewise (firms.Novo.innovation.every_steps).
    "innovation.every_steps": ("steps between product generations", "steps"),
    "innovation.quality_gain": ("quality gain of each generation", "utility"),
}
# The parts after `ideal` in words: segments.tangy.ideal.mean.0 is tangy's ideal point's centre
# on axis 0.
_IDEAL_PARTS = {"mean": "centre", "sd": "spread"}
# Groups whose items are named: firms.FizzCo.price is FizzCo's price.
_NAMED_GROUPS = ("firms", "segments", "categories", "shocks")


def key_unit(path, steps_per_year=0):
    """The unit of a scenario key path (firms.FizzCo.budget_per_year -> "money per year"), ""
    when unknown; "steps" is the run's period (analysis.periods.period) in the plural: "weeks"
    in a weekly run (`steps_per_year` 52), "months" in a monthly one."""
    found = _known_key(path)
    if found is None:
        return ""
    unit = KEY_WORDS[found[1]][1]
    return f"{period(steps_per_year)}s" if unit == "steps" else unit


def _known_key(path):
    """(index, name) of the last part of a key path that KEY_WORDS knows, alone or with the
    part before it ("loyalty_program.reward"), or None; never the name of an item
    (firms.price.budget_per_year is the firm "price"'s budget)."""
    parts = str(path).split(".")
    for i in range(len(parts) - 1, -1, -1):
        pair = ".".join(parts[i - 1:i + 1]) if i >= 1 else ""
        if pair in KEY_WORDS and not (i - 1 == 1 and parts[0] in _NAMED_GROUPS):
            return i, pair
        if parts[i] in KEY_WORDS and not (i == 1 and parts[0] in _NAMED_GROUPS):
            return i, parts[i]
    return None


def is_shock_switch(path):
    """True for the key that switches a shock on or off: shocks.<name>.enabled."""
    parts = str(path).split(".")
    return len(parts) == 3 and parts[0] == "shocks" and parts[2] == "enabled"


def key_words(path):
    """A scenario key path in words ("FizzCo's marketing budget" for
    firms.FizzCo.budget_per_year; "shock q3_cut" for the switch shocks.q3_cut.enabled), without
    its unit; None when the key is not known or its words are the path itself (steps)."""
    if is_shock_switch(path):
        return f"shock {str(path).split('.')[1]}"
    found = _known_key(path)
    if found is None:
        return None
    parts = str(path).split(".")
    index, name = found
    words = KEY_WORDS[name][0]
    if index >= 2 and parts[0] in _NAMED_GROUPS:
        words = f"{parts[1]}'s {words}"
    rest = parts[index + 1:]
    if name == "ideal" and len(rest) == 2 and rest[0] in _IDEAL_PARTS:
        words += f"'s {_IDEAL_PARTS[rest[0]]} on axis {rest[1]}"
    elif rest:
        words += f" ({', '.join(rest)})"  # durability.washer: its washers'
    return None if words == str(path) else words


def short_key(path):
    """A key path without its block when it has three parts or more, so that the item it names
    stays: shocks.q3_cut.enabled -> q3_cut.enabled, segments.tangy.ideal.mean.0 ->
    tangy.ideal.mean.0 (not mean.0); market.cpm_mass stays whole."""
    parts = str(path).split(".")
    return ".".join(parts[1:] if len(parts) >= 3 else parts)


def key_label(path, steps_per_year=0):
    """A scenario key path in words, with its unit when known, for an axis: "FizzCo's marketing
    budget (money per year)", "steps (weeks)"; a key the package does not know by its path
    without its block (short_key: "Crema.loyalty_program.reward"); words that end in brackets
    get the unit after a comma ("A's durability (washer), in weeks"). The key path itself is
    not repeated: the report's table of design point keys maps the words to it."""
    words = key_words(path) or short_key(path)
    unit = key_unit(path, steps_per_year)
    if not unit:
        return words
    return f"{words}, in {unit}" if words.endswith(")") else f"{words} ({unit})"


def assignment_words(assignment, scenario=None, steps_per_year=0, steps_done=0, varied=()):
    """A command-line assignment ("key=value", as --set records it) in words for a figure's
    title: a shock switched on as `marketsim summarize` lists it when the run applied it ("week
    27: FizzCo's budget set to 0 per year (fizzco_stops)", from the run's resolved `scenario` of
    `steps_done` steps), or switched off ("fizzco_stops switched off"); a known key by its words
    ("FizzCo's marketing budget = 20000", key_words), and a number of steps with the run's period
    of `steps_per_year` after it ("Durabox's durability = 78 weeks", key_unit); anything else as
    it was written. A shock
    some of whose keys are among `varied` (the key paths an experiment's design points set) is
    named with those keys, not with the values of the run `scenario` is: "shock match on
    (match's factor varies by design point)"."""
    key, _, value = str(assignment).partition("=")
    parts = key.strip().split(".")
    if len(parts) == 3 and parts[0] == "shocks" and parts[2] == "enabled":
        for step, label, shock, applied in run_shocks(scenario, steps_done):
            if parts[1] in (label, str(shock.get("name"))):
                if _disabled(shock):
                    return f"{label} switched off"
                names = {parts[1], label, str(shock.get("name"))}
                own = [v for v in varied
                       if v.split(".")[0] == "shocks" and len(v.split(".")) > 2
                       and v.split(".")[1] in names and v.split(".")[2] != "enabled"]
                if own:
                    verb = "varies" if len(own) == 1 else "vary"
                    return (f"shock {label} on ({' and '.join(key_words(v) for v in own)} "
                            f"{verb} by design point)")
                return _shock_words(step, label, shock, applied, steps_per_year)
    words = key_words(key.strip())
    if not (words and value):
        return str(assignment)
    number = _number(value.strip(), None)
    if number is not None and KEY_WORDS[_known_key(key.strip())[1]][1] == "steps":
        unit = key_unit(key.strip(), steps_per_year)  # "weeks"; "week" after 1
        return f"{words} = {value.strip()} {unit[:-1] if number == 1 else unit}"
    return f"{words} = {value.strip()}"
