"""Former names of units: districts and communes dissolved into others before the pre-2025 data.

The pre-2025 scheme of ``vietnamadminunits`` is the map of 30/06/2025, after the mergers of
2019–2025: huyện Yên Dũng had become part of TP Bắc Giang (1/1/2025), xã Nham Sơn and thị trấn Neo
part of phường Nham Biền. Texts of those years still name them. The package keeps such names only
as keys on the units that took them in (``districtAlias``, ``wardAlias``: ``"huyenyendung"``,
``"yendung"``), folded and without spaces. :func:`former_names` reads them back as names the
gazetteer can index: the type word taken off and the syllables split again with the syllables of
the units' own names (:class:`SyllableInventory`). Their diacritics are lost: the gazetteer lets
any spelling of such a name stand for it.
A former name then resolves to the unit that took it in (the pre-2025 unit; its 2025 equivalents
follow from the succession as for any unit).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from duluan.adminunits import DISTRICT, fold_key
from duluan.analysis.normalise import fold

__all__ = ["DISAMBIGUATOR_RE", "SyllableInventory", "former_names"]

# The type words the package's keys start with (folded, no spaces), longest first: what is left
# is the name. Each stands for the type it abbreviates ("district9" is Quận 9 of Thủ Đức).
_TYPE_PREFIXES = (
    ("thanhpho", "Thành phố"),
    ("thitran", "Thị trấn"),
    ("district", "Quận"),
    ("phuong", "Phường"),
    ("thixa", "Thị xã"),
    ("huyen", "Huyện"),
    ("quan", "Quận"),
    ("tp", "Thành phố"),
    ("ward", "Phường"),
    ("f", "Phường"),  # "F.8": how Saigon writes its numbered wards
    ("tx", "Thị xã"),
    ("tt", "Thị trấn"),
    ("xa", "Xã"),
    ("q", "Quận"),
    ("p", "Phường"),
)
# The data tells same-named units of one district apart as "Kỳ Anh (Thị xã)" (the gazetteer
# drops it too).
DISAMBIGUATOR_RE = re.compile(r"\s*\([^)]*\)\s*$")
_WORD_RE = re.compile(r"[^\W_]+")


class SyllableInventory:
    """The syllables of the units' names, folded, with how often each occurs, to split a folded key
    into syllables.

    Args:
        names: Unit names as written ("Phường Nham Biền", "Yên Dũng").
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter()
        for name in names:
            self.counts.update(_WORD_RE.findall(fold(name)))
        self._longest = max(map(len, self.counts), default=0)

    def split(self, key: str) -> list[str] | None:
        """The syllables ``key`` (folded, no spaces) is made of: the fewest known syllables, the
        more frequent ones where two splits have as many; ``None`` when it cannot be split."""
        n = len(key)
        # best[i]: (syllables, minus their summed counts, the syllables) of the best split of key[:i]
        best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
        best[0] = (0, 0, [])
        for end in range(1, n + 1):
            for start in range(max(0, end - self._longest), end):
                before = best[start]
                piece = key[start:end]
                count = self.counts.get(piece)
                if before is None or not count:
                    continue
                candidate = (before[0] + 1, before[1] - count, [*before[2], piece])
                if best[end] is None or candidate[:2] < best[end][:2]:  # type: ignore[index]
                    best[end] = candidate
        found = best[n]
        return found[2] if found is not None else None


def former_names(aliases: Iterable[str], short_name: str, level: str) -> list[tuple[str | None, str]]:
    """The former names among a unit's alias keys, each as ``(type, folded name key)``.

    A key that is a type word and another of the keys (``"huyenyendung"`` and ``"yendung"``)
    gives that name with its type; a key that is a type word and the unit's own name
    (``"huyenquevo"`` of Thị xã Quế Võ: only the type changed, also written after the name) and
    the unit's own name alone are left out; any other key is a name without a type
    (``"quanguyen"`` is Quảng Uyên, not a "quận"). A number is a name only with its type, and
    only for a district (Quận 2 and Quận 9, now Thủ Đức): the numbered wards merged in cities
    share their numbers with the wards of every other district, and are left out.

    Args:
        aliases: The unit's alias keys (folded, no spaces; keys with diacritics are folded here).
        short_name: The unit's own name without its type ("Bắc Giang").
        level: The unit's level (``"district"`` or ``"commune"``).

    Returns:
        ``(type or None, name key)`` pairs, one per name, sorted by name; a number without its
        leading zeros.
    """
    own = fold_key(DISAMBIGUATOR_RE.sub("", short_name))
    keys = {k for k in map(fold_key, aliases) if k}
    names: dict[str, str | None] = {}
    untyped = []
    for key in sorted(keys):
        for prefix, unit_type in _TYPE_PREFIXES:
            if key.startswith(prefix):
                rest = key[len(prefix) :]
            elif key.endswith(prefix):
                rest = key[: -len(prefix)]
            else:
                continue
            if rest and (rest in keys or rest == own or rest.isdigit()):
                names[rest.lstrip("0") or rest if rest.isdigit() else rest] = unit_type
                break
        else:
            untyped.append(key)
    for key in untyped:
        names.setdefault(key, None)
    return [
        (unit_type, name)
        for name, unit_type in sorted(names.items())
        if name != own and not (name.isdigit() and (level != DISTRICT or unit_type is None))
    ]
