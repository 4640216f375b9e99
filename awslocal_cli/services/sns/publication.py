"""One published message on its way to the subscriptions of a topic (Publish, and a replay
from an archive): what delivery.py delivers and message_protection.py inspects."""

from __future__ import annotations

from awslocal_cli.services.sns.common import timestamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Row = dict[str, "Any"]


class Publication:
    """One published message on its way to the subscriptions of a topic."""

    def __init__(self, topic: Row, message_id: str, structure: dict[str, str] | None,
                 message: str, subject: str | None, attributes: dict[str, dict[str, Any]],
                 when: float, sequence: str | None, group: str | None, dedup: str | None,
                 data_key: dict[str, Any] | None, *, replayed: bool = False) -> None:
        self.topic, self.message_id, self.structure = topic, message_id, structure
        self.replayed = replayed
        self.message, self.subject, self.attributes = message, subject, attributes
        self.timestamp = timestamp(when)
        self.sequence, self.group, self.dedup, self.data_key = sequence, group, dedup, data_key
