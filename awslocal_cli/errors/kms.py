"""KMS error codes: one AwsError subclass per error shape of the KMS model.

Messages are supplied where raised, in AWS's wording, naming ARNs (services/kms/).
"""

from __future__ import annotations

from awslocal_cli.errors import (
    AccessDeniedException,
    AwsError,
    UnsupportedOperationException,
    ValidationException,
)

__all__ = [
    "AccessDeniedException",
    "AlreadyExistsException",
    "CloudHsmClusterInUseException",
    "CloudHsmClusterInvalidConfigurationException",
    "CloudHsmClusterNotActiveException",
    "CloudHsmClusterNotFoundException",
    "CloudHsmClusterNotRelatedException",
    "ConflictException",
    "CustomKeyStoreHasCMKsException",
    "CustomKeyStoreInvalidStateException",
    "CustomKeyStoreNameInUseException",
    "CustomKeyStoreNotFoundException",
    "DependencyTimeoutException",
    "DisabledException",
    "DryRunOperationException",
    "ExpiredImportTokenException",
    "IncorrectKeyException",
    "IncorrectKeyMaterialException",
    "IncorrectTrustAnchorException",
    "InvalidAliasNameException",
    "InvalidArnException",
    "InvalidCiphertextException",
    "InvalidGrantIdException",
    "InvalidGrantTokenException",
    "InvalidImportTokenException",
    "InvalidKeyUsageException",
    "InvalidMarkerException",
    "KMSInternalException",
    "KMSInvalidMacException",
    "KMSInvalidSignatureException",
    "KMSInvalidStateException",
    "KeyUnavailableException",
    "LimitExceededException",
    "MalformedPolicyDocumentException",
    "NotFoundException",
    "TagException",
    "UnsupportedOperationException",
    "ValidationException",
    "XksKeyAlreadyInUseException",
    "XksKeyInvalidConfigurationException",
    "XksKeyNotFoundException",
    "XksProxyIncorrectAuthenticationCredentialException",
    "XksProxyInvalidConfigurationException",
    "XksProxyInvalidResponseException",
    "XksProxyUriEndpointInUseException",
    "XksProxyUriInUseException",
    "XksProxyUriUnreachableException",
    "XksProxyVpcEndpointServiceInUseException",
    "XksProxyVpcEndpointServiceInvalidConfigurationException",
    "XksProxyVpcEndpointServiceNotFoundException",
]


class AlreadyExistsException(AwsError):
    code = "AlreadyExistsException"


class CloudHsmClusterInUseException(AwsError):
    code = "CloudHsmClusterInUseException"


class CloudHsmClusterInvalidConfigurationException(AwsError):
    code = "CloudHsmClusterInvalidConfigurationException"


class CloudHsmClusterNotActiveException(AwsError):
    code = "CloudHsmClusterNotActiveException"


class CloudHsmClusterNotFoundException(AwsError):
    code = "CloudHsmClusterNotFoundException"


class CloudHsmClusterNotRelatedException(AwsError):
    code = "CloudHsmClusterNotRelatedException"


class ConflictException(AwsError):
    code = "ConflictException"


class CustomKeyStoreHasCMKsException(AwsError):
    code = "CustomKeyStoreHasCMKsException"


class CustomKeyStoreInvalidStateException(AwsError):
    code = "CustomKeyStoreInvalidStateException"


class CustomKeyStoreNameInUseException(AwsError):
    code = "CustomKeyStoreNameInUseException"


class CustomKeyStoreNotFoundException(AwsError):
    code = "CustomKeyStoreNotFoundException"


class DependencyTimeoutException(AwsError):
    code = "DependencyTimeoutException"
    sender_fault = False


class DisabledException(AwsError):
    code = "DisabledException"


class DryRunOperationException(AwsError):
    code = "DryRunOperationException"


class ExpiredImportTokenException(AwsError):
    code = "ExpiredImportTokenException"


class IncorrectKeyException(AwsError):
    code = "IncorrectKeyException"


class IncorrectKeyMaterialException(AwsError):
    code = "IncorrectKeyMaterialException"


class IncorrectTrustAnchorException(AwsError):
    code = "IncorrectTrustAnchorException"


class InvalidAliasNameException(AwsError):
    code = "InvalidAliasNameException"


class InvalidArnException(AwsError):
    code = "InvalidArnException"


class InvalidCiphertextException(AwsError):
    code = "InvalidCiphertextException"


class InvalidGrantIdException(AwsError):
    code = "InvalidGrantIdException"


class InvalidGrantTokenException(AwsError):
    code = "InvalidGrantTokenException"


class InvalidImportTokenException(AwsError):
    code = "InvalidImportTokenException"


class InvalidKeyUsageException(AwsError):
    code = "InvalidKeyUsageException"


class InvalidMarkerException(AwsError):
    code = "InvalidMarkerException"


class KMSInternalException(AwsError):
    code = "KMSInternalException"
    sender_fault = False


class KMSInvalidMacException(AwsError):
    code = "KMSInvalidMacException"


class KMSInvalidSignatureException(AwsError):
    code = "KMSInvalidSignatureException"


class KMSInvalidStateException(AwsError):
    code = "KMSInvalidStateException"


class KeyUnavailableException(AwsError):
    code = "KeyUnavailableException"
    sender_fault = False


class LimitExceededException(AwsError):
    code = "LimitExceededException"


class MalformedPolicyDocumentException(AwsError):
    code = "MalformedPolicyDocumentException"


class NotFoundException(AwsError):
    code = "NotFoundException"


class TagException(AwsError):
    code = "TagException"


class XksKeyAlreadyInUseException(AwsError):
    code = "XksKeyAlreadyInUseException"


class XksKeyInvalidConfigurationException(AwsError):
    code = "XksKeyInvalidConfigurationException"


class XksKeyNotFoundException(AwsError):
    code = "XksKeyNotFoundException"


class XksProxyIncorrectAuthenticationCredentialException(AwsError):
    code = "XksProxyIncorrectAuthenticationCredentialException"


class XksProxyInvalidConfigurationException(AwsError):
    code = "XksProxyInvalidConfigurationException"


class XksProxyInvalidResponseException(AwsError):
    code = "XksProxyInvalidResponseException"


class XksProxyUriEndpointInUseException(AwsError):
    code = "XksProxyUriEndpointInUseException"


class XksProxyUriInUseException(AwsError):
    code = "XksProxyUriInUseException"


class XksProxyUriUnreachableException(AwsError):
    code = "XksProxyUriUnreachableException"


class XksProxyVpcEndpointServiceInUseException(AwsError):
    code = "XksProxyVpcEndpointServiceInUseException"


class XksProxyVpcEndpointServiceInvalidConfigurationException(AwsError):
    code = "XksProxyVpcEndpointServiceInvalidConfigurationException"


class XksProxyVpcEndpointServiceNotFoundException(AwsError):
    code = "XksProxyVpcEndpointServiceNotFoundException"


class NotAuthorizedException(AwsError):
    """Not in the model's error shapes, but what AWS answers for reserved alias/aws/ names."""

    code = "NotAuthorizedException"
