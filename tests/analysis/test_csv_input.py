"""Reading responses from CSV: the happy path, speed, and every kind of bad input."""

import time

import numpy as np
import pytest

from analysis.csv_input import CSVInputError, read_responses_csv
from analysis.instrument import load_questionnaire
from analysis.responses import answer_items
from analysis.simulate import simulate

Q = load_questionnaire("aligned-autonomy-v1")
ITEMS = answer_items(Q)


def make_csv(tmp_path, rows, *, extra=(), drop=(), name="r.csv", header=None, encoding="utf-8", bom=False):
    """rows: list of dicts (missing items -> empty cells)."""
    cols = header or (["team", *extra] + [i for i in ITEMS if i not in drop])
    lines = [",".join(cols)]
    for r in rows:
        lines.append(",".join(str(r.get(c, "")) for c in cols))
    path = tmp_path / name
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def good_row(team="A", **kw):
    row = {i: 3 for i in ITEMS if i.startswith(("dir_p", "dr_p", "fb_p", "mc_", "outcome"))}
    row.update({i: 1 for i in ITEMS if "_s" in i})
    row["team"] = team
    row.update(kw)
    return row


def error(path, q=Q, **kw) -> CSVInputError:
    with pytest.raises(CSVInputError) as info:
        read_responses_csv(path, q, **kw)
    return info.value


def test_reads_columns_background_and_comments(tmp_path):
    rows = [
        good_row("A", unit="U", role="lead", tenure="lt1", comment="fine"),
        good_row("A", unit="U", role="member", tenure="", comment=""),
        good_row(" B ", unit="U", role="", tenure="gt10", dir_p1=""),
    ]
    path = make_csv(tmp_path, rows, extra=("unit", "role", "tenure", "comment"), bom=True)
    d = read_responses_csv(path, "aligned-autonomy-v1")
    assert d.n == 3 and d.team.tolist() == ["A", "A", "B"]
    assert d.unit.tolist() == ["U"] * 3 and d.role.tolist() == ["lead", "member", ""]
    assert d.tenure.tolist() == ["lt1", "", "gt10"]
    assert d.comments == (("A", "fine"),)
    assert np.isnan(d.column("dir_p1")[2]) and d.column("dir_p1")[0] == 3


def test_round_trip_of_simulated_data_and_speed(tmp_path):
    from app.cli.offline import responses_table
    import pyarrow.csv as pacsv

    sim = simulate(respondents=100_000, teams=5_000, units=100, seed=1)
    path = tmp_path / "big.csv"
    pacsv.write_csv(responses_table(sim.data), str(path))
    t0 = time.perf_counter()
    d = read_responses_csv(path, Q)
    elapsed = time.perf_counter() - t0
    assert np.array_equal(d.values, sim.data.values, equal_nan=True)
    assert (d.team == sim.data.team).all() and (d.role == sim.data.role).all()
    assert sorted(d.comments) == sorted(sim.data.comments)
    assert elapsed < 2.5  # about 0.3 s on the 2-core reference machine


def test_multiline_comments_keep_line_numbers_right(tmp_path):
    path = tmp_path / "c.csv"
    header = ["team", "comment", *ITEMS]
    ok = ",".join(["A", '"two\nlines"'] + ["3" if "_s" not in i else "1" for i in ITEMS])
    bad = ",".join(["A", ""] + ["9"] + ["3" if "_s" not in i else "1" for i in ITEMS[1:]])
    path.write_text(",".join(header) + "\n" + ok + "\n" + bad + "\n", encoding="utf-8")
    e = error(path)
    assert (e.line, e.column) == (4, "dir_p1")
    assert str(e).startswith(f"{path}: line 4, column 'dir_p1': 9 is not an option of item dir_p1")


@pytest.mark.parametrize(
    "case, line, column, message",
    [
        ("missing_team", 1, None, "the required column 'team' is missing"),
        ("unknown_column", 1, "colour", "unknown column"),
        ("duplicate", 1, "dir_p1", "duplicate column"),
        ("missing_items", 1, None, "item column(s) of aligned-autonomy-v1 are missing: mc_matrix"),
        ("out_of_scale", 3, "dr_p2", "6 is not an option of item dr_p2 (allowed: 1, 2, 3, 4, 5)"),
        ("structure_option", 2, "dir_s1", "5 is not an option of item dir_s1"),
        ("non_numeric", 3, "fb_p1", "'often' is not a number"),
        ("empty_team", 3, "team", "the team is empty"),
        ("two_units", 4, "unit", "team 'A' is in unit 'V' here but in 'U' on line 2"),
        ("bad_role", 2, "role", "'boss' is not one of lead, member"),
        ("bad_tenure", 3, "tenure", "'ages' is not one of lt1, y1_3, y3_10, gt10"),
        ("ragged", 3, None, "expected 35 fields as in the header, found 36"),
    ],
)
def test_bad_input_names_line_and_column(tmp_path, case, line, column, message):
    rows = [good_row("A"), good_row("B"), good_row("A")]
    extra, drop, header = (), (), None
    if case == "missing_team":
        header = [i for i in ITEMS]
    elif case == "unknown_column":
        extra = ("colour",)
    elif case == "duplicate":
        header = ["team", *ITEMS, "dir_p1"]
    elif case == "missing_items":
        drop = ("mc_matrix",)
    elif case == "out_of_scale":
        rows[1]["dr_p2"] = 6
    elif case == "structure_option":
        rows[0]["dir_s1"] = 5
    elif case == "non_numeric":
        rows[1]["fb_p1"] = "often"
    elif case == "empty_team":
        rows[1]["team"] = ""
    elif case == "two_units":
        extra = ("unit",)
        for r, u in zip(rows, ("U", "U", "V")):
            r["unit"] = u
    elif case == "bad_role":
        extra = ("role",)
        rows[0]["role"] = "boss"
    elif case == "bad_tenure":
        extra = ("tenure",)
        rows[1]["tenure"] = "ages"
    path = make_csv(tmp_path, rows, extra=extra, drop=drop, header=header)
    if case == "ragged":
        lines = path.read_text().splitlines()
        lines[2] += ",7"
        path.write_text("\n".join(lines) + "\n")
    e = error(path)
    assert (e.line, e.column) == (line, column), str(e)
    assert message in str(e) and str(e).startswith(str(path))


def test_empty_files(tmp_path):
    for content in (b"", b"\xef\xbb\xbf", b"\n\n  \n"):
        p = tmp_path / "e.csv"
        p.write_bytes(content)
        assert "the file is empty" in str(error(p))
    p = make_csv(tmp_path, [])
    e = error(p)
    assert "header but no responses" in str(e) and e.line == 2


@pytest.mark.parametrize("delimiter, found", [(";", "';'"), ("\t", "a tab")])
def test_wrong_delimiter(tmp_path, delimiter, found):
    p = tmp_path / "d.csv"
    p.write_text(delimiter.join(["team", *ITEMS]) + "\n" + delimiter.join(["A"] + ["3"] * len(ITEMS)) + "\n")
    e = error(p)
    assert f"wrong delimiter: expected ',' but the header is separated by {found}" in str(e)
    assert e.line == 1


def test_wrong_encoding(tmp_path):
    path = make_csv(tmp_path, [good_row("A"), good_row("Zürich")], encoding="latin-1")
    e = error(path)
    assert "not UTF-8" in str(e) and e.line == 3
    header_latin = tmp_path / "h.csv"
    header_latin.write_bytes("team,größe\n".encode("latin-1"))
    assert error(header_latin).line == 1


def test_size_limit_and_missing_file(tmp_path):
    path = make_csv(tmp_path, [good_row("A")])
    e = error(path, max_bytes=100)
    assert "more than the limit of 100" in str(e)
    assert "no such file" in str(error(tmp_path / "nope.csv"))


def test_form_without_tenure_rejects_a_tenure_column(tmp_path):
    pulse = load_questionnaire("aligned-autonomy-pulse-v1")
    cols = ["team", "tenure", *answer_items(pulse)]
    p = tmp_path / "p.csv"
    p.write_text(",".join(cols) + "\n" + ",".join(["A", "lt1"] + ["1"] * (len(cols) - 2)) + "\n")
    e = error(p, pulse)
    assert (e.line, e.column) == (1, "tenure") and "has no tenure question" in str(e)


def test_labels_across_parse_blocks_equal_a_single_block(tmp_path, monkeypatch):
    """Text columns come dictionary-encoded per parse block; labels that differ only in
    surrounding spaces, empty cells and labels seen in one block only are merged the
    same way as when the whole file is one block."""
    import analysis.csv_input as ci

    teams = ["A", " B ", "B", "C ", "A", "D", " A"] * 9
    roles = ["lead", "", "member", "", "member", "lead", ""] * 9
    unit = {"A": " U0", "B": "U1 ", "C": "U2", "D": "U0"}
    rows = [good_row(t, unit=unit[t.strip()], role=r, tenure="") for t, r in zip(teams, roles)]
    path = make_csv(tmp_path, rows, extra=("unit", "role", "tenure"))
    one = read_responses_csv(path, Q)
    monkeypatch.setattr(ci, "_BLOCK", 700)  # a few rows per block
    many = read_responses_csv(path, Q)
    assert one.team.tolist() == [t.strip() for t in teams] == many.team.tolist()
    assert one.role.tolist() == roles == many.role.tolist() and set(many.tenure.tolist()) == {""}
    for a, b in ((one.teams, many.teams), (one.units, many.units)):
        assert a.labels == b.labels and np.array_equal(a.codes, b.codes) and np.array_equal(a.counts, b.counts)
    assert many.teams.labels == ("A", "B", "C", "D") and many.teams.counts.tolist() == [27, 18, 9, 9]
    assert many.units.labels == ("U0", "U1", "U2")
