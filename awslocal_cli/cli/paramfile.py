"""file:// and fileb:// parameter values, and ParamError, the AWS CLI's refusal of a value.

As awscli/paramfile.py in the AWS CLI v2. Both awslocal_cli.cli.argconv (option values) and
awslocal_cli.cli.shorthand (`@=` values inside shorthand) load files through here, so neither
imports the other for it. Imports nothing at load time (os only when a file is named).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ParamError(ValueError):
    """A value the AWS CLI would refuse before calling the service.

    str() is the whole message. With `param`, it reads like the AWS CLI's
    `Error parsing parameter '--attributes': Invalid JSON: ...`.

    `exit_code` is the AWS CLI v2's return code for the failure: 252 for its ParamError,
    ParamValidationError and argparse errors, 255 where the AWS CLI lets a plain Python
    exception through to its general handler (`invalid literal for int() with base 10: 'x'`
    for an integer option, `Invalid base64: "..."`, an unreadable file named after `@=`).
    `usage` marks argparse's own errors (`argument --x: invalid int value: 'y'`), which the AWS
    CLI prints after its usage lines.
    """

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        exit_code: int = 252,
        usage: bool = False,
    ) -> None:
        self.message = message
        self.param = param
        self.exit_code = exit_code
        self.usage = usage
        super().__init__(f"Error parsing parameter '{param}': {message}" if param else message)


def option_flag(param_name: str) -> str:
    """`queue-url` or `--queue-url` -> `--queue-url`, as errors name an option."""
    return param_name if param_name.startswith("--") else f"--{param_name}"


def load_param_file(value: Any, *, param_name: str | None = None) -> str | bytes | None:
    """The content named by `file://path` (text, UTF-8) or `fileb://path` (bytes); else None.

    `~` and environment variables in the path are expanded, as the AWS CLI does. http:// and
    https:// are not fetched: the AWS CLI v2 treats them as plain strings. A file that cannot
    be read is a ParamError with the AWS CLI's wording (prefixed with the option when
    `param_name` is given: `Error parsing parameter '--x': Unable to load paramfile ...`).
    """
    if not isinstance(value, str):
        return None
    if value.startswith("file://"):
        prefix, binary = "file://", False
    elif value.startswith("fileb://"):
        prefix, binary = "fileb://", True
    else:
        return None
    import os

    param = option_flag(param_name) if param_name else None
    path = os.path.expandvars(os.path.expanduser(value[len(prefix) :]))
    try:
        if binary:
            with open(path, "rb") as f:
                return f.read()
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError:
        raise ParamError(
            f"Unable to load paramfile ({path}), text contents could not be decoded.  If this "
            "is a binary file, please use the fileb:// prefix instead of the file:// prefix.",
            param=param,
        ) from None
    except OSError as exc:
        raise ParamError(f"Unable to load paramfile {value}: {exc}", param=param) from None
