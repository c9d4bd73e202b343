"""Which names are one thing, and which questions are one fact, as the bank's own spellings and citations say.

Pure. Distractors use `Aliases` so an option is never the answer, or the prompt's subject, by another
name; quizzes use `fact_groups` so no verdict shows the answer of a question still to come.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from studyapp.bank.items import Category, Item, Kind
from studyapp.bank.spelling import normalize

# Two citations sharing a run of this many words quote the same passage of the text (shorter runs recur:
# "of the Workers' Party of Korea", "a revolutionary party of Juche type").
PASSAGE_WORDS = 10
MIN_WORDS = 3  # a shorter citation joins only citations of exactly its words


class _Union:
    """Union-find over strings: who is joined with whom."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        root = self.parent.setdefault(name, name)
        while root != self.parent[root]:
            root = self.parent[root]
        while name != root:  # path compression
            self.parent[name], name = root, self.parent[name]
        return root

    def join(self, names: Iterable[str]) -> None:
        names = list(names)
        for other in names[1:]:
            self.parent[self.find(other)] = self.find(names[0])


class Aliases:
    """The bank's spellings, joined into things: an answer and its alternatives name one thing, and
    two answers sharing a spelling (the SRC and 'the first party organization') name the same one."""

    def __init__(self, items: Iterable[Item]) -> None:
        self._union = _Union()
        for item in items:
            if item.category == Category.DATE or item.kind == Kind.TRUEFALSE:
                continue
            names = [(pair.right, *pair.alternatives) for pair in item.pairs] if item.kind == Kind.MATCHING else [
                (item.answer_text, item.answer, *item.alternatives)]  # a matching answer is a list: its pairs name things
            for texts in names:
                self._union.join(spelling for spelling in dict.fromkeys(normalize(text) for text in texts) if spelling)
        self._names: dict[str, list[str]] = {}
        for spelling in self._union.parent:
            self._names.setdefault(self._union.find(spelling), []).append(spelling)

    def names_of(self, text: str) -> list[str]:
        """Every spelling of the thing `text` names (normalized); just its own when the bank knows no other."""
        key = normalize(text)
        if key not in self._union.parent:
            return [key] if key else []
        return self._names[self._union.find(key)]

    def same(self, a: str, b: str) -> bool:
        """Whether the two texts name the same thing."""
        key_a, key_b = normalize(a), normalize(b)
        if key_a == key_b:
            return True
        known = self._union.parent
        return key_a in known and key_b in known and self._union.find(key_a) == self._union.find(key_b)

    def named_in(self, text: str, words: str) -> str | None:
        """The spelling of `text`'s thing that `words` (normalized, padded with spaces) spells out, if any."""
        return next((name for name in self.names_of(text) if f" {name} " in words), None)


def fact_groups(items: Sequence[Item]) -> dict[str, str]:
    """Each item's key -> the key of its group: items about the same fact as far as a learner can tell.

    Joined: the two directions of a fact, a question and the one its `about` names, and questions whose
    citations quote the same passage (a run of PASSAGE_WORDS words, or the whole of a shorter citation
    wherever another one holds it), since the verdict on one shows the sentence that answers the other.
    Each pair of a matching question has a group of its own too, under `pair_key` (its verdict shows every
    pair's sentence): the question stands for all of them (see `groups_of`) without joining them to each other.
    """
    cited = {item.key: normalize(item.source).split() for item in items}
    cited.update({pair_key(item, i): normalize(pair.source).split() for item in items for i, pair in enumerate(item.pairs)})
    short = {" ".join(words) for words in cited.values() if 0 < len(words) < PASSAGE_WORDS}
    sizes = {len(text.split()) for text in short if len(text.split()) >= MIN_WORDS}
    union = _Union()
    for item in items:
        links = [f"fact:{item.fact}"] if item.fact else []
        links += [f"fact:{item.about}", f"key:{item.about}"] if item.about else []
        union.join([f"key:{item.key}", *links, *_passage_links(cited[item.key], short, sizes)])
        for index in range(len(item.pairs)):
            union.join([f"key:{pair_key(item, index)}", *_passage_links(cited[pair_key(item, index)], short, sizes)])
    return {name: union.find(f"key:{name}") for name in cited}


def _passage_links(words: list[str], short: set[str], sizes: set[int]) -> list[str]:
    """The passages a citation quotes: its runs of PASSAGE_WORDS words, or (shorter) the whole of it."""
    if len(words) < PASSAGE_WORDS:
        return [f"short:{' '.join(words)}"] if words else []
    links = [f"passage:{' '.join(words[i:i + PASSAGE_WORDS])}" for i in range(len(words) - PASSAGE_WORDS + 1)]
    for size in sizes:  # a shorter citation held in this one; a word or two is no passage (joins only its equal)
        found = (" ".join(words[i:i + size]) for i in range(len(words) - size + 1))
        links += [f"short:{text}" for text in found if text in short]
    return links


def pair_key(item: Item, index: int) -> str:
    """The name fact_groups gives the pair at `index` of a matching question."""
    return f"{item.key}#{index}"


def groups_of(item: Item, groups: Mapping[str, str]) -> set[str]:
    """Every fact group a question touches (fact_groups' `groups`): its own and, for a matching one, its pairs'."""
    return {groups[item.key], *(groups[pair_key(item, index)] for index in range(len(item.pairs)))}
