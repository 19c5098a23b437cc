"""Fake file objects for media messages: shapes PTB parses, ids that stay unique."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]


def fake_media(kind: str, seq: int, *, file_name: str | None = None,
               mime_type: str | None = None, size: int = 0) -> JsonDict | list[JsonDict]:
    """The Bot API object for a ``kind`` of media, with ids derived from ``seq``."""
    ids: JsonDict = {"file_id": f"SBX-{kind}-{seq}", "file_unique_id": f"U{kind[:2]}{seq}"}
    if size:
        ids["file_size"] = size
    if kind == "photo":
        return [{**ids, "file_id": f"{ids['file_id']}-s", "width": 90, "height": 90},
                {**ids, "width": 1280, "height": 1280}]
    if kind == "sticker":
        return {**ids, "type": "regular", "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "emoji": "\N{SLIGHTLY SMILING FACE}"}
    if kind in ("animation", "video"):
        return {**ids, "width": 480, "height": 270, "duration": 3,
                "mime_type": mime_type or "video/mp4"}
    if kind == "voice":
        return {**ids, "duration": 2, "mime_type": mime_type or "audio/ogg"}
    if kind == "document":
        return {**ids, "file_name": file_name or "file.pdf",
                "mime_type": mime_type or "application/pdf"}
    raise ValueError(f"unknown media kind {kind!r}")
