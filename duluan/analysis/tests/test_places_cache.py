"""The cache file of ``Gazetteer.default``: read back the same index, never a stale or foreign one."""

from __future__ import annotations

import gc

import pytest

import duluan.analysis.places.gazetteer as gazetteer_module
from duluan.analysis.places import Gazetteer

TEXTS = [
    "UBND xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang họp dân về giải phóng mặt bằng.",
    "Phường Bắc Giang (tỉnh Bắc Ninh) ra mắt bộ máy mới sau sáp nhập.",
    "Nguoi dan xa Tan Dinh phan anh duong ngap.",
]


def found(gazetteer: Gazetteer) -> list[list[tuple]]:
    return [[(m.code, m.scheme, m.level, m.start, m.end) for m in ms] for ms in gazetteer.find_many(TEXTS)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(gazetteer_module.CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def builds(monkeypatch):
    """Count how often the unit data is read (each build reads it once)."""
    calls = []
    real = gazetteer_module.load_admin_data

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(gazetteer_module, "load_admin_data", counting)
    return calls


def test_the_second_default_gazetteer_comes_from_the_cache_and_finds_the_same(cache, builds):
    # given a first default gazetteer, built from the unit data
    first = Gazetteer.default()
    assert len(builds) == 1 and len(list(cache.glob("gazetteer-*.pickle"))) == 1
    # when another is asked for
    second = Gazetteer.default()
    # then it is read from the cache file (the collector running again after), and finds the
    # same units at the same places
    assert len(builds) == 1 and gc.isenabled()
    assert found(second) == found(first) and any(found(first))
    assert second.unit("2025", "24") is not None


def test_other_settings_make_another_entry_and_only_the_latest_is_kept(cache, builds):
    # given the default gazetteer of Bắc Ninh in the cache
    Gazetteer.default(home_province="24")
    (kept,) = cache.glob("gazetteer-*.pickle")
    # when one without a home province is asked for
    other = Gazetteer.default(home_province=None)
    # then it is built (not the other's index) and replaces the older entry
    assert len(builds) == 2
    (now,) = cache.glob("gazetteer-*.pickle")
    assert now != kept and not other._home


def test_an_alias_added_to_the_data_is_read_not_the_cached_index(cache, builds, tmp_path, monkeypatch):
    # given the default gazetteer in the cache, built from the aliases file as shipped
    aliases = tmp_path / "place_aliases.tsv"
    aliases.write_text(gazetteer_module.ALIASES_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(gazetteer_module, "ALIASES_PATH", aliases)
    assert Gazetteer.default().find("Kẹt xe ở Thủ Đô") == []
    # when an official adds an alias to it (the index kept in the cache did not see it)
    with open(aliases, "a", encoding="utf-8") as out:
        out.write("Thủ Đô\tHà Nội\n")
    rebuilt = Gazetteer.default()
    # then the index is built again and reads it
    assert len(builds) == 2
    assert [(m.surface, m.code) for m in rebuilt.find("Kẹt xe ở Thủ Đô")] == [("Thủ Đô", "01")]


def test_a_torn_or_foreign_cache_file_is_rebuilt(cache, builds):
    # given a cached gazetteer whose file is cut short
    Gazetteer.default()
    (entry,) = cache.glob("gazetteer-*.pickle")
    entry.write_bytes(entry.read_bytes()[:1000])
    # when it is asked for again, then it is rebuilt and works, and the entry is whole again
    assert any(found(Gazetteer.default())) and len(builds) == 2
    assert any(found(Gazetteer.default())) and len(builds) == 2
    # given an entry that others may write, when it is asked for, then it is not trusted
    entry.chmod(0o666)
    assert any(found(Gazetteer.default())) and len(builds) == 3


def test_no_cache_when_turned_off_or_when_the_folder_cannot_be_written(tmp_path, monkeypatch, builds):
    # given the cache turned off, when two gazetteers are made, then both are built
    monkeypatch.setenv(gazetteer_module.CACHE_DIR_ENV, "")
    Gazetteer.default()
    Gazetteer.default()
    assert len(builds) == 2
    # given a cache folder that is a file, when one is made, then it is built and works
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    monkeypatch.setenv(gazetteer_module.CACHE_DIR_ENV, str(blocked / "cache"))
    assert any(found(Gazetteer.default())) and len(builds) == 3
