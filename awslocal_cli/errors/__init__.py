"""Errors awslocal raises, and the AWS CLI v2 return codes they map to.

Service errors are `AwsError` subclasses, one per AWS error code, carrying AWS's message text
(service-specific classes live beside this module: errors/kms.py, errors/sqs.py, ...). The other
classes are the CLI's own failures. Exceptions become exit codes in one place only:
`awslocal_cli.cli.main`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ExitCode:
    """The AWS CLI v2 return codes (awscli/constants.py).

    Plain int constants rather than an IntEnum: importing enum costs start-up time on every
    command, and these are only ever compared and returned as process exit codes.
    """

    OK = 0
    INTERRUPTED = 130  # 128 + SIGINT
    USAGE = 252  # bad usage, unknown option, bad parameter value
    CONFIGURATION = 253  # bad configuration or unusable state directory
    SERVICE = 254  # the service answered with an error
    UNEXPECTED = 255  # anything else


class AwsError(Exception):
    """An error answered by a service, as `An error occurred (Code) when calling ...`."""

    code = "InternalFailure"
    sender_fault = True
    # The HTTP status the wire answers with when the model's error shape names none (SQS's
    # AccessDenied is 403 but has no shape); None: the shape's, else 400 or 500.
    http_status: int | None = None

    def __init__(self, message: str = "", *, code: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        # Members of the modeled error shape besides Code and Message, shown by the AWS CLI
        # under "Additional error details".
        self.fields = fields

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationException(AwsError):
    code = "ValidationException"


class AccessDeniedException(AwsError):
    code = "AccessDeniedException"


class UnsupportedOperationException(AwsError):
    code = "UnsupportedOperationException"


class CliError(Exception):
    """A failure of the command line itself (not of a service)."""

    exit_code = ExitCode.UNEXPECTED
    error_code = "Unknown"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParamValidationError(CliError):
    """A parameter value the CLI rejects before calling the service (exit 252)."""

    exit_code = ExitCode.USAGE
    error_code = "ParamValidation"

    def __init__(self, message: str, *, exit_code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        # The AWS CLI exits 255 for a few value errors (bad integers, bad base64).
        self.exit_code = exit_code


class UsageError(CliError):
    """Unknown command, unknown option, or a missing required option (exit 252).

    Printed after the usage synopsis, as argparse errors are in the AWS CLI.
    """

    exit_code = ExitCode.USAGE
    error_code = "ParamValidation"

    def __init__(self, message: str, *, unknown_options: bool = False,
                 options: Any = None) -> None:
        super().__init__(message)
        self.unknown_options = unknown_options
        self.options = options  # the global options parsed so far, for the error's format


class ConfigurationError(CliError):
    """The environment or the state directory is unusable (exit 253)."""

    exit_code = ExitCode.CONFIGURATION
    error_code = "Configuration"
