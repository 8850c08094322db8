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
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from dedup.config import (
    DEFAULT_BASELINE,
    DEFAULT_INDEX,
    SETTING,
    SETTING_BY_KEY,
    SETTINGS,
    ScanConfig,
    Setting,
    file_name,
    find_pyproject,
    read_pyproject,
    read_settings,
    shown,
)
from dedup.config import build_config as config_from
from dedup.errors import ConfigError, ConfigFileError, DedupError
from dedup.escape import printable
from dedup.io.files import write_atomic
from dedup.output import emit

if TYPE_CHECKING:
    from dedup.output.report import ScanReport

#: ``--color`` values (:func:`dedup.output.console.output_console`).
COLORS = ("auto", "always", "never")


class RunError(click.ClickException):
    """A runtime error: exit status 2, like a usage error, never 1 (1 means findings)."""

    exit_code = 2


#: An unexpected error's message is cut to this many characters (it may quote a whole text).
INTERNAL_MESSAGE_CHARS = 200


def _fail(exc: BaseException, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    if isinstance(exc, ConfigError):
        message = _config_message(exc)
    elif isinstance(exc, DedupError):
        message = str(exc)
    else:
        detail = str(exc)
        if len(detail) > INTERNAL_MESSAGE_CHARS:
            detail = detail[:INTERNAL_MESSAGE_CHARS] + " …"
        message = f"internal error: {type(exc).__name__}: {detail} (--debug shows where)"
    raise RunError(printable(message)) from None


def _config_message(exc: ConfigError) -> str:
    """A bad setting, named as the user gave it: the ``[tool.dedup]`` key and its file when
    the value came from there, the option when it came from the command line."""
    ctx = click.get_current_context(silent=True)
    setting = SETTING.get(exc.field)
    if ctx is None or setting is None:
        return str(exc)
    source = ctx.get_parameter_source(setting.name)
    path, written = ctx.meta.get(CONFIG_FILE, (None, {}))
    if source is ParameterSource.DEFAULT_MAP and path is not None:
        return str(ConfigFileError(path, exc.reason, written.get(setting.name, setting.key)))
    if source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        return f"{setting.option.split('/')[0]}: {exc.reason}"
    return f"{setting.key}: {exc.reason}"


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


def check_report_options(options: dict[str, Any]) -> None:
    """Usage errors of the report's options (a bad selector, two formats on standard
    output), said before a scan runs rather than after."""
    selectors(options)
    reporters(options)


def finish_report(report: ScanReport, baseline_path: str | None, options: dict[str, Any]) -> None:
    """What every command that reports does to its report before it is written: the
    baseline, then ``--select``/``--ignore``/``--fail-on`` and the allow marker."""
    from dedup.app.baseline import apply_baseline

    apply_baseline(report, baseline_path, from_config_file("baseline_path"))
    narrow_report(report, options)


def narrow_report(report: ScanReport, options: dict[str, Any]) -> None:
    """``--select``/``--ignore``/``--fail-on`` and the allow marker (see
    :mod:`dedup.app.selection`)."""
    from dedup.app import selection

    selection.select(report, selectors(options), selection.allow_marks())


def selectors(options: dict[str, Any]) -> Any:
    """The :class:`~dedup.app.selection.Selection` of the options (a bad selector is a
    usage error naming its option)."""
    from dedup.app.selection import Selection

    try:
        return Selection.of(options["select"], options["ignore"], options["fail_on"])
    except ConfigError as exc:
        raise RunError(printable(f"--{exc.field}: {shown(exc.value)} {exc.reason}")) from None


def reporters(options: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Each ``--format`` with the ``--output-file`` that follows it on the command line
    (None: standard output). At most one goes to standard output."""
    formats = list(options["fmt"]) or ["text"]
    files: list[str | None] = [None] * len(formats)
    given = list(options["output_file"])
    raw = click.get_current_context().meta.get(RAW_ARGS)
    if raw is not None and any(_option_of(a) == "--format" for a in raw):
        seen = -1
        for arg in raw:
            name = _option_of(arg)
            if name == "--format":
                seen += 1
            elif name == "--output-file" and given:
                target = max(seen, 0)
                if target >= len(files) or files[target] is not None:
                    raise click.UsageError("each --output-file follows the --format it writes")
                files[target] = given.pop(0)
    else:
        for i in range(min(len(given), len(files))):
            files[i] = given.pop(0)
    if given:
        raise click.UsageError("more --output-file than --format options")
    if sum(f is None for f in files) > 1:
        raise click.UsageError(
            "several formats would write to standard output: give --output-file after "
            "all of them but one"
        )
    return list(zip(formats, files, strict=True))


def _option_of(arg: str) -> str | None:
    name = arg.split("=", 1)[0]
    return {"--format": "--format", "--output-file": "--output-file", "-o": "--output-file"}.get(
        name
    )


#: Where :class:`DedupCommand` keeps the arguments as given (the order of --format and
#: --output-file is theirs).
RAW_ARGS = "dedup.raw_args"


#: Help sections, in the order ``--help`` shows them.
HELP_GROUPS = (
    "Output",
    "Selection",
    "Index",
    "Clean",
    "Input",
    "Candidates",
    "Verification",
    "Boilerplate",
    "Run",
    "Options",
)
#: The section of each setting's options, by the part of the config that holds it.
_SECTION_GROUP = {
    "load": "Input",
    "minhash": "Candidates",
    "verify": "Verification",
    "boilerplate": "Boilerplate",
    None: "Run",
}
_OPTION_GROUP = {
    **dict.fromkeys(("fmt", "output_file", "color", "timings", "stdin_filename"), "Output"),
    **dict.fromkeys(
        ("check", "select", "ignore", "fail_on", "exit_zero", "baseline_path"), "Selection"
    ),
    **dict.fromkeys(("index_location", "update_index", "corpus_roots"), "Index"),
    **dict.fromkeys(
        (
            "out_dir",
            "in_place",
            "manifest_path",
            "dry_run",
            "drop_cross_article_repeats",
            "keep_duplicates",
        ),
        "Clean",
    ),
}


def help_group(param: click.Parameter) -> str:
    """The ``--help`` section of an option."""
    name = param.name or ""
    if name in _OPTION_GROUP:
        return _OPTION_GROUP[name]
    setting = SETTING.get(name)
    return _SECTION_GROUP[setting.section] if setting is not None else "Options"


class DedupCommand(click.Command):
    """A command whose ``--help`` shows its options in sections (:data:`HELP_GROUPS`),
    and whose ``--output-file`` options pair with the ``--format`` before them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[RAW_ARGS] = list(args)
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                rows.setdefault(help_group(param), []).append(record)
        for group in HELP_GROUPS:
            if group in rows:
                with formatter.section(group):
                    formatter.write_dl(rows[group])


class DedupGroup(click.Group):
    """The command groups: their commands are :class:`DedupCommand`, their groups alike."""

    command_class = DedupCommand
    group_class = type


def hide_options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Leave the options ``names`` out of a command's ``--help`` (they still work: a value
    from ``[tool.dedup]`` shared with other commands is taken as it is). Apply it right
    under the command's decorator."""

    def hide(func: Callable[..., Any]) -> Callable[..., Any]:
        for param in getattr(func, "__click_params__", []):
            if param.name in names:
                param.hidden = True
        return func

    return hide


#: Settings that do not change what an index stores: left out of the index commands' help.
NOT_INDEXED = (*(s.name for s in SETTINGS if s.section == "verify"), "prefer_sources")


def _refuse_inputs_as_outputs(report: ScanReport, paths: list[str]) -> None:
    """An ``--output-file`` never replaces an article read (input files change only with
    ``clean --in-place``), and two reports never go to one file."""
    read = {os.path.normpath(path) for path, _ in report.read}
    seen: list[str] = []
    for path in paths:
        # A file that does not exist yet is no input; one that does may be an input spelled
        # otherwise (a symlink, ../x), which only its identity tells.
        exists = os.path.exists(path)
        if os.path.normpath(path) in read or (exists and any(_same(path, r) for r in read)):
            raise click.UsageError(f"--output-file {printable(path)} is an input: not overwritten")
        if any(
            _same(path, other) or os.path.normpath(path) == os.path.normpath(other)
            for other in seen
        ):
            raise click.UsageError(f"--output-file {printable(path)} is given twice")
        seen.append(path)


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def emit_report(report: ScanReport, options: dict[str, Any], title: str = "dedup scan") -> int:
    """Warnings on stderr, the report in each format asked for (standard output, or its
    ``--output-file``, written atomically); the exit code.

    rich is imported only when there is something for it to render: a check with nothing to
    say in a machine format answers without paying for it.
    """
    outputs = reporters(options)
    _refuse_inputs_as_outputs(report, [path for _, path in outputs if path is not None])
    color = options["color"]
    warnings = emit.report_warnings(report, options["quiet"])
    texts = [path for fmt, path in outputs if fmt == "text"]
    if texts or warnings or options["timings"]:
        from dedup.output import console

        err = console.error_console(color)
        console.print_warnings(err, warnings)
    for fmt, path in outputs:
        if path is not None:
            pieces: list[str] = []
            if fmt == "text":
                buffer = io.StringIO()
                console.render_report(console.output_console(file=buffer), report, title)
                pieces.append(buffer.getvalue())
            else:
                emit.write_report(report, fmt, options["timings"], pieces.append)
            write_atomic(Path(path), "".join(pieces).encode("utf-8", "backslashreplace"))
            continue
        with writing_stdout():
            if fmt == "text":
                console.render_report(console.output_console(color), report, title)
            else:
                emit.write_report(report, fmt, options["timings"], sys.stdout.write)
    if options["timings"] and not options["quiet"]:
        console.print_timings(err, report.timings)
    if options["exit_zero"]:
        return 0
    return report.return_code(options["check"])


# --------------------------------------------------------------------------- options

#: The options of commands, beside the settings, that ``[tool.dedup]`` may set: a project's
#: report format, its baseline and its index. The options that say what one run does
#: (``--check``, ``--quiet``, ``--debug``, ``--timings``, ``--out``, ``--dry-run`` ...) are not
#: keys: a value in the file could not be undone on the command line, as most of them are
#: flags without an opposite.
COMMAND_KEYS = ("format", "baseline", "index")
#: Of those, the ones that name a file (read relative to the configuration file).
_PATH_KEYS = ("baseline", "index")
#: ``ctx.meta`` key: the configuration file read (as messages name it) and its keys as
#: written, by parameter name.
CONFIG_FILE = "dedup.config_file"


def _options_by_key(command: click.Command) -> dict[str, click.Option]:
    """The options of ``command`` by their long name without dashes (a ``[tool.dedup]`` key)."""
    return {
        opt.removeprefix("--"): p
        for p in command.params
        if isinstance(p, click.Option)
        for opt in p.opts
        if opt.startswith("--")
    }


def _commands(command: click.Command) -> Iterator[click.Command]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def file_keys(root: click.Command) -> dict[str, Setting]:
    """Every key ``[tool.dedup]`` may hold, as a :class:`~dedup.config.Setting` to check its
    value against: each setting's, and :data:`COMMAND_KEYS`, typed as the commands under
    ``root`` take them (``format``: any format of any command)."""
    keys = dict(SETTING_BY_KEY)
    for key in COMMAND_KEYS:
        options = [o for c in _commands(root) if (o := _options_by_key(c).get(key))]
        choices = [c for o in options if isinstance(o.type, click.Choice) for c in o.type.choices]
        keys[key] = Setting(
            name=key,
            section=None,
            type=str,
            default=None,
            help=options[0].help or "",
            option=f"--{key}",
            choices=tuple(dict.fromkeys(map(str, choices))) or None,
            path=key in _PATH_KEYS,
        )
    return keys


#: Where ``--config`` leaves the folder of the pyproject.toml read (click's ``ctx.meta``):
#: exclude patterns with a slash are relative to it.
PROJECT_ROOT = "dedup.project_root"


def _load_config_file(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Eager callback: ``[tool.dedup]`` values become option defaults (black's pattern), once
    every one is checked (:func:`dedup.config.read_settings`). A key of another command's
    option (``index`` for ``scan``), or a format this command does not write, is left to it."""
    try:
        path = Path(value) if value else find_pyproject(Path.cwd())
        if path is None:
            return value
        keys = file_keys(ctx.find_root().command)
        values = read_settings(path, read_pyproject(path), keys)
    except DedupError as exc:
        _fail(exc, debug=False)
    ctx.meta[PROJECT_ROOT] = str(path.resolve().parent)
    here = _options_by_key(ctx.command)
    defaults: dict[str, Any] = {}
    for key, (_, item) in values.items():
        option, setting = here.get(key), keys[key]
        if option is None or option.name is None:
            continue
        if isinstance(option.type, click.Choice) and item not in option.type.choices:
            continue
        if setting.comma:
            item = ",".join(item)
        elif setting.multiple:
            item = list(item)
        if option.multiple and isinstance(item, str):  # format = "json": one report
            item = [item]
        defaults[option.name] = item
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    written = {keys[key].name: spelled for key, (spelled, _) in values.items()}
    ctx.meta[CONFIG_FILE] = (file_name(path), written)
    return value


def from_config_file(name: str) -> bool:
    """Whether the value of the current command's parameter ``name`` is the configuration
    file's."""
    source = click.get_current_context().get_parameter_source(name)
    return source is ParameterSource.DEFAULT_MAP


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
                multiple=True,
                default=("text",),
                show_default=True,
                help="Report format; repeat it, each with its --output-file, for several.",
            ),
            click.option(
                "-o",
                "--output-file",
                "output_file",
                multiple=True,
                type=click.Path(dir_okay=False),
                help="Write the report of the --format before it to FILE (atomically).",
            ),
            click.option(
                "--color",
                type=click.Choice(COLORS),
                default="auto",
                show_default=True,
                help="Colors in the text report: auto (on a terminal, unless NO_COLOR is set).",
            ),
            click.option("--check", is_flag=True, help="Exit 1 if there is any finding."),
            click.option(
                "--select",
                multiple=True,
                metavar="SELECTORS",
                help="Report only these: kinds (near_document...), groups (document, "
                "paragraph, boilerplate), codes (DEDUP001...) or pattern ids (fr/read-more).",
            ),
            click.option(
                "--ignore",
                multiple=True,
                metavar="SELECTORS",
                help="Leave these out of the report (same selectors as --select).",
            ),
            click.option(
                "--fail-on",
                "fail_on",
                multiple=True,
                metavar="SELECTORS",
                help="With --check: only these findings fail the run (default: any finding).",
            ),
            click.option(
                "--exit-zero",
                is_flag=True,
                help="Exit 0 even when there are findings (errors still exit 2).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
            click.option(
                "--timings",
                is_flag=True,
                help="Show per-stage timings (on stderr; in the JSON report too, which then "
                "varies between runs).",
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


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``: the file whose ``[tool.dedup]`` gives the options' defaults."""
    return click.option(
        "--config",
        type=click.Path(dir_okay=False),
        is_eager=True,
        expose_value=False,
        callback=_load_config_file,
        help="pyproject.toml to read [tool.dedup] from (default: the nearest).",
    )(func)


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, and one option per setting (:data:`dedup.config.SETTINGS`): everything
    :func:`scan_config` reads."""
    return _apply([config_option, *(_setting_option(s) for s in SETTINGS)], func)


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


def scan_config(o: dict[str, Any]) -> ScanConfig:
    """The one ScanConfig, from option values. The dataclasses validate them: a bad value
    raises :class:`~dedup.errors.ConfigError`, which the error boundary names as the user
    gave it (option, or key and file)."""
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


def baseline_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--baseline",
        "baseline_path",
        type=click.Path(dir_okay=False),
        help="Accepted findings to leave out (default: .dedup-baseline.jsonl, if it exists).",
    )(func)


def baseline_target_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--baseline FILE`` of a command that writes the baseline."""
    return click.option(
        "--baseline",
        "baseline_path",
        type=click.Path(dir_okay=False),
        default=DEFAULT_BASELINE,
        show_default=True,
        help=help,
    )


def summary_format_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format text|json`` of a command that prints a summary, not a report."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


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
            summary_format_option("Format of the summary on stdout."),
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
            summary_format_option("Format of the figures on stdout."),
            click.option("-q", "--quiet", is_flag=True, help="No warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
        ],
        func,
    )
