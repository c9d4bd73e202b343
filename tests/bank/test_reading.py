"""The reading view's core on texts made for the test: paragraphs, sentences, citations found as the bank's
check finds them (quote marks and spacing aside), and coverage figures counted by hand."""

from __future__ import annotations

import pytest

from studyapp.bank import reading
from studyapp.bank.items import Category, Item, Kind
from tests.conftest import SOURCE

TEXT = ("Title line\n\nOne “quoted” sentence here.  It has two  spaces. Third sentence!\n\n"
        "Second paragraph’s only sentence.\n\nFooter A\nFooter B\n")


def item(key: str, source: str, fact: str = "") -> Item:
    return Item(key, "d", Kind.TYPED, Category.IDEA, "p?", "a", source=source, fact=fact)


ITEMS = [
    item("a", "One quoted sentence here"),  # the text's quote marks left out
    item("b", "It has two spaces", fact="f1"), item("b.reverse", "It has two spaces", fact="f1"),  # spacing folded
    item("c", "Second paragraph's only"),  # a straight apostrophe for the text's curly one
    item("e", "sentence here. It has"),  # across two sentences
    item("d", "not in the text"),
]


def test_the_article_leaves_out_the_footer_and_splits_sentences() -> None:
    article = reading.read_article(TEXT, footer_lines=2)
    assert article.title == "Title line"
    assert [p.number for p in article.paragraphs] == [1, 2]
    assert [s.text for s in article.paragraphs[0].sentences] == ["One “quoted” sentence here.", "It has two  spaces.",
                                                                 "Third sentence!"]
    assert "Footer" not in " ".join(p.text for p in article.paragraphs)
    assert reading.read_article(TEXT).paragraphs[-1].text == "Footer A Footer B"  # without footer lines: kept


def test_citations_are_found_whatever_their_quote_marks_and_spacing() -> None:
    article = reading.read_article(TEXT, footer_lines=2)
    citations, missing = reading.cite(article, ITEMS)
    first = article.paragraphs[0].text
    found = {c.key: first[c.start:c.end] if c.paragraph == 1 else article.paragraphs[1].text[c.start:c.end] for c in citations}
    assert found == {"a": "One “quoted” sentence here", "b": "It has two  spaces", "b.reverse": "It has two  spaces",
                     "c": "Second paragraph’s only", "e": "sentence here.  It has"}
    assert missing == ["d"]
    pieces = reading.joined(reading.segments(article.paragraphs[0], citations))
    assert [(p.text, set(p.keys)) for p in pieces] == [("One “quoted” sentence here.  It has two  spaces", {"a", "e", "b", "b.reverse"}),
                                                      (". Third sentence!", set())]


def test_coverage_figures_counted_by_hand() -> None:
    """4 sentences: 1.1 cited by a and e, 1.2 by f1 (b and its reverse, one fact) and e, 1.3 by none, 2.1 by c.
    Characters (spaces not counted): paragraph 1 has 24 + 15 + 14 = 53, paragraph 2 has 30, 83 in all; the cited
    spans hold "One “quoted” sentence here.  It has two  spaces" = 24 + 2 + 3 + 3 + 6 = 38 and "Second paragraph’s
    only" = 6 + 11 + 4 = 21: 59 of 83."""
    article = reading.read_article(TEXT, footer_lines=2)
    citations, missing = reading.cite(article, ITEMS)
    covered = reading.coverage(article, citations, missing)
    assert covered.cited_by == {(1, 0): {"a", "e"}, (1, 1): {"f1", "e"}, (1, 2): set(), (2, 0): {"c"}}
    assert covered.sentences == 4 and covered.uncovered == [(1, 2)] and covered.several == [(1, 0), (1, 1)]
    assert covered.sentence_share == 0.75
    assert (covered.characters, covered.characters_cited) == (83, 59)
    assert covered.unplaced == ("d",)


@pytest.mark.skipif(not SOURCE.exists(), reason=f"source text not found at {SOURCE}")
def test_the_shipped_texts_footer_is_not_the_article() -> None:
    article = reading.read_article(SOURCE.read_text(encoding="utf-8"), footer_lines=3)
    assert article.title == "Society for Rallying Comrades and October 10"
    assert article.paragraphs[-1].text.endswith("under the leadership of the supreme national leader Kim Jong Un.")
    assert not any("Copyright" in p.text or "feedbacks" in p.text for p in article.paragraphs)


def test_matching_questions_cite_each_pairs_sentence() -> None:
    from studyapp.bank.items import Pair

    matching = Item("m", "d", Kind.MATCHING, Category.PLACE, "Match", "", source="",
                    pairs=(Pair("x", "y", (), "Third sentence"), Pair("z", "w", (), "only sentence")))
    citations, _ = reading.cite(reading.read_article(TEXT, 2), [matching])
    assert [(c.paragraph, c.key) for c in citations] == [(1, "m"), (2, "m")]


def test_the_title_is_the_first_line_even_without_a_blank_line_after_it() -> None:
    article = reading.read_article("\n  Title\nFirst para. Second.\n  \t\nPara two.\n")  # a blank line of spaces
    assert article.title == "Title"
    assert [p.text for p in article.paragraphs] == ["First para. Second.", "Para two."]
    assert reading.read_article("   \n\n").paragraphs == ()


def test_a_decomposed_text_is_read_as_the_banks_check_reads_it() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Title\n\nThe meeting in Onsŏng ended. It was brief.")
    article = reading.read_article(text)
    citations, missing = reading.cite(article, [item("o", "in Onsŏng ended"), item("end", "It was brief.")])
    assert missing == [] and [article.paragraphs[0].text[c.start:c.end] for c in citations] == ["in Onsŏng ended",
                                                                                                 "It was brief."]
