"""Model files of format 3: large arrays out of band, checked by CRC-32s, read or mapped."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from duluan.analysis import model_io
from duluan.analysis.model_io import (
    ALIGN,
    FORMAT_VERSION,
    ModelFileError,
    load_model,
    model_part,
    read_model_info,
    save_model,
)


@model_part
class Estimator:
    """A picklable stand-in with the arrays a linear model keeps."""

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.classes_ = np.array(["a", "b", "c"])
        self.coef_ = rng.standard_normal((40_000, 3)).astype(np.float32)  # 480 kB: out of band
        self.idf_ = rng.random(100_001, dtype=np.float32)  # an odd size: the next one is realigned
        self.extra_ = np.arange(70_000, dtype=np.int64).reshape(1000, 70).T  # Fortran-ordered
        self.intercept_ = np.zeros(3, dtype=np.float32)  # small: in band
        self.vocabulary_ = {"ngập": 1, "mưa": 2}


def test_large_arrays_are_stored_out_of_band_and_load_equal_writable_and_aligned(tmp_path, monkeypatch):
    # given an estimator with large and small arrays, saved in chunks smaller than its data
    monkeypatch.setattr(model_io, "CHECK_CHUNK", 1 << 16)
    est = Estimator()
    path = save_model(est, tmp_path / "m.model", kind="topic", metadata={"note": "x"})
    # then the envelope lists the three large arrays, and the data block ends the file
    envelope = pickle.loads(path.read_bytes())  # noqa: S301 - the file just written
    assert envelope["format_version"] == FORMAT_VERSION == 3 and len(envelope["buffers"]) == 3
    assert len(envelope["crc32"]) > 2 and path.stat().st_size % ALIGN == 0
    info = read_model_info(path)
    assert info.labels == ("a", "b", "c") and info.metadata == {"note": "x"} and len(info.sha256) == 64
    # when it is loaded, read and mapped
    for mapped in (False, True):
        loaded = load_model(path, kind="topic", mapped=mapped)
        # then every array is equal, of the same order, and the large ones are writable and aligned
        for name in ("classes_", "coef_", "idf_", "extra_", "intercept_"):
            a, b = getattr(est, name), getattr(loaded, name)
            assert a.dtype == b.dtype and np.array_equal(a, b)
            assert b.flags.f_contiguous == a.flags.f_contiguous
        for name in ("coef_", "idf_", "extra_"):
            array = getattr(loaded, name)
            assert array.flags.writeable and array.ctypes.data % 16 == 0
        loaded.coef_[0, 0] = 7.0  # a private copy: the file does not change
        assert loaded.vocabulary_ == est.vocabulary_
    assert load_model(path, mapped=True).coef_[0, 0] == est.coef_[0, 0]


@pytest.mark.parametrize("where", ["payload", "data", "truncated", "appended", "empty"])
def test_a_damaged_format_3_file_is_refused_with_the_message(tmp_path, where):
    # given a saved model, then damaged in one place
    path = save_model(Estimator(), tmp_path / "m.model", kind="topic")
    raw = bytearray(path.read_bytes())
    if where == "payload":
        envelope = pickle.loads(raw)  # noqa: S301 - the file just written
        at = raw.find(envelope["payload"][-64:])
        raw[at + 10] ^= 1
    elif where == "data":
        raw[-1000] ^= 1
    elif where == "truncated":
        raw = raw[:-ALIGN]
    elif where == "appended":
        raw += bytes(ALIGN)
    else:
        raw = bytearray()
    path.write_bytes(raw)
    # when it is loaded, read or mapped, then it is refused with the Vietnamese message
    for mapped in (False, True):
        with pytest.raises(ModelFileError, match="Tệp mô hình hỏng hoặc không tương thích"):
            load_model(path, mapped=mapped)


def test_checksums_of_chunks_are_those_of_zlib_whatever_the_threads(monkeypatch):
    import zlib

    data = memoryview(np.random.default_rng(1).bytes(1_000_003))
    expected = [zlib.crc32(data[i : i + 4096]) for i in range(0, len(data), 4096)]
    for threads in (1, 2, 4):
        monkeypatch.setattr(model_io, "CHECK_THREADS", threads)
        assert model_io._crc32s(data, 4096) == expected
    assert model_io._crc32s(memoryview(b""), 4096) == []


@pytest.mark.parametrize(
    ("version", "advice"), [(FORMAT_VERSION + 1, "cập nhật phần mềm"), (0, "huấn luyện lại")]
)
def test_a_file_of_another_format_says_what_to_do(tmp_path, monkeypatch, version, advice):
    # given a model file written in a format this software does not read: newer, or too old
    path = tmp_path / "m.model"
    with monkeypatch.context() as patched:
        patched.setattr(model_io, "FORMAT_VERSION", version)
        save_model(Estimator(), path, kind="topic")
    # when it is loaded, then the error says to update the software for a newer file, and to
    # train again for an old one
    with pytest.raises(ModelFileError, match=advice):
        load_model(path, kind="topic")


def test_an_array_of_a_mapped_file_moves_to_memory_of_its_own_and_its_neighbours_stay(tmp_path):
    # given an estimator whose large arrays are saved out of band, loaded read and mapped
    est = Estimator()
    path = save_model(est, tmp_path / "m.model", kind="topic")
    read, mapped = load_model(path), load_model(path, mapped=True)
    # when the mapped weights move to memory of their own (the mapping's pages under them given back)
    own = model_io.in_own_memory(mapped.coef_)
    # then they are an equal C-contiguous copy that does not lie in the mapping, which moves no more
    assert own is not mapped.coef_ and not np.shares_memory(own, mapped.coef_)
    assert np.array_equal(own, est.coef_) and own.flags.c_contiguous and own.flags.writeable
    assert model_io.in_own_memory(own) is own
    # and the arrays beside them in the file, and the old view itself, still read the file's bytes
    for name in ("coef_", "idf_", "extra_"):
        assert np.array_equal(getattr(mapped, name), getattr(est, name)), name
    # and arrays that are not a mapped file's are left as they are
    assert model_io.in_own_memory(read.coef_) is read.coef_
    assert model_io.in_own_memory(read.intercept_) is read.intercept_


def test_pages_given_back_are_read_from_the_file_again(tmp_path):
    # given an estimator saved, loaded mapped and read
    est = Estimator()
    path = save_model(est, tmp_path / "m.model", kind="topic")
    read, mapped = load_model(path), load_model(path, mapped=True)
    # when the pages under the mapped weights are given back (their values copied elsewhere)
    model_io.release_pages(mapped.coef_)
    model_io.release_pages(read.coef_)  # not a mapping's: nothing to give back
    # then both still read the saved values, as do the arrays beside them in the file
    for name in ("coef_", "idf_", "extra_"):
        assert np.array_equal(getattr(mapped, name), getattr(est, name)), name
    assert np.array_equal(read.coef_, est.coef_)


class _Runs:
    """What a crafted file would hold: unpickling it calls ``os.system``."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        import os

        return os.system, (self.command,)


@model_part
class _Holder:
    """A registered part that holds anything."""

    def __init__(self, inside) -> None:
        self.classes_ = np.array(["a"])
        self.inside = inside


def test_a_file_that_names_anything_but_model_parts_and_numpy_is_refused_before_it_runs(tmp_path):
    marker = tmp_path / "ran"
    # given files whose estimator, or an object deep inside a registered one, would run a command
    # as it loads, and one whose envelope names a function
    crafted = [
        save_model(_Runs(f"touch {marker}"), tmp_path / "a.model", kind="topic"),
        save_model(_Holder({"x": [_Runs(f"touch {marker}")]}), tmp_path / "b.model", kind="topic"),
        save_model(_Holder(pickle.PickleBuffer), tmp_path / "c.model", kind="topic"),
    ]
    envelope = tmp_path / "d.model"
    envelope.write_bytes(pickle.dumps(_Runs(f"touch {marker}")))
    refused = r"không nạp được: \S+ không phải thành phần của mô hình"
    # when each is loaded, read or mapped, or its facts are read
    for path in crafted:
        for mapped in (False, True):
            # then it is refused with the name it holds, and nothing ran
            with pytest.raises(ModelFileError, match=refused):
                load_model(path, mapped=mapped)
    with pytest.raises(ModelFileError, match="không phải tệp mô hình Dư Luận"):
        load_model(envelope)
    with pytest.raises(ModelFileError, match="không phải tệp mô hình Dư Luận"):
        read_model_info(envelope)
    assert not marker.exists()
    # while registered parts load with what they hold (builtin containers, numpy arrays)
    held = load_model(
        save_model(_Holder({"x": [np.arange(3), (1.5, "b")]}), tmp_path / "e.model", kind="topic")
    )
    assert np.array_equal(held.inside["x"][0], np.arange(3)) and held.inside["x"][1] == (1.5, "b")


def test_the_shipped_estimators_parts_are_all_registered():
    # given the classes the topic and sentiment models are made of
    from duluan.analysis import cues, features, layout, sentiment, signs, topic

    parts = [
        topic.TopicClassifier, sentiment.SentimentClassifier, sentiment.ComplaintLexicon,
        features.NgramFeaturizer, layout.LayoutBins, signs.SignColumns, cues.TopicCue,
    ]  # fmt: skip
    # then each is found by the name pickle writes it under
    for cls in parts:
        assert model_io._PARTS[(cls.__module__, cls.__qualname__)] is cls


@pytest.mark.parametrize("edit", [(b"\x8c\x04kind", b"\x8c\x04kine"), (b"\x8c\x06labels", b"\x8c\x06lab3ls")])
def test_a_model_file_whose_header_was_edited_is_said_to_be_damaged(tmp_path, edit):
    from duluan.analysis.model_io import ModelFileError, read_model_info
    from duluan.analysis.topic import TopicClassifier

    # given a model file one of whose header's names was changed by hand
    texts = ["đường ngập sâu", "trường học mới", "ngập nước", "học sinh"] * 3
    path = TopicClassifier().fit(texts, ["flood", "school"] * 6).save(tmp_path / "m.model")
    raw = path.read_bytes()
    assert edit[0] in raw
    path.write_bytes(raw.replace(*edit, 1))
    # when it is loaded or described, then it is a damaged model, not a KeyError
    with pytest.raises(ModelFileError, match="phần đầu tệp"):
        read_model_info(path)
    with pytest.raises(ModelFileError, match="phần đầu tệp"):
        TopicClassifier.load(path)
