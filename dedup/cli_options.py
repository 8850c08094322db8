"""The click side of the CLI, apart from the commands themselves (:mod:`dedup.cli`): the one
error boundary; the standard streams (and a scan's report on them); the options: one per
setting of :data:`dedup.config.SETTINGS`, with ``[tool.dedup]`` read as their defaults, and
the options of each command.

The error boundary is here and only here: a :class:`~dedup.errors.DedupError` becomes one
line on stderr and exit status 2; usage errors are click's (also 2); anything unexpected is
one line too, with the traceback only under ``--debug``. Exit 1 is reserved for findings under
``--check``.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from dedup.config import (
    DEFAULT_INDEX,
    SETTINGS,
    ScanConfig,
    Setting,
    find_pyproject,
    read_pyproject,
)
from dedup.config import build_config as config_from
from dedup.errors import ConfigError, DedupError
from dedup.escape import printable
from dedup.output import emit

if TYPE_CHECKING:
    from dedup.output.report import ScanReport


class RunError(click.ClickException):
    """A runtime error: exit status 2, like a usage error, never 1 (1 means findings)."""

    exit_code = 2


#: An unexpected error's message is cut to this many characters (it may quote a whole text).
INTERNAL_MESSAGE_CHARS = 200


def _fail(exc: BaseException, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    if isinstance(exc, DedupError):
        message = str(exc)
    else:
        detail = str(exc)
        if len(detail) > INTERNAL_MESSAGE_CHARS:
            detail = detail[:INTERNAL_MESSAGE_CHARS] + " …"
        message = f"internal error: {type(exc).__name__}: {detail} (--debug shows where)"
    raise RunError(printable(message)) from None


def error_boundary(func: Callable[..., int | None]) -> Callable[..., None]:
    """The one error boundary: every command's body runs in it and returns its exit code
    (0 clean, 1 findings with ``--check``; None is 0). A :class:`~dedup.errors.DedupError`
    becomes one line on stderr and exit 2; anything else "internal error" and exit 2
    (``--debug``: with its traceback); usage errors are click's (exit 2)."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            _fail(exc, bool(kwargs.get("debug")))
        click.get_current_context().exit(code or 0)

    return run


# --------------------------------------------------------------------------- streams


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Writing to stdout: a reader that goes away (``| head``) is not an error. What it did
    not read is dropped quietly, as the CPython docs recommend (``signal`` "Note on
    SIGPIPE"), and the exit status stays the run's own."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def configure_streams() -> None:
    """Lone surrogates (undecodable bytes kept in file names and ids) are written as
    ``\\udcXX`` escapes, which is also what a JSON parser reads back as the same string."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):  # a stream that cannot change stays as it is
                reconfigure(errors="backslashreplace")


def require_paths(paths: tuple[str, ...]) -> None:
    """Every path names something (:func:`dedup.io.inputs.require_paths`): checked first,
    before standard input is read or an index is opened."""
    from dedup.io.inputs import require_paths as require

    require(paths)


def read_stdin(paths: tuple[str, ...]) -> bytes | None:
    """The bytes on standard input when ``-`` is among ``paths``."""
    from dedup.io.inputs import STDIN

    return sys.stdin.buffer.read() if STDIN in paths else None


def emit_report(report: ScanReport, options: dict[str, Any]) -> int:
    """Warnings on stderr, the report on stdout in the format asked for; the exit code.

    rich is imported only when there is something for it to render: a check with nothing to
    say in a machine format answers without paying for it.
    """
    fmt = options["fmt"]
    warnings = emit.report_warnings(report, options["quiet"])
    if fmt == "text" or warnings:
        from dedup.output import console

        err = console.error_console()
        console.print_warnings(err, warnings)
    with writing_stdout():
        if fmt == "text":
            console.render_report(console.output_console(), report)
        else:
            emit.write_report(report, fmt, options["timings"], sys.stdout.write)
    if fmt == "text" and not options["quiet"]:
        console.print_timings(err, report.timings)
    return report.return_code(options["check"])


# --------------------------------------------------------------------------- options

#: The option (parameter) name of each [tool.dedup] key of a setting.
NAME_OF_KEY = {s.key: s.name for s in SETTINGS}
#: The settings given by repeating their option (a list in [tool.dedup]).
MULTIPLE = {s.name for s in SETTINGS if s.multiple}
#: Where ``--config`` leaves the folder of the pyproject.toml read (click's ``ctx.meta``).
PROJECT_ROOT = "dedup.project_root"


def _load_config_file(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Eager callback: ``[tool.dedup]`` values become option defaults (black's pattern)."""
    path = Path(value) if value else find_pyproject(Path.cwd())
    if path is None:
        return value
    try:
        table = read_pyproject(path)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param_hint="--config") from None
    ctx.meta[PROJECT_ROOT] = str(path.resolve().parent)
    known = {p.name for p in ctx.command.params}
    root = ctx.find_root().command
    # A key another command takes (``check`` for scan) is not an error for this one.
    anywhere = {
        p.name
        for c in getattr(root, "commands", {ctx.command.name: ctx.command}).values()
        for p in c.params
    }
    defaults = {}
    for key, item in table.items():
        name = NAME_OF_KEY.get(key, key.replace("-", "_"))
        if name in anywhere - known:
            continue
        if name not in known or name in ("paths", "config"):
            raise click.BadParameter(
                f"{path}: unknown key [tool.dedup] {key}", ctx=ctx, param_hint="--config"
            )
        if name in MULTIPLE and isinstance(item, str):
            item = [item]  # one pattern, or a comma-separated list of them
        defaults[name] = item
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


def _apply(options: list[Callable[..., Any]], func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(options):
        func = option(func)
    return func


def _run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of commands that report findings (output format, --check, inputs)."""
    return _apply(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(emit.FORMATS),
                default="text",
                show_default=True,
                help="Output format on stdout.",
            ),
            click.option("--check", is_flag=True, help="Exit 1 if there is any finding."),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
            click.option(
                "--timings",
                is_flag=True,
                help="Add per-stage timings to JSON output (makes it vary between runs).",
            ),
            click.option(
                "--stdin-filename",
                default="-",
                show_default=True,
                help="Name to report for an article read from '-'.",
            ),
        ],
        func,
    )


def scan_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of commands that scan: the run options, then the configuration."""
    return _run_options(config_options(func))


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, and one option per setting (:data:`dedup.config.SETTINGS`): everything
    :func:`scan_config` reads."""
    options = [
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            is_eager=True,
            expose_value=False,
            callback=_load_config_file,
            help="pyproject.toml to read [tool.dedup] from (default: the nearest).",
        ),
        *(_setting_option(s) for s in SETTINGS),
    ]
    return _apply(options, func)


def _setting_option(s: Setting) -> Callable[..., Any]:
    """The click option of one setting."""
    kind: Any = {int: click.INT, float: click.FLOAT, str: click.STRING}.get(s.type, click.STRING)
    default = s.default
    if s.choices:
        kind = click.Choice(s.choices)
    elif s.open_unit:
        kind = click.FloatRange(0.0, 1.0, min_open=True, max_open=True)
    elif s.path:
        kind, default = click.Path(dir_okay=False), s.default or None
    elif s.comma and not s.multiple:
        default = ",".join(s.default)
    if s.type is bool and "/" in s.option:  # --learn/--no-learn
        return click.option(s.option, s.name, default=default, show_default=True, help=s.help)
    if s.type is bool:
        return click.option(s.option, s.name, is_flag=True, default=default, help=s.help)
    return click.option(
        s.option,
        s.name,
        type=kind,
        default=default,
        multiple=s.multiple,
        show_default=default is not None and default != () and not s.open_unit,
        help=s.help,
    )


def build_config(o: dict[str, Any]) -> ScanConfig:
    """The one ScanConfig, from option values (validation happens in the dataclasses)."""
    values = {s.name: o[s.name] for s in SETTINGS if s.name in o}
    for s in SETTINGS:
        if s.name in values and s.comma and s.multiple:
            values[s.name] = tuple(
                x.strip() for item in values[s.name] for x in str(item).split(",") if x.strip()
            )
        elif s.name in values and s.comma:
            values[s.name] = tuple(x.strip() for x in str(values[s.name]).split(",") if x.strip())
        elif s.name in values and s.path:
            values[s.name] = values[s.name] or ""
        elif s.name in values and s.multiple:
            values[s.name] = tuple(values[s.name])
    ctx = click.get_current_context(silent=True)
    return config_from(values, ctx.meta.get(PROJECT_ROOT, "") if ctx else "")


def scan_config(options: dict[str, Any]) -> ScanConfig:
    """:func:`build_config`, with a bad value reported as a usage error (exit 2)."""
    try:
        return build_config(options)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


def baseline_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--baseline",
        "baseline_path",
        type=click.Path(dir_okay=False),
        help="Accepted findings to leave out (default: .dedup-baseline.jsonl, if it exists).",
    )(func)


def index_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index_location",
        default=DEFAULT_INDEX,
        show_default=True,
        help="The index: a SQLite file, or redis://host:port/db[?prefix=NAME].",
    )(func)


def index_options(func: Callable[..., Any]) -> Callable[..., Any]:
    return _apply(
        [
            click.argument("paths", nargs=-1, required=True),
            index_option,
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "json"]),
                default="text",
                help="Summary format on stdout.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
            config_options,
        ],
        func,
    )


def clean_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of ``dedup clean``: where the canonical corpus goes, and what it keeps."""
    return _apply(
        [
            click.option(
                "--out",
                "out_dir",
                type=click.Path(file_okay=False, path_type=Path),
                help="Directory for the canonical corpus (mirrors the input layout).",
            ),
            click.option(
                "--in-place", is_flag=True, help="Rewrite the input files instead (atomically)."
            ),
            click.option(
                "--manifest",
                "manifest_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Manifest file (default: OUT/manifest.jsonl, or dedup-manifest.jsonl with "
                "--in-place).",
            ),
            click.option(
                "--dry-run", is_flag=True, help="Write nothing; print a diff per changed file."
            ),
            click.option(
                "--drop-cross-article-repeats",
                is_flag=True,
                help="Also drop a paragraph repeated in another kept article (kept by default).",
            ),
            click.option(
                "--keep-duplicates",
                is_flag=True,
                help="Keep every article: remove only repeated paragraphs and boilerplate lines.",
            ),
        ],
        func,
    )


def eval_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of ``dedup eval``: what the labels hold, what to measure, a verifier to fit."""
    return _apply(
        [
            click.option(
                "--task",
                type=click.Choice(["auto", "pairs", "clusters", "lines"]),
                default="auto",
                show_default=True,
                help="What LABELS holds (auto: from its fields: label, cluster or boilerplate).",
            ),
            click.option(
                "--level",
                type=click.Choice(["paragraph", "document"]),
                default="paragraph",
                show_default=True,
                help="Pairs: compare them as paragraphs (near_paragraph) or articles "
                "(near_document).",
            ),
            click.option(
                "--metric",
                type=click.Choice(["f1", "accuracy", "ari"]),
                help="What the sweep maximises (default: ari for clusters, f1 otherwise).",
            ),
            click.option(
                "--fit-verifier",
                "fit_to",
                type=click.Path(dir_okay=False),
                help="Document pairs: fit a verifier on LABELS and write it to FILE (JSON, for "
                "--verifier); the figures are then of held-out probabilities (5 folds by story).",
            ),
            click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text"),
            click.option("-q", "--quiet", is_flag=True, help="No warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
        ],
        func,
    )
