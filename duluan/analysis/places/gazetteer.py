"""The gazetteer: unit names of both schemes indexed for recognition, and the resolution of each hit
to one unit (the rules are in the package docstring).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import ahocorasick
import numpy as np

from duluan.adminunits import (
    COMMUNE,
    DEFAULT_HOME_PROVINCE,
    DISTRICT,
    PRE2025,
    PROVINCE,
    SCHEME_2025,
    SCHEME_2025_DECIDED,
    SCHEME_2025_START,
    Succession,
    Unit,
    load_admin_data,
)
from duluan.analysis.normalise import ZERO_WIDTH, canonical_tones, fold, written_bare
from duluan.analysis.places.context import (
    ADDRESS_GAP_RE,
    AND_RE,
    LIST_GAP_RE,
    PLURAL_BEFORE_RE,
    RANGE_GAP_RE,
    TYPE_ACCENTED,
    TYPE_BEFORE_RE,
    TYPE_COMPOUNDS,
    TYPE_WORDS,
    TYPED_WORD_STARTS,
    a_word_in_small_letters,
    abbreviated_commune,
    age_after,
    by_last_character,
    capitalised,
    foreign_after,
    house_number_before,
    inside_longer_proper_noun,
    locative_before,
    mostly_a_word,
    nfc_with_offsets,
    not_a_unit_before,
    old_after,
    person_speaking,
    place_folds,
    speaker_after,
    typed_words,
)

# The data's "Kỳ Anh (Thị xã)" (same-named units of one district told apart); text never writes it.
from duluan.analysis.places.former import DISAMBIGUATOR_RE as _DISAMBIGUATOR_RE
from duluan.analysis.places.former import SyllableInventory, former_names

__all__ = ["Gazetteer", "PlaceMention"]

ALIASES_PATH = Path(__file__).parent.parent / "data" / "place_aliases.tsv"

# How far (in characters) a naming of an ancestor still supports a mention: "xã A, huyện B, tỉnh C".
CONTEXT_WINDOW = 120

_SPELLING_CACHE_LIMIT = 50_000

_LEVEL_RANK = {PROVINCE: 0, DISTRICT: 1, COMMUNE: 2}
# A bare "Yên Bái" is the province more often than its capital city.
_BARE_BONUS = {PROVINCE: 0.6, DISTRICT: 0.2, COMMUNE: 0.0}
# What a bare name listed after a unit of one level gets for its candidates of that level: more
# than a province named nearby gives its communes (2 and its closeness), less than a district.
_SIBLING_BONUS = 2.5
# What a name named again, where no unit named near it supports any of its candidates, gets for the
# unit its last naming before it was read as with such support: what a district named nearby gives
# its communes. "H. Phong Điền (TT-Huế)" then "Tại X. Điền Hải (H.Phong Điền)" 250 characters on:
# the second is Huế's Phong Điền again, not Cần Thơ's huyện, which the type word "huyện" favoured
# (Huế's has been a thị xã since 2025). Not after another type word than that naming's: "TX Cao
# Lãnh" and "huyện Cao Lãnh" of one text are two units. (2026-12-08: over the corpora's 155,602
# texts, with their dates or without, 34 detections changed, in 24 texts: 31 right, 3 of them
# found (the commune before the district, once the district is read: "xã Bạch Đằng, huyện Tân
# Uyên" of Bình Dương, not Lai Châu's Tân Uyên), the others read as the unit of their first
# naming ("Công an phường 2" after "phường 2, quận 3", "huyện Tân Châu (An Giang)" then "huyện
# Tân Châu"); 1 wrong, a "phường 12" read as Tân Bình's after "phường 12, quận Tân Bình" where
# the text's title names Gò Vấp's; 2 unclear, a district of 2006 since split ("Công an huyện Long
# Mỹ", "huyện Hồng Ngự") read as the part its commune named before lies in now. Over 60,000 of
# them with their diacritics stripped, 17 changed, 16 right, the same "phường 12" wrong.)
_NAMED_AGAIN_BONUS = 3.0
# How sure a bare name of each level is before rivals and accents are weighed.
_BARE_CONFIDENCE = {PROVINCE: 0.9, DISTRICT: 0.75, COMMUNE: 0.65}
# A text without a date that names a unit by a name both schemes hold ("Gia Lai", the province
# before and after its merger; "Phú Thọ"): which scheme it meant is read from its other names (the
# era, see Gazetteer._era) or, when they say nothing, guessed. The unit's confidence is scaled by
# how sure that reading is. Without it, confidence said nothing of a mention's being right in
# undated text: on the gold set read without the items' dates (48 wrong of 412, nearly all the
# other scheme's unit), right and wrong mentions averaged 0.877 and 0.869, the AUC of confidence
# 0.464 (0.501 with diacritics stripped); with ×0.5 for a guess and ×0.8 for an era read from the
# text, 0.787 (0.781), and the gold set read with dates the same (2026-12-07; ×0.5 / ×1.0: 0.765,
# ×0.5 / ×0.6: 0.748).
_UNDATED_GUESS, _UNDATED_ERA = 0.5, 0.8
_NUMBERED_NAME_RE = re.compile(r"^(Phường|Quận|Xã|Huyện)\s+\d+$")
# "P4", "Q3" (without the dot) too, as addresses in Hồ Chí Minh City are written ("158/31 Hòa Hưng, P13,
# Q10"): but only beside another unit of the address (see _address_neighbours).
_NUMBERED_ABBREVIATIONS = {"Phường": ("p.", "p. ", "p"), "Quận": ("q.", "q. ", "q")}
_UNDOTTED_RE = re.compile(r"([pq])\d+$")
# "bà xã", "ông xã" (wife, husband) before a name, written with diacritics ("ba xa" is also three
# communes): the type word is not one.
_SPOUSE_RE = re.compile(r"(?<!\w)(?:bà|ông)\s+$")
# In a name's spellings: any spelling of it may name a unit (a former name, whose diacritics the data
# does not keep); in a unit's, followed by the name: any spelling of that name names this unit.
_ANY_SPELLING = "\x00"
# Taken off a former name's unit's score. Its spelling is unknown, so a current name folded alike
# keeps the name even against a former unit whose province is named nearby ("từ Thanh Hóa đến Phú
# Yên": the province Phú Yên, bare bonus and era 1.1, not a commune of Thanh Hóa once named Phú Yên,
# 2.2 and era 0.5); a named ancestor still makes a former unit win over namesakes far away ("phường
# Phú Hòa, thành phố Huế": 2.45, its type 1 and era 0.5, against 1.5).
# Not where the text reads the former unit's district and no unit that bears the name now has an
# ancestor named nearby (see _resolve_all).
_FORMER_PENALTY = 2.0


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One administrative unit named in a text.

    ``start``/``end`` index the original text; ``equivalents`` are ``(scheme, code, share)`` of the
    corresponding units in the other scheme; ``candidates`` are the ``(scheme, code)`` pairs the text
    could not tell apart (empty when the unit was resolved).
    """

    start: int
    end: int
    surface: str
    code: str
    scheme: str
    level: str
    name: str
    confidence: float
    equivalents: tuple[tuple[str, str, float], ...] = ()
    candidates: tuple[tuple[str, str], ...] = ()


# A frozen dataclass's __init__ sets each field through ``object.__setattr__``; setting its slots
# through their descriptors builds the same object in about half the time (1.35 → 0.75 µs a mention,
# timeit, 2026-11-30). A test checks that the two agree field for field.
_MENTION_FIELDS = (
    "start", "end", "surface", "code", "scheme", "level", "name", "confidence", "equivalents", "candidates",
)  # fmt: skip
(
    _set_start,
    _set_end,
    _set_surface,
    _set_code,
    _set_scheme,
    _set_level,
    _set_name,
    _set_confidence,
    _set_equivalents,
    _set_candidates,
) = (getattr(PlaceMention, name).__set__ for name in _MENTION_FIELDS)
_new_object = object.__new__


def _new_mention(
    start: int,
    end: int,
    surface: str,
    code: str,
    scheme: str,
    level: str,
    name: str,
    confidence: float,
    equivalents: tuple[tuple[str, str, float], ...],
    candidates: tuple[tuple[str, str], ...],
) -> PlaceMention:
    """``PlaceMention(start, end, ...)``, built without the frozen ``__init__``."""
    mention = _new_object(PlaceMention)
    _set_start(mention, start)
    _set_end(mention, end)
    _set_surface(mention, surface)
    _set_code(mention, code)
    _set_scheme(mention, scheme)
    _set_level(mention, level)
    _set_name(mention, name)
    _set_confidence(mention, confidence)
    _set_equivalents(mention, equivalents)
    _set_candidates(mention, candidates)
    return mention


@dataclass(frozen=True, slots=True)
class _Place:
    scheme: str
    code: str
    level: str
    name: str
    short_name: str
    unit_type: str
    province_code: str


Key = tuple[str, str]  # (scheme, code)
_NO_KEYS: frozenset[Key] = frozenset()
# What counts the units a type word heads (_Hit.plural): a word ("các xã", "hai phường") or a
# number ("3 phường", as "số 7 phường" may read). After a word, a bare name that could be the
# first unit's parent is one more unit of the list all the same: "hai xã Tân An, Long An", "các
# thành phố Yên Bái, Lào Cai, Việt Trì", "Các xã Tân Dĩnh, Lạng Giang, Tiên Lục". Over the
# corpora's 155,602 texts (2026-12-07), with their dates or without, 3 texts change, all so: the
# two above from VNTC (two copies of the cities) and the commune Tân An, found, with Long An.
COUNTED_BY_NUMBER, COUNTED_BY_WORD = 1, 2
# Every match of TYPE_BEFORE_RE ends with one of these (then spaces).
_TYPE_ENDINGS = tuple(TYPE_WORDS)
_TYPE_ENDINGS_BY_LAST = by_last_character(_TYPE_ENDINGS)
# The levels each type word allows.
_TYPE_LEVELS = {types: frozenset(level for level, _ in types) for types in TYPE_WORDS.values()}


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    key: str  # folded name as indexed
    types: frozenset[tuple[str, str]] | None = None  # allowed (level, unit type) from a type word
    embedded_type: bool = False  # "Quận 1", "TP.HCM": the type is part of the name
    inherited: bool = False  # type taken from the list this name continues
    old: bool = False  # followed by "cũ"
    accent_free: bool = False  # written without the name's diacritics
    locative: bool = False  # a bare name after punctuation or a word like "ở", "tại", "thuộc"
    address_next: bool = False  # the next hit continues an address: "phường X, TP Y"
    # The type word heads a list (true): "các xã", "hai huyện" (COUNTED_BY_WORD), "3 phường"
    # (COUNTED_BY_NUMBER, which may be an address's number too: "thôn 323 xã Đỉnh Sơn").
    plural: int = 0
    weak: bool = False  # bare, lower-case and accent-free: only a province stands on its own
    candidates: Sequence[Key] = ()
    top_rank: int = 0  # the best level rank among the candidates (0 = province)
    # Per candidate, what _resolve reads of it: (key, level, scheme, unit type, at home, ancestors,
    # ancestors in its own scheme), memoised with the candidates rather than looked up per candidate
    # (_resolve on leads with several hits: 21.7 → 20.0 µs, 2026-11-30).
    facts: tuple[tuple[Key, str, str, str, bool, frozenset[Key], frozenset[Key]], ...] = ()
    # Whether resolving it reads the other hits at all: a candidate has ancestors or is a commune
    # (see _resolve_all). Memoised with the facts.
    reads_others: bool = True
    listed: bool = False  # it follows the hit before in a list: "A, B", "A và B"
    ranged: bool = False  # listed as a range's end: "Vinh - Đồng Hới", "từ A đến B"
    word_like: bool = False  # weak, and mostly other words without diacritics (context.place_folds)
    parent_keys: frozenset[Key] = frozenset()  # its candidates that are a parent of the address's unit before


# The order of _Hit's fields, which _plausible_hit passes positionally.
_HIT_FIELDS = (
    "start", "end", "key", "types", "embedded_type", "inherited", "old", "accent_free", "locative",
    "address_next", "plural", "weak",
)  # fmt: skip


def _precedence(hit: _Hit) -> tuple[bool, int, int]:
    """Sort key of competing hits: typed names first, then longest, then leftmost."""
    return (hit.types is None and not hit.embedded_type, -(hit.end - hit.start), hit.start)


_start = attrgetter("start")


class Gazetteer:
    """Administrative units of both schemes, indexed for recognition in free text.

    Build with :meth:`from_units` (plain data, e.g. in a worker process) or :meth:`default`. The object
    pickles (the automaton included) and rebuilds in about a second from the unit records.
    """

    def __init__(
        self,
        places: dict[Key, _Place],
        ancestors: dict[Key, frozenset[Key]],
        equivalents: dict[Key, tuple[tuple[str, str, float], ...]],
        names: dict[str, tuple[tuple[Key, bool], ...]],
        spellings: dict[str, frozenset[str]],
        home: frozenset[Key],
    ) -> None:
        self._places = places
        self._spellings = spellings
        self._ancestors = ancestors
        self._equivalents = equivalents
        self._names = names
        self._home = home
        # Bare commune names: "context" (only with an ancestor named nearby), "never" or "always".
        self.bare_communes = "context"
        # One-syllable commune names ("Hồ", "Ba", "I") would hit at almost every word; they are looked up
        # only after a type word ("thị trấn Hồ"), which is the only way they can be told from words.
        self._single = frozenset(
            key
            for key, entries in names.items()
            if " " not in key
            and "." not in key
            and not _UNDOTTED_RE.match(key)  # "P5" holds its type: read where it stands
            and all(places[k].level == COMMUNE for k, _ in entries)
        )
        # The names of provinces and centrally-run cities, in either scheme, with their aliases
        # ("tp.hcm", "sai gon", "ha tay"). Opening a sentence before a verb of telling, such a name is
        # the province speaking ("Đà Nẵng cho biết", "Bắc Ninh chia sẻ kinh nghiệm"), not a person
        # (speaker_after): in the VNTC and TC201805 training files and news_2026, 40 sentences or
        # headlines open with a bare province's name before a verb of saying ("Hà Nội công bố",
        # "Quảng Ninh khẳng định"), all the province's; 99 with another unit's name, all a person's
        # ("Thanh Thủy kể", "Chí Linh cho biết", "Hồng Hải khẳng định"; 2026-12-07). But not "Hồ
        # Chí Minh", which opening a sentence is the person: "Hồ Chí Minh trả lời báo chí nước ngoài".
        self._speaking_provinces = frozenset(
            key
            for key, entries in names.items()
            if key != "ho chi minh" and any(places[k].level == PROVINCE for k, _ in entries)
        )
        # Names map to their value; the words that start a typed name (TYPED_WORD_STARTS) to their
        # length, so one pass over the text finds both.
        # A name's value is what the scan needs of it: (name, length, spellings, accent-free, embedded
        # type), so that a raw hit costs no dictionary look-up before it is kept or dropped.
        self._plain_name = {key: all(sp.isascii() for sp in self._spellings[key]) for key in names}
        self._embedded = {key: all(embedded for _, embedded in entries) for key, entries in names.items()}
        # The automaton scans texts whose every character that is not alphanumeric reads _MARK
        # (:func:`_mark_boundaries`); a name is indexed the same way between two marks, so it hits only
        # where it stands as whole words, and a type word after one mark. Names that differ only in
        # their punctuation ("ba ria - vung tau", "ba ria – vung tau") share an entry: a list.
        entries: dict[str, list[tuple[str, int, frozenset[str], bool, bool] | int]] = {}
        for key in names:
            if key not in self._single:
                marked = _MARK + _marked(key) + _MARK
                value = (key, len(key), spellings[key], self._plain_name[key], self._embedded[key])
                entries.setdefault(marked, []).append(value)
        for word in TYPED_WORD_STARTS:
            entries.setdefault(_MARK + _marked(word), []).append(len(word))
        self._automaton = ahocorasick.Automaton()
        for marked, values in entries.items():
            self._automaton.add_word(marked, values[0] if len(values) == 1 else values)
        self._automaton.make_automaton()
        # Whether every spelling of a name is accent-free, and the canonical lower-case spelling of
        # surfaces seen (names recur: the cache saves a regex substitution per hit).
        self._unit_spellings = {k: spellings.get(f"{k[0]}:{k[1]}", frozenset()) for k in places}
        self._spelling_cache: dict[str, str] = {}
        self._capitalised_cache: dict[str, bool] = {}
        self._candidate_cache: dict[tuple[str, str | None, frozenset[tuple[str, str]] | None], tuple] = {}
        # The text _lower last lowered, and its lower-case form.
        self._lowered_text: str | None = None
        self._lowered = ""
        # The text _bare last looked at, and whether it is typed without diacritics.
        self._bare_text: str | None = None
        self._bare_answer = False
        # Confidences recur: each one's rounding, memoised (bounded).
        self._rounded: dict[float, float] = {}
        # The resolution of a text's only hit, per what it reads of the hit (see _resolve).
        self._lone_cache: dict[tuple, tuple[Key, float, list[Key]] | None] = {}
        # Per name and per unit, what each hit used to work out again (a tenth of the step's cost).
        self._name_keys = {key: tuple(k for k, _ in entries) for key, entries in names.items()}
        self._rank = {k: _LEVEL_RANK[p.level] for k, p in places.items()}
        self._level = {k: p.level for k, p in places.items()}
        self._at_home = {k: k in home or (p.scheme, p.province_code) in home for k, p in places.items()}
        # What a mention reports of its unit, in one look-up.
        self._mention_facts = {
            k: (p.code, p.scheme, p.level, p.name, equivalents.get(k, ())) for k, p in places.items()
        }
        # What scoring a candidate reads of its unit, in one look-up.
        self._facts = {k: (p.level, p.scheme, p.unit_type, self._at_home[k]) for k, p in places.items()}
        self._same_scheme_ancestors = {
            k: frozenset(a for a in chain if a[0] == k[0]) for k, chain in ancestors.items()
        }
        # Per name, the units it is a former name of (see _ANY_SPELLING): they give way to the units
        # that bear it now, unless the text names their ancestors (_FORMER_PENALTY).
        former_of: dict[str, set[Key]] = {}
        for k in places:
            for spelled in self._unit_spellings[k]:
                if spelled.startswith(_ANY_SPELLING):
                    former_of.setdefault(spelled[1:], set()).add(k)
        self._former_of = {name: frozenset(keys) for name, keys in former_of.items()}
        self._twins = {
            k: frozenset({k, *((scheme, code) for scheme, code, _ in equivalents.get(k, ()))}) for k in places
        }
        self._described: dict[Key, dict[str, str]] = {}

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def from_units(
        cls,
        units: Iterable[Unit],
        successions: Iterable[Succession],
        *,
        home_province: str | None = None,
        aliases: dict[str, str] | None = None,
    ) -> Gazetteer:
        """Index units and their succession.

        Args:
            units: units of both schemes (:class:`duluan.adminunits.Unit`).
            successions: links from pre-2025 units to 2025 units.
            home_province: code of the home province in the 2025 scheme (``"24"`` for Bắc Ninh); its
                pre-2025 predecessors count as home too. Breaks ties between same-named units.
            aliases: other spellings of province names → the province's short name (defaults to
                ``data/place_aliases.tsv``).

        Returns:
            A ready :class:`Gazetteer`.
        """
        units = list(units)
        places: dict[Key, _Place] = {}
        parents: dict[Key, Key] = {}
        for u in units:
            key = (u.scheme, u.code)
            places[key] = _Place(
                u.scheme, u.code, u.level, u.name, u.short_name, u.unit_type, u.province_code
            )
            if u.parent_code:
                parents[key] = (u.scheme, u.parent_code)

        forward: dict[Key, list[tuple[str, str, float]]] = {}
        backward: dict[Key, list[tuple[str, str, float]]] = {}
        for s in successions:
            old = (PRE2025, s.old_code)
            new = (SCHEME_2025, s.new_code)
            if old not in places or new not in places or places[old].level != s.old_level:
                continue
            forward.setdefault(old, []).append((SCHEME_2025, s.new_code, s.share))
            if places[new].level == s.old_level or (s.old_level == DISTRICT and places[new].level == COMMUNE):
                backward.setdefault(new, []).append((PRE2025, s.old_code, s.share))
        equivalents = {k: tuple(v) for k, v in forward.items()}
        equivalents.update({k: tuple(v) for k, v in backward.items()})

        ancestors = _ancestors(places, parents, forward, backward)

        names: dict[str, list[tuple[Key, bool]]] = {}
        spellings: dict[str, set[str]] = {}

        def index(name: str, key: Key, embedded: bool) -> None:
            name = unicodedata.normalize("NFC", name).strip().translate(_SEPARATORS)
            folded = fold(name)  # its separators are read already
            if not folded:
                return
            spelling = canonical_tones(name.lower())
            spellings.setdefault(folded, set()).add(spelling)
            spellings.setdefault(f"{key[0]}:{key[1]}", set()).add(spelling)
            if (key, embedded) not in names.setdefault(folded, []):
                names[folded].append((key, embedded))

        for key, p in places.items():
            if _NUMBERED_NAME_RE.match(p.short_name):
                index(p.short_name, key, True)
                number = p.short_name.split()[-1]
                for abbreviation in _NUMBERED_ABBREVIATIONS.get(p.unit_type, ()):
                    index(abbreviation + number, key, True)
            else:
                name = _DISAMBIGUATOR_RE.sub("", p.short_name)
                index(name, key, False)
                variant = _other_i_y(name)
                if variant != name:
                    index(variant, key, False)
                if " - " in name:
                    # The 2025 wards joined of two names ("Văn Miếu - Quốc Tử Giám") are written
                    # with a bare hyphen too: "phường Xuân Hương-Đà Lạt" read as Đà Lạt alone.
                    index(name.replace(" - ", "-"), key, False)
        for alias, short_name in (aliases if aliases is not None else _read_aliases()).items():
            for key, p in places.items():
                if p.level == PROVINCE and p.short_name == short_name:
                    index(alias, key, fold(alias).startswith("tp"))
        # Names of districts and communes dissolved into these units before the pre-2025 data
        # ("huyện Yên Dũng" is TP Bắc Giang's since 2025): see duluan.analysis.places.former.
        inventory = SyllableInventory(p.short_name for p in places.values())
        for u in units:
            if u.scheme != PRE2025 or u.level == PROVINCE or not u.aliases:
                continue
            key = (u.scheme, u.code)
            for unit_type, name in former_names(u.aliases, u.short_name, u.level):
                if name.isdigit():
                    index(f"{unit_type} {name}", key, True)
                    for abbreviation in _NUMBERED_ABBREVIATIONS.get(unit_type or "", ()):
                        index(abbreviation + name, key, True)
                    continue
                syllables = inventory.split(name)
                if syllables:
                    # Its diacritics are unknown (the package keeps the key only): indexed folded,
                    # with a mark that lets any spelling of it name this unit (see _ANY_SPELLING).
                    folded = " ".join(syllables)
                    index(folded, key, False)
                    spellings[folded].add(_ANY_SPELLING)
                    spellings[f"{key[0]}:{key[1]}"].add(_ANY_SPELLING + folded)

        home: set[Key] = set()
        if home_province:
            home.add((SCHEME_2025, home_province))
            home.update((PRE2025, code) for code, _ in _predecessors(backward, (SCHEME_2025, home_province)))
        return cls(
            places,
            ancestors,
            equivalents,
            {k: tuple(v) for k, v in names.items()},
            {k: frozenset(v) for k, v in spellings.items()},
            frozenset(home),
        )

    @classmethod
    def default(cls, *, home_province: str | None = DEFAULT_HOME_PROVINCE) -> Gazetteer:
        """Build from the installed unit data (:func:`duluan.adminunits.load_admin_data`).

        What :meth:`from_units` makes of the data is kept in a cache file (see
        :func:`_cache_file`) and read from there next time: 0.53 s of every ``duluan analyze``
        start went to reading the data and indexing it, reading the cache takes 0.14 s (the
        automaton is rebuilt either way, see :meth:`__reduce__`; 2026-12-01).

        Args:
            home_province: 2025 code of the home province (Bắc Ninh, ``"24"``, by default).

        Returns:
            A ready :class:`Gazetteer`.
        """
        cached = _cache_file(home_province)
        if cached is not None:
            gazetteer = _read_cached(cached)
            if gazetteer is not None:
                return gazetteer
        data = load_admin_data()
        gazetteer = cls.from_units(data.units, data.successions, home_province=home_province)
        if cached is not None:
            _write_cached(cached, gazetteer)
        return gazetteer

    def __reduce__(self):  # the automaton is rebuilt rather than pickled: smaller and version-proof
        return (
            Gazetteer,
            (self._places, self._ancestors, self._equivalents, self._names, self._spellings, self._home),
        )

    # --- look-ups --------------------------------------------------------------------------------

    def unit(self, scheme: str, code: str) -> _Place | None:
        """Return the indexed unit ``(scheme, code)`` or ``None``."""
        return self._places.get((scheme, code))

    def describe(self, scheme: str, code: str) -> dict[str, str] | None:
        """What an output names of the unit ``(scheme, code)``: ``{"scheme", "code", "level",
        "name", "within"}``, ``within`` its parents in its own scheme, nearest first ("Quận 3,
        Thành phố Hồ Chí Minh"; empty for a province). ``None`` for a unit not indexed.

        The same dictionary is returned for a unit each time (units recur: it is built once):
        do not change it.
        """
        key = (scheme, code)
        described = self._described.get(key)
        if described is None:
            place = self._places.get(key)
            if place is None:
                return None
            parents = sorted(
                self._same_scheme_ancestors.get(key, ()), key=self._rank.__getitem__, reverse=True
            )
            described = self._described[key] = {
                "scheme": scheme,
                "code": code,
                "level": place.level,
                "name": place.name,
                "within": ", ".join(self._places[p].name for p in parents),
            }
        return described

    def equivalents(self, scheme: str, code: str) -> tuple[tuple[str, str, float], ...]:
        """The units of the other scheme that ``(scheme, code)`` became or came from, with the
        share of each (:attr:`PlaceMention.equivalents` of a mention of it). Empty for a unit
        not indexed or without counterparts."""
        return self._equivalents.get((scheme, code), ())

    def ancestors(self, scheme: str, code: str) -> frozenset[Key]:
        """The units ``(scheme, code)`` lies within, in both schemes: its parents, and through the
        succession the province it lies in now (a pre-2025 unit) or the districts its
        predecessors lay in (a 2025 unit). Empty for a province or a unit not indexed."""
        return self._ancestors.get((scheme, code), _NO_KEYS)

    def names_for(self, name: str) -> list[tuple[str, str]]:
        """Return every ``(scheme, code)`` whose name folds to ``fold(name)`` (for labelling and tests)."""
        return [key for key, _ in self._names.get(_fold(name).strip(), ())]

    # --- recognition -----------------------------------------------------------------------------

    def find(self, text: str, *, when: date | None = None) -> list[PlaceMention]:
        """Find the administrative units named in ``text``.

        Args:
            text: any text (offsets refer to it as given, whatever its normal form).
            when: the date the text speaks of (e.g. its publication date); decides the scheme of
                names that exist in both. ``None`` lets the text decide.

        Returns:
            Mentions ordered by position.
        """
        if not text:
            return []
        nfc, offsets = nfc_with_offsets(text)
        folded = _fold(nfc)
        return self._find(text, nfc, offsets, folded, when, self._scan([folded])[0])

    def find_many(
        self, texts: Sequence[str], whens: Sequence[date | None] | None = None
    ) -> list[list[PlaceMention]]:
        """Return ``[find(text, when=when) ...]`` for a batch, folding all texts in one numpy pass.

        Args:
            texts: The texts.
            whens: The date of each text (see :meth:`find`); ``None`` for no dates at all.

        Returns:
            The mentions of each text, in order.
        """
        if whens is None:
            whens = [None] * len(texts)
        if len(whens) != len(texts):
            raise ValueError("find_many needs one date (or None) per text")
        prepared, folded, scans = _prepare(texts)
        return [
            self._find(text, nfc, offsets, folded_text, when, marked) if text else []
            for text, (nfc, offsets), folded_text, when, marked in zip(
                texts, prepared, folded, whens, scans, strict=True
            )
        ]

    def _scan(self, folded: Sequence[str]) -> list[str]:
        """What the automaton reads of each folded text: the text with every character that is not
        alphanumeric replaced by _MARK, and a mark on either side (``_MARK + _marked(text) + _MARK``).

        A name is indexed between two marks, so the automaton never hits inside a word, which the
        plain scan of the folded text did more often than it hit a name, and it reads fewer deep states:
        on news leads (bench_steps' leads, 2026-11-30) the scan and the checks of its raw hits cost
        6.9 µs per lead where the plain scan and the boundary checks cost 8.5. Most folded texts are
        ASCII and are marked with ``bytes.translate``; the others together, joined by _MARK, in chunks
        of about _SCAN_CHUNK characters, with one numpy look-up each.
        """
        scans: list[str | None] = []
        others: list[int] = []
        for i, text in enumerate(folded):
            if text.isascii():
                scans.append(f"{_MARK}{text.encode().translate(_ASCII_MARKS).decode()}{_MARK}")
            else:
                scans.append(None)
                others.append(i)
        first = 0
        while first < len(others):
            last, size = first, 0
            while last < len(others) and (size < _SCAN_CHUNK or last == first):
                size += len(folded[others[last]]) + 1
                last += 1
            chunk = others[first:last]
            marked = _mark_boundaries(_MARK + _MARK.join([folded[i] for i in chunk]) + _MARK)
            offset = 0
            for i in chunk:
                end = offset + len(folded[i]) + 2
                scans[i] = marked[offset:end]
                offset = end - 1
            first = last
        return scans  # type: ignore[return-value]  # every text is marked by now

    def _find(
        self,
        text: str,
        nfc: str,
        offsets: list[int] | None,
        folded: str,
        when: date | None,
        marked: str,
    ) -> list[PlaceMention]:
        # A text all in capitals ("UBND XÃ CHO BIẾT", a headline) gives no sign of which words are
        # names: it is read as a text all in small letters is, where words need more than a capital.
        hits = self._hits(_small_if_all_capitals(nfc), folded, marked)
        if not hits:
            return []
        if isinstance(when, datetime):  # a datetime does not compare with a date
            when = when.date()
        era = self._era(hits, when)
        # A text written before the 2025 units were named does not name one bare: their names,
        # where no earlier unit bore them, are words of another meaning there ("Văn Miếu - Quốc
        # Tử Giám" the monument, "Hà Nam" the province, not the 2025 commune; see _resolve_all).
        resolved = self._resolve(hits, era, when is not None and when < SCHEME_2025_DECIDED)
        mentions: list[PlaceMention] = []
        unit_facts = self._mention_facts
        rounded = self._rounded
        undated = _UNDATED_GUESS if era is None else _UNDATED_ERA
        for hit, (key, confidence, tied) in resolved:
            code, scheme, level, name, equivalents = unit_facts[key]
            if when is None and len({k[0] for k in hit.candidates}) > 1:
                confidence *= undated  # which scheme it meant is read from the text or guessed
            # (A confidence is never -0.0, which would share 0.0's entry: _confidence clips at 0.0.)
            three_places = rounded.get(confidence)
            if three_places is None:
                if len(rounded) >= _SPELLING_CACHE_LIMIT:
                    rounded.clear()
                three_places = rounded[confidence] = round(confidence, 3)
            start, end = (offsets[hit.start], offsets[hit.end]) if offsets else (hit.start, hit.end)
            while offsets and text[end - 1] in ZERO_WIDTH:  # dropped after the name (a name ends in a letter)
                end -= 1
            mentions.append(
                _new_mention(
                    start,
                    end,
                    text[start:end],
                    code,
                    scheme,
                    level,
                    name,
                    three_places,
                    equivalents,
                    tuple(tied) if len(tied) > 1 else (),
                )
            )
        return mentions

    def _hits(self, nfc: str, folded: str, marked: str | None = None) -> list[_Hit]:
        """The hits of ``folded`` (the folded ``nfc``) that can name units, resolved to their candidates;
        ``marked`` is what :meth:`_scan` gives for ``folded`` (worked out when not given)."""
        length = len(folded)
        # Names are read with a line break between two of their words as a space: a letter
        # wrapped by hand or pasted from a document ("xã Tân\nDĩnh"); the words around them as
        # written (a line break still parts sentences). Only after a type word: in the shared
        # corpora a line break ends a title or a paragraph, and the 3 names read across one
        # without it were all wrong ("phương Đông\nHải Nam" is not Đông Hải, "sang Đức\nCơ quan"
        # not Đức Cơ; 126,034 texts with a line break, 2026-12-07).
        names_nfc, names_folded = (
            (nfc.replace("\n", " "), folded.replace("\n", " ")) if "\n" in folded else (nfc, folded)
        )
        plausible: list[_Hit] = []
        typed_starts: list[int] = []
        spelling_cache = self._spelling_cache
        # Most texts name no unit: whether they use capitals is worked out only once a hit needs it
        # (their lower-case form too, by _lower).
        cased: bool | None = None
        # ``marked[i + 1]`` reads ``folded[i]``. Every hit stands between marks, so as whole words
        # (a type word only after a mark).
        for end_index, value in self._automaton.iter(self._scan([folded])[0] if marked is None else marked):
            if value.__class__ is not tuple:
                if value.__class__ is int:
                    # TYPED_WORD_RE cannot match after a word character or a dot: such starts (the "h."
                    # ending "nhanh.") are left out, which changes nothing in what typed_words finds.
                    start = end_index - value
                    if not start or folded[start - 1] not in "_.":
                        typed_starts.append(start)
                    continue
                value = self._shared(value, folded, end_index - 1, typed_starts)
                if value is None:
                    continue
            end = end_index - 1  # the mark after the name
            start = end - value[1]
            key, _, spellings, plain_name, embedded = value
            if names_folded[start:end] != key:
                continue  # the marks stand for any punctuation: "tp,hcm" is not "tp.hcm"
            wrapped = names_folded is not folded and "\n" in folded[start:end]
            # An accented surface must carry the name's own accents ("Hà Nam" is not "hạ nam"): a third
            # of the raw hits ("chủ", "chú" for "Chũ") fail here, before a hit is built for them.
            surface = names_nfc[start:end]
            ascii_surface = surface.isascii()
            if not ascii_surface:
                spelling = spelling_cache.get(surface)
                if spelling is None:
                    spelling = self._spelling(surface)
                if spelling not in spellings:
                    if _ANY_SPELLING not in spellings:
                        continue
                    # Only a former name takes it (any spelling): as a name, so capitalised where
                    # the text has capitals ("đắt đỏ" is not huyện Đất Đỏ).
                    if cased is None:
                        cased = not nfc.islower()
                    if cased and not capitalised(surface):
                        continue
            if cased is None:
                cased = not nfc.islower()
            hit = self._plausible_hit(
                start,
                end,
                key,
                embedded,
                ascii_surface and not plain_name,
                surface,
                ascii_surface,
                nfc,
                folded,
                cased,
            )
            if hit is not None and (not wrapped or hit.types is not None):
                plausible.append(hit)
        typed = typed_words(folded, typed_starts) if typed_starts else ()
        single = self._single
        all_spellings = self._spellings
        for m in typed:
            key = m.group(1)
            if key not in single:
                continue
            start, end = m.span(1)
            if (start and folded[start - 1].isalnum()) or (end < length and folded[end].isalnum()):
                continue
            surface = nfc[start:end]
            ascii_surface = surface.isascii()
            if not ascii_surface and self._spelling(surface) not in all_spellings.get(key, ()):
                continue
            if cased is None:
                cased = not nfc.islower()
            hit = self._plausible_hit(
                start,
                end,
                key,
                self._embedded[key],
                ascii_surface and not self._plain_name[key],
                surface,
                ascii_surface,
                nfc,
                folded,
                cased,
            )
            if hit is not None:
                plausible.append(hit)
        if not plausible:
            return []
        # Names after a type word first ("tinh gia lai" is "tỉnh Gia Lai", not the district "Tĩnh Gia"),
        # then longest, then leftmost: "Bà Rịa - Vũng Tàu" over "Bà Rịa" and "Vũng Tàu". Only plausible
        # hits compete, so "tỉnh Bắc" (a commune's name) cannot hide "Bắc Ninh".
        taken = plausible  # a lone hit (a third of the texts with any) has nothing to compete with
        if len(plausible) > 1:
            plausible.sort(key=_precedence)
            taken = []
            # The characters the hits taken cover: comparing each hit with every one taken made a
            # text of many names quadratic ("xã Tân " 16,000 times: 1.5 s, 25,000: 28 s).
            covered = bytearray(length)
            for hit in plausible:
                if covered.find(1, hit.start, hit.end) < 0:
                    taken.append(hit)
                    covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            taken.sort(key=_start)

        if any(_UNDOTTED_RE.match(hit.key) for hit in taken):
            taken = _address_neighbours(taken, folded)
        kept: list[_Hit] = []
        previous: _Hit | None = None
        for hit in taken:
            # The gap to the hit before, read once: whether this one continues a list (its type word
            # is inherited; see also _resolve_all) or an address.
            gap = listed = None
            if previous is not None:
                gap = folded[previous.end : hit.start]
                listed = len(gap) < 12 and LIST_GAP_RE.match(gap) is not None
            if hit.types is None and listed and previous.types is not None:
                listing = previous.plural or previous.inherited or AND_RE.search(gap)
                if listing and (
                    previous.plural == COUNTED_BY_WORD or not self._names_a_parent(hit, previous)
                ):
                    hit.types = previous.types
                    hit.inherited = True
            hit.candidates = self._candidates(hit, names_nfc[hit.start : hit.end])
            if hit.candidates:
                if previous is not None:
                    previous.address_next = bool(ADDRESS_GAP_RE.match(gap))
                    hit.listed = listed
                    hit.ranged = bool(listed) and RANGE_GAP_RE.match(gap) is not None
                    if previous.address_next and hit.types is None:
                        # "Xuân Lộc (Đồng Nai)", "Mai Châu, Hòa Bình": a bare name right after a
                        # unit that may be its parent names the parent.
                        hit.parent_keys = self._parents_among(hit.candidates, previous.candidates)
                kept.append(hit)
                previous = hit
        return kept

    @staticmethod
    def _shared(
        values: list[tuple[str, int, frozenset[str], bool, bool] | int],
        folded: str,
        mark: int,
        typed_starts: list[int],
    ) -> tuple[str, int, frozenset[str], bool, bool] | None:
        """The name, among those marked alike that end before ``mark``, that ``folded`` holds (files a
        type word's start as the scan does)."""
        found = None
        for value in values:
            if value.__class__ is int:
                start = mark + 1 - value
                if not start or folded[start - 1] not in "_.":
                    typed_starts.append(start)
            elif folded[mark - value[1] : mark] == value[0]:
                found = value
        return found

    def _parents_among(self, candidates: Sequence[Key], children: Sequence[Key]) -> frozenset[Key]:
        """The ``candidates`` that are an ancestor of one of ``children``."""
        if len(candidates) < 2:
            return _NO_KEYS  # nothing to choose between
        above: set[Key] = set()
        for child in children:
            above.update(self._ancestors.get(child, _NO_KEYS))
        return frozenset(above.intersection(candidates)) if above else _NO_KEYS

    def _names_a_parent(self, hit: _Hit, previous: _Hit) -> bool:
        """True for "phường Hiệp Bình Chánh, Thủ Đức": the second name is the first one's parent."""
        mine = {key for key, _ in self._names[hit.key]}
        return any(mine & self._ancestors.get(key, frozenset()) for key in previous.candidates)

    def _follows_in_address(self, before: str, name: str) -> bool:
        """Whether a unit named ``name`` may follow one named ``before`` (both folded) in an address,
        which runs from small to big: one of its units is of a higher level than one of ``before``'s
        and is its parent or, in the same scheme, lies in the same province (an address written
        after a unit moved: "Lĩnh Nam, Thanh Trì", a ward of Hoàng Mai since 2003, of Thanh Trì
        before). After a name that is no unit's (a village's, a street's) any name may follow.

        A 2025 unit's ancestors hold every district its land lay in before (through the
        succession): a pre-2025 district that is none of them follows it in no address, old or
        new. "Tại Hoàng Mai, Vinh cho biết" read the city Vinh as the address's next unit after
        phường Hoàng Mai of Nghệ An (2025, once thị xã Hoàng Mai), which lies in Vinh's province,
        so Vinh stayed a place; Vinh is the person who tells. (2026-12-08: over the corpora's
        155,602 texts, read with their dates and without, and 60,000 of them with their
        diacritics stripped, no detection changed.)"""
        earlier = self._name_keys.get(before)
        later = self._name_keys.get(name)
        if not earlier or not later:
            return True
        rank, ancestors = self._rank, self._ancestors
        for parent in later:
            around = ancestors.get(parent, _NO_KEYS)
            for child in earlier:
                if rank[parent] < rank[child]:
                    above = ancestors.get(child, _NO_KEYS)
                    if parent in above or (parent[0] == child[0] and not around.isdisjoint(above)):
                        return True
        return False

    def _plausible_hit(
        self,
        start: int,
        end: int,
        key: str,
        embedded: bool,
        accent_free: bool,
        surface: str,
        ascii_surface: bool,
        nfc: str,
        folded: str,
        cased: bool,
    ) -> _Hit | None:
        """The hit of name ``key`` at ``start:end`` with what the words around it say; ``None`` when it
        cannot be a unit's name (a third of them: the hit is built only for the others).

        ``surface`` is ``nfc[start:end]``, already known to agree with the name's accents, and
        ``ascii_surface`` whether it is plain ASCII.
        """
        # Whether "cũ" follows is looked for only once the hit is kept. The hits are built with
        # positional fields (_HIT_FIELDS' order, which a test checks): keywords cost twice as much
        # (0.66 against 1.46 µs a hit, timeit, 2026-11-30).
        if embedded:
            if accent_free and surface.islower() and not written_bare(nfc):
                # A name holding its type word ("quận 3") written without its accents, in small
                # letters, in a text that has them is other words: "tham quan 3 điểm", "liên quan 2
                # đối tượng", "hải quan 1,6%" (not a form's "Quan 10 - Tp.HCM", "PHUONG 5").
                return None
            return _Hit(start, end, key, None, True, False, old_after(folded, end), accent_free)
        if accent_free and " " not in key and surface.islower() and not written_bare(nfc):
            # A one-syllable name with diacritics written without them, in lower case, in a text that
            # has them, is another word: "xã cho biết" (the commune said) is not "xã Chờ", nor "xót
            # xa cho" (34 of 48,000 news texts), "con", "du". Longer names keep their reading: an
            # address typed without diacritics inside such a text ("quan tan binh") is one.
            return None
        window = folded[max(0, start - 12) : start]
        # TYPE_BEFORE_RE can only match a window that ends (spaces aside) with a type word.
        stripped = window.rstrip()
        ending = stripped.endswith(_TYPE_ENDINGS_BY_LAST.get(stripped[-1:], ()))
        type_match = TYPE_BEFORE_RE.search(window) if ending else None
        if type_match:
            word = type_match.group(1)
            type_start = start - len(window) + type_match.start(1)
            # An abbreviation ("TP", "P.") is taken as written; a type word must carry its accents.
            accented = TYPE_ACCENTED.get(word)
            if accented is not None:
                lowered, at = self._lower_before(nfc, start)
                prefix_surface = lowered[at - (start - type_start) : at].strip()
            if accented == "xã" and prefix_surface == accented:
                type_at = at - (start - type_start)
                if _SPOUSE_RE.search(lowered, max(0, type_at - 8), type_at):
                    return None  # "bà xã Tuấn Hưng", "ông xã": a wife's or husband's name
            # A digit carries no accents: "liên quan 2", "tham quan 3" are not quận 2 and 3, unless
            # the whole text is typed without them.
            bare_prefix = accented is not None and ascii_surface and prefix_surface.isascii()
            if bare_prefix and surface[:1].isdigit():
                bare_prefix = written_bare(nfc)
            if word == "x." and not abbreviated_commune(folded, type_start, surface):
                pass  # "Nguyễn Văn X. Hà", "khóa X. Đồng thời": the name is read as a bare one
            elif accented is None or prefix_surface == accented or bare_prefix:
                if self._word_after_type(word, surface, cased):
                    return None
                if foreign_after(folded, end, self._names, typed=True):
                    return None  # "tỉnh Hà Nam (Trung Quốc)", "thành phố Trùng Khánh của Trung Quốc"
                counted = PLURAL_BEFORE_RE.search(folded, max(0, type_start - 12), type_start)
                plural = (
                    0
                    if counted is None
                    else COUNTED_BY_NUMBER
                    if counted[0][0].isdigit()
                    else COUNTED_BY_WORD
                )
                return _Hit(
                    start, end, key, TYPE_WORDS[word], False, False, old_after(folded, end), accent_free,
                    False, False, plural,
                )  # fmt: skip
        if cased:
            # Surfaces recur ("Hà Nội", "văn hóa"): whether each is capitalised is memoised (bounded).
            is_capitalised = self._capitalised_cache.get(surface)
            if is_capitalised is None:
                if len(self._capitalised_cache) >= _SPELLING_CACHE_LIMIT:
                    self._capitalised_cache.clear()
                is_capitalised = self._capitalised_cache[surface] = capitalised(surface)
            if not is_capitalised:
                return None
        weak = False
        if ascii_surface and not cased:
            # Lower-case text without diacritics gives no evidence that a word is a name: a bare
            # one-syllable name ("chu": chủ, chú, Chũ) is dropped and a bare district needs its parent.
            if " " not in key:
                return None
            weak = True
        plain = nfc[max(0, start - 16) : start].isascii()
        context, at = (folded, start) if plain else self._lower_before(nfc, start)
        if not_a_unit_before(context, plain, at):
            return None
        if house_number_before(folded, start):
            return None  # "số 218 Tây Sơn" is a street
        if cased and inside_longer_proper_noun(nfc, start, end, self._bare(nfc)):
            return None
        if foreign_after(folded, end, self._names):
            return None  # "Sơn Tây (Trung Quốc)" is a Chinese province
        if age_after(folded, start, end):
            return None  # "Hà Giang (28 tuổi) kể" is a person
        if (
            cased
            and len(lower := self._lower(nfc)) == len(nfc)
            and speaker_after(nfc, lower, start, end, self._follows_in_address)
            and (key not in self._speaking_provinces or person_speaking(nfc, lower, start, end))
        ):
            return None  # "Vinh kể:", "Anh Sơn cho biết", "Hà Giang kể:" at a sentence's start: a person
        locative = locative_before(context, plain, at)
        if (
            accent_free
            and " " not in key
            and key in place_folds()
            and not (locative and context[max(0, at - 12) : at].rstrip()[-1:].isalpha())
        ):
            # Typed without its diacritics, a one-syllable name that is mostly another word so
            # (place_folds: "chu" 51,405 times, Chũ 9) is that word, capital or not: a sentence, a
            # title or a clause opens with one ("Chu tich xa Tan Dinh cho biet", "Ong A, Chu tich
            # xa": chủ tịch, not the town Chũ of Bắc Giang); after a locative word it is the unit
            # ("Que toi o Chu, Luc Ngan"). Over the corpora's 155,602 texts (2026-12-07), 50
            # detections of Chũ removed, all words written "Chu" ("Chu kỳ", "nhà Chu", "Chu shop");
            # over 60,000 of them with their diacritics stripped, 2,616 ("Chu tich" 1,782 times),
            # all such, whose era no longer leaned the other names of their texts to the old
            # scheme; the gold set, stripped or not, the same.
            return None
        if not cased and not locative and a_word_in_small_letters(surface):
            # In a text all in small letters, "ai cũng muốn hòa bình" is peace, not the province:
            # a name the news mostly writes as a word counts only after "ở", "tại", a mark...
            return None
        hit = _Hit(
            start, end, key, None, False, False, old_after(folded, end), accent_free, locative, False, False,
            weak,
        )  # fmt: skip
        if weak and not locative and key in place_folds():
            hit.word_like = True  # no province by itself: "dien bien vu viec" (see _resolve_all)
        return hit

    @staticmethod
    def _word_after_type(word: str, surface: str, cased: bool) -> bool:
        """Whether a type word (folded ``word``) and the name written ``surface`` after it make words
        of another kind: a compound ("xã hội An", "xã giao Bình"), or in a text with capitals
        (``cased``) a name in small letters that is mostly a word ("các xã biên giới", "phường đồng
        ý"; a text all in small letters gives no such sign: "xã phong thái" is the commune)."""
        if not surface[:1].islower():
            return False
        compounds = TYPE_COMPOUNDS.get(word)
        if compounds is not None and fold(surface.split(" ", 1)[0]) in compounds:
            return True
        return cased and surface.islower() and mostly_a_word(surface)

    def _bare(self, nfc: str) -> bool:
        """``written_bare(nfc)``, kept for the text being searched."""
        if self._bare_text is not nfc:
            self._bare_text = nfc
            self._bare_answer = written_bare(nfc)
        return self._bare_answer

    def _lower(self, nfc: str) -> str:
        """``nfc.lower()``, kept for the text being searched."""
        if self._lowered_text is not nfc:
            self._lowered_text = nfc
            self._lowered = nfc.lower()
        return self._lowered

    def _lower_before(self, nfc: str, start: int) -> tuple[str, int]:
        """What the patterns before a name read of ``nfc.lower()`` up to ``start``: a string and the
        offset in it that stands for ``start``, with the 21 characters before it (the farthest the
        type word, NOT_A_UNIT_BEFORE and LOCATIVE_BEFORE look, their look-behind included).

        That is ``nfc[start - 21 : start].lower()``: ``str.lower`` maps each character alone (the
        text's start stays the string's, where ``^`` matches), but for "Σ", whose final form differs
        only in a letter none of the patterns names, and "İ", which lower-cases to two characters:
        a text with it reads the whole lower-cased text at the same offsets, as it always has. A
        third of the news leads were lower-cased whole for their hits (0.41 µs of CPU a lead); with
        the windows, _hits over bench_steps' 50,000 leads costs 17.20 µs a lead, not 17.59 (best of
        6, alternated, 2026-11-30).
        """
        if "\u0130" in nfc:
            return self._lower(nfc), start
        low = start - 21 if start > 21 else 0
        return nfc[low:start].lower(), start - low

    def _spelling(self, surface: str) -> str:
        """``canonical_tones(surface.lower())`` with its separators read as the scan reads them
        (_SEPARATORS), memoised (bounded)."""
        spelling = self._spelling_cache.get(surface)
        if spelling is None:
            if len(self._spelling_cache) >= _SPELLING_CACHE_LIMIT:
                self._spelling_cache.clear()
            spelling = self._spelling_cache[surface] = canonical_tones(surface.lower()).translate(_SEPARATORS)
        return spelling

    def _candidates(self, hit: _Hit, surface: str) -> tuple[Key, ...]:
        """The units ``hit`` can name: those of its name that keep the written spelling ("Tân Thành" is
        not "Tân Thanh"), of the level its type word allows when any is (else the type is dropped).

        The answer depends only on the name, the spelling and the type word, which recur: it is
        memoised (bounded) per triple, with what _resolve reads of each candidate (``hit.facts``).
        """
        spelling = None if surface.isascii() else self._spelling(surface)
        memo = (hit.key, spelling, hit.types)
        found = self._candidate_cache.get(memo)
        if found is None:
            if len(self._candidate_cache) >= _SPELLING_CACHE_LIMIT:
                self._candidate_cache.clear()
            keys = self._name_keys[hit.key]
            if spelling is not None:
                unit_spellings = self._unit_spellings
                any_spelling = _ANY_SPELLING + hit.key
                keys = tuple(
                    k
                    for k in keys
                    if spelling in (spelled := unit_spellings.get(k, ())) or any_spelling in spelled
                )
            typed: tuple[Key, ...] = ()
            if hit.types is not None:
                # The type word fixes the level; the exact type only scores, because units change type
                # (a "xã" of 2007 may be a "phường" in the data, a "thị xã" a "thành phố").
                levels = _TYPE_LEVELS.get(hit.types) or {level for level, _ in hit.types}
                typed = tuple(k for k in keys if self._places[k].level in levels)
            keys = typed or keys
            # The level a bare name most likely has is that of the units it names now: a former name
            # of a higher level ("Đông Sơn", a district until 2025, and wards) does not go first.
            former = self._former_of.get(hit.key)
            current = [k for k in keys if k not in former] if former else keys
            top_rank = min(map(self._rank.__getitem__, current or keys)) if keys else 0
            facts = tuple(
                (
                    k,
                    *self._facts[k],
                    self._ancestors.get(k, _NO_KEYS),
                    self._same_scheme_ancestors.get(k, _NO_KEYS),
                )
                for k in keys
            )
            reads_others = any(fact[5] or fact[1] == COMMUNE for fact in facts)
            untyped = hit.types is not None and not typed
            found = self._candidate_cache[memo] = (keys, untyped, top_rank, facts, reads_others)
        keys, untyped, hit.top_rank, hit.facts, hit.reads_others = found
        if untyped:
            hit.types = None
            hit.inherited = False
        return keys

    def _era(self, hits: list[_Hit], when: date | None) -> str | None:
        if when is not None:  # a date (_find reads a datetime's)
            if when < SCHEME_2025_START:
                return PRE2025
            # Districts ended with 2025: a text that names one with its type word, and not as
            # "cũ" (former), writes its addresses the old way ("xã Tân Dĩnh, huyện Lạng Giang,
            # Bắc Giang"), and its names are read in the old scheme whatever its date.
            for hit in hits:
                if hit.types is not None and not hit.old and all(level == DISTRICT for level, _ in hit.types):
                    return PRE2025
            return SCHEME_2025
        votes = {PRE2025: 0.0, SCHEME_2025: 0.0}
        for hit in hits:
            if hit.old:
                votes[SCHEME_2025] += 2
                continue
            schemes = {k[0] for k in hit.candidates}
            if hit.types is None and not hit.embedded_type:
                schemes = {k[0] for k in hit.candidates if self._places[k].level != COMMUNE}
            if len(schemes) == 1:
                votes[schemes.pop()] += 1
        if votes[PRE2025] == votes[SCHEME_2025]:
            return None
        return PRE2025 if votes[PRE2025] > votes[SCHEME_2025] else SCHEME_2025

    def _resolve(
        self, hits: list[_Hit], era: str | None, undecided: bool = False
    ) -> list[tuple[_Hit, tuple[Key, float, list[Key]]]]:
        """Each hit's unit, confidence and tied units (see :meth:`_resolve_all`); ``undecided``: the
        text was written before the 2025 units were named."""
        if len(hits) == 1:
            found = self._lone(hits[0], era, undecided)
            return [] if found is None else [(hits[0], found)]
        # Hits of one name read nothing of each other in _resolve_all (another naming of the same name
        # says nothing about which unit it is) unless one continues an address: each resolves as if
        # alone, through the memo of lone hits. A third of the texts with several hits name one unit
        # several times. Resolving the texts with several hits (bench_analyze.base_texts(), dated
        # 2026-01-01, best of 5, 2026-11-30): 3.39 → 3.11 µs of CPU a news lead.
        name = hits[0].key
        for hit in hits:
            if hit.key != name or hit.address_next:
                return self._resolve_all(hits, era, undecided=undecided)
        return [(hit, found) for hit in hits if (found := self._lone(hit, era, undecided)) is not None]

    def _lone(
        self, hit: _Hit, era: str | None, undecided: bool = False
    ) -> tuple[Key, float, list[Key]] | None:
        """``_resolve_all([hit], era)``'s resolution of ``hit``, or ``None`` when it names no unit."""
        # A lone hit has no neighbour: its resolution depends on none of its offsets, only on its other
        # fields, the era and the bare-commune rule, which recur (a third of the texts with a hit name
        # one unit); it is memoised (bounded) per these: 4.6 → 0.8 µs per such news lead (bench_steps'
        # leads, 2026-11-30).
        memo = (
            hit.key,
            hit.candidates,
            hit.types,
            hit.embedded_type,
            hit.inherited,
            hit.old,
            hit.accent_free,
            hit.locative,
            hit.address_next,
            hit.plural,
            hit.weak,
            era,
            undecided,
            self.bare_communes,
        )
        try:
            return self._lone_cache[memo]
        except KeyError:
            if len(self._lone_cache) >= _SPELLING_CACHE_LIMIT:
                self._lone_cache.clear()
            resolved = self._resolve_all([hit], era, through_memo=False, undecided=undecided)
            found = self._lone_cache[memo] = resolved[0][1] if resolved else None
            return found

    def _resolve_all(
        self, hits: list[_Hit], era: str | None, *, through_memo: bool = True, undecided: bool = False
    ) -> list[tuple[_Hit, tuple[Key, float, list[Key]]]]:
        """Each hit's unit, confidence and tied units (hits naming none left out), in text order;
        with ``undecided`` (see :meth:`_resolve`), a name without its type is no 2025 unit.

        A hit among others that does not read them (``reads_others`` false: its candidates are
        provinces, which have no ancestors here, so neither the support of its neighbours nor the
        units chosen anywhere score it) and continues no address scores as a lone hit: it is
        resolved through the memo of lone hits (``through_memo``) rather than after a look at every
        other hit. Provinces are 41 % of the hits of texts with several; resolving those texts
        (bench_analyze.base_texts(), dated 2026-01-01, best of 5, 2026-11-30): 2.81 → 2.47 µs of
        CPU a news lead, and a list of 27 provinces 0.27 → 0.22 ms.
        """
        # Top-down: provinces before districts before communes, so a commune can lean on its district.
        order = (
            sorted(range(len(hits)), key=[hit.top_rank for hit in hits].__getitem__) if len(hits) > 1 else [0]
        )
        level_of = self._level
        bare_communes = self.bare_communes
        chosen: dict[int, Key] = {}
        results: dict[int, tuple[Key, float, list[Key]]] = {}
        # Each hit's offset and name, read once rather than once per pair of hits.
        starts = [hit.start for hit in hits]
        names = [hit.key for hit in hits]
        # The hits within reach of each (CONTEXT_WINDOW), found by bisection in text order, and
        # the names each chosen unit was chosen for: looking at every other hit and every unit
        # chosen for each hit made a text of many names quadratic ("xã Tân " 25,000 times: 28 s).
        in_order = all(a <= b for a, b in itertools.pairwise(starts))
        chosen_names: dict[Key, Counter[str]] = {}
        # Per name, where and after which type word (or none) it was read as which unit, with the
        # support of a unit named nearby.
        read_with_support: dict[str, list[tuple[int, frozenset[tuple[str, str]] | None, Key]]] = {}

        def choose(k: int, key: Key) -> None:
            old = chosen.get(k)
            if old is not None:
                held = chosen_names[old]
                held[names[k]] -= 1
                if not held[names[k]]:
                    del held[names[k]]
            chosen[k] = key
            chosen_names.setdefault(key, Counter())[names[k]] += 1

        through_memo = through_memo and len(hits) > 1
        for i in order:
            hit = hits[i]
            if through_memo and not hit.reads_others and not hit.address_next:
                found = self._lone(hit, era, undecided)
                if found is not None:
                    choose(i, found[0])
                    results[i] = found
                continue
            types = hit.types
            bare = types is None and not hit.embedded_type
            start = starts[i]
            name = names[i]
            # resolved unit → closeness of its naming; Vietnamese names the parent *after* the child
            # ("phường 12, quận Gò Vấp"), so a naming that follows counts more than one that precedes.
            nearby_resolved: dict[Key, float] = {}
            nearby_open: set[Key] = set()
            if in_order:
                near = range(
                    bisect_left(starts, start - CONTEXT_WINDOW), bisect_right(starts, start + CONTEXT_WINDOW)
                )
            else:
                near = range(len(hits))
            for j in near:
                other_start = starts[j]
                distance = abs(other_start - start)
                # Another naming of the same name says nothing about which unit this one is.
                if j == i or distance > CONTEXT_WINDOW or names[j] == name:
                    continue
                unit = chosen.get(j)
                if unit is not None:
                    closeness = (0.5 if other_start > start else 0.2) * (1 - distance / (CONTEXT_WINDOW + 1))
                    nearby_resolved[unit] = max(closeness, nearby_resolved.get(unit, 0.0))
                else:
                    nearby_open.update(hits[j].candidates)
            scored: list[tuple[float, Key]] = []
            # A bare commune needs a supporting ancestor (nearby, resolved) and a locative word: when
            # either is missing for all, skip its communes before looking at their ancestors.
            drop_communes = (
                bare
                and bare_communes != "always"
                and (not nearby_resolved or not hit.locative or bare_communes == "never")
            )
            bare_weak = bare and hit.weak
            # A name without its type in a text written before the 2025 units were named is no
            # 2025 unit: where no unit of the time bore it, it is a monument, a river, an airport
            # ("Văn Miếu - Quốc Tử Giám", "Thu Bồn", "Nội Bài"). With its type ("xã Nam Dương")
            # it named a unit of the time, whose successor may be all the data has.
            bare_undecided = bare and undecided
            # A bare name listed after a unit of some level, which it cannot be a parent of, is one
            # more unit of that level ("Quảng Nam, Quảng Ngãi, Bình Định": the province, not the
            # commune of Quảng Nam that the first name would otherwise support). A name that can be
            # the parent of the unit before is an address, not a list ("Bình Định, Thăng Bình" once
            # Bình Định was read as a commune there). Provinces are resolved before districts, so
            # "Lạng Giang, Bắc Giang" is read as an address before this is asked.
            # A list's districts or communes lie in one province: only the candidates in the
            # province of the unit before are one more unit of it ("Thanh Khê, Hòa An của TP Đà
            # Nẵng", Thanh Khê read as the district, is the ward Hòa An of Đà Nẵng, not the
            # district of Cao Bằng; "quận Tân Bình, Tân Phú" the district of Hồ Chí Minh City,
            # not Đồng Nai's). Not at a range's end (RANGE_GAP_RE), which may lie anywhere: "Vinh
            # - Đồng Hới", "cao tốc Bến Lức – Long Thành". (2026-12-08: over the corpora's 155,602
            # texts, with their dates or without, 5 detections changed, in 5 texts: 3 right, the
            # two "Tân Phú" and "các tỉnh, thành phố Lạng Sơn, Quảng Ninh, Hải Phòng", the
            # province, not huyện Quảng Ninh of Quảng Bình; 2 wrong before and after, a street of
            # Đà Nẵng, "… Điện Biên Phủ, Ngô Quyền", and "Phong Điền, Châu Thành", Sóc Trăng's
            # Châu Thành for Long An's where Hậu Giang's is meant. Over 60,000 of them with their
            # diacritics stripped, 4: Tân Thành of Bà Rịa - Vũng Tàu found twice in lists of
            # districts of several provinces, the same "Tân Phú" and the same street. Without
            # the ranges' exception, the two above, stripped, were read as communes of Hà Nội
            # and Long An.)
            sibling_level = None
            sibling_parents = _NO_KEYS
            if bare and hit.listed and (i - 1) in chosen:
                before = chosen[i - 1]
                parents = self._ancestors.get(before, _NO_KEYS)
                if parents.isdisjoint(hit.candidates):
                    sibling_level = level_of[before]
                    sibling_parents = _NO_KEYS if hit.ranged else parents
            wanted = PRE2025 if hit.old else era
            former = self._former_of.get(name)
            penalty = _FORMER_PENALTY
            if former and wanted == PRE2025 and all(k in former or k[0] != PRE2025 for k in hit.candidates):
                # An old text, and the name's only bearers today are 2025 units: then it was this
                # unit's ("Yên Dũng, Bắc Giang" of 2018 is the district, not the ward of 2025).
                penalty = 0.0
            supported_keys: list[Key] = []
            in_read_district: list[int] = []
            for key, level, scheme, unit_type, home, ancestors, own_scheme_ancestors in hit.facts:
                if (drop_communes and level == COMMUNE) or (bare_undecided and scheme == SCHEME_2025):
                    continue
                supporting = ancestors & nearby_resolved.keys() if nearby_resolved else _NO_KEYS
                if bare and level == COMMUNE and bare_communes != "always":
                    if not supporting or not hit.locative or bare_communes == "never":
                        continue
                if bare_weak and level == DISTRICT and not supporting:
                    continue
                if bare and level == PROVINCE and hit.word_like:
                    continue  # "dien bien vu viec": diễn biến, no unit at all without a locative word
                is_former = former is not None and key in former
                if is_former and bare and not supporting:
                    continue  # a former name without its type needs an ancestor named nearby
                # A named district supports more than a named province ("phường 12, quận Gò Vấp, TP.HCM"),
                # and a closer naming more than a farther one. (Adding an empty sum changes nothing.)
                score = (
                    sum((2.0 if level_of[a] == PROVINCE else 3.0) + nearby_resolved[a] for a in supporting)
                    if supporting
                    else 0
                )
                if chosen_names and ancestors:
                    # the unit's ancestors chosen anywhere in the text, for another name than this
                    score += sum(
                        0.75
                        for a in ancestors - supporting
                        if (held := chosen_names.get(a)) and (len(held) > 1 or name not in held)
                    )
                if nearby_resolved and not is_former and key in nearby_resolved:
                    # The unit itself read nearby under another name of it ("quận 9, Thủ Đức" of
                    # 2018: TP Thủ Đức both), worth what it would give its communes.
                    score += 3.0 + nearby_resolved[key]
                if not supporting and nearby_open and not own_scheme_ancestors.isdisjoint(nearby_open):
                    score += 0.5
                if types is not None and (level, unit_type) in types:
                    score += 1.0
                if home:
                    score += 0.75
                if wanted is not None and scheme == wanted:
                    score += 0.5
                elif wanted is None and scheme == SCHEME_2025:
                    score += 0.25
                if bare:
                    score += _BARE_BONUS[level]
                if (
                    level == sibling_level
                    and (not sibling_parents or not ancestors.isdisjoint(sibling_parents))
                ) or key in hit.parent_keys:
                    score += _SIBLING_BONUS
                if is_former:
                    score -= penalty
                    if penalty and any(
                        level_of[a] == DISTRICT
                        and (
                            a in supporting
                            or ((held := chosen_names.get(a)) and (len(held) > 1 or name not in held))
                        )
                        for a in ancestors
                    ):
                        in_read_district.append(len(scored))
                if supporting or (nearby_resolved and not is_former and key in nearby_resolved):
                    supported_keys.append(key)
                scored.append((score, key))
            if not scored:
                continue
            if in_read_district and former is not None and all(k in former for k in supported_keys):
                # A former name whose unit lies in a district the text reads is that unit's, unless
                # a unit that bears the name now has an ancestor named nearby: "Chủ tịch UBND
                # X.Điền Hải" in news of huyện Phong Điền (Thừa Thiên - Huế) is the Điền Hải that
                # became part of phường Phong Hải there, not Bạc Liêu's xã Điền Hải, though the
                # district is named farther than CONTEXT_WINDOW. (2026-12-08: over the corpora's
                # 155,602 texts, with their dates or without, 9 detections changed, each now a
                # former commune or ward of a district the text names: 8 plainly right ("Lao Chải"
                # twice Sa Pa's, not Hà Giang's, "phường Bình An" twice of quận 2, "phường Phương
                # Sơn", "Phước Tân" of Nha Trang, "phường Phước Hòa" of Tam Kỳ, "xã Cẩm Yên" of Cẩm
                # Xuyên), and "xã Lam Sơn" of Đô Lương, Nghệ An, where the text tells no district,
                # for Bắc Giang's; over 60,000 with their diacritics stripped, 4, of the same kind.
                # Without the exception, 4 more: 3 right, 1 lost, "nhà máy nước Thủ Đức, Biên Hòa,
                # Bình An, Dĩ An", the ward of Dĩ An named right after it.)
                for at in in_read_district:
                    scored[at] = (scored[at][0] + penalty, scored[at][1])
            if (
                not supported_keys
                and name in read_with_support
                and (again := _named_before(read_with_support[name], start, types)) is not None
            ):
                scored = [(s + _NAMED_AGAIN_BONUS if k == again else s, k) for s, k in scored]
            if len(scored) > 1:
                _order_by_score(scored)
            best_score, best = scored[0]
            if hit.address_next and self._contradicted(hits, i, best, chosen):
                # The parent named right after may be meant in the other scheme: "xã Đức Giang,
                # tỉnh Bắc Ninh", an old commune and the province its land lies in since 2025,
                # read the province as the old Bắc Ninh and lost the commune. The parent is then
                # that unit of the other scheme.
                parent = chosen[i + 1]
                above = self._ancestors.get(best, _NO_KEYS)
                level = level_of[parent]
                twin = next(
                    (
                        t
                        for t in sorted(self._twins[parent])
                        if t in above and level_of[t] == level and t != parent
                    ),
                    None,
                )
                if twin is None:
                    siblings = (
                        None
                        if undecided
                        else self._listed_siblings(
                            hit, hits[i + 1], scored, self._address_end(hits, i + 2, chosen)
                        )
                    )
                    if siblings is None:
                        continue
                    best, sibling, province = siblings
                    best_score = next(s for s, k in scored if k == best)
                    following = hits[i + 1]
                    following.types, following.inherited = types, True
                    choose(i + 1, sibling)
                    results[i + 1] = (sibling, self._confidence(following, sibling, 0.0, [], []), [])
                    if province is not None and province != chosen[i + 2]:
                        # The province the 2025 units lie in, as the address names it then.
                        choose(i + 2, province)
                        results[i + 2] = (province, results[i + 2][1], [])
                else:
                    choose(i + 1, twin)
                    results[i + 1] = (twin, results[i + 1][1], [])
            twins = self._twins[best]
            rivals = [(s, k) for s, k in scored if k not in twins]
            tied = [k for s, k in rivals if s == best_score]
            tied = [best, *tied] if tied else []
            choose(i, best)
            results[i] = (best, self._confidence(hit, best, best_score, rivals, tied), tied)
            if best in supported_keys and not tied:
                read_with_support.setdefault(name, []).append((start, types, best))
        return [(hits[i], results[i]) for i in sorted(results)]

    def _address_end(self, hits: list[_Hit], j: int, chosen: dict[int, Key]) -> _Hit | None:
        """``hits[j]`` when it is read as a province and continues no address, else ``None``."""
        if j >= len(hits) or j not in chosen or hits[j].address_next or self._level[chosen[j]] != PROVINCE:
            return None
        return hits[j]

    def _listed_siblings(
        self, hit: _Hit, following: _Hit, scored: list[tuple[float, Key]], end: _Hit | None = None
    ) -> tuple[Key, Key, Key | None] | None:
        """For "phường Hòa Khánh, Thanh Khê" (Đà Nẵng, 2025), where the bare name after a unit
        named with its type was read as its parent but holds none of the units of that name: the
        bare name is one more unit of the list, a 2025 unit of the same level and the same parent
        (the wards Hòa Khánh and Thanh Khê of Đà Nẵng, not a Hòa Khánh and the former district
        Thanh Khê). Only where both units bear the type word as written ("phường", not "xã": it
        is inherited by the list) and the bare name ends the address, or is followed only by a
        province (the hit ``end``) that bears the name of the 2025 province both lie in
        ("phường Hòa Khánh, Thanh Khê, TP Đà Nẵng"): "xã Tân Bình, Bình Minh, Vĩnh Long" is a
        commune of a district that the pre-2025 data no longer holds, not two 2025 communes, and
        "xã Tân Tiến, Bù Đăng, Bình Phước" (2018) a commune of the district Bù Đăng, not two 2025
        communes of Đồng Nai, which took Bình Phước in. Never in a text written before the
        2025 units were named. The pair whose first unit scored best, unless another pair ties
        with it under another parent; ``None`` when no candidate pair is such siblings. With
        the pair, the 2025 province the address ends with (``None`` when it ends with none).

        Over the corpora's 155,602 texts (2026-12-07): read with their dates, no detection
        changes; read without dates, 2 texts change, the 2026 news above (the ward Hòa Khánh
        found, Thanh Khê a ward) and "xã Tân Tiến, Bù Đăng" of 2018 (the 2025 communes of those
        names, where the district alone was read before: the text's date tells the district).
        Reading past the 2025 province after the bare name (2026-12-08) changed no detection of
        those texts, with their dates or without, nor of 60,000 of them with their diacritics
        stripped: "phường Hòa Khánh, Thanh Khê, TP Đà Nẵng" lost the ward Hòa Khánh there, read
        without a date, and the city was the old one."""
        if (
            hit.types is None
            or following.types is not None
            or following.embedded_type
            or not following.listed
            or (following.address_next and end is None)
        ):
            return None
        if not following.address_next:
            end = None  # a province after "của", not the address's end: "Thanh Khê của TP Đà Nẵng"
        level_of, ancestors, places = self._level, self._ancestors, self._places
        found: list[tuple[float, Key, Key, frozenset[Key]]] = []
        for score, key in scored:
            if found and score < found[0][0]:
                break
            if key[0] != SCHEME_2025 or (level_of[key], places[key].unit_type) not in hit.types:
                continue
            own, unit_type = _in_2025(ancestors.get(key, _NO_KEYS)), places[key].unit_type
            if end is not None and own.isdisjoint(end.candidates):
                continue
            for other in following.candidates:
                if (
                    other[0] == SCHEME_2025
                    and places[other].unit_type == unit_type
                    and level_of[other] == level_of[key]
                    and _in_2025(ancestors.get(other, _NO_KEYS)) == own
                ):
                    found.append((score, key, other, own))
        if not found or len({parents for *_, parents in found}) > 1:
            return None
        _, key, other, own = found[0]
        if end is None:
            return key, other, None
        return key, other, next(k for k in sorted(own) if k in end.candidates)

    def _contradicted(self, hits: list[_Hit], i: int, best: Key, chosen: dict[int, Key]) -> bool:
        """True for "phường Phú Hòa, thành phố Huế" when no Phú Hòa lies in the Huế named right after:
        the unit meant is missing from the data, and another Phú Hòa would be a wrong answer."""
        hit = hits[i]
        if not hit.address_next or i + 1 >= len(hits) or (i + 1) not in chosen:
            return False
        parent = chosen[i + 1]
        if _LEVEL_RANK[self._places[parent].level] >= _LEVEL_RANK[self._places[best].level]:
            return False
        return parent not in self._ancestors.get(best, frozenset())

    def _confidence(
        self, hit: _Hit, best: Key, best_score: float, rivals: list[tuple[float, Key]], tied: list[Key]
    ) -> float:
        p = self._places[best]
        if hit.embedded_type:
            base = 0.9
        elif hit.types is not None:
            base = 0.8 if hit.inherited else 0.92
        else:
            base = _BARE_CONFIDENCE[p.level]
        if tied:
            base /= len(tied)
        elif rivals:
            margin = best_score - rivals[0][0]
            base *= 0.95 if margin >= 2 else 0.8
        if hit.accent_free:
            base *= 0.9
        return max(0.0, min(1.0, base))


def _named_before(
    readings: list[tuple[int, frozenset[tuple[str, str]] | None, Key]],
    start: int,
    types: frozenset[tuple[str, str]] | None,
) -> Key | None:
    """The unit of the last of ``readings`` (where a name was read, after which type word, as which
    unit) before ``start`` that a naming of the name with ``types`` reads again: after the same
    type word, or where either has none ("TX Cao Lãnh" is not the "huyện Cao Lãnh" of the same
    text); ``None`` when there is none."""
    found = None
    last = -1
    for at, typed, unit in readings:
        if last < at < start and (types is None or typed is None or typed == types):
            found, last = unit, at
    return found


def _in_2025(keys: frozenset[Key]) -> frozenset[Key]:
    """The 2025 units among ``keys`` (a unit's ancestors hold those its land lay in before too)."""
    return frozenset(k for k in keys if k[0] == SCHEME_2025)


def _address_neighbours(hits: list[_Hit], folded: str) -> list[_Hit]:
    """``hits`` (in order) but a ward or district written "P4", "Q3" without its dot that stands
    beside no other unit of an address: alone, or beside another of its kind ("Q1, Q2"), it is a
    quarter of a year, a code or a plate ("lợi nhuận Q1", "dự án P51", "29 P8 - 3286"). In
    VNTC and TC201805, such a pair or a "Q1, TP.HCM" is an address every time read; beside an
    address's gap (a comma, a dash, a space, see ``ADDRESS_GAP_RE``)."""
    kept = []
    for i, hit in enumerate(hits):
        m = _UNDOTTED_RE.match(hit.key)
        if m is not None:
            near = [
                other
                for other, gap in (
                    (hits[i - 1] if i else None, folded[hits[i - 1].end : hit.start] if i else ""),
                    (
                        hits[i + 1] if i + 1 < len(hits) else None,
                        folded[hit.end : hits[i + 1].start] if i + 1 < len(hits) else "",
                    ),
                )
                if other is not None and ADDRESS_GAP_RE.match(gap)
            ]
            if not any(
                not other.key.startswith(m.group(1)) or not _UNDOTTED_RE.match(other.key) for other in near
            ):
                continue
        kept.append(hit)
    return kept


def _small_if_all_capitals(nfc: str) -> str:
    """``nfc`` in small letters if it is all in capitals (and has as many characters so), else ``nfc``."""
    if not nfc.isupper():
        return nfc
    small = nfc.lower()
    return small if len(small) == len(nfc) else nfc


def _by_score(scored: tuple[float, Key]) -> tuple[float, Key]:
    return (-scored[0], scored[1])


def _order_by_score(scored: list[tuple[float, Key]]) -> None:
    """Sort ``(score, unit)`` pairs of distinct units best first, then by unit:
    ``scored.sort(key=_by_score)``.

    Two pairs (the usual count: a name in both schemes) are swapped or not without the sort's key
    calls (2026-11-30: 0.37 → 0.08 µs, timeit).
    """
    if len(scored) == 2:
        (first_score, first_key), (second_score, second_key) = scored
        if second_score > first_score or (second_score == first_score and second_key < first_key):
            scored.reverse()
    else:
        scored.sort(key=_by_score)


# Every character of a text that is not alphanumeric reads as this mark in the automaton's scan.
_MARK = "\x01"
# Dashes a name may be written with ("Thừa Thiên – Huế", "Thừa Thiên‐Huế") read as "-", and
# spaces on a line (a no-break space, a tab) as " ": one character for one, so offsets hold. The
# unit data and the aliases write "-", "–" and " " only. A run of spaces is left as it is: in
# news text it mostly stands for a lost dash ("Trảng Bom  Biên Hòa"), read as one space it joined
# the names around it (25 of 1,636 mentions lost on 927 VNTC texts with such runs, 2 found).
_LINE_SPACES = (
    "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_SEPARATORS = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys(_LINE_SPACES, " "),
    }
)


def _fold(text: str) -> str:
    """:func:`~duluan.analysis.normalise.fold` with every dash read as "-" and every space on a
    line as " ", as the scan reads text."""
    return fold(text).translate(_SEPARATORS)


_SCAN_CHUNK = 1 << 20  # characters per numpy look-up: bounds the copies of a large batch
_ASCII_MARKS = bytes(code if chr(code).isalnum() else ord(_MARK) for code in range(256))
# Code point → itself when the character is alphanumeric (``str.isalnum``), else _MARK's; for the BMP.
_MARKED_CODES = np.fromiter(
    (code if chr(code).isalnum() else ord(_MARK) for code in range(0x10000)), dtype="<u4", count=0x10000
)


def _marked(text: str) -> str:
    """``text`` with every character that is not alphanumeric replaced by _MARK (the plain definition
    :func:`_mark_boundaries` computes for a whole batch)."""
    return "".join(c if c.isalnum() else _MARK for c in text)


def _mark_boundaries(text: str) -> str:
    """``_marked(text)`` through one numpy table look-up (lone surrogates included)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    beyond = codes > 0xFFFF
    if beyond.any():  # emoji and the like: looked up one by one
        marked = _MARKED_CODES[np.where(beyond, 0, codes)]
        for code in np.unique(codes[beyond]).tolist():
            if chr(code).isalnum():
                marked[codes == code] = code
    else:
        marked = _MARKED_CODES[codes]
    return marked.tobytes().decode("utf-32-le", "surrogatepass")


# A BMP code point that _prepare leaves to nfc_with_offsets(), fold() and _marked(): beyond the
# BMP, the surrogates, "Σ" (lower-cased by context), the characters that may not stand as they
# are in NFC text (see _fold_tables) and the zero-width ones, all looked up at this slot.
_SLOW_SLOT = 0x10000
_SLOW = 0xFFFF  # their entry in both tables (U+FFFF itself, harmlessly, also goes the slow way)


@lru_cache(maxsize=1)
def _fold_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per BMP code point (and _SLOW_SLOT), its fold and the mark of its fold, as UTF-16 units.

    ``fold`` translates each character alone and lower-cases the text, which for one character
    at a time is the same but for "Σ" (final sigma by context); a character whose lower case is
    two ("İ") is kept by both.

    A text none of whose characters is at the slow slot is NFC: each has canonical combining class
    0 and NFC quick-check value "yes", which is what ``unicodedata.is_normalized`` (CPython's quick
    check) answers True on without normalising. The "maybe" characters of class 0 are those that
    compose with a character before them: the second characters of canonical decompositions (none
    of a BMP character's is beyond the BMP) and the Hangul jamo. Built on first use (about 25 ms,
    once a process).
    """
    chars = list(map(chr, range(_SLOW_SLOT)))
    # Folded as whole strings on either side of "İ": str.lower of a text is that of each character
    # (but for "Σ", left to the slow way, and "İ", folded alone): 22 → 5 ms (2026-11-30).
    bmp = "".join(chars)
    folded = _fold(bmp[:0x130]) + _fold("\u0130") + _fold(bmp[0x131:])
    folds = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype("<u2")
    marks = _MARKED_CODES[folds].astype("<u2")
    seconds = set()
    for decomposition in map(unicodedata.decomposition, chars):
        if decomposition and not decomposition.startswith("<"):
            seconds.update(int(code, 16) for code in decomposition.split()[1:])
    slow = [0x3A3, *range(0xD800, 0xE000), *range(0x1100, 0x1200), *seconds, *map(ord, ZERO_WIDTH)]
    slow += [
        code
        for code, char in enumerate(chars)
        if unicodedata.combining(char)
        or (not 0xD800 <= code < 0xE000 and unicodedata.normalize("NFC", char) != char)
    ]
    folds[slow] = marks[slow] = _SLOW
    return np.append(folds, np.uint16(_SLOW)), np.append(marks, np.uint16(_SLOW))


def _prepare(texts: Sequence[str]) -> tuple[list[tuple[str, list[int] | None]], list[str], list[str]]:
    """``[nfc_with_offsets(text) ...]``, ``fold_many`` of their NFC forms and what
    :meth:`Gazetteer._scan` gives for these (see :func:`_prepare_chunk`), in chunks of about
    _SCAN_CHUNK characters: the look-up's arrays take 16 bytes a character."""
    if sum(map(len, texts)) < _SCAN_CHUNK:
        return _prepare_chunk(texts)
    prepared: list[tuple[str, list[int] | None]] = []
    folded: list[str] = []
    scans: list[str] = []
    first = 0
    while first < len(texts):
        last, size = first, 0
        while last < len(texts) and (size < _SCAN_CHUNK or last == first):
            size += len(texts[last]) + 1
            last += 1
        chunk = _prepare_chunk(texts[first:last])
        prepared += chunk[0]
        folded += chunk[1]
        scans += chunk[2]
        first = last
    return prepared, folded, scans


def _prepare_chunk(texts: Sequence[str]) -> tuple[list[tuple[str, list[int] | None]], list[str], list[str]]:
    """``[nfc_with_offsets(text) ...]``, ``fold_many`` of their NFC forms and what
    :meth:`Gazetteer._scan` gives for these, from one pass over the batch.

    The batch is joined by _MARK and looked up in the two tables of :func:`_fold_tables` (``take``
    with a native index); both results are BMP strings without surrogates, which UTF-16 decodes
    exactly. A text with a character at the slow slot (1 % of news leads, mostly for an emoji) is
    normalised, folded and marked alone; the others are NFC. nfc_with_offsets, fold_many then the
    scan's second pass over the folded texts cost 2.95 µs of CPU a news lead, this one 1.66
    (bench_analyze.base_texts(), batches of 1,000, best of 5, 2026-11-30). Hand-written over numpy
    because fold_many returns only the folds, and ``str.translate`` looks each character up
    through Python objects.
    """
    if not texts:
        return [], [], []
    folds, marks = _fold_tables()
    joined = _MARK + _MARK.join(texts) + _MARK
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    index = np.minimum(codes, _SLOW_SLOT, dtype=np.intp)
    folded_codes = folds.take(index)
    slow_positions = np.flatnonzero(folded_codes == _SLOW)
    folded_joined = folded_codes.tobytes().decode("utf-16-le")
    marked_joined = marks.take(index).tobytes().decode("utf-16-le")
    folded: list[str] = []
    scans: list[str] = []
    start = 1
    for text in texts:
        end = start + len(text)
        folded.append(folded_joined[start:end])
        scans.append(marked_joined[start - 1 : end + 1])
        start = end + 1
    prepared: list[tuple[str, list[int] | None]] = [(text, None) for text in texts]
    if slow_positions.size:
        # The scan of such a text that is NFC is the batch's but at the slow positions, each marked
        # from the text's own fold; the others are marked whole.
        starts = np.cumsum([1] + [len(text) + 1 for text in texts[:-1]])
        owners = np.searchsorted(starts, slow_positions, side="right") - 1
        by_text: dict[int, list[int]] = {}
        for i, position in zip(owners.tolist(), slow_positions.tolist()):
            by_text.setdefault(i, []).append(position - int(starts[i]))
        for i, offsets in by_text.items():
            nfc, nfc_offsets = prepared[i] = nfc_with_offsets(texts[i])
            text_fold = folded[i] = _fold(nfc)
            if nfc_offsets is not None:
                scans[i] = _MARK + _mark_boundaries(text_fold) + _MARK
                continue
            scan = scans[i]
            pieces, previous = [], 0
            for offset in offsets:  # scan[offset + 1] reads text_fold[offset]
                char = text_fold[offset]
                pieces += (scan[previous : offset + 1], char if char.isalnum() else _MARK)
                previous = offset + 2
            pieces.append(scan[previous:])
            scans[i] = "".join(pieces)
    return prepared, folded, scans


def _ancestors(
    places: dict[Key, _Place],
    parents: dict[Key, Key],
    forward: dict[Key, list[tuple[str, str, float]]],
    backward: dict[Key, list[tuple[str, str, float]]],
) -> dict[Key, frozenset[Key]]:
    """Ancestors of every unit in both schemes: its own parents, and through the succession the
    province it lies in now (pre-2025 units) or the districts its predecessors lay in (2025 units)."""

    def own_chain(key: Key) -> set[Key]:
        chain: set[Key] = set()
        current = parents.get(key)
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        return chain

    result: dict[Key, frozenset[Key]] = {}
    for key, p in places.items():
        if p.level == PROVINCE:
            continue  # a province's own successor or predecessor is its twin, not its ancestor
        chain = own_chain(key)
        if p.scheme == PRE2025:
            province = (PRE2025, p.province_code)
            chain.update(
                (scheme, code) for scheme, code, _ in forward.get(province, ()) if places.get((scheme, code))
            )
        else:
            for scheme, code, _ in backward.get(key, ()):
                chain |= own_chain((scheme, code))
        chain.discard(key)
        if chain:
            result[key] = frozenset(chain)
    return result


def _predecessors(backward: dict[Key, list[tuple[str, str, float]]], key: Key) -> list[tuple[str, float]]:
    return [(code, share) for _, code, share in backward.get(key, ())]


# Syllables written with "i" or "y" alike, both ways ("Phú Quí" in the unit data is "Phú Quý" in
# most texts, "Quy Nhơn" was "Qui Nhơn"; "Lục Sĩ Thành", "Lạc Sỹ"), tone marks kept. Only after
# "qu" and "s": other letters give everyday words ("kì thi", "lí do").
_I_Y = str.maketrans("iíìỉĩịyýỳỷỹỵ", "yýỳỷỹỵiíìỉĩị")
_I_Y_RE = re.compile(r"(?<!\w)(?:[Qq]u|[Ss])[iíìỉĩịyýỳỷỹỵ](?!\w)")


def _other_i_y(name: str) -> str:
    """``name`` (NFC) with each syllable of :data:`_I_Y_RE` in its other spelling."""
    return _I_Y_RE.sub(lambda m: m.group().translate(_I_Y), name)


def _read_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for line in ALIASES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            alias, short_name = line.split("\t")[:2]
            aliases[unicodedata.normalize("NFC", alias.strip())] = unicodedata.normalize(
                "NFC", short_name.strip()
            )
    return aliases


# -- the cache of Gazetteer.default ----------------------------------------------------------------

CACHE_DIR_ENV = "DULUAN_CACHE_DIR"
# Everything from_units and the name folding read: the cache is keyed by their source.
_CACHE_SOURCES = (
    "duluan.adminunits",
    "duluan.analysis.normalise",
    "duluan.analysis.places.context",
    "duluan.analysis.places.former",
    "duluan.analysis.places.gazetteer",
)


def _cache_file(home_province: str | None) -> Path | None:
    """The cache file of :meth:`Gazetteer.default` for these sources, data and settings.

    The folder is ``DULUAN_CACHE_DIR`` (set empty to turn the cache off), else
    ``$XDG_CACHE_HOME/duluan`` or ``~/.cache/duluan``. The name holds a SHA-256 of the source
    of every module that builds the index and of the aliases file, the unit data files' sizes
    and times, the package versions, the Python version and ``home_province``: a change to any of
    them is a new file, never a stale index. ``None`` when the cache is off or the data cannot be
    found.
    """
    import hashlib
    import os
    import sys
    from importlib import metadata

    from duluan.adminunits import package_data_dir

    folder = os.environ.get(CACHE_DIR_ENV)
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "duluan")
    if not folder:
        return None
    digest = hashlib.sha256(f"{sys.version_info[:2]} {home_province!r}".encode())
    try:
        for name in _CACHE_SOURCES:
            digest.update(Path(sys.modules[name].__file__ or "").read_bytes())
        # The aliases are editable data (an added one was not read while the cache lasted).
        digest.update(ALIASES_PATH.read_bytes())
        data = package_data_dir()
        for file in sorted(data.iterdir()):
            stat = file.stat()
            digest.update(f"{file.name} {stat.st_size} {stat.st_mtime_ns}".encode())
        for package in ("vietnamadminunits", "pyahocorasick"):
            digest.update(f"{package} {metadata.version(package)}".encode())
    except (OSError, KeyError, ModuleNotFoundError, metadata.PackageNotFoundError):
        return None
    return Path(folder) / f"gazetteer-{digest.hexdigest()[:24]}.pickle"


def _read_cached(path: Path) -> Gazetteer | None:
    """The gazetteer kept in ``path``, or ``None`` when there is none or it cannot be read.

    Only a file this user owns and nobody else may write is read: unpickling runs code, and a
    cache folder may be a shared one (``DULUAN_CACHE_DIR=/tmp``).
    """
    import gc
    import os
    import pickle

    collecting = gc.isenabled()
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None
            # Without the collector, which walked the new containers again and again while they
            # were made: 0.22 -> 0.12 s (2026-12-01).
            gc.disable()
            gazetteer = pickle.load(handle)  # noqa: S301 - our own file, checked above
    except Exception:  # none yet, or torn or foreign: rebuilt, whatever the unpickler raised
        return None
    finally:
        if collecting:
            gc.enable()
    return gazetteer if isinstance(gazetteer, Gazetteer) else None


def _write_cached(path: Path, gazetteer: Gazetteer) -> None:
    """Keep ``gazetteer`` in ``path`` (written whole, then renamed), dropping older entries;
    a folder that cannot be written leaves the cache empty, never an error."""
    import os
    import pickle
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".gazetteer-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(gazetteer, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
