"""One report's rendering, piece by piece: machine paths scrubbed only where they stand as paths,
image data never touched, and no page published with an image that does not decode."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pytest

from warclaims.reports.render import machine_paths, scrub_notebook, undecodable

CASES = [  # (text, what it becomes), with the repository at /app and the home folder at /Q
    ("/app/data/events.csv", "./data/events.csv"),
    ("events_csv = '/app/data/x.csv'", "events_csv = './data/x.csv'"),
    ('"/app"', '"."'),
    ("cannot read /app.", "cannot read .."),
    ("/app/", "./"),
    ("/Q/.cache/x", "~/.cache/x"),
    ("https://example.org/app/data", "https://example.org/app/data"),  # a URL's path is not the checkout
    ("/application/x", "/application/x"),
    ("/app.bak/x", "/app.bak/x"),
    ("/srv/app/x", "/srv/app/x"),
    ("/Qt5/lib", "/Qt5/lib"),
    ("iVBORw0K/Q/Q+aaa", "iVBORw0K/Q/Q+aaa"),  # base64 holds "/Q" anywhere
    ("see /Q and /app", "see ~ and ."),
    ("<td>x</td>", "<td>x</td>"),  # with the home folder at /td, a closing tag stays a closing tag
]


@pytest.fixture
def home_q(monkeypatch):
    monkeypatch.setenv("HOME", "/Q")


@pytest.mark.parametrize(("text", "becomes"), CASES)
def test_machine_paths_are_replaced_only_where_they_stand_as_paths(home_q, text, becomes, tmp_path):
    from pathlib import Path

    assert machine_paths(Path("/app"))(text) == becomes


def test_a_home_named_like_a_tag_leaves_html_alone(monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("HOME", "/td")
    assert machine_paths(Path("/app"))("<tr><td>1</td></tr> /td/x") == "<tr><td>1</td></tr> ~/x"


def test_a_root_of_slash_replaces_nothing(home_q):
    from pathlib import Path

    assert machine_paths(Path("/"))("/etc/x and /Q/y") == "/etc/x and ~/y"


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.bar([0, 1], [3, 5])
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _svg() -> bytes:
    fig = plt.figure(figsize=(2, 1))
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return out.getvalue()


def test_scrubbing_a_notebook_leaves_image_data_alone_and_reaches_every_text(home_q):
    from pathlib import Path

    png = base64.b64encode(_png()).decode() + "/Q/Q+/app/"  # whatever the bytes, they stay as they are
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"events_csv": "/app/data/e.csv"}}
    cell = nbformat.v4.new_code_cell("events_csv = '/app/data/e.csv'")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="read /app/data/e.csv\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure /Q/x>"}),
        nbformat.v4.new_output("error", ename="OSError", evalue="/app/x: no", traceback=["File /Q/lib.py"]),
    ]
    nb.cells = [cell]
    scrub_notebook(nb, Path("/app"))
    out = cell.outputs
    assert cell.source == "events_csv = './data/e.csv'"
    assert nb.metadata["papermill"]["parameters"]["events_csv"] == "./data/e.csv"
    assert out[0]["text"] == "read ./data/e.csv\n"
    assert out[1]["data"]["image/png"] == png
    assert out[1]["data"]["text/plain"] == "<Figure ~/x>"
    assert (out[2]["evalue"], out[2]["traceback"]) == ("./x: no", ["File ~/lib.py"])


def test_figures_that_decode_pass_and_broken_ones_are_named():
    good = {"name": "drones", "png": _png(), "svg": _svg()}
    assert undecodable([good]) == ""
    cut = {**good, "png": good["png"][: len(good["png"]) // 2]}
    assert undecodable([good, cut]).startswith("figure drones: its PNG does not decode")
    replaced = {**good, "png": good["png"].replace(b"I", b"~", 3)}
    assert "does not decode" in undecodable([replaced])
    bad_svg = {**good, "svg": good["svg"][:-20]}
    assert undecodable([bad_svg]).startswith("figure drones: its SVG is not well-formed XML")
