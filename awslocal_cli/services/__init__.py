"""The behaviour of each service: plain Python in, API-shaped dicts out.

Conventions every service module follows (tests and a future server rely on them):

- One function per API operation, named as botocore names it in Python
  (`GetCallerIdentity` -> `get_caller_identity`), taking the Context first and then the
  request's members as keyword arguments with their API names: `encrypt(ctx, KeyId=...,
  Plaintext=b"...")`. Absent members are simply not passed.
- Values in and out are plain Python: str, int, float, bool, list, dict; `bytes` for blobs
  (already decoded from base64); timezone-aware `datetime` for timestamps. Responses are dicts
  with the members in the API's order; members AWS would omit are omitted.
- Every failure raises an `awslocal_cli.errors.AwsError` subclass with AWS's code and message.
  Validation happens here, not in the CLI, so every caller gets it.
- No click, no printing. Heavy imports (cryptography) are made inside the functions that need
  them, so a command that needs none starts fast.
- State goes through `ctx.db` (one write transaction per invocation, opened on first use) and
  the query modules in `awslocal_cli.store`; time comes from `ctx.now()` / `ctx.time()`.
"""
