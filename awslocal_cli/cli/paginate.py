"""Auto-pagination as the AWS CLI does it (botocore's PageIterator, rewritten for awslocal).

By default every page is fetched and the result keys are merged; --max-items stops early and
prints a NextToken (an opaque base64 JSON token) that --starting-token resumes from;
--page-size sets the service's page limit. The pages themselves are kept, because the text and
yaml-stream formats print page by page (awscli/formatter.py).
"""

from __future__ import annotations

import base64
import binascii
import json

from awslocal_cli.errors import ParamValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Callable
    from typing import Any


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def encode_token(token: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(token).encode()).decode()


def decode_token(text: str) -> dict[str, Any]:
    try:
        token = json.loads(base64.b64decode(text, validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        token = None
    if not isinstance(token, dict):
        raise ParamValidationError(f"Bad starting token: {text}")
    return token


class PageIterator:
    """The pages of one paginated call, as botocore.paginate.PageIterator produces them.

    Iterating calls the service page by page, truncating the primary result key where
    --starting-token or --max-items say; `resume_token` is then the NextToken to print (None
    when the listing is complete). `pages` keeps what was yielded.
    """

    def __init__(
        self,
        function: Callable[..., dict[str, Any]],
        ctx: Any,
        request: dict[str, Any],
        config: dict[str, Any],
        *,
        starting_token: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> None:
        self._function = function
        self._ctx = ctx
        self._request = request
        self.input_tokens: list[str] = _as_list(config["input_token"])
        self.output_tokens: list[str] = _as_list(config["output_token"])
        self.result_keys: list[str] = _as_list(config["result_key"])
        self.limit_key: str | None = config.get("limit_key")
        self.more_results: str | None = config.get("more_results")
        self._starting_token = starting_token
        self._page_size = page_size
        self._max_items = max_items
        self.resume_token: str | None = None
        self.pages: list[dict[str, Any]] = []

    def __iter__(self) -> Any:
        params = dict(self._request)
        if self._page_size is not None:
            if self.limit_key is None:
                raise ParamValidationError("--page-size is not supported for this operation")
            params[self.limit_key] = self._page_size
        next_token: dict[str, Any] = dict.fromkeys(self.input_tokens)
        skip = 0
        if self._starting_token:
            next_token, skip = self._parse_starting_token(self._starting_token)
            for name in self.input_tokens:
                if next_token.get(name) is not None:
                    params[name] = next_token[name]
        primary = self.result_keys[0]
        total = 0
        first = True
        while True:
            page = self._function(self._ctx, **params)
            starting_truncation = 0
            if first and self._starting_token:
                items = page.get(primary)
                page[primary] = items[skip:] if isinstance(items, (list, str)) else None
                for key in self.result_keys[1:]:
                    if key in page:
                        page[key] = _empty_like(page[key])
                starting_truncation = skip
            first = False
            current = page.get(primary) or []
            truncate = total + len(current) - self._max_items if self._max_items is not None else 0
            if truncate > 0:
                # Python slicing, as botocore: a negative --max-items keeps all but the last.
                keep = len(current) - truncate
                page[primary] = current[:keep]
                next_token["boto_truncate_amount"] = keep + starting_truncation
                self.resume_token = encode_token(next_token)
                self.pages.append(page)
                yield page
                return
            self.pages.append(page)
            yield page
            total += len(current)
            next_token = self._next_token(page)
            if all(value is None for value in next_token.values()):
                return
            if self._max_items is not None and total == self._max_items:
                self.resume_token = encode_token(next_token)
                return
            for name, value in next_token.items():
                if value is not None:
                    params[name] = value

    def _parse_starting_token(self, text: str) -> tuple[dict[str, Any], int]:
        """botocore's: our own base64 JSON token, else an old-style `token___index` or a
        service token passed through as it is (`--starting-token abc` sends Marker=abc)."""
        try:
            token = json.loads(base64.b64decode(text.encode("utf-8")).decode("utf-8"))
            if not isinstance(token, dict):
                raise TypeError(text)
        except (ValueError, TypeError):
            pass
        else:
            skip = token.pop("boto_truncate_amount", 0) if "boto_truncate_amount" in token else 0
            return token, int(skip or 0)
        parts: list[Any] = text.split("___")
        skip = 0
        if len(parts) == len(self.input_tokens) + 1:
            try:
                skip = int(parts.pop())
            except ValueError:
                parts = [text]
        values = [None if part == "None" else part for part in parts]
        if len(values) > len(self.input_tokens):
            from awslocal_cli.errors import CliError

            raise CliError(f"Bad starting token: {text}")
        values += [None] * (len(self.input_tokens) - len(values))
        return dict(zip(self.input_tokens, values, strict=False)), skip

    def _next_token(self, page: dict[str, Any]) -> dict[str, Any]:
        if self.more_results is not None and not page.get(self.more_results):
            return {}
        return {
            name: page.get(output) or None
            for output, name in zip(self.output_tokens, self.input_tokens, strict=False)
        }

    def build_full_result(self) -> dict[str, Any]:
        """All pages' result keys merged, plus NextToken when stopped early (json, table, yaml)."""
        result: dict[str, Any] = {}
        for page in self:
            for key in self.result_keys:
                value = page.get(key)
                if value is None:
                    continue
                if key not in result:
                    result[key] = list(value) if isinstance(value, list) else value
                elif isinstance(value, list):
                    result[key].extend(value)
                elif isinstance(value, (int, float, str)):
                    result[key] = result[key] + value
        if self.resume_token is not None:
            result["NextToken"] = self.resume_token
        return result


def _empty_like(sample: Any) -> Any:
    if isinstance(sample, list):
        return []
    if isinstance(sample, str):
        return ""
    if isinstance(sample, (int, float)):
        return 0
    return None


def paginate(
    function: Callable[..., dict[str, Any]],
    ctx: Any,
    request: dict[str, Any],
    config: dict[str, Any],
    *,
    starting_token: str | None = None,
    page_size: int | None = None,
    max_items: int | None = None,
) -> dict[str, Any]:
    """Call `function` page by page; return the merged response."""
    return PageIterator(
        function,
        ctx,
        request,
        config,
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
    ).build_full_result()
