"""Typed errors. The CLI maps every :class:`DedupError` to exit code 2 and one line on stderr.

Errors cross process boundaries (a worker's ``--strict`` stop), so each one pickles with the
arguments it was built from, not with its formatted message.
"""

from __future__ import annotations

from typing import Any


class DedupError(Exception):
    """Base class of every error dedup raises on purpose."""


class InputError(DedupError):
    """An input could not be read or parsed.

    The message names the path and, when known, the 1-based line.
    """

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.reason, self.line))


class ConfigError(DedupError):
    """A configuration value is out of range or of the wrong type.

    ``field`` is the setting's name (:data:`dedup.config.SETTING`), ``reason`` says what is
    wrong with ``value`` and quotes it: the CLI names the setting as the user wrote it (the
    option, or the ``[tool.dedup]`` key and its file) in front of ``reason``.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.value, self.reason))


class ConfigFileError(DedupError):
    """A configuration file cannot be read, or its ``[tool.dedup]`` table is wrong.

    The message names the file as the user knows it (the path given with ``--config``, or the
    ``pyproject.toml`` found) and, when it is about one, the key as written there.
    """

    def __init__(self, path: str, reason: str, key: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.key = key
        where = f"{path}: [tool.dedup] {key}" if key is not None else path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.reason, self.key))


class MissingPathError(DedupError):
    """Paths given that name nothing: a file or directory that does not exist, or a pattern
    that matches no file. The one message names each, with why."""

    def __init__(self, missing: tuple[tuple[str, str], ...]) -> None:
        self.missing = missing
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in missing))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.missing,))
