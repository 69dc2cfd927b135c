"""Quality checks a response must pass before it is approved and published.

A response answers the request (it is not empty, long enough, and refers to what was asked: it
shares words with the request or cites the case code) and carries evidence (a public photo or
document attached) or says why there is none.
"""

from __future__ import annotations

from itertools import pairwise

from duluan.apps.core.text import search_key

MIN_CHARS = 120
MIN_WORDS = 20
MIN_SHARED_PHRASES = 2
MIN_NO_EVIDENCE_REASON = 20

EMPTY = "Nội dung trả lời đang trống."
TOO_SHORT = (
    "Nội dung trả lời quá ngắn (tối thiểu {chars} ký tự và {words} từ, "
    "hiện có {n_chars} ký tự, {n_words} từ)."
)
OFF_TOPIC = (
    "Nội dung trả lời chưa nhắc tới nội dung người dân hỏi (cần ít nhất {need} cụm từ của đơn, "
    "hoặc ghi mã hồ sơ {code})."
)
NO_EVIDENCE = (
    "Trả lời cần kèm ảnh hoặc văn bản công khai làm bằng chứng, hoặc nêu rõ lý do không kèm "
    "(ít nhất {chars} ký tự)."
)

# Function words that say nothing about what was asked.
_STOP = frozenset(
    "va cua co la duoc cho cac nhung khong voi nay tai da ve trong nguoi dan de nghi xin kinh gui "
    "ong ba anh chi em toi chung rat mot hai ba den tu theo thi ma nen neu vi o tren duoi sau truoc "
    "khi nao gi viec nay do day kia nhu cung van dang se bi hay hoac lai ra vao len xuong".split()
)


def _phrases(text: str) -> set[str]:
    """Two-syllable phrases without function words ("o nhiem", "rac thai"), accent-insensitive."""
    words = [w for w in search_key(text).split() if w not in _STOP]
    return {f"{a} {b}" for a, b in pairwise(words)}


def response_problems(
    *,
    text: str,
    request_title: str,
    request_text: str,
    code: str,
    public_attachments: int,
    no_evidence_reason: str,
) -> list[str]:
    """Every quality problem of a response, as messages a clerk can act on (empty when it passes)."""
    problems: list[str] = []
    body = (text or "").strip()
    if not body:
        problems.append(EMPTY)
    else:
        n_words = len(body.split())
        if len(body) < MIN_CHARS or n_words < MIN_WORDS:
            problems.append(
                TOO_SHORT.format(chars=MIN_CHARS, words=MIN_WORDS, n_chars=len(body), n_words=n_words)
            )
        asked = _phrases(f"{request_title}\n{request_text}")
        need = min(MIN_SHARED_PHRASES, len(asked))
        cites_code = code and code.lower() in body.lower()
        if not cites_code and len(asked & _phrases(body)) < need:
            problems.append(OFF_TOPIC.format(need=need, code=code))
    if public_attachments == 0 and len((no_evidence_reason or "").strip()) < MIN_NO_EVIDENCE_REASON:
        problems.append(NO_EVIDENCE.format(chars=MIN_NO_EVIDENCE_REASON))
    return problems
