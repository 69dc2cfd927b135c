"""Sentences of courtesy, which carry no sentiment of their own.

Citizens write to the state in a standard frame: "Kính gửi: Ủy ban nhân dân xã …", "Gia đình tôi
luôn chấp hành tốt mọi chủ trương, chính sách của địa phương", the complaint, then "Kính đề nghị
UBND xã xem xét, giải quyết. Tôi xin chân thành cảm ơn!". A linear model adds the frame's words
of praise and thanks to the complaint's words: of 22 complaints that read negative alone, 4
read negative inside that frame (10 positive). :func:`courtesy_positions` finds the syllables
of the sentences that are such formulas alone (the editable regular expressions of
``data/courtesy_formulas.txt``), which the sentiment model reads as no syllable at all (its
featurizer's ``quiet_courtesy``); a text made of formulas alone ("Xin cảm ơn!") is read whole.

It finds the thanks before a "but" too: in "Cảm ơn phường đã hứa sửa đèn đường, nhưng đến nay
đèn vẫn tắt." the clause after "nhưng" says what the writer thinks, and the thanks before it are
courtesy. The words from the sentence's start to the "nhưng" ("tuy nhiên", "song") are quiet
where they hold a thanks, and so is a sentence of thanks that the next sentence opens with such
a word against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["COURTESY_PATH", "courtesy_positions", "courtesy_triggers", "formula_pattern"]

COURTESY_PATH = Path(__file__).parent / "data" / "courtesy_formulas.txt"
# A sentence ends at these (a clause does not: a formula may hold a comma or a colon).
_SENTENCE_RE = re.compile(r"[^.!?…\n]+")
_WORD_RE = re.compile(r"\w+")
# Words that say the clause after them counts against what came before.
_BUT = frozenset({"nhưng", "song"})
_BUT_PAIRS = frozenset({("tuy", "nhiên"), ("nhưng", "mà")})
_BUT_RE = re.compile(r"\b(?:nhưng|song|tuy\s+nhiên)\b")
_THANKS = ("cảm ơn", "cám ơn")
# A sentence of more words is no formula (it is not matched against them).
_LONGEST = 40
# A text is looked at only if it holds one of these (lower case, NFC).
_TRIGGERS = (
    "cảm ơn",
    "cám ơn",
    "gửi",
    "thưa",
    "chào",
    "chấp hành",
    "đơn này",
    "trình bày",
    "đề nghị",
    "mong",
    "trân trọng",
)


# The syllables a text must hold to be looked at (one of each trigger phrase), for a batch's
# syllable numbers (:func:`duluan.analysis.features.quieted_batch`).
_TRIGGER_SYLLABLES = ("ơn", "gửi", "thưa", "chào", "chấp", "đơn", "bày", "nghị", "mong", "trân")


def courtesy_triggers() -> tuple[str, ...]:
    """Syllables one of which a text holds where :func:`courtesy_positions` may find some."""
    return _TRIGGER_SYLLABLES


@lru_cache(maxsize=4)
def formula_pattern(path: Path = COURTESY_PATH) -> re.Pattern[str]:
    """The formulas of ``path`` as one expression that matches a run of one or more of them,
    a space apart (matched in full against a sentence's words)."""
    formulas = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Each formula is matched once at a place, its longest first (an atomic group): the formulas
    # share words ("trân trọng" and "trân trọng cảm ơn"), and trying every way of cutting a long
    # run of them into formulas took exponential time (22 times "trân trọng cảm ơn" before a
    # complaint: more than a minute).
    one = "|".join(f"(?:{f})" for f in formulas)
    return re.compile(f"(?>{one})(?: (?>{one}))*")


def courtesy_positions(text: str, count: int, pattern: re.Pattern[str] | None = None) -> list[int]:
    """The indexes of the syllables of ``text`` (its runs of word characters, lower case) that
    are courtesy: the sentences that are formulas alone, and thanks before a "but".

    Args:
        text: The text, NFC and lower case (as a featurizer reads its syllables).
        count: How many syllables the text was split into: none are found where its runs are not
            as many.
        pattern: The formulas (default: :func:`formula_pattern` of the shipped file).

    Returns:
        The indexes, in order; none where every syllable would be (the text is courtesy alone).
    """
    if not any(trigger in text for trigger in _TRIGGERS):
        return []
    pattern = pattern or formula_pattern()
    sentences = [(m.group(), _WORD_RE.findall(m.group())) for m in _SENTENCE_RE.finditer(text)]
    if sum(len(words) for _, words in sentences) != count:
        return []
    quiet: list[int] = []
    start = 0
    previous: tuple[int, int, bool] | None = None  # the last sentence's span and whether it thanks
    for sentence, words in sentences:
        if not words:
            continue
        # A formula holds a trigger, a thanks one of its words: most sentences are passed over
        # by str's own search (news leads: 12.8 µs each of those holding a trigger syllable
        # when each sentence was matched and its words searched for a "but", 2026-12-07).
        cued = any(trigger in sentence for trigger in _TRIGGERS)
        thanks = cued and any(t in sentence for t in _THANKS)
        if cued and len(words) <= _LONGEST and pattern.fullmatch(" ".join(words)):
            quiet.extend(range(start, start + len(words)))
        elif (thanks or (previous is not None and previous[2])) and _BUT_RE.search(sentence):
            but = _but_at(words)
            if but == 0 and previous is not None and previous[2]:
                quiet.extend(i for i in range(*previous[:2]) if not quiet or i > quiet[-1])
            elif but and any(t in " ".join(words[:but]) for t in _THANKS):
                quiet.extend(range(start, start + but))
        previous = (start, start + len(words), thanks)
        start += len(words)
    found = sorted(set(quiet))
    return [] if len(found) >= count else found


def _but_at(words: Sequence[str]) -> int | None:
    """The index of the first word of the sentence's first "but", or ``None``."""
    for i, word in enumerate(words):
        if word in _BUT or (i + 1 < len(words) and (word, words[i + 1]) in _BUT_PAIRS):
            return i
    return None
