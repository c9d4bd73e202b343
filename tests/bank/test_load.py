"""Loading the YAML bank: type guessing never corrupts an answer; every mistake is located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.bank import load, yamltext
from studyapp.bank.items import Category, Item, Kind
from studyapp.errors import BankError
from tests.conftest import DATA, ROOT, SOURCE

BAD = DATA / "bad"
NO_HEADER = {
    "empty.yaml": "1:1: the file is empty: it needs deck, title and questions or facts",
    "not-utf8.yaml": "2:1: the file is not UTF-8 text: save it as UTF-8",
}


def expected_message(path: Path) -> str:
    if path.name in NO_HEADER:
        return NO_HEADER[path.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: LINE:COL: message'"
    return first.removeprefix("# expect: ")


def test_cloze_blank_may_be_padded_with_spaces(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - {id: q, kind: cloze, category: place, text: \"In [[ Kalun ]].\"}\n")
    item = load.load_bank(tmp_path).items[0]
    assert (item.prompt, item.answer) == ("In _____.", "Kalun")


def test_small_bank_loads() -> None:
    loaded = load.load_bank(DATA / "bank")
    assert [d.key for d in loaded.decks] == ["founding", "people"]
    assert {i.key for i in loaded.items} >= {"src-formed", "src-formed.reverse", "kalun-village", "bolshevik"}


def test_yaml_type_guessing_keeps_the_text_typed() -> None:
    document = yamltext.load("a: 1945\nb: 1930-07-03\nc: no\nd: 10:10\ne: 010\nf: true\ng: 1.50\nh: ~\n")
    assert document.value == {"a": "1945", "b": "1930-07-03", "c": "no", "d": "10:10", "e": "010",
                              "f": "true", "g": "1.50", "h": None}


def test_unquoted_answers_reach_items_as_typed() -> None:
    items = {i.key: i for i in load.load_bank(DATA / "bank").items}
    assert items["src-formed"].answer == "1930-07-03"
    assert items["kcp-dismissed"].answer == "1928"
    assert items["src-no"].answer == "false"


def test_fact_gives_two_directions() -> None:
    items = {i.key: i for i in load.load_bank(DATA / "bank").items}
    forward, reverse = items["src-formed"], items["src-formed.reverse"]
    assert forward.prompt == "According to the text, when was the Society for Rallying Comrades formed?"
    assert forward.answer_text == "3 July 1930"
    assert reverse.prompt == "According to the text, what was formed on 3 July 1930?"
    assert reverse.answer == "Society for Rallying Comrades" and reverse.alternatives == ("SRC",)
    assert reverse.category == Category.ORGANIZATION and reverse.date == "1930-07-03"


def test_cloze_blank_is_the_answer() -> None:
    item = {i.key: i for i in load.load_bank(DATA / "bank").items}["bolshevik"]
    assert item.prompt == "According to the text, a magazine named _____ was inaugurated."
    assert item.answer == "Bolshevik"


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_malformed_file_gives_its_messages(path: Path, tmp_path: Path) -> None:
    if path.stem.endswith("quote-not-in-source") and not SOURCE.exists():
        pytest.skip(f"source text not found at {SOURCE}")
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / path.name).write_bytes(path.read_bytes())
    with pytest.raises(BankError) as raised:
        load.load_bank(folder, SOURCE.read_text(encoding="utf-8") if SOURCE.exists() else None)
    got = [f"{p.line}:{p.column}: {p.message}" for p in raised.value.problems]
    assert got == expected_message(path).split(" | ")
    assert all(p.file == f"bad/{path.name}" for p in raised.value.problems)


def test_corpus_is_large() -> None:
    assert len(list(BAD.glob("*.yaml"))) >= 40


DECK = "deck: {0}\ntitle: {0}\nquestions:\n  - {{id: {0}-q, kind: typed, category: place, prompt: P?, answer: {1}}}\n"


def test_yml_files_load_like_yaml_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DECK.format("a", "X"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(DECK.format("b", "Y"))
    loaded = load.load_bank(tmp_path)
    assert [(d.key, d.file) for d in loaded.decks] == [("a", f"{tmp_path.name}/a.yaml"), ("b", f"{tmp_path.name}/sub/b.yml")]


def test_broken_yml_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DECK.format("a", "X"))
    (tmp_path / "extra.yml").write_bytes((BAD / "tab.yaml").read_bytes())
    with pytest.raises(BankError, match="extra.yml:4:1: tab character"):
        load.load_bank(tmp_path)


def test_same_deck_as_yaml_and_yml_is_a_clash(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DECK.format("a", "X"))
    (tmp_path / "a.yml").write_text(DECK.format("a", "Y").replace("a-q", "a-r"))
    with pytest.raises(BankError, match=f"a.yml:1:1: deck 'a' is also declared in {tmp_path.name}/a.yaml"):
        load.load_bank(tmp_path)


def test_folders_and_files_load_as_one_bank(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    (tmp_path / "one" / "a.yaml").write_text(DECK.format("a", "X"))
    (tmp_path / "two" / "b.yaml").write_text(DECK.format("b", "Y"))
    loaded = load.load_bank([tmp_path / "one", tmp_path / "two" / "b.yaml", tmp_path / "one" / "a.yaml"])
    assert [(d.key, d.file) for d in loaded.decks] == [("a", "one/a.yaml"), ("b", "two/b.yaml")]


def test_every_path_given_is_checked(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "a.yaml").write_text(DECK.format("a", "X"))
    (tmp_path / "notes.txt").write_text("not a deck")
    with pytest.raises(BankError) as raised:
        load.load_bank([tmp_path / "good", tmp_path / "notes.txt", tmp_path / "gone", BAD / "tab.yaml"])
    assert sorted(str(p) for p in raised.value.problems) == sorted([
        "bad/tab.yaml:4:1: tab character: indent with spaces",
        f"{tmp_path / 'gone'}:0:0: no such file or folder",
        f"{tmp_path / 'notes.txt'}:0:0: not a question file: their names end in .yaml",
    ])


@pytest.mark.parametrize("text, where", [
    ("tags: &x [*x]\n", (1, 7)),
    ("a: &x foo\nb: *x\n", (1, 4)),
    ("a: " + "[" * 2000 + "]" * 2000 + "\n", (1, 13)),
    ("- " * 2000 + "x\n", (1, 21)),
    ("{a: " * 2000 + "x" + "}" * 2000 + "\n", (1, 41)),
])
def test_aliases_and_deep_nesting_are_located_problems(text: str, where: tuple[int, int]) -> None:
    problem = yamltext.load(text).problems[0]
    assert (problem.mark.line, problem.mark.column) == where


def test_one_bad_file_loads_nothing(tmp_path: Path) -> None:
    for path in (DATA / "bank").glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tab.yaml").write_bytes((BAD / "tab.yaml").read_bytes())
    with pytest.raises(BankError) as raised:
        load.load_bank(tmp_path)
    assert [str(p) for p in raised.value.problems] == [f"{tmp_path.name}/tab.yaml:4:1: tab character: indent with spaces"]


def test_id_used_twice_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X}\n")
    (tmp_path / "b.yaml").write_text("deck: b\ntitle: B\nquestions:\n\n  - {id: q, kind: typed, category: place, prompt: P?, answer: Y}\n")
    with pytest.raises(BankError) as raised:
        load.load_bank(tmp_path)
    assert str(raised.value) == f"{tmp_path.name}/b.yaml:5:5: id 'q' is already used at {tmp_path.name}/a.yaml:4"


@pytest.mark.parametrize(("written", "stored"), [("True", "true"), ("FALSE", "false"), ("yes", "true"), ("no", "false")])
def test_a_truefalse_answer_may_be_written_in_any_case_or_as_yes_no(tmp_path: Path, written: str, stored: str) -> None:
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - {id: q, kind: truefalse, category: date, "
                                     f"prompt: 'According to the text, it was 1930.', answer: {written}}}\n")
    assert load.load_bank(tmp_path).items[0].answer == stored


def test_a_file_with_problems_still_has_its_ids_checked(tmp_path: Path) -> None:
    """Every mistake at once: a file that fails for one reason is still checked for clashing ids."""
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X}\n")
    (tmp_path / "b.yaml").write_text("deck: b\ntitle: B\nquestions:\n  - {id: q, kind: typed, category: plaice, prompt: P?, answer: Y}\n"
                                     "  - {id: r, kind: typed, category: place, prompt: P?, answer: Y}\n"
                                     "  - {id: r, kind: typed, category: place, prompt: P?, answer: Z}\n")
    with pytest.raises(BankError) as raised:
        load.load_bank(tmp_path)
    messages = [str(p).removeprefix(f"{tmp_path.name}/") for p in raised.value.problems]
    assert len(messages) == 3 and messages[1].startswith("b.yaml:4:26: questions.0.category: Input should be")
    assert [messages[0], messages[2]] == [f"b.yaml:4:5: id 'q' is already used at {tmp_path.name}/a.yaml:4",
                                          f"b.yaml:6:5: id 'r' is already used at {tmp_path.name}/b.yaml:5"]


def test_a_quote_is_checked_in_a_file_with_other_problems(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X, source: Not in it, colour: red}\n")
    with pytest.raises(BankError) as raised:
        load.load_bank(tmp_path, "The text says something else.")
    assert sorted(p.message for p in raised.value.problems) == ["questions.0.colour: unknown field 'colour'",
                                                                "source quote of 'q' is not in the source text"]


def test_quote_missing_from_source(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X, source: Not in it}\n")
    with pytest.raises(BankError, match="a.yaml:4:66: source quote of 'q' is not in the source text"):
        load.load_bank(tmp_path, "The text says something else.")


@pytest.mark.parametrize("quote", [
    "He stated: Drawing on this lesson we regard it",  # the text's own quote marks left out
    '"Drawing on this lesson"',  # straight quotes where the text has curly ones
    "the Korean people’s   anti-Japanese struggles",  # runs of spaces; curly or straight apostrophe
    "the Korean people's anti-Japanese struggles",
    "on June 30-July 2, 1930",  # a hyphen for the text's en dash
])
def test_quote_marks_and_spaces_aside_a_quote_is_found(tmp_path: Path, quote: str) -> None:
    source = "He stated: “Drawing on this lesson we regard it.” Of the Korean people’s anti-Japanese struggles, on June 30–July 2, 1930."
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - id: q\n    kind: typed\n    category: place\n"
                                     f"    prompt: P?\n    answer: X\n    source: {json.dumps(quote)}\n", encoding="utf-8")
    assert [item.key for item in load.load_bank(tmp_path, source).items] == ["q"]


@pytest.mark.skipif(not SOURCE.exists(), reason=f"source text not found at {SOURCE}")
def test_curated_bank_quotes_are_all_in_the_source() -> None:
    loaded = load.load_bank(ROOT / "questions", SOURCE.read_text(encoding="utf-8"))
    haystack = load.normalize_quote(SOURCE.read_text(encoding="utf-8"))
    cited = [(i.key, text) for i in loaded.items for text in (i.source, *(p.source for p in i.pairs)) if text]
    missing = [key for key, text in cited if load.normalize_quote(text) not in haystack]
    assert missing == []
    assert all(i.source or (i.pairs and all(p.source for p in i.pairs)) for i in loaded.items), \
        "every question (every pair of a matching one) cites the source"


def test_curated_bank_covers_the_text() -> None:
    loaded = load.load_bank(ROOT / "questions")
    counts = loaded.by_category()
    assert len(loaded.decks) >= 3 and len(loaded.items) >= 60
    for category in (Category.DATE, Category.PLACE, Category.ORGANIZATION):
        assert counts[category] >= 12, counts
    assert counts[Category.PERSON] >= 3
    prompts = [i.prompt for i in loaded.items]
    assert all(p.startswith(("According to the text", "The text states")) for p in prompts)
    answers = " ".join(i.answer for i in loaded.items) + " ".join(" ".join(i.alternatives) for i in loaded.items)
    for name in ("Jiajiatun", "Kalun", "Changchun", "Jilin", "Onsong", "Tuman", "Comintern", "Bolshevik",
                 "Young Communist League", "Anti-Japanese Youth League", "Kim Il Sung", "Kim Jong Un"):
        assert name in answers, f"nothing asks about {name}"


FRAGMENTS = ["&a ", "*a", "&b ", "*b", "[", "]", "{", "}", ", ", ": ", "- ", "\n", "\n  ", "x", "!!str ", "<<: ", "? "]
# Well-formed flow values with anchors and aliases, often pointing at their own parent: `k: &a [x, *a]`.
ANCHORED = st.recursive(
    st.sampled_from(["x", "*a", "*b"]),
    lambda inner: st.one_of(st.lists(inner, max_size=3).map(lambda v: f"[{', '.join(v)}]"),
                            st.lists(inner, max_size=2).map(lambda v: "{" + ", ".join(f"k{i}: {x}" for i, x in enumerate(v)) + "}"),
                            st.tuples(st.sampled_from(["&a ", "&b "]), inner).map("".join)),
    max_leaves=8,
).map(lambda value: f"k: {value}\n")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(list("ab:- \n'\"[]{}#!&*|>%@`\t1é")), max_size=80),
                 st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join), ANCHORED))
def test_any_text_loads_or_fails_with_a_located_message(text: str) -> None:
    for problem in yamltext.load(text).problems:
        assert problem.mark.line >= 1 and problem.mark.column >= 1 and problem.message


FIELDS = ["deck", "title", "questions", "facts", "id", "kind", "category", "prompt", "answer", "text", "alternatives",
          "distractors", "source", "tags", "subject", "verb", "date", "answr"]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Text shaped like a bank file, with random keys, values, indentation and punctuation."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
        key = draw(st.sampled_from(FIELDS))
        value = draw(st.one_of(st.sampled_from(["", "no", "1930-07-03", "10:10", "010", "[a, b]", "- x", "{", "!!python/name:os.system",
                                                "typed", "date", "\"[[x]]\"", "according to the text",
                                                "&x [a, b]", "*x", "&x x", "[*x, *x]", "&y {k: *x}", "&x [*x]", "a [[ ]] b"]),
                               st.text(max_size=12)))
        lines.append(f"{indent}{'- ' if draw(st.booleans()) else ''}{key}: {value}")
    return "\n".join(lines)


@settings(max_examples=200, deadline=None)
@given(st.one_of(yamlish(), st.text(max_size=200)))
def test_any_file_loads_or_fails_with_located_readable_problems(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else path.write_bytes(b"\xff")
    deck, items, problems = load.load_file(path)
    if deck is None:
        assert problems and all(p.line >= 1 and p.column >= 1 and p.message and "Traceback" not in p.message for p in problems)
    else:
        assert problems == [] and all(item.deck == "fuzz" for item in items)


def test_alternatives_shown_leave_out_the_answer_itself() -> None:
    """'Korean Communist Party / Also accepted: Korean Communist Party' said nothing; a real other spelling stays."""
    item = Item(key="k", deck="d", kind=Kind.TYPED, category=Category.PLACE, prompt="P?", answer="the Onsong area",
                     alternatives=("Onsong area", "The Onsong Area.", "Ŏnsŏng area", "Onsong", "onsong"))
    assert item.other_spellings == ("Ŏnsŏng area", "Onsong")
