"""Current vs proposed: figure by figure (fields) and text by text (words)."""

from hypothesis import given
from hypothesis import strategies as st

from monitor.editorial.diff import FieldChange, fields_diff, text_diff_html

LABELS = {"data_year": "Data year", "total": "Total", "killed": "Killed", "source": "Source"}


def test_fields_in_label_order_with_changes_flagged():
    rows = fields_diff(
        {"data_year": "2023", "total": "651", "source": "old"},
        {"data_year": "2023", "total": "700", "source": "new"},
        LABELS,
    )
    assert [(r.name, r.current, r.proposed, r.changed) for r in rows] == [
        ("data_year", "2023", "2023", False),
        ("total", "651", "700", True),
        ("source", "old", "new", True),
    ]
    assert rows[1].label == "Total"


def test_a_new_record_has_no_current_values():
    rows = fields_diff(None, {"total": "12", "killed": "3"}, LABELS)
    assert [(r.name, r.current, r.proposed) for r in rows] == [
        ("total", "", "12"),
        ("killed", "", "3"),
    ]
    assert all(r.changed for r in rows)


def test_fields_without_a_label_come_last_under_their_name():
    rows = fields_diff({}, {"zeta": "1", "total": "2"}, LABELS)
    assert [(r.name, r.label) for r in rows] == [("total", "Total"), ("zeta", "zeta")]


def test_values_are_shown_as_text():
    rows = fields_diff({"total": None, "killed": True}, {"total": 5, "killed": False}, LABELS)
    assert [(r.current, r.proposed) for r in rows] == [("", "5"), ("yes", "no")]


def test_a_field_cleared_by_the_proposal_shows():
    [row] = fields_diff({"killed": "3"}, {"killed": ""}, LABELS)
    assert row == FieldChange("killed", "Killed", "3", "")
    assert row.changed


def test_text_diff_marks_removed_and_added_words():
    html = text_diff_html("Afghanistan had 651 casualties.", "Afghanistan had 700 casualties.")
    assert html == "Afghanistan had <del>651</del> <ins>700</ins> casualties."


def test_text_diff_escapes_html_on_both_sides():
    html = text_diff_html("<b>old</b>", '<script>alert("x")</script>')
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;old&lt;/b&gt;" in html


def test_text_diff_of_equal_texts_has_no_marks():
    assert text_diff_html("same words\nhere", "same words\nhere") == "same words<br>here"


def test_text_diff_from_and_to_nothing():
    assert text_diff_html("", "new text") == "<ins>new text</ins>"
    assert text_diff_html("old", None) == "<del>old</del>"


_words = st.lists(st.sampled_from(["a", "b", "<i>", "&", "x\ny", '"q"', "651"]), max_size=8)


@given(_words, _words)
def test_the_diff_keeps_both_texts(a, b):
    """Removing the <ins> parts gives the current text back; removing <del>, the proposed."""
    import html as h
    import re

    out = text_diff_html(" ".join(a), " ".join(b))
    current = re.sub(r"<ins>.*?</ins>", "", out, flags=re.S).replace("<del>", "")
    proposed = re.sub(r"<del>.*?</del>", "", out, flags=re.S).replace("<ins>", "")
    norm = lambda s: " ".join(  # noqa: E731
        h.unescape(s.replace("</del>", "").replace("</ins>", "").replace("<br>", "\n")).split()
    )
    assert norm(current) == " ".join(" ".join(a).split())
    assert norm(proposed) == " ".join(" ".join(b).split())
    assert "<i>" not in out
