"""SNS errors: one class per error shape of the model, with the code the AWS CLI prints.

SNS speaks the query protocol: the code is the `error.code` of each shape
(`InvalidParameterException` prints as `InvalidParameter`).
"""

from __future__ import annotations

from awslocal_cli.errors import AwsError


class AuthorizationErrorException(AwsError):
    code = "AuthorizationError"


class BatchEntryIdsNotDistinctException(AwsError):
    code = "BatchEntryIdsNotDistinct"


class BatchRequestTooLongException(AwsError):
    code = "BatchRequestTooLong"


class ConcurrentAccessException(AwsError):
    code = "ConcurrentAccess"


class EmptyBatchRequestException(AwsError):
    code = "EmptyBatchRequest"


class EndpointDisabledException(AwsError):
    code = "EndpointDisabled"


class FilterPolicyLimitExceededException(AwsError):
    code = "FilterPolicyLimitExceeded"


class InternalErrorException(AwsError):
    code = "InternalError"


class InvalidBatchEntryIdException(AwsError):
    code = "InvalidBatchEntryId"


class InvalidParameterException(AwsError):
    code = "InvalidParameter"


class InvalidParameterValueException(AwsError):
    code = "ParameterValueInvalid"


class InvalidSecurityException(AwsError):
    code = "InvalidSecurity"


class InvalidStateException(AwsError):
    code = "InvalidState"


class KMSAccessDeniedException(AwsError):
    code = "KMSAccessDenied"


class KMSDisabledException(AwsError):
    code = "KMSDisabled"


class KMSInvalidStateException(AwsError):
    code = "KMSInvalidState"


class KMSNotFoundException(AwsError):
    code = "KMSNotFound"


class KMSOptInRequired(AwsError):
    code = "KMSOptInRequired"


class KMSThrottlingException(AwsError):
    code = "KMSThrottling"


class NotFoundException(AwsError):
    code = "NotFound"


class OptedOutException(AwsError):
    code = "OptedOut"


class PlatformApplicationDisabledException(AwsError):
    code = "PlatformApplicationDisabled"


class ReplayLimitExceededException(AwsError):
    code = "ReplayLimitExceeded"


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFound"


class StaleTagException(AwsError):
    code = "StaleTag"


class SubscriptionLimitExceededException(AwsError):
    code = "SubscriptionLimitExceeded"


class TagLimitExceededException(AwsError):
    code = "TagLimitExceeded"


class TagPolicyException(AwsError):
    code = "TagPolicy"


class ThrottledException(AwsError):
    code = "Throttled"


class TooManyEntriesInBatchRequestException(AwsError):
    code = "TooManyEntriesInBatchRequest"


class TopicLimitExceededException(AwsError):
    code = "TopicLimitExceeded"


class UserErrorException(AwsError):
    code = "UserError"


class ValidationException(AwsError):
    code = "ValidationException"


class VerificationException(AwsError):
    code = "VerificationException"
