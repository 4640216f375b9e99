"""SQS: all 23 operations of the API, with real server-side encryption at rest.

Each public function named after an API operation takes the Context and the request members
as keyword arguments and returns the API-shaped response (services/__init__.py). This face
holds no behaviour; the modules beside it are named for what they hold:

- urls.py         queue names, URLs and ARNs (any URL ending in `/<account>/<name>` works)
- lookup.py       the queue row a QueueUrl names, after the lazy time-based work
- queues.py       CreateQueue, GetQueueUrl, ListQueues, attributes, DeleteQueue, tags
- attributes.py   settable attributes, their checks and defaults, GetQueueAttributes' answer
- access.py       the queue-policy check every action makes (Deny, cross-account, services)
- permissions.py  AddPermission, RemovePermission; the queue-policy check for SNS delivery
- send.py         SendMessage(Batch), FIFO deduplication, `deliver` for SNS
- receive.py      ReceiveMessage, long polling, FIFO group order, receive-attempt replays
- messages.py     DeleteMessage(Batch), ChangeMessageVisibility(Batch), PurgeQueue,
                  and `inspect_message` for `awslocal local inspect-message`
- batch.py        the *Batch operations' entry ids, savepoints and per-entry results
- dead_letter.py  RedrivePolicy checks, redrive on receive, message move tasks
- sse.py          SSE-SQS and SSE-KMS envelope encryption, data-key reuse, KMS errors
- md5.py          message attribute checks and the MD5 digests SDKs verify
- rows.py         message attributes as stored, receipt handles

The face imports an operation's module on first use, as click's lazy groups do, so
`sqs list-queues` loads queues.py and what it needs, never send.py, receive.py or hashlib.
Time-based work happens lazily against the local clock when an SQS operation runs: retention
expiry of the queue at hand, and the progress of message move tasks. A command imports
cryptography only when it seals or opens a body, and KMS (through `services.kms`) only for
SSE-KMS data keys; the policy evaluator only for a queue that has a Policy or a caller that
is not the queue's owner.

Queue policies are enforced on every action (access.py): an explicit Deny refuses anyone,
the owner's account included; another account's principal (who names the queue by its URL)
and a service principal need an Allow; AddPermission, RemovePermission, SetQueueAttributes,
DeleteQueue and the tag actions stay the owner's. The Policy attribute must be a valid policy
document (InvalidAttributeValue otherwise).

Departures from AWS: IAM is not modelled, so a principal of the queue's account may do
whatever the queue policy does not explicitly deny; aws:SecureTransport is always true and
aws:SourceIp is never known (access.py). ApproximateNumber* attributes are exact. Long
polling waits in real time but wakes within 50 ms of another process's send.
"""

from __future__ import annotations

from awslocal_cli.services import lazy_face

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.services.sqs.dead_letter import (
        advance_tasks,
        cancel_message_move_task,
        list_message_move_tasks,
        start_message_move_task,
    )
    from awslocal_cli.services.sqs.messages import (
        change_message_visibility,
        change_message_visibility_batch,
        delete_message,
        delete_message_batch,
        inspect_message,
        purge_queue,
    )
    from awslocal_cli.services.sqs.permissions import add_permission, remove_permission
    from awslocal_cli.services.sqs.queues import (
        create_queue,
        delete_queue,
        get_queue_attributes,
        get_queue_url,
        list_dead_letter_source_queues,
        list_queue_tags,
        list_queues,
        set_queue_attributes,
        tag_queue,
        untag_queue,
    )
    from awslocal_cli.services.sqs.receive import receive_message
    from awslocal_cli.services.sqs.send import deliver, send_message, send_message_batch

# Where each name of the face lives (the module beside this one).
_HOMES = {
    "add_permission": "permissions",
    "advance_tasks": "dead_letter",
    "cancel_message_move_task": "dead_letter",
    "change_message_visibility": "messages",
    "change_message_visibility_batch": "messages",
    "create_queue": "queues",
    "delete_message": "messages",
    "delete_message_batch": "messages",
    "delete_queue": "queues",
    "deliver": "send",
    "get_queue_attributes": "queues",
    "get_queue_url": "queues",
    "inspect_message": "messages",
    "list_dead_letter_source_queues": "queues",
    "list_message_move_tasks": "dead_letter",
    "list_queue_tags": "queues",
    "list_queues": "queues",
    "purge_queue": "messages",
    "receive_message": "receive",
    "remove_permission": "permissions",
    "send_message": "send",
    "send_message_batch": "send",
    "set_queue_attributes": "queues",
    "start_message_move_task": "dead_letter",
    "tag_queue": "queues",
    "untag_queue": "queues",
}

__all__ = [
    "add_permission",
    "advance_tasks",
    "cancel_message_move_task",
    "change_message_visibility",
    "change_message_visibility_batch",
    "create_queue",
    "delete_message",
    "delete_message_batch",
    "delete_queue",
    "deliver",
    "get_queue_attributes",
    "get_queue_url",
    "inspect_message",
    "list_dead_letter_source_queues",
    "list_message_move_tasks",
    "list_queue_tags",
    "list_queues",
    "purge_queue",
    "receive_message",
    "remove_permission",
    "send_message",
    "send_message_batch",
    "set_queue_attributes",
    "start_message_move_task",
    "tag_queue",
    "untag_queue",
]


__getattr__, __dir__ = lazy_face(__name__, globals(), _HOMES)
