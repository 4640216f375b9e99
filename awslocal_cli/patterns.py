"""Regular expressions compiled on first use, not at import.

A module-level `re.compile` runs on every command that imports the module, needed or not (a
pattern costs up to a millisecond to compile). `Pattern` is a stand-in with the methods of a
compiled pattern that compiles it the first time one is called.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from typing import Any


class Pattern:
    """`re.compile(pattern)`, deferred: compiled on the first match, search, sub, ..."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern  # flags, if any, inline: (?s), (?i), ...
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            import re

            self._compiled = re.compile(self.pattern)
        return self._compiled

    def match(self, string: str, *args: Any) -> re.Match[str] | None:
        return self.compiled().match(string, *args)

    def fullmatch(self, string: str, *args: Any) -> re.Match[str] | None:
        return self.compiled().fullmatch(string, *args)

    def search(self, string: str, *args: Any) -> re.Match[str] | None:
        return self.compiled().search(string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.compiled().sub(repl, string, count)

    def __getattr__(self, name: str) -> Any:  # findall, finditer, split, groups, ...
        return getattr(self.compiled(), name)
