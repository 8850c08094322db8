"""Command-line interface: options -> one ScanConfig -> pipeline -> rendered report.

The error boundary is here and only here: a :class:`~dedup.errors.DedupError` becomes one
line on stderr and exit status 2; usage errors are click's (also 2); anything unexpected is
one line too, with the traceback only under ``--debug``. Exit 1 is reserved for findings under
``--check``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from dedup import __version__
from dedup.config import (
    DEFAULT_BASELINE,
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
from dedup.io.files import write_atomic
from dedup.records import InputWarning

if TYPE_CHECKING:
    from dedup.output.report import ScanReport

FORMATS = ("text", "json", "jsonl", "github", "sarif")


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


def _command(func: Callable[..., int | None]) -> Callable[..., None]:
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


@contextmanager
def _output() -> Iterator[None]:
    """Writing to stdout: a reader that goes away (``| head``) is not an error. What it did
    not read is dropped quietly, as the CPython docs recommend (``signal`` "Note on
    SIGPIPE"), and the exit status stays the run's own."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _configure_streams() -> None:
    """Lone surrogates (undecodable bytes kept in file names and ids) are written as
    ``\\udcXX`` escapes, which is also what a JSON parser reads back as the same string."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):  # a stream that cannot change stays as it is
                reconfigure(errors="backslashreplace")


#: The option (parameter) name of each [tool.dedup] key of a setting.
NAME_OF_KEY = {s.key: s.name for s in SETTINGS}


def _load_config_file(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Eager callback: ``[tool.dedup]`` values become option defaults (black's pattern)."""
    path = Path(value) if value else find_pyproject(Path.cwd())
    if path is None:
        return value
    try:
        table = read_pyproject(path)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param_hint="--config") from None
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
                type=click.Choice(FORMATS),
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


def _scan_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of commands that scan: the run options, then the configuration."""
    return _run_options(_config_options(func))


def _config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, and one option per setting (:data:`dedup.config.SETTINGS`): everything
    :func:`_config` reads."""
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
    elif s.comma:
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
        if s.name in values and s.comma:
            values[s.name] = tuple(x.strip() for x in str(values[s.name]).split(",") if x.strip())
        elif s.name in values and s.path:
            values[s.name] = values[s.name] or ""
        elif s.name in values and s.multiple:
            values[s.name] = tuple(values[s.name])
    return config_from(values)


def _config(options: dict[str, Any]) -> ScanConfig:
    """:func:`build_config`, with a bad value reported as a usage error (exit 2)."""
    try:
        return build_config(options)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def main() -> None:
    """Find repeated paragraphs, syndicated articles and boilerplate in news corpora."""
    _configure_streams()


def _baseline_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--baseline",
        "baseline_path",
        type=click.Path(dir_okay=False),
        help="Accepted findings to leave out (default: .dedup-baseline.jsonl, if it exists).",
    )(func)


def _index_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index_location",
        default=DEFAULT_INDEX,
        show_default=True,
        help="The index: a SQLite file, or redis://host:port/db[?prefix=NAME].",
    )(func)


def _read_stdin(paths: tuple[str, ...]) -> bytes | None:
    """The bytes on standard input when ``-`` is among ``paths``."""
    from dedup.io.inputs import STDIN

    return sys.stdin.buffer.read() if STDIN in paths else None


def _finish(report: ScanReport, baseline_path: str | None, options: dict[str, Any]) -> int:
    """The baseline applied, then output; the exit code."""
    _apply_baseline(report, baseline_path)
    return _emit(report, options)


def _apply_baseline(report: ScanReport, path: str | None) -> None:
    from dedup.app.baseline import Baseline

    if path is None:
        if not Path(DEFAULT_BASELINE).is_file():
            return
        path = DEFAULT_BASELINE
    Baseline.read(path).apply(report)


def _emit(report: ScanReport, options: dict[str, Any]) -> int:
    """Warnings on stderr, the report on stdout in the format asked for; the exit code.

    rich is imported only when there is something for it to render: a check with nothing to
    say in a machine format answers without paying for it.
    """
    fmt = options["fmt"]
    warnings = [] if options["quiet"] else list(report.warnings)
    if report.baseline is not None and not options["quiet"]:
        warnings += [
            InputWarning(
                report.baseline["path"],
                None,
                f"stale entry {e['key']} ({e['kind']}: {', '.join(e['paths'])}) matches no finding",
            )
            for e in report.baseline["stale"]
        ]
    if fmt == "text" or warnings:
        from dedup.output import console

        err = console.error_console()
        console.print_warnings(err, warnings)
    with _output():
        if fmt == "json":
            report.write_json(sys.stdout.write, options["timings"])
        elif fmt == "jsonl":
            for finding in report.findings:
                sys.stdout.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")
        elif fmt == "github":
            from dedup.output import formats

            sys.stdout.write(formats.render_github(report))
            summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if summary:
                with open(summary, "a", encoding="utf-8", errors="backslashreplace") as handle:
                    handle.write(formats.github_summary(report))
        elif fmt == "sarif":
            from dedup.output import formats

            sys.stdout.write(formats.render_sarif(report))
        else:
            console.render_report(console.output_console(), report)
    if fmt == "text" and not options["quiet"]:
        console.print_timings(err, report.timings)
    return report.return_code(options["check"])


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_baseline_option
@_scan_options
@_command
def scan(paths: tuple[str, ...], baseline_path: str | None, **options: Any) -> int:
    """Report duplicates and boilerplate in PATHS (files, directories, globs, '-')."""
    from dedup.flow.pipeline import scan as run_scan
    from dedup.output import console

    config = _config(options)
    err = console.error_console()
    stdin = _read_stdin(paths)
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        result = run_scan(
            paths,
            config=config,
            stdin=stdin,
            stdin_name=options["stdin_filename"],
            on_progress=on_progress,
        )
    return _finish(result.report, baseline_path, options)


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@_index_option
@_baseline_option
@_scan_options
@_command
def check_command(
    paths: tuple[str, ...], index_location: str, baseline_path: str | None, **options: Any
) -> int:
    """Check new articles PATHS against the index and each other (exit 1 on findings).

    For a pre-commit hook: it reads only the index and the files given, and is meant to
    answer at once. --check is implied.
    """
    from dedup.app import index

    options["check"] = True
    config = _config(options)
    stdin = _read_stdin(paths)
    report = index.check(paths, config, index_location, stdin, options["stdin_filename"])
    return _finish(report, baseline_path, options)


@main.group("index")
def index_group() -> None:
    """Build, update and inspect the persistent index that dedup check reads."""


def _index_run(
    paths: tuple[str, ...], index_location: str, options: dict[str, Any], building: bool
) -> None:
    from dedup.app import index
    from dedup.output import console

    if "-" in paths:
        raise click.UsageError("the index reads files, not standard input ('-')")
    config = _config(options)
    err = console.error_console()
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        if building:
            result, _ = index.build(paths, config, index_location, on_progress)
        else:
            result = index.update(paths, config, index_location, on_progress)
    if not options["quiet"]:
        console.print_warnings(err, result.warnings)
    with _output():
        if options["fmt"] == "json":
            summary = {"index": index_location, **result.to_dict()}
            sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        else:
            click.echo(
                f"{printable(index_location)}: {result.articles} articles ({result.added} "
                f"added, {result.removed} removed, {result.unchanged} unchanged)"
            )


def _index_command_options(func: Callable[..., Any]) -> Callable[..., Any]:
    return _apply(
        [
            click.argument("paths", nargs=-1, required=True),
            _index_option,
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "json"]),
                default="text",
                help="Summary format on stdout.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings."),
            click.option("--debug", is_flag=True, help="Show tracebacks of errors."),
            _config_options,
        ],
        func,
    )


@index_group.command("build")
@_index_command_options
@_command
def index_build(paths: tuple[str, ...], index_location: str, **options: Any) -> None:
    """Index the corpus PATHS (replaces any index at --index once complete)."""
    _index_run(paths, index_location, options, building=True)


@index_group.command("update")
@_index_command_options
@_command
def index_update(paths: tuple[str, ...], index_location: str, **options: Any) -> None:
    """Add new and changed articles of PATHS; drop indexed ones that are gone."""
    _index_run(paths, index_location, options, building=False)


@index_group.command("stats")
@_index_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@_command
def index_stats(index_location: str, fmt: str, debug: bool) -> None:
    """Summarise the index: articles, sources, templates, postings, parameters."""
    from dedup.app import index

    opened = index.open_index(index_location, readonly=True)
    stats = opened.stats()
    opened.store.close()
    with _output():
        if fmt == "json":
            sys.stdout.write(json.dumps(stats.to_dict(), indent=2, sort_keys=True) + "\n")
            return
        for key, value in stats.to_dict().items():
            if key == "params":
                value = ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
            click.echo(f"{key:>12}: {printable(str(value))}")


@main.group("baseline")
def baseline_group() -> None:
    """Accepted findings, kept in a committed file that scan and check leave out."""


@baseline_group.command("update")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="The baseline file to write.",
)
@_scan_options
@_command
def baseline_update(paths: tuple[str, ...], baseline_path: str, **options: Any) -> None:
    """Accept every current finding of PATHS: write them to the baseline file."""
    from dedup.app.baseline import Baseline
    from dedup.flow.pipeline import scan as run_scan
    from dedup.output import console

    config = _config(options)
    err = console.error_console()
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        result = run_scan(paths, config=config, on_progress=on_progress)
    baseline = Baseline.from_findings(baseline_path, result.report.findings)
    write_atomic(Path(baseline_path), baseline.text().encode("utf-8", "backslashreplace"))
    if not options["quiet"]:
        console.print_warnings(err, result.report.warnings)
    with _output():
        click.echo(
            f"{printable(baseline_path)}: {len(baseline.accepted)} accepted pairs "
            f"from {len(result.report.findings)} findings"
        )


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the canonical corpus (mirrors the input layout).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the input files instead (atomically).")
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Manifest file (default: OUT/manifest.jsonl, or dedup-manifest.jsonl with --in-place).",
)
@click.option("--dry-run", is_flag=True, help="Write nothing; print a diff per changed file.")
@click.option(
    "--drop-cross-article-repeats",
    is_flag=True,
    help="Also drop a paragraph repeated in another kept article (kept by default).",
)
@click.option(
    "--keep-duplicates",
    is_flag=True,
    help="Keep every article: remove only repeated paragraphs and boilerplate lines.",
)
@_scan_options
@_command
def clean(
    paths: tuple[str, ...],
    out_dir: Path | None,
    in_place: bool,
    manifest_path: Path | None,
    dry_run: bool,
    drop_cross_article_repeats: bool,
    keep_duplicates: bool,
    **options: Any,
) -> int:
    """Write the canonical corpus of PATHS: one copy per duplicate cluster, repeated
    paragraphs and boilerplate removed, with a manifest of every removal."""

    from dedup.app import clean as cleaner
    from dedup.flow.pipeline import scan as run_scan
    from dedup.io import files
    from dedup.io.inputs import expand_paths
    from dedup.output import console

    check = options["check"]
    if "-" in paths:
        raise click.UsageError("clean reads files, not standard input ('-')")
    if in_place and out_dir is not None:
        raise click.UsageError("give --out or --in-place, not both")
    if not (in_place or out_dir is not None or dry_run or check):
        raise click.UsageError("give --out DIR (or --in-place, --dry-run, --check)")
    config = _config(options)
    err = console.error_console()
    manifest = manifest_path or (
        out_dir / "manifest.jsonl" if out_dir is not None else Path("dedup-manifest.jsonl")
    )
    writing = not (dry_run or check)
    if in_place and writing and _resume_clean(manifest, options):
        return 0
    inputs, _ = expand_paths(paths)
    cleaner.refuse_unsafe_outputs(out_dir, manifest, paths, inputs)
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        result = run_scan(paths, config=config, on_progress=on_progress)
    cleaning = cleaner.plan(
        result,
        paragraph_jaccard=config.verify.paragraph_jaccard,
        drop_cross_article_repeats=drop_cross_article_repeats,
        keep_duplicates=keep_duplicates,
    )
    read = list(dict.fromkeys(d.path for d in result.corpus.documents))
    mapping = (
        cleaner.output_mapping(read, paths, out_dir)
        if out_dir is not None
        else {f: Path(f) for f in read}
    )
    outcomes = cleaner.clean_files(result, cleaning, mapping)
    records = cleaner.manifest_records(result, cleaning)
    if not options["quiet"]:
        console.print_warnings(err, result.report.warnings)
        for outcome in outcomes:
            for doc_id in outcome.emptied:
                console.print_message(
                    err, f"warning: {outcome.path}: {doc_id} is empty after cleaning, not written"
                )
    changed = [o for o in outcomes if o.changed]
    if not writing:
        _clean_report(records, changed, dry_run, options)
        return 1 if check and (records or changed) else 0
    try:
        if in_place:
            done = files.commit_in_place(cleaner.in_place_changes(outcomes, records), manifest)
            summary = f"{done.written} files rewritten, {done.deleted} deleted"
            skipped = done.skipped
        else:
            summary = f"{cleaner.write_out(outcomes, records, manifest)} files written"
            skipped = []
    except (OSError, DedupError) as exc:
        pending = files.journal_path(manifest.absolute())
        after = (
            f"; the clean is recorded in {pending}: run the same command again to finish it"
            if in_place and pending.exists()
            else ""
        )
        raise DedupError(f"cannot write: {exc}{after}") from None
    if not options["quiet"]:
        for path in skipped:
            console.print_message(err, f"warning: {path}: changed since it was read, left as is")
        console.print_message(err, f"{summary}, {len(records)} removals; manifest: {manifest}")
    return 0


def _resume_clean(manifest: Path, options: dict[str, Any]) -> bool:
    """Finish an interrupted in-place clean recorded beside ``manifest``, if there is one
    (True: the command stops there; what it did is in the manifest, and a new run starts
    from there)."""
    from dedup.io import files
    from dedup.output import console

    journal = files.journal_path(manifest.absolute())
    try:
        done = files.resume_in_place(journal)
    except OSError as exc:
        raise DedupError(str(exc)) from None
    if done is None:
        return False
    if not options["quiet"]:
        err = console.error_console()
        for path in done.skipped:
            console.print_message(err, f"warning: {path}: changed since it was read, left as is")
        console.print_message(
            err,
            f"finished an interrupted clean ({journal}): {done.written} files rewritten, "
            f"{done.deleted} deleted, {len(done.records)} removals; manifest: {manifest}; "
            "run again to clean further",
        )
    return True


def _clean_report(
    records: list[dict[str, Any]], changed: list[Any], dry_run: bool, options: dict[str, Any]
) -> None:
    """What --dry-run or --check would do: the manifest as JSON, or a diff per file."""
    from dedup.app import clean as cleaner
    from dedup.output import console

    fmt = options["fmt"]
    with _output():
        if fmt == "json":
            report = {"manifest": records, "changed": [o.path for o in changed]}
            sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "jsonl":
            for record in records:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif dry_run:
            terminal = sys.stdout.isatty()
            for outcome in changed:
                sys.stdout.write(cleaner.unified_diff(outcome, terminal))
    if not options["quiet"]:
        console.print_message(
            console.error_console(),
            f"{len(records)} removals in {len(changed)} files; nothing written",
        )


@main.command("eval")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--task",
    type=click.Choice(["auto", "pairs", "clusters", "lines"]),
    default="auto",
    show_default=True,
    help="What LABELS holds (auto: from its fields: label, cluster or boilerplate).",
)
@click.option(
    "--level",
    type=click.Choice(["paragraph", "document"]),
    default="paragraph",
    show_default=True,
    help="Pairs: compare them as paragraphs (near_paragraph) or articles (near_document).",
)
@click.option(
    "--metric",
    type=click.Choice(["f1", "accuracy", "ari"]),
    help="What the sweep maximises (default: ari for clusters, f1 otherwise).",
)
@click.option(
    "--fit-verifier",
    "fit_to",
    type=click.Path(dir_okay=False),
    help="Document pairs: fit a verifier on LABELS and write it to FILE (JSON, for "
    "--verifier); the figures are then of held-out probabilities (5 folds by story).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("-q", "--quiet", is_flag=True, help="No warnings.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@_config_options
@_command
def evaluate(
    labels: str,
    task: str,
    level: str,
    metric: str | None,
    fit_to: str | None,
    fmt: str,
    quiet: bool,
    debug: bool,
    **options: Any,
) -> None:
    """Measure precision, recall and F1 on labelled LABELS (pairs, clusters or lines), at
    the configured thresholds and over a sweep of each threshold."""
    from dedup.app import evaluate as ev
    from dedup.output import console

    config = _config(options)
    if task == "auto":
        task = ev.detect_task(labels)
    if (metric == "accuracy" and task != "pairs") or (metric == "ari" and task != "clusters"):
        raise click.UsageError(f"--metric {metric} does not apply to {task}")
    if fit_to is not None and task != "pairs":
        raise click.UsageError(f"--fit-verifier needs labelled pairs, not {task}")
    if fit_to is not None and os.path.exists(fit_to) and os.path.samefile(fit_to, labels):
        raise click.UsageError("--fit-verifier would write over LABELS")
    if fit_to is not None:
        pairs, warnings = ev.read_pairs(labels)
        model, result = ev.fit_verifier(pairs, labels, metric or "f1")
        write_atomic(Path(fit_to), model.to_json().encode("utf-8"))
        result.fitted = {"path": fit_to, **(result.fitted or {})}
    elif task == "pairs":
        pairs, warnings = ev.read_pairs(labels)
        result = ev.evaluate_pairs(pairs, level, config, metric or "f1")
    elif task == "clusters":
        items, warnings = ev.read_clusters(labels)
        result = ev.evaluate_clusters(items, config, metric or "ari")
    else:
        lines, warnings = ev.read_line_labels(labels)
        result = ev.evaluate_lines(lines, config, metric or "f1")
    result.warnings[:0] = warnings
    if not quiet:
        console.print_warnings(console.error_console(), result.warnings)
    with _output():
        if fmt == "json":
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        else:
            console.render_evaluation(console.output_console(), result)
