"""Command-line interface: options -> one ScanConfig -> pipeline -> rendered report.

The commands are here; their shared options, the one error boundary and the standard
streams are in :mod:`dedup.cli_options`. A command's body runs in that boundary and returns
its exit code: 0, or 1 for findings under ``--check``; errors exit 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dedup import __version__
from dedup.cli_options import (
    NOT_INDEXED,
    DedupGroup,
    baseline_option,
    baseline_target_option,
    check_report_options,
    clean_options,
    config_option,
    config_options,
    configure_streams,
    emit_report,
    error_boundary,
    eval_options,
    finish_report,
    hide_options,
    index_option,
    index_options,
    narrow_report,
    read_stdin,
    require_paths,
    scan_config,
    scan_options,
    selectors,
    summary_format_option,
    writing_stdout,
)
from dedup.escape import printable
from dedup.io.files import write_atomic

if TYPE_CHECKING:
    from dedup.app.rewrite import Written


#: What --help shows after the options (\b: lines kept as they are).
EXIT_STATUS = """\b
Exit status: 0 no finding (or findings without --check), 1 findings with --check
(--fail-on chooses which, --exit-zero none), 2 an error (a path that does not exist,
a bad option or setting, an unreadable index)."""

SCAN_EPILOG = f"""\b
Examples:
  dedup scan articles/
  dedup scan corpus.jsonl --format json -o report.json --format github
  dedup scan articles/ --check --fail-on document
  dedup scan articles/ --ignore fr/read-more --format html -o report.html

{EXIT_STATUS}"""

CHECK_EPILOG = """\b
Examples:
  dedup check articles/new.txt
  dedup check --update-index articles/new.txt    (what the pre-commit hook runs)
  dedup check - --stdin-filename draft.txt < draft.txt

\b
Exit status: 0 nothing found, 1 findings (--fail-on chooses which, --exit-zero none),
2 an error (no index, a path that does not exist, a bad option or setting)."""

INDEX_EPILOG = """\b
Examples:
  dedup index build articles/
  dedup index update articles/
Only the options that shape the index are listed; a check uses the same ones."""

CLEAN_EPILOG = """\b
Examples:
  dedup clean articles/ --out clean/
  dedup clean articles/ --dry-run
  dedup clean articles/ --in-place --keep-duplicates

\b
Exit status: 0 done, 1 with --check when something would be removed, 2 an error."""

INIT_EPILOG = """\b
Example:
  dedup init articles/
then add the lines it prints to .pre-commit-config.yaml and run: pre-commit install"""


@click.group(cls=DedupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dedup")
def main() -> None:
    """Find repeated paragraphs, syndicated articles and boilerplate in news corpora."""
    configure_streams()


@main.command(epilog=SCAN_EPILOG)
@click.argument("paths", nargs=-1, required=True)
@baseline_option
@scan_options
@error_boundary
def scan(paths: tuple[str, ...], baseline_path: str | None, **options: Any) -> int:
    """Report duplicates and boilerplate in PATHS (files, directories, globs, '-')."""
    from dedup.flow.pipeline import scan as run_scan
    from dedup.output import console

    config = scan_config(options)
    check_report_options(options)
    require_paths(paths)
    err = console.error_console(options["color"])
    stdin = read_stdin(paths)
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        result = run_scan(
            paths,
            config=config,
            stdin=stdin,
            stdin_name=options["stdin_filename"],
            on_progress=on_progress,
        )
    finish_report(result.report, baseline_path, options)
    return emit_report(result.report, options)


@main.command("check", epilog=CHECK_EPILOG)
@hide_options("check")
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option(
    "--update-index",
    is_flag=True,
    help="Bring the index up to date first (what the pre-commit hook does): build it from "
    "--corpus when there is none, read the files changed since, and the files checked.",
)
@click.option(
    "--corpus",
    "corpus_roots",
    multiple=True,
    default=(".",),
    show_default=True,
    help="With --update-index: what a missing index is built from (repeatable).",
)
@baseline_option
@scan_options
@error_boundary
def check_command(
    paths: tuple[str, ...],
    index_location: str,
    update_index: bool,
    corpus_roots: tuple[str, ...],
    baseline_path: str | None,
    **options: Any,
) -> int:
    """Check new articles PATHS against the index and each other (exit 1 on findings).

    For a pre-commit hook: it reads only the index and the files given, and is meant to
    answer at once. It warns of the files changed since the index was updated; with
    --update-index it reads them first.
    """
    from dedup.app import index

    options["check"] = True
    config = scan_config(options)
    check_report_options(options)
    require_paths(paths)
    from dedup.io.inputs import StdinArticle

    data = read_stdin(paths)
    stdin = None if data is None else StdinArticle(data, options["stdin_filename"])
    report = index.check(
        paths, config, index_location, stdin, corpus_roots if update_index else None
    )
    finish_report(report, baseline_path, options)
    return emit_report(report, options, "dedup check")


@main.command("init", epilog=INIT_EPILOG)
@hide_options(*NOT_INDEXED)
@click.argument("paths", nargs=-1)
@index_option
@baseline_target_option("The baseline to write (one that exists is kept).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@config_options
@error_boundary
def init_command(
    paths: tuple[str, ...], index_location: str, baseline_path: str, **options: Any
) -> None:
    """Set a corpus repository up for the pre-commit hook, from its root: index PATHS
    (default: .), accept what is already there in a baseline, keep the index out of git,
    and print the hook's lines for .pre-commit-config.yaml."""
    from dedup.app.repo_setup import hook_snippet, init_repository
    from dedup.output import console

    paths = paths or (".",)
    if "-" in paths:
        raise click.UsageError("init reads files, not standard input ('-')")
    require_paths(paths)
    config = scan_config(options)
    err = console.error_console()
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        done = init_repository(paths, config, index_location, baseline_path, on_progress)
    result = done.index
    steps = [
        f"{'built' if done.built else 'updated'} {index_location}: {result.articles} articles "
        f"({result.added} added, {result.removed} removed, {result.unchanged} unchanged)",
        f"kept {baseline_path} as it is"
        if done.accepted is None
        else f"wrote {baseline_path}: {done.accepted} accepted pairs from {done.findings} "
        "findings already in the corpus",
    ]
    if done.ignored is not None:
        steps.append(f"added {done.ignored} to .gitignore")
    if not options["quiet"]:
        console.print_warnings(err, done.warnings)
        for step in steps:
            console.print_message(err, step)
    with writing_stdout():
        click.echo("# Add to .pre-commit-config.yaml, then run: pre-commit install")
        for line in hook_snippet(paths, index_location).splitlines():
            click.echo(printable(line))


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
    config = scan_config(options)
    require_paths(paths)
    err = console.error_console()
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        if building:
            result, _ = index.build(paths, config, index_location, on_progress)
        else:
            result = index.update(paths, config, index_location, on_progress)
    if not options["quiet"]:
        console.print_warnings(err, result.warnings)
    with writing_stdout():
        if options["fmt"] == "json":
            summary = {"index": index_location, **result.to_dict()}
            sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        else:
            click.echo(
                f"{printable(index_location)}: {result.articles} articles ({result.added} "
                f"added, {result.removed} removed, {result.unchanged} unchanged)"
            )


@index_group.command("build", epilog=INDEX_EPILOG)
@hide_options(*NOT_INDEXED)
@index_options
@error_boundary
def index_build(paths: tuple[str, ...], index_location: str, **options: Any) -> None:
    """Index the corpus PATHS (replaces any index at --index once complete)."""
    _index_run(paths, index_location, options, building=True)


@index_group.command("update", epilog=INDEX_EPILOG)
@hide_options(*NOT_INDEXED)
@index_options
@error_boundary
def index_update(paths: tuple[str, ...], index_location: str, **options: Any) -> None:
    """Add new and changed articles of PATHS; drop indexed ones that are gone."""
    _index_run(paths, index_location, options, building=False)


@index_group.command("stats")
@index_option
@summary_format_option("Format of the summary on stdout.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@config_option
@error_boundary
def index_stats(index_location: str, fmt: str, debug: bool) -> None:
    """Summarise the index: articles, sources, templates, postings, parameters."""
    from dedup.app import index

    opened = index.open_index(index_location, readonly=True)
    stats = opened.stats()
    opened.store.close()
    with writing_stdout():
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
@baseline_target_option("The baseline file to write.")
@scan_options
@error_boundary
def baseline_update(paths: tuple[str, ...], baseline_path: str, **options: Any) -> None:
    """Accept every current finding of PATHS: write them to the baseline file."""
    from dedup.app.baseline import Baseline
    from dedup.flow.pipeline import scan as run_scan
    from dedup.output import console

    config = scan_config(options)
    require_paths(paths)
    err = console.error_console()
    with console.progress(err, enabled=not options["quiet"]) as on_progress:
        result = run_scan(paths, config=config, on_progress=on_progress)
    baseline = Baseline.from_findings(baseline_path, result.report.findings)
    write_atomic(Path(baseline_path), baseline.text().encode("utf-8", "backslashreplace"))
    if not options["quiet"]:
        console.print_warnings(err, result.report.warnings)
    with writing_stdout():
        click.echo(
            f"{printable(baseline_path)}: {len(baseline.accepted)} accepted pairs "
            f"from {len(result.report.findings)} findings"
        )


@main.command(epilog=CLEAN_EPILOG)
@click.argument("paths", nargs=-1, required=True)
@clean_options
@scan_options
@error_boundary
def clean(
    paths: tuple[str, ...],
    out_dir: Path | None,
    in_place: bool,
    manifest_path: Path | None,
    **options: Any,
) -> int:
    """Write the canonical corpus of PATHS: one copy per duplicate cluster, repeated
    paragraphs and boilerplate removed, with a manifest of every removal."""
    from dedup.app import clean as cleaner
    from dedup.app import rewrite
    from dedup.flow.pipeline import scan as run_scan
    from dedup.io.inputs import expand_paths
    from dedup.output import console

    check, quiet, dry_run = options["check"], options["quiet"], options["dry_run"]
    if "-" in paths:
        raise click.UsageError("clean reads files, not standard input ('-')")
    if len(options["fmt"]) > 1 or options["output_file"]:
        raise click.UsageError("clean shows one --format on stdout; its manifest is --manifest")
    if in_place and out_dir is not None:
        raise click.UsageError("give --out or --in-place, not both")
    if not (in_place or out_dir is not None or dry_run or check):
        raise click.UsageError("give --out DIR (or --in-place, --dry-run, --check)")
    config = scan_config(options)
    selectors(options)
    require_paths(paths)
    err = console.error_console()
    target = rewrite.Target.of(out_dir, in_place, manifest_path)
    writing = not (dry_run or check)
    resumed = rewrite.finish_interrupted(target.manifest) if in_place and writing else None
    if resumed is not None:
        _tell(resumed, quiet)
        return 0
    rewrite.refuse_unsafe_outputs(
        out_dir, target.manifest, paths, expand_paths(paths, config=config.load)[0]
    )
    with console.progress(err, enabled=not quiet) as on_progress:
        result = run_scan(paths, config=config, on_progress=on_progress)
    # What the selection leaves out and lines marked allowed stay (no baseline: a clean
    # removes what it finds).
    narrow_report(result.report, options)
    cleaning = cleaner.plan(
        result,
        paragraph_jaccard=config.verify.paragraph_jaccard,
        drop_cross_article_repeats=options["drop_cross_article_repeats"],
        keep_duplicates=options["keep_duplicates"],
    )
    planned = rewrite.prepare(result, cleaning, paths, target)
    if not quiet:
        console.print_warnings(err, result.report.warnings)
        for outcome in planned.outcomes:
            for doc_id in outcome.emptied:
                console.print_message(
                    err, f"warning: {outcome.path}: {doc_id} is empty after cleaning, not written"
                )
    if writing:
        _tell(rewrite.write(planned, target), quiet)
        return 0
    with writing_stdout():
        fmt = options["fmt"][-1] if options["fmt"] else "text"
        for text in rewrite.preview(planned, fmt, dry_run, sys.stdout.isatty()):
            sys.stdout.write(text)
    if not quiet:
        removals, changed = len(planned.records), len(planned.changed)
        console.print_message(err, f"{removals} removals in {changed} files; nothing written")
    return 1 if check and (planned.records or planned.changed) else 0


def _tell(written: Written, quiet: bool) -> None:
    """What a clean wrote, on stderr: the files it left alone, then its summary."""
    from dedup.output import console

    if quiet:
        return
    err = console.error_console()
    for path in written.skipped:
        console.print_message(err, f"warning: {path}: changed since it was read, left as is")
    console.print_message(err, written.summary)


@main.command("eval")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@eval_options
@config_options
@error_boundary
def evaluate(
    labels: str, task: str, metric: str | None, fit_to: str | None, **options: Any
) -> None:
    """Measure precision, recall and F1 on labelled LABELS (pairs, clusters or lines), at
    the configured thresholds and over a sweep of each threshold."""
    from dedup.app import evaluate as ev
    from dedup.output import console

    config = scan_config(options)
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
        result = ev.evaluate_pairs(pairs, options["level"], config, metric or "f1")
    elif task == "clusters":
        items, warnings = ev.read_clusters(labels)
        result = ev.evaluate_clusters(items, config, metric or "ari")
    else:
        lines, warnings = ev.read_line_labels(labels)
        result = ev.evaluate_lines(lines, config, metric or "f1")
    result.warnings[:0] = warnings
    if not options["quiet"]:
        console.print_warnings(console.error_console(), result.warnings)
    with writing_stdout():
        if options["fmt"] == "json":
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        else:
            console.render_evaluation(console.output_console(), result)
