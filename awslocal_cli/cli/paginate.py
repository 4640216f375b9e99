"""Auto-pagination as the AWS CLI does it (botocore's PageIterator, rewritten for awslocal).

By default every page is fetched and the result keys are merged; --max-items stops early and
prints a NextToken (an opaque base64 JSON token) that --starting-token resumes from;
--page-size sets the service's page limit.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from awslocal_cli.errors import ParamValidationError


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _empty_like(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, str):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 0
    return None


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


def paginate(
    function: Callable[..., dict[str, Any]],
    ctx: Any,
    request: dict[str, Any],
    config: dict[str, Any],
    *,
    starting_token: str | None = None,
    page_size: int | None = None,
    max_items: int | None = None,
    pages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Call `function` page by page; return the merged response.

    `pages`, when given, receives each page as botocore's PageIterator yields it to the AWS
    CLI's text and yaml-stream output: the whole response, its primary result key cut to
    --starting-token (the other result keys emptied) and to --max-items.
    """
    input_tokens = _as_list(config["input_token"])
    output_tokens = _as_list(config["output_token"])
    result_keys = _as_list(config["result_key"])
    limit_key = config.get("limit_key")
    more_results = config.get("more_results")

    params = dict(request)
    if page_size is not None:
        if limit_key is None:
            raise ParamValidationError("--page-size is not supported for this operation")
        params[limit_key] = page_size
    skip = 0
    if starting_token:
        token = decode_token(starting_token)
        skip = int(token.pop("boto_truncate_amount", 0) or 0)
        for name in input_tokens:
            if token.get(name) is not None:
                params[name] = token[name]
    merged: dict[str, list[Any]] = {}
    collected = 0
    next_token: dict[str, Any] | None = None
    while True:
        # botocore's PageIterator names every input token, None for the first page's.
        page_start = {n: params.get(n) for n in input_tokens}
        response = function(ctx, **params)
        primary_items = _as_list(response.get(result_keys[0])) if result_keys else []
        if skip:
            primary_items = primary_items[skip:]
        for key in result_keys:
            if key in response:
                merged.setdefault(key, [])
        taken = primary_items
        if max_items is not None and collected + len(primary_items) > max_items:
            want = max_items - collected
            taken = primary_items[:want]
            next_token = {**page_start, "boto_truncate_amount": skip + want}
        if pages is not None and result_keys:
            page = dict(response)
            primary = result_keys[0]
            if skip:  # botocore's _handle_first_request
                page[primary] = taken if isinstance(page.get(primary), list) else None
                for key in result_keys[1:]:
                    page[key] = _empty_like(page.get(key))
            if next_token is not None:  # botocore's _truncate_response
                page[primary] = taken
            pages.append(page)
        if result_keys and result_keys[0] in response:
            merged[result_keys[0]].extend(taken)
        for key in result_keys[1:]:
            if key in response:
                merged[key].extend(_as_list(response[key]))
        collected += len(taken)
        skip = 0
        if next_token is not None:
            break
        has_more = bool(response.get(more_results)) if more_results else True
        # Empty tokens count as none (botocore's _get_next_token), but keep their names.
        follow = {n: response.get(o) or None
                  for n, o in zip(input_tokens, output_tokens, strict=False)}
        if not has_more or all(v is None for v in follow.values()):
            break
        if max_items is not None and collected >= max_items:
            next_token = follow
            break
        params.update({k: v for k, v in follow.items() if v not in (None, "")})
    result: dict[str, Any] = {}
    for key in result_keys:
        if key in merged:
            result[key] = merged[key]
    if next_token:
        result["NextToken"] = encode_token(next_token)
    return result
