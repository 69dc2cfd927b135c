"""Place recognition: find administrative units in Vietnamese text, in both schemes.

A :class:`Gazetteer` is built from the same plain unit and succession records the ``geo`` app loads
(:func:`duluan.adminunits.load_admin_data`). ``Gazetteer.find(text)`` scans the accent-folded text with
one Aho–Corasick automaton (pyahocorasick) over the unit names (one-syllable commune names such as
"Hồ" are looked up only after a type word), keeps the names whose written accents agree, then decides
for each hit

1. **the type** from the word before it (``xã``, ``phường``, ``thị trấn``, ``huyện``, ``quận``, ``thị xã``,
   ``thành phố``, ``tỉnh``, ``đặc khu`` and the abbreviations ``TP.``, ``TP``, ``P.``, ``Q.``, ``H.``,
   ``TX.``, ``TT.``, and ``X.`` after a word like ``UBND``, ``tại``), or from the list it continues
   (``các xã A, B và C``);
2. **whether a bare name counts**: provinces and districts do, capitalised and not inside a longer proper
   noun (``Nguyễn Thanh Hóa``) or after a non-administrative head word (``đường``, ``sông``, ``Chủ tịch``);
   because many commune names are common words, a bare commune counts only when one of its ancestors
   is named nearby (``Tân Dĩnh, Lạng Giang``) and it stands after punctuation or a locative word
   (``ở``, ``tại``), not inside ``thôn Tân Sơn``; in lower-case text without diacritics a bare district
   also needs its parent named;
3. **the unit** among the candidates of that name: a candidate whose ancestor (district, province, in
   either scheme through the succession) is named nearby wins — the closest, and one named after it,
   most — then one in the configured home province; a tie is reported with its ``candidates``; a
   commune whose address names a parent none of its candidates lies in is dropped (the unit meant is
   missing from the data); a name named again where nothing near it supports any of its units is
   the unit its last such naming before it was read as (``H. Phong Điền (TT-Huế)``, then ``(H.Phong
   Điền)``), unless the two follow different type words;
4. **the scheme**: before 1/7/2025 (``when``) the pre-2025 one, after it the 2025 one; without a date the
   text decides — an unmarked district (``huyện Lạng Giang``) or pre-2025-only name puts the text in the
   old scheme, ``(cũ)`` after a name or a 2025-only unit in the new one, and a name followed by ``cũ``
   is the old unit.

Names of districts and communes dissolved before the data's pre-2025 snapshot (``huyện Yên Dũng``,
``quận 9``, ``phường Quán Trữ``), which the data keeps only as folded keys, are indexed too
(:mod:`duluan.analysis.places.former`) and read as the unit that took each in, with any diacritics;
such a name gives way to a unit that bears it now unless an ancestor of the unit it names is named
nearby, or the text reads its district and no unit that bears the name now has an ancestor named
nearby (``X.Điền Hải`` in news of huyện Phong Điền, Thừa Thiên - Huế).

Spans are offsets into the original text and cover the unit's name as written (``Tân Dĩnh`` in
``xã Tân Dĩnh``); the type word belongs to the span only where it is part of the name (``Quận 1``,
``TP.HCM``). Every mention also lists the corresponding units of the other scheme (``equivalents``).

Quality on the hand-checked gold set, speed and build cost: ``python -m duluan.analysis.places_eval
--bench``.
"""

from duluan.analysis.places.gazetteer import Gazetteer, PlaceMention

__all__ = ["Gazetteer", "PlaceMention"]
