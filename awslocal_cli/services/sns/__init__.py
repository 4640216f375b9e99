"""SNS: topics, subscriptions, permissions, tags, publishing and delivery.

This is the face of the service: every operation the front doors call, as
`awslocal_cli.services.sns.<operation>` (services/__init__.py). Each takes the Context and the
request members as keyword arguments and returns the API-shaped response. Where things live:

- topics.py: CreateTopic, attributes, tags; permissions.py: the topic policy, AddPermission;
- subscriptions.py: Subscribe, confirmation tokens, subscription attributes;
- publish.py: Publish and PublishBatch; encryption.py: encrypted topics (KMS data keys);
- delivery.py: one message to one subscription, through its filter policy (filter/, the
  filter-policy language); sqs_delivery.py, http_delivery.py (queued requests, retries under
  delivery_policy.py), delivery_log.py (the delivery log and the outbox); envelopes.py and
  signing.py: the signed messages; publication.py: a message on its way to the subscriptions;
- archive.py: the archive and replay of FIFO topics;
- platform.py (mobile push), sms.py (SMS settings, opt-outs, the sandbox): faithful records
  of what is never sent;
- data_protection.py: the data protection policy (Put/Get); message_protection.py applies it
  to Publish and each delivery (audit findings, de-identification, deny) with the data
  identifiers of sensitive_data.py;
- common.py: ARNs and lookups, NextTokens, timestamps, shared checks.

Publishing delivers to every confirmed subscription whose filter policy passes:
- sqs: at once, inside the publisher's invocation, as `sns.amazonaws.com` with aws:SourceArn =
  the topic, so a queue policy that does not let the topic send, or a queue key whose policy
  does not let SNS use it, refuses the delivery as in AWS. A refused delivery goes to the
  subscription's dead-letter queue when its RedrivePolicy names one.
- http/https: a POST queued for after the invocation commits, retried per delivery policy.
- email, email-json, sms, lambda, firehose, application: written to the outbox.
Every attempt is written to the `sns_deliveries` log with its status and reason (`awslocal
local deliveries`). Encrypted topics (KmsMasterKeyId) make GenerateDataKey through KMS as the
publisher via SNS, reusing the data key for 5 minutes, seal the message with it, and Decrypt
it for delivery.

Departures from AWS: IAM is not modelled: a principal of the topic's account may do whatever
the topic policy does not explicitly deny. Nothing is sent to an e-mail address, a phone, a
Lambda function, a Firehose stream or a push service: the outbox (`awslocal local outbox`)
holds what AWS would have sent. Data protection findings stay in the local log (`awslocal
local findings`), and data identifiers are matched by pattern only, so those that need AWS's
machine learning (Name, Address, ...) find nothing (message_protection.py, sensitive_data.py).
"""

from __future__ import annotations

from awslocal_cli.services import lazy_face
from awslocal_cli.services.sns.permissions import add_permission, remove_permission
from awslocal_cli.services.sns.publish import publish, publish_batch
from awslocal_cli.services.sns.subscriptions import (
    confirm_subscription,
    get_subscription_attributes,
    list_subscriptions,
    list_subscriptions_by_topic,
    set_subscription_attributes,
    subscribe,
    unsubscribe,
)
from awslocal_cli.services.sns.topics import (
    create_topic,
    delete_topic,
    get_topic_attributes,
    list_tags_for_resource,
    list_topics,
    set_topic_attributes,
    tag_resource,
    untag_resource,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awslocal_cli.context import Context

__all__ = [
    "add_permission", "after_operation", "confirm_subscription", "create_topic", "delete_topic",
    "get_subscription_attributes", "get_topic_attributes", "list_subscriptions",
    "list_subscriptions_by_topic", "list_tags_for_resource", "list_topics", "publish",
    "publish_batch", "remove_permission", "set_subscription_attributes", "set_topic_attributes",
    "subscribe", "tag_resource", "unsubscribe", "untag_resource",
]

# Functions kept in modules a topic or publish command does not need, imported only when one
# of them is called: the record operations, and what `awslocal local` uses.
_LAZY = {
    **dict.fromkeys((
        "create_platform_application", "create_platform_endpoint", "delete_endpoint",
        "delete_platform_application", "get_endpoint_attributes",
        "get_platform_application_attributes", "list_endpoints_by_platform_application",
        "list_platform_applications", "set_endpoint_attributes",
        "set_platform_application_attributes"), "platform"),
    **dict.fromkeys((
        "check_if_phone_number_is_opted_out", "create_sms_sandbox_phone_number",
        "delete_sms_sandbox_phone_number", "get_sms_attributes", "get_sms_sandbox_account_status",
        "list_origination_numbers", "list_phone_numbers_opted_out",
        "list_sms_sandbox_phone_numbers", "opt_in_phone_number", "set_sms_attributes",
        "verify_sms_sandbox_phone_number", "opt_out_phone_number", "set_sms_sandbox"), "sms"),
    **dict.fromkeys(("get_data_protection_policy", "put_data_protection_policy"),
                    "data_protection"),
    **dict.fromkeys(("deliveries", "outbox"), "delivery_log"),
    "findings": "message_protection",
    "schedule_if_due": "http_delivery",
    "confirm_pending": "subscriptions",
}


__getattr__, __dir__ = lazy_face(__name__, globals(), _LAZY)


def after_operation(ctx: Context) -> None:
    """After every SNS command: attempt the HTTP/S requests whose (re)try fell due."""
    from awslocal_cli.services.sns.http_delivery import schedule_if_due

    schedule_if_due(ctx)
