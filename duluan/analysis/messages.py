"""Messages in a citizen's voice, written by the team, labelled by topic and sentiment.

The platform mostly reads short messages that people send their government: a hotline call, the
public form, a Zalo or Facebook message, a voters' petition. No public corpus holds any, and the
shipped models learn from news, students' feedback and shop reviews, where "Cảm ơn phường đã xử
lý kịp thời" is rare and "xuống cấp" is a building's news. So the team writes such messages, as
the taxonomy's seed terms are written, and labels them under ``data/labelling_guide.md``:

- ``data/citizen_messages.jsonl``: learnt by the shipped topic and sentiment models, weighing as
  an official's confirmed text does;
- ``data/gold_citizen_messages.jsonl``: written by other writers, never learnt, each label
  checked by a second, blind reading (a label the two readings disagree on is left ``null``),
  and rated for anger by two other readers (``anger``: their mean, ``null`` where they differ
  by more than one step), which measures the complaint intensity.

Both are the team's own writing (AI helpers, each told a channel and a kind of writer), not
messages citizens sent: a figure measured on them says how the models read this register as the
team imagines it, and officials' confirmations (``retrain_models``) are the real thing. Each row
is ``{id, text, topic, sentiment, channel}``, and ``anger`` in the gold file.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MESSAGES_GOLD_PATH",
    "MESSAGES_PATH",
    "SENTIMENTS",
    "WrittenMessage",
    "labelled",
    "load_messages",
    "with_addresses",
    "with_contact_details",
    "with_framed_copies",
]

DATA_DIR = Path(__file__).parent / "data"
MESSAGES_PATH = DATA_DIR / "citizen_messages.jsonl"
MESSAGES_GOLD_PATH = DATA_DIR / "gold_citizen_messages.jsonl"
SENTIMENTS = ("negative", "neutral", "positive")
# How angry a gold message reads, from 0 (calm, or thanks) to 3 (outrage): the mean of two
# readers' ratings (``data/labelling_guide.md``).
ANGER_MAX = 3
CHANNELS = ("hotline", "web_form", "zalo", "facebook", "petition", "email", "meeting")


@dataclass(frozen=True, slots=True)
class WrittenMessage:
    """One written message; a label is ``None`` where the readings did not agree on it."""

    id: str
    text: str
    topic: str | None
    sentiment: str | None
    channel: str
    anger: float | None = None


def load_messages(path: str | Path | None = None) -> list[WrittenMessage]:
    """Read written messages (default: the shipped training file, ``data/citizen_messages.jsonl``).

    Args:
        path: A JSONL file of ``{id, text, topic, sentiment, channel}`` rows.

    Returns:
        The messages in file order, their texts NFC-normalised (empty when the file is absent).

    Raises:
        ValueError: A row lacks a field, repeats an id, or names an unknown sentiment or channel;
            the message says which line.
    """
    path = Path(path or MESSAGES_PATH)
    if not path.exists():
        return []
    messages: list[WrittenMessage] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            message = WrittenMessage(
                str(item["id"]),
                unicodedata.normalize("NFC", item["text"]).strip(),
                item["topic"],
                item["sentiment"],
                item["channel"],
                None if item.get("anger") is None else float(item["anger"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a message row ({exc!r})") from exc
        if message.id in seen:
            raise ValueError(f"{path}:{number}: id {message.id!r} repeated")
        if message.sentiment is not None and message.sentiment not in SENTIMENTS:
            raise ValueError(f"{path}:{number}: {message.sentiment!r} is not a sentiment")
        if message.channel not in CHANNELS:
            raise ValueError(f"{path}:{number}: {message.channel!r} is not a channel")
        if message.anger is not None and not 0 <= message.anger <= ANGER_MAX:
            raise ValueError(f"{path}:{number}: anger {message.anger} is not from 0 to {ANGER_MAX}")
        if not message.text:
            raise ValueError(f"{path}:{number}: empty text")
        seen.add(message.id)
        messages.append(message)
    return messages


def labelled(messages: Sequence[WrittenMessage], task: str) -> list[tuple[str, str]]:
    """``(text, label)`` of the messages with a label for ``task`` (``topic`` or ``sentiment``),
    the pairs the recipes take as confirmed texts."""
    if task not in ("topic", "sentiment"):
        raise ValueError(f"task must be 'topic' or 'sentiment', not {task!r}")
    return [(m.text, label) for m in messages if (label := getattr(m, task)) is not None]


# Who writes or calls, as a hotline officer notes it or a citizen signs: common family names,
# middle names and given names, and the frames around a message (``with_contact_details``).
_FAMILY = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Trịnh Trương"
).split()
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Hữu", "Xuân", "Thu", "")
# (Not "An", "Bình", "Hùng" nor "Hoa": the names of bench_models.py's held-out contact details.)
_GIVEN = (
    "Cường Dũng Giang Hà Hải Hạnh Hòa Hương Khánh Lan Linh Long Mai Nam Nga Phong Phúc Quân Sơn "
    "Tâm Thảo Thắng Trang Tuấn Vinh Yến"
).split()
_FRAMES: tuple[Callable[[str, str, str], str], ...] = (
    lambda text, name, phone: f"Người gọi: {name}, {phone}. Nội dung: {text}",
    lambda text, name, phone: f"Người dân {name}, trú tại tổ 4, số điện thoại {phone}, kiến nghị: {text}",
    lambda text, name, phone: f"Hộ dân {name} (xóm Chùa), số điện thoại {phone}, đề nghị: {text}",
    lambda text, name, phone: f"Xin chào, tôi tên là {name}. {text}",
    lambda text, name, phone: f"{text} Liên hệ: {name} - {phone}",
    lambda text, name, phone: f"{text} ({name}, ĐT {phone})",
    lambda text, name, phone: f"Công dân {name} gọi đường dây nóng phản ánh: {text}",
    lambda text, name, phone: f"{text} Người phản ánh: {name}, SĐT: {phone}.",
)
# A complaint says it is one ("khiếu nại"), whatever it is about, and the news ties the word to
# courts (``security_order``): "Khiếu nại: " before each written gold message moved 10 of its
# topics, 6 of them there (2026-12-06). Framed so, a thanks or a question would no longer be
# what it says, so only the topic recipe learns these (``complaints``).
_COMPLAINT_FRAMES: tuple[Callable[[str, str, str], str], ...] = (
    lambda text, name, phone: f"Đơn khiếu nại của {name} (điện thoại {phone}): {text}",
    lambda text, name, phone: f"Công dân {name} ({phone}) khiếu nại: {text}",
    lambda text, name, phone: f"{text} Người khiếu nại: {name}, ĐT {phone}.",
)


def with_contact_details(
    pairs: Sequence[tuple[str, str]], seed: int = 0, complaints: bool = False
) -> list[tuple[str, str]]:
    """Each ``(text, label)`` once more, inside the contact details people write around a
    message: a name, a phone number, a hamlet, "phản ánh:", "Liên hệ:" (one of eight frames, or
    with ``complaints`` one of eleven, three of which call the message a complaint, "khiếu
    nại"; an invented name and number, drawn by ``seed``), under the same label.

    A hotline officer's note starts "Công dân …, SĐT …, phản ánh:", and citizens sign their
    messages; none of it says what the message is about, but the news the models learn from
    ties such words and names to topics. Learnt from the framed copies too, the model reads them
    as what they are. The frames, names and numbers of the copies are not those of the check in
    ``bench/bench_models.py --only contact`` (held out, so it measures the words' effect, not the
    frames learnt).

    Args:
        pairs: Labelled texts (e.g. :func:`labelled` of the written messages).
        seed: The draw of frames, names and numbers (the same for the same seed).
        complaints: Draw from the frames that call a message a complaint too (for topics: see
            _COMPLAINT_FRAMES).

    Returns:
        The framed copies, in the order of ``pairs``.
    """

    def details(draw: random.Random) -> tuple[str, str]:
        name = " ".join(p for p in (draw.choice(_FAMILY), draw.choice(_MIDDLE), draw.choice(_GIVEN)) if p)
        return name, "0" + draw.choice("35789") + "".join(draw.choice("0123456789") for _ in range(8))

    return _framed(pairs, seed, _FRAMES + _COMPLAINT_FRAMES if complaints else _FRAMES, details)


# Where people say they live or the trouble is: streets named, as most are, after people and
# events of the country's history, and the frames around a message (``with_addresses``).
# (Not Lý Thái Tổ, Huế, Kinh Dương Vương, Đinh Tiên Hoàng nor Nguyễn Gia Thiều: the streets of
# bench_models.py's held-out addresses.)
_STREETS = (
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lê Duẩn",
    "Nguyễn Du",
    "Hùng Vương",
    "Ngô Quyền",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Hoàng Văn Thụ",
    "Nguyễn Văn Cừ",
    "Trần Phú",
    "Điện Biên Phủ",
    "Võ Thị Sáu",
    "Bà Triệu",
    "Trường Chinh",
    "Giải Phóng",
    "Cách Mạng Tháng Tám",
    "Nguyễn Thị Minh Khai",
    "Hoàng Hoa Thám",
    "Lạc Long Quân",
    "Âu Cơ",
    "Ngô Gia Tự",
    "Nguyễn Huệ",
    "Lý Chiêu Hoàng",
    "Trần Nhân Tông",
    "Nguyễn Đăng Đạo",
    "Xương Giang",
    "Hoàng Quốc Việt",
    "Phạm Văn Đồng",
    "Tô Hiến Thành",
    "Lê Thánh Tông",
    "Nguyễn Văn Linh",
    "Võ Nguyên Giáp",
    "Nguyễn Chí Thanh",
    "Chu Văn An",
    "Lê Quý Đôn",
    "Yết Kiêu",
)
_ADDRESS_FRAMES: tuple[Callable[[str, str, str], str], ...] = (
    lambda text, street, number: f"Tại đường {street}: {text}",
    lambda text, street, number: f"Khu vực phố {street}, {text}",
    lambda text, street, number: f"{text} Địa điểm: ngõ {number} đường {street}.",
    lambda text, street, number: f"Người dân sống ở số {number} phố {street} phản ánh: {text}",
    lambda text, street, number: f"{text} (gần số nhà {number} đường {street})",
    lambda text, street, number: f"Đoạn đường {street} trước số nhà {number}: {text}",
    lambda text, street, number: f"{text} Nhà tôi ở hẻm {number} đường {street}.",
    lambda text, street, number: f"Tổ dân phố số {number}, đường {street}: {text}",
)


def with_addresses(pairs: Sequence[tuple[str, str]], seed: int = 1) -> list[tuple[str, str]]:
    """Each ``(text, label)`` once more, beside the street and house number where its writer lives
    or the trouble is (one of eight frames, most with a house, lane or group number; a street
    among forty; drawn by ``seed``), under the same label.

    Streets are named after kings, generals and battles, whom the news the models learn from
    ties to history, culture and defence: before these copies, "Ở đường Lý Thái Tổ: " before
    each written gold message moved 29 of its 336 topics and 11 of its 339 moods (the shipped
    models, 2026-12-06). Learnt beside every label, the street words weigh as what they are. The
    frames and streets of the copies are not those of ``bench/bench_models.py --only contact``.

    Args:
        pairs: Labelled texts (e.g. :func:`labelled` of the written messages).
        seed: The draw of frames, streets and numbers (the same for the same seed).

    Returns:
        The copies, in the order of ``pairs``.
    """

    def details(draw: random.Random) -> tuple[str, str]:
        return draw.choice(_STREETS), str(draw.randint(2, 180))

    return _framed(pairs, seed, _ADDRESS_FRAMES, details)


def with_framed_copies(
    pairs: Sequence[tuple[str, str]],
    *,
    contact_details: bool = True,
    addresses: bool = True,
    complaints: bool = False,
) -> list[tuple[str, str]]:
    """``pairs``, then (as asked) their copies inside contact details (:func:`with_contact_details`,
    with its ``complaints``) and, twice, beside addresses (:func:`with_addresses` of two draws):
    the written messages as the shipped recipes learn them (the topic recipe with complaints).

    Twice, because a street pulls harder than a caller: with one copy beside an address, "Ở
    đường Lý Thái Tổ: " before each written gold message still moved 21 of its 336 topics, and
    the messages as written read worse than without such copies (90.77 % against 91.67 %); with
    two, 14 moved and 92.26 % (``bench_models.py --only contact``, 2026-12-06).
    """
    out = list(pairs)
    if contact_details:
        out += with_contact_details(pairs, complaints=complaints)
    if addresses:
        out += with_addresses(pairs) + with_addresses(pairs, seed=2)
    return out


def _framed(
    pairs: Sequence[tuple[str, str]],
    seed: int,
    frames: Sequence[Callable[[str, str, str], str]],
    details: Callable[[random.Random], tuple[str, str]],
) -> list[tuple[str, str]]:
    """Each text inside one of ``frames`` with the two ``details`` drawn for it (then the frame,
    from the same draw of ``seed``), under its label."""
    draw = random.Random(seed)
    out = []
    for text, label in pairs:
        first, second = details(draw)
        out.append((draw.choice(frames)(text, first, second), label))
    return out
