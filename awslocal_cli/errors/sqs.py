"""SQS errors: one class per error shape of the model, with the code the AWS CLI prints.

SQS speaks the JSON protocol with `awsQueryCompatible`: the service sends the old query error
code in the `x-amzn-query-error` header and botocore reports that code, so the AWS CLI prints
`AWS.SimpleQueueService.NonExistentQueue`, not `QueueDoesNotExist`. The codes are the
`awsQueryError` names of the SQS Smithy model. Validation failures that have no shape in the
model use the query codes AWS answers with (InvalidParameterValue, MissingParameter).
"""

from __future__ import annotations

from awslocal_cli.errors import AwsError

_P = "AWS.SimpleQueueService."


class AccessDenied(AwsError):
    code = "AccessDenied"
    http_status = 403


class BatchEntryIdsNotDistinct(AwsError):
    code = _P + "BatchEntryIdsNotDistinct"


class BatchRequestTooLong(AwsError):
    code = _P + "BatchRequestTooLong"


class EmptyBatchRequest(AwsError):
    code = _P + "EmptyBatchRequest"


class InvalidAddress(AwsError):
    code = "InvalidAddress"


class InvalidAttributeName(AwsError):
    code = "InvalidAttributeName"


class InvalidAttributeValue(AwsError):
    code = "InvalidAttributeValue"


class InvalidBatchEntryId(AwsError):
    code = _P + "InvalidBatchEntryId"


class InvalidIdFormat(AwsError):
    code = "InvalidIdFormat"


class InvalidMessageContents(AwsError):
    code = "InvalidMessageContents"


class InvalidSecurity(AwsError):
    code = "InvalidSecurity"


class KmsAccessDenied(AwsError):
    code = "KMS.AccessDeniedException"


class KmsDisabled(AwsError):
    code = "KMS.DisabledException"


class KmsInvalidKeyUsage(AwsError):
    code = "KMS.InvalidKeyUsageException"


class KmsInvalidState(AwsError):
    code = "KMS.InvalidStateException"


class KmsNotFound(AwsError):
    code = "KMS.NotFoundException"


class KmsOptInRequired(AwsError):
    code = "KMS.OptInRequired"


class KmsThrottled(AwsError):
    code = "KMS.ThrottlingException"


class MessageNotInflight(AwsError):
    code = _P + "MessageNotInflight"


class OverLimit(AwsError):
    code = "OverLimit"
    http_status = 403  # the Smithy model's httpError for OverLimit


class PurgeQueueInProgress(AwsError):
    code = _P + "PurgeQueueInProgress"


class QueueDeletedRecently(AwsError):
    code = _P + "QueueDeletedRecently"


class QueueDoesNotExist(AwsError):
    code = _P + "NonExistentQueue"


class QueueNameExists(AwsError):
    code = "QueueAlreadyExists"


class ReceiptHandleIsInvalid(AwsError):
    code = "ReceiptHandleIsInvalid"


class RequestThrottled(AwsError):
    code = "RequestThrottled"


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class TooManyEntriesInBatchRequest(AwsError):
    code = _P + "TooManyEntriesInBatchRequest"


class UnsupportedOperation(AwsError):
    code = _P + "UnsupportedOperation"


# Not shapes of the model, but what SQS answers for bad parameters.
class InvalidParameterValue(AwsError):
    code = "InvalidParameterValue"


class MissingParameter(AwsError):
    code = "MissingParameter"


def invalid_parameter(name: str, value: object, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Value {value} for parameter {name} is invalid. Reason: {reason}"
    )
