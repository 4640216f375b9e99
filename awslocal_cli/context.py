"""The Context of one run: region, account, caller principal, clock and the open state.

One Session per invocation holds the store, the clock and the pending audit events; Contexts
are cheap views of it (a region, a caller), so a service acting for a user (SQS calling KMS)
or as itself (SNS delivering to SQS) derives a new Context instead of passing flags around.
"""

from __future__ import annotations

import os

from awslocal_cli.clock import Clock
from awslocal_cli.errors import CliError, ConfigurationError
from awslocal_cli.parking import Parked

__all__ = ["Context", "Parked", "Session"]

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing, pathlib and collections cost start-up time; annotations only
    import sqlite3
    from collections.abc import Callable, Mapping
    from datetime import datetime
    from pathlib import Path
    from typing import Any

    from awslocal_cli.store import Store, StorePool

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_PROFILE = "default"
_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _valid_region(region: str) -> bool:
    return bool(region) and set(region) <= _REGION_CHARS and "" not in region.split("-")


def read_profile_region(profile: str, environ: Mapping[str, str]) -> str | None:
    """The region of a profile in the shared config files (AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE honoured), if any; a missing profile has none."""
    from awslocal_cli.config import SharedConfig

    value = SharedConfig(environ).profiles().get(profile, {}).get("region")
    return value.strip() or None if isinstance(value, str) else None


def pinned_clock(text: str) -> Clock:
    """The clock AWSLOCAL_NOW pins; ConfigurationError (exit 253) when it is not a time."""
    from awslocal_cli.clock import parse_timestamp

    try:
        return Clock.pinned(parse_timestamp(text))
    except ValueError as exc:
        raise ConfigurationError(f"AWSLOCAL_NOW: {exc}") from None


def resolve_profile_and_region(
    profile: str | None, region: str | None, environ: Mapping[str, str]
) -> tuple[str, str]:
    """The caller's profile and region, as every front door resolves them.

    Profile: the one named, AWS_PROFILE, AWS_DEFAULT_PROFILE, `default`. Region: the one
    named, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` in ~/.aws/config, then
    us-east-1 (where the AWS CLI would fail with NoRegion).
    """
    profile = (
        profile
        or environ.get("AWS_PROFILE")
        or environ.get("AWS_DEFAULT_PROFILE")
        or DEFAULT_PROFILE
    )
    region = (
        region
        or environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or read_profile_region(profile, environ)
        or DEFAULT_REGION
    )
    return profile, region


class Session:
    """What one invocation opens once: the state store, the clock, pending audit events."""

    # Run once the store is open, when this session's opening created the state: the front
    # door hands in AWSLOCAL_SEED's application here (awslocal_cli.dispatch.open_context).
    on_create: Callable[[Session], None] | None = None

    def __init__(
        self,
        state_dir: str | Path | None = None,
        *,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
        stores: StorePool | None = None,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._state_dir = state_dir
        self._store: Store | None = None
        # A long-lived front door's open stores (awslocal serve, an SDK session): the store
        # comes from there and goes back there, instead of being opened and closed.
        self._stores = stores
        # Set by a front door that can park a waiting request without holding its thread
        # (awslocal serve): ReceiveMessage then raises Parked instead of sleeping, and is run
        # again with `wait_deadline` (time.monotonic()) when woken.
        self.can_park = False
        self.wait_deadline: float | None = None
        self._clock = clock
        self.pending_events: list[dict[str, Any]] = []
        # Work to do once the invocation has committed and printed its answer (SNS's HTTP
        # requests): each callable takes the invocation's Context and runs in transactions of
        # its own.
        self.deferred: list[Callable[[Context], None]] = []
        # Values worth computing once per invocation (e.g. SNS's unwrapped signing key).
        self.memo: dict[Any, Any] = {}

    @property
    def state_dir(self) -> Path:
        """--state-dir, then AWSLOCAL_STATE_DIR, then the platform default (resolved lazily)."""
        from pathlib import Path

        from awslocal_cli.store import resolve_state_dir

        if not isinstance(self._state_dir, Path):
            self._state_dir = resolve_state_dir(
                None if self._state_dir is None else str(self._state_dir), self._environ
            )
        return Path(self._state_dir)

    @property
    def state_path(self) -> str:
        """`state_dir` as a string, resolved once: the hot path needs no pathlib."""
        from awslocal_cli.store import state_dir_path

        self._state_dir = state_dir_path(
            None if self._state_dir is None else os.fspath(self._state_dir), self._environ
        )
        return self._state_dir

    @property
    def store(self) -> Store:
        """The store, opened on first use, inside this invocation's write transaction."""
        if self._store is None:
            from awslocal_cli.store import DB_NAME

            created = self.on_create is not None and not os.path.exists(
                os.path.join(self.state_path, DB_NAME))
            if self._stores is not None:
                self._store = self._stores.acquire()
            else:
                from awslocal_cli.store import Store

                self._store = Store.open(self.state_path)
            if created and self.on_create is not None:
                self.on_create(self)
        self._store.begin()
        return self._store

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            pinned = self._environ.get("AWSLOCAL_NOW")
            if pinned:
                self._clock = pinned_clock(pinned)
            else:
                offset = self.store.clock_offset()
                import time

                from awslocal_cli.clock import check_epoch

                try:
                    check_epoch(time.time() + offset)
                except ValueError as exc:
                    raise ConfigurationError(
                        f"The stored clock offset ({offset} s): {exc}. Run `awslocal local "
                        "clock reset`."
                    ) from None
                self._clock = Clock(offset)
        return self._clock

    def checkpoint(self) -> None:
        """Commit what the invocation did so far and release the write lock.

        For long waits (ReceiveMessage's WaitTimeSeconds): the next use of `store`/`db` opens
        a new transaction, so other processes can send while this one waits.
        """
        if self._store is not None:
            if self.pending_events:
                from awslocal_cli.store import events

                for event in self.pending_events:
                    events.append(self._store.conn, event)
                self.pending_events.clear()
            self._store.commit()

    def finish(self, ok: bool) -> None:
        """Commit (or roll back) the transaction; audit events are kept either way."""
        if self._store is None:
            return
        if not ok:
            self._store.rollback()
        if self.pending_events:
            from awslocal_cli.store import events

            self._store.begin()
            for event in self.pending_events:
                events.append(self._store.conn, event)
            self.pending_events.clear()
        self._store.commit()
        self._store.give_back_space()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        """One invocation ends: commit on success, roll back on failure; close either way."""
        try:
            self.finish(exc_type is None)
        finally:
            self.close()

    def run_deferred(self, context: Context) -> None:
        """Run the deferred work, each piece committed on its own; close the store after."""
        try:
            while self.deferred:
                self.deferred.pop(0)(context)
                self.finish(True)
        finally:
            self.close()

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            if self._stores is not None:
                self._stores.release(store)
            else:
                store.close()


class Context:
    """Who is calling, where: the region, the account and the caller principal of a request."""

    def __init__(
        self,
        session: Session,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        profile: str = DEFAULT_PROFILE,
        principal: str | None = None,
        via_service: str | None = None,
        source_arn: str | None = None,
        source_account: str | None = None,
    ) -> None:
        self.session = session
        self.region = region
        self.account = account
        self.profile = profile
        # An IAM ARN for users; a service principal (sqs.amazonaws.com) when a service acts
        # as itself.
        self.principal = principal or f"arn:aws:iam::{account}:user/{profile}"
        self.via_service = via_service
        self.source_arn = source_arn
        self.source_account = source_account

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_options(
        cls,
        *,
        region: str | None = None,
        profile: str | None = None,
        state_dir: str | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        stores: StorePool | None = None,
    ) -> Context:
        """Resolve region, account, caller and state directory as ARCHITECTURE.md describes.

        Departs from AWS: with no region anywhere (option, environment, profile) the region is
        us-east-1, where the AWS CLI fails with NoRegion; a script that runs under `aws` always
        has one, so it behaves the same here.
        """
        env = os.environ if environ is None else environ
        profile, region = resolve_profile_and_region(profile, region, env)
        if not _valid_region(region):
            # botocore's InvalidRegionError, which the AWS CLI prints bare and exits 255 for.
            raise CliError(f"Provided region_name '{region}' doesn't match a supported format.")
        account = env.get("AWSLOCAL_ACCOUNT_ID") or DEFAULT_ACCOUNT
        if not (len(account) == 12 and account.isdigit() and account.isascii()):
            raise ConfigurationError(f"AWSLOCAL_ACCOUNT_ID must be 12 digits, not {account!r}.")
        if clock is None and env.get("AWSLOCAL_NOW"):
            clock = pinned_clock(env["AWSLOCAL_NOW"])  # a bad value fails every command up front
        session = Session(state_dir, clock=clock, environ=env, stores=stores)
        return cls(session, region=region, account=account, profile=profile)

    def derive(self, **changes: Any) -> Context:
        """The same session seen with another region or caller."""
        fields = {
            "region": self.region,
            "account": self.account,
            "profile": self.profile,
            "principal": self.principal,
            "via_service": self.via_service,
            "source_arn": self.source_arn,
            "source_account": self.source_account,
        }
        if "account" in changes and "principal" not in changes:
            fields["principal"] = None
        fields.update(changes)
        return Context(self.session, **fields)

    def as_service(self, service_principal: str, *, source_arn: str | None = None) -> Context:
        """A service acting as itself (e.g. sns.amazonaws.com delivering to a queue)."""
        return self.derive(
            principal=service_principal,
            via_service=None,
            source_arn=source_arn,
            source_account=self.account,
        )

    def via(self, service: str) -> Context:
        """The caller, through a service (kms:ViaService = sqs.<region>.amazonaws.com)."""
        return self.derive(via_service=f"{service}.{self.region}.amazonaws.com")

    # -- identity ----------------------------------------------------------------------------

    @property
    def is_service(self) -> bool:
        return not self.principal.startswith("arn:")

    @property
    def username(self) -> str:
        if self.is_service:
            return self.principal
        return self.principal.rsplit("/", 1)[-1]

    # -- state and time ----------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def db(self) -> sqlite3.Connection:
        return self.session.db

    @property
    def clock(self) -> Clock:
        return self.session.clock

    def now(self) -> datetime:
        return self.session.clock.now()

    def time(self) -> float:
        return self.session.clock.time()

    def record_event(
        self,
        event_source: str,
        event_name: str,
        *,
        resources: list[dict[str, str]] | None = None,
        request: dict[str, Any] | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        read_only: bool = False,
    ) -> None:
        """Append an audit event; it is written even if the request fails and rolls back."""
        from awslocal_cli import ids

        self.session.pending_events.append(
            {
                "event_id": ids.uuid4(),
                "account": self.account,
                "region": self.region,
                "event_time": self.time(),
                "event_source": event_source,
                "event_name": event_name,
                "username": self.username,
                "principal": self.principal,
                "invoked_by": self.via_service,
                "resources": resources or [],
                "request": request or {},
                "error_code": error_code,
                "error_message": error_message,
                "read_only": read_only,
            }
        )
