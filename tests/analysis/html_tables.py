"""The tables of an HTML report as lists of cell texts, for the report tests."""

import html
import re


def tables(page):
    """[(heading before the table, [column names], [[cell text, ...], ...]), ...] in page
    order; the heading is the text of the last <h2>/<h3> before the table."""
    found = []
    for match in re.finditer(r"<table.*?</table>", page, flags=re.S):
        before = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page[: match.start()], flags=re.S)
        body = match.group(0)
        columns = [html.unescape(c.strip()) for c in re.findall(r"<th>(.*?)</th>", body, re.S)]
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c).strip())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
        found.append((html.unescape(before[-1]) if before else "", columns,
                      [row for row in rows if row]))
    return found


def table_under(page, heading):
    """The first table whose preceding heading contains `heading`, as a list of dicts."""
    for title, columns, rows in tables(page):
        if heading in title:
            return [dict(zip(columns, row)) for row in rows]
    raise AssertionError(f"no table under a heading with '{heading}'")
