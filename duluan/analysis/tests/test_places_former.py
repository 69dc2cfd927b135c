"""Former names of units, read back from the unit data's alias keys."""

from __future__ import annotations

from duluan.analysis.places.former import SyllableInventory, former_names


def test_typed_and_short_keys_give_one_name_with_its_type():
    # given TP Bắc Giang's keys for the district it took in
    # then the name comes once, with the type its typed key gave
    assert former_names(["huyenyendung", "yendung"], "Bắc Giang", "district") == [("Huyện", "yendung")]


def test_a_change_of_type_only_is_not_a_former_name():
    # given a district that became a town, and a city whose key writes its type after the name
    assert former_names(["huyenquevo"], "Quế Võ", "district") == []
    assert (
        former_names(["hongnguthixa", "thixahongngu", "txhongngu"], "Hồng Ngự (Thành phố)", "district") == []
    )


def test_a_name_that_starts_like_a_type_word_keeps_it():
    # given Quảng Hòa's keys: "quanguyen" is Quảng Uyên, not a "quận" named "guyen"
    names = former_names(["huyenphuchoa", "phuchoa", "huyenquanguyen", "quanguyen"], "Quảng Hòa", "district")
    assert names == [("Huyện", "phuchoa"), ("Huyện", "quanguyen")]


def test_numbers_are_names_of_districts_only_and_keys_with_diacritics_are_folded():
    # given Thủ Đức's keys for quận 2 and 9, a ward's for the numbered wards it took in, and keys
    # written with diacritics
    assert former_names(["quan2", "q2", "district02", "q9"], "Thủ Đức", "district") == [
        ("Quận", "2"),
        ("Quận", "9"),
    ]
    assert former_names(["p8", "f08", "phuong08", "ward8"], "Võ Thị Sáu", "commune") == []
    assert former_names(["bảohưng", "xãbảohưng"], "Minh Quân", "commune") == [("Xã", "baohung")]


def test_the_inventory_splits_keys_into_the_fewest_most_common_syllables():
    # given the syllables of some names
    inventory = SyllableInventory(["Yên Dũng", "Yên Thế", "Tân Yên", "Quảng Uyên", "Quảng Ninh", "Dũng Tiến"])
    # then keys split into known syllables, and one that cannot be split gives None
    assert inventory.split("yendung") == ["yen", "dung"]
    assert inventory.split("quanguyen") == ["quang", "uyen"]
    assert inventory.split("vienglan") is None
