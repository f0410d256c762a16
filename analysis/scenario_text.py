"""The top-level `name` and `description` of a scenario's YAML text.

PyYAML is used when it is installed; otherwise a small reader handles top-level `key: value`
lines (plain, quoted, or `|` / `>` block scalars), which is all the report needs.
"""

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
