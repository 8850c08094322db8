"""Configuration: one frozen :class:`ScanConfig` built by the CLI and passed to every stage.

Every field has a documented default (see README, "Options"). Values may also come from
``[tool.dedup]`` in ``pyproject.toml``: :func:`find_pyproject` finds the file,
:func:`read_pyproject` returns that table, and :func:`read_settings` checks every value in it
against the type and the range of its setting (or of the command option the key names); the
CLI turns them into click defaults, so a value in the file behaves exactly like an option
default and an option on the command line wins.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.errors import ConfigError, ConfigFileError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: Bumped whenever normalization or tokenization changes in a way that changes fingerprints.
NORMALIZATION_VERSION = 1
#: Where ``dedup index`` and ``dedup check`` keep the index unless told otherwise.
DEFAULT_INDEX = os.path.join(".dedup", "index.sqlite")
#: The accepted findings that ``scan`` and ``check`` read when it exists.
DEFAULT_BASELINE = ".dedup-baseline.jsonl"
#: The built-in boilerplate pattern lists, ``dedup/data/patterns/<name>.txt``.
PATTERN_LISTS: tuple[str, ...] = ("fr", "en")


#: What a directory walk skips unless ``--exclude`` says otherwise (gitignore-style patterns,
#: matched whatever the case; see :func:`dedup.io.inputs.expand_paths`): the folders of tools
#: and builds, and the documents of a repository, which are never articles. ``README.*``, not
#: ``README*``: an article's slug (``security-council-vote.txt``) must not match.
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".dedup",
    "site-packages",
    "README.*",
    "CHANGELOG.*",
    "CHANGES.*",
    "LICENSE.*",
    "LICENCE.*",
    "COPYING.*",
    "CONTRIBUTING.*",
    "CODE_OF_CONDUCT.*",
    "SECURITY.*",
    "AUTHORS.*",
)


def _setting(default: Any, help: str, **cli: Any) -> Any:
    """A setting: a dataclass field whose metadata the CLI options, the ``[tool.dedup]``
    keys and the index parameters are made from (see :data:`SETTINGS`). ``cli`` may give
    ``option`` (its spelling, default ``--`` and the field name with dashes), ``choices``,
    ``index`` (True: an index built with another value cannot be checked with this one),
    ``comma`` (a tuple written ``fr,en`` on the command line) or ``multiple`` (a tuple given
    by repeating the option; with ``comma`` too, each may be a comma-separated list),
    ``open_unit`` (a probability strictly between 0 and 1), ``path`` (a file name)."""
    return field(default=default, metadata={"help": help, **cli})


def shown(value: Any) -> str:
    """``value`` as an error message quotes it: as TOML writes it (``"para"``, ``true``,
    ``["fr"]``), which is also how a command-line value reads."""
    if isinstance(value, tuple):
        value = list(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # a TOML date, for one
        return str(value)


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(name, value, f"must be between 0.0 and 1.0, got {shown(value)}")


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ConfigError(name, value, f"must be a positive integer, got {shown(value)}")


def unknown_pattern_list(name: str) -> str:
    """What is wrong with asking for the built-in pattern list ``name``, which is not one."""
    lists = ", ".join(PATTERN_LISTS)
    what = (
        f"{shown(name)} is not the name of a built-in list"
        if any(c in name for c in "/\\.")
        else f"no built-in pattern list {shown(name)}"
    )
    return (
        f"{what} (the built-in lists are {lists}; a list of your own cannot be given as a "
        "file: --learn learns the furniture of each source)"
    )


@dataclass(frozen=True, slots=True)
class LoadConfig:
    """How inputs are read.

    Attributes:
        id_field, text_field, title_field, url_field, source_field, date_field: JSON Lines
            field names.
        segment: ``line`` (each non-blank line is a paragraph), ``block`` (paragraphs are
            separated by blank lines) or ``auto`` (``block`` for Markdown, ``line`` otherwise:
            text extracted from news pages has one paragraph per line).
        strict: turn per-input warnings (undecodable file, malformed record) into errors.
        max_input_bytes: a file (``.txt``, ``.md``) or a JSON Lines record larger than this is
            skipped with a warning: an input is read whole, and a mistaken path (a disk image,
            a database dump) should not take the memory of the run.
        exclude, extend_exclude: gitignore-style patterns (matched whatever the case) of what
            a directory walk skips; ``exclude`` replaces :data:`DEFAULT_EXCLUDE`,
            ``extend_exclude`` adds to it. Patterns with a slash before their end are relative
            to ``project_root``.
        force_exclude: apply them to the paths given too (files, folders, glob matches), as
            pre-commit passes files one by one.
        respect_gitignore: a walk also skips what ``.gitignore`` files (from the repository's
            root down) and ``.git/info/exclude`` exclude.
        project_root: the folder ``exclude`` patterns are relative to: that of the
            ``pyproject.toml`` they come from ("": the current folder). Not a setting.
    """

    id_field: str = _setting("id", "JSON Lines: the field of the record's id.")
    text_field: str = _setting("text", "JSON Lines: the field of the article's text.")
    title_field: str = _setting("title", "JSON Lines: the field of its title.")
    url_field: str = _setting("url", "JSON Lines: the field of its URL.")
    source_field: str = _setting("source", "JSON Lines: the field of its source (outlet).")
    date_field: str = _setting("date", "JSON Lines: the field of its date (ISO 8601).")
    segment: str = _setting(
        "auto",
        "Paragraphs: one per line, or blocks separated by blank lines.",
        choices=("auto", "line", "block"),
        index=True,
    )
    strict: bool = _setting(False, "Stop at the first unreadable input.")
    max_input_bytes: int = _setting(
        256 << 20, "Skip, with a warning, a file or JSON Lines record larger than this."
    )
    exclude: tuple[str, ...] = _setting(
        DEFAULT_EXCLUDE,
        "Directory walks skip what these gitignore-style patterns match, in any case "
        "(replaces the default list; repeatable, or comma-separated).",
        multiple=True,
        comma=True,
    )
    extend_exclude: tuple[str, ...] = _setting(
        (),
        "Patterns to skip in addition to --exclude (repeatable, or comma-separated).",
        multiple=True,
        comma=True,
    )
    force_exclude: bool = _setting(
        False,
        "Apply the excludes to the paths given on the command line too (for pre-commit).",
        option="--force-exclude/--no-force-exclude",
    )
    respect_gitignore: bool = _setting(
        True,
        "Directory walks skip what .gitignore files and .git/info/exclude exclude.",
        option="--respect-gitignore/--no-respect-gitignore",
    )
    project_root: str = ""

    def __post_init__(self) -> None:
        _check_positive("max_input_bytes", self.max_input_bytes)
        if self.segment not in ("auto", "line", "block"):
            reason = f"expected one of auto, line, block, got {shown(self.segment)}"
            raise ConfigError("segment", self.segment, reason)


@dataclass(frozen=True, slots=True)
class MinHashConfig:
    """MinHash and LSH parameters, in datasketch's vocabulary.

    Attributes:
        ngram_size: words per shingle.
        num_perm: permutations per signature (datasketch ``num_perm``).
        seed: permutation seed (datasketch ``seed``); signatures are comparable only between
            runs with the same seed, ``num_perm`` and ``ngram_size``.
        doc_threshold: LSH threshold for document candidates. Low on purpose: wire rewrites
            share only ~30 % of word 3-grams, and every candidate is verified afterwards.
        paragraph_threshold: LSH threshold for paragraph candidates.
        max_bucket: an LSH bucket with more members than this emits star edges around its
            smallest members instead of all pairs, so a huge bucket cannot explode the pairs.
        within_threshold: paragraphs of one article are candidates when their signatures
            estimate a Jaccard at least this high (every pair inside an article is compared,
            so reworded repeats are found below the corpus-wide threshold).
        within_min_tokens: ...for paragraphs of at least this many words.
        screen_containment: a document candidate pair whose signatures estimate that less
            than this share of the shorter article is in the other is not verified (the
            verifier never calls a copy a pair that shares less than 60 % of the shorter):
            stock phrases make many such pairs.
        stock_articles: a shingle held by more than this many of the sampled articles is a
            stock phrase: left out of the signatures when it lies in a short run (0: never).
        stock_sample: articles sampled (the first ones of every batch) to count the
            shingles; an input of fewer articles has no stock phrases.
        stock_run: a run of at least this many stock shingles stays in the signatures (a
            syndicated story's shared paragraphs are long runs; a stock phrase is short).
    """

    ngram_size: int = _setting(3, "Words per shingle.", index=True)
    num_perm: int = _setting(128, "MinHash permutations.", index=True)
    seed: int = _setting(1, "MinHash seed.", index=True)
    doc_threshold: float = _setting(0.2, "LSH threshold for document candidates.", index=True)
    paragraph_threshold: float = _setting(
        0.4, "LSH threshold for paragraph candidates.", index=True
    )
    max_bucket: int = _setting(
        50, "LSH buckets larger than this pair their members with a few hubs only."
    )
    within_threshold: float = _setting(
        0.15, "Paragraphs of one article: estimated Jaccard from which they are compared."
    )
    within_min_tokens: int = _setting(
        8, "Paragraphs of one article: compared so from this many words on."
    )
    screen_containment: float = _setting(
        0.15, "Document pairs: estimated share of the shorter article below which none is verified."
    )
    stock_articles: int = _setting(
        10,
        "Stock phrases: a shingle in more than this many sampled articles (0: off).",
        index=True,
    )
    stock_sample: int = _setting(
        5_000, "Stock phrases: articles sampled to count them (fewer in the input: none)."
    )
    stock_run: int = _setting(
        15, "Stock phrases: runs of at least this many stay in the signatures.", index=True
    )

    def __post_init__(self) -> None:
        _check_unit("screen_containment", self.screen_containment)
        _check_unit("within_threshold", self.within_threshold)
        _check_positive("stock_sample", self.stock_sample)
        _check_positive("stock_run", self.stock_run)
        if self.stock_articles < 0:
            reason = f"must be 0 or more, got {self.stock_articles}"
            raise ConfigError("stock_articles", self.stock_articles, reason)
        _check_positive("within_min_tokens", self.within_min_tokens)
        _check_positive("ngram_size", self.ngram_size)
        _check_positive("num_perm", self.num_perm)
        _check_positive("max_bucket", self.max_bucket)
        for name in ("doc_threshold", "paragraph_threshold"):
            value = getattr(self, name)
            _check_unit(name, value)
            if value == 0.0:
                raise ConfigError(name, value, f"must be above 0.0, got {shown(value)}")


@dataclass(frozen=True, slots=True)
class VerifyConfig:
    """When a candidate pair is a duplicate.

    Documents: the verifier (:mod:`dedup.stages.verifier`) weighs the evidence of copying (shared
    passages, agreeing facts, titles; :mod:`dedup.stages.evidence`) into a probability; a pair is a
    copy when it reaches ``copy_probability`` (None: the model's own threshold). ``verifier``
    is a model file fitted with ``dedup eval --fit-verifier`` ("": the built-in model).

    Paragraphs:
        - ``jaccard >= paragraph_jaccard``;
        - ``cosine >= paragraph_cosine`` and ``jaccard >= paragraph_rewrite_jaccard``.
    """

    copy_probability: float | None = _setting(
        None,
        "Documents: the verifier's probability from which a pair is a copy "
        "(default: the model's threshold).",
        open_unit=True,
    )
    verifier: str = _setting(
        "",
        "Documents: a verifier model fitted with 'dedup eval --fit-verifier' "
        "(default: the built-in one).",
        path=True,
    )
    paragraph_jaccard: float = _setting(0.5, "Paragraphs: Jaccard for a near repeat.")
    paragraph_cosine: float = _setting(0.5, "Paragraphs: TF-IDF cosine for a reworded repeat.")
    paragraph_rewrite_jaccard: float = _setting(
        0.0, "Paragraphs: Jaccard floor for the cosine rule."
    )
    min_paragraph_tokens: int = _setting(8, "Shorter paragraphs are compared exactly only.")
    min_exact_paragraph_tokens: int = _setting(
        3, "Shorter paragraphs are not reported even when they repeat exactly."
    )

    def __post_init__(self) -> None:
        p = self.copy_probability
        if p is not None and not 0.0 < p < 1.0:
            reason = f"must be between 0 and 1 (both excluded), got {shown(p)}"
            raise ConfigError("copy_probability", p, reason)
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, str) or f.name == "copy_probability":
                continue
            if isinstance(value, float):
                _check_unit(f.name, value)
            else:
                _check_positive(f.name, value)


@dataclass(frozen=True, slots=True)
class BoilerplateConfig:
    """Boilerplate detection.

    Attributes:
        patterns: built-in pattern lists to apply (``dedup/data/patterns/<lang>.txt``).
        learn: learn site templates from lines repeated across articles of one source.
        min_docs: a template is learned when it occurs in at least this many distinct articles
            (duplicate clusters count once) of one source...
        min_fraction: ...and in at least this fraction of that source's articles.
        max_tokens: lines longer than this are never boilerplate (site furniture is short;
            a long line repeated across articles is a shared quote or a copy).
        edge_lines: how many lines from each end of an article count as its head or tail:
            learned templates remember where they occur, and match there only.
    """

    patterns: tuple[str, ...] = _setting(
        ("fr", "en"),
        "Built-in boilerplate pattern lists (comma-separated; '' for none).",
        comma=True,
        index=True,
    )
    learn: bool = _setting(
        True,
        "Learn boilerplate templates from lines repeated within a source.",
        option="--learn/--no-learn",
        index=True,
    )
    min_docs: int = _setting(
        3, "Boilerplate: articles of one source a template must occur in.", index=True
    )
    min_fraction: float = _setting(0.2, "Boilerplate: ...and this fraction of them.", index=True)
    max_tokens: int = _setting(
        25, "Boilerplate: lines longer than this (in words) are never furniture.", index=True
    )
    edge_lines: int = _setting(
        5, "Boilerplate: lines from each end of an article that are its head or tail.", index=True
    )

    def __post_init__(self) -> None:
        _check_positive("min_docs", self.min_docs)
        _check_positive("max_tokens", self.max_tokens)
        _check_positive("edge_lines", self.edge_lines)
        _check_unit("min_fraction", self.min_fraction)
        for name in self.patterns:
            if name not in PATTERN_LISTS:
                raise ConfigError("patterns", name, unknown_pattern_list(name))


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs. Built once by the CLI (or by a library caller)."""

    load: LoadConfig = field(default_factory=LoadConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    workers: int = _setting(0, "Worker processes (0: one per CPU core).")
    batch_size: int = _setting(512, "Articles per batch handed to a worker.")
    prefer_sources: tuple[str, ...] = _setting(
        (),
        "Keep this source's copy first (after the earliest date); repeatable.",
        option="--prefer-source",
        multiple=True,
    )

    def __post_init__(self) -> None:
        if self.workers < 0:
            reason = f"must be 0 (one per core) or more, got {self.workers}"
            raise ConfigError("workers", self.workers, reason)
        _check_positive("batch_size", self.batch_size)

    @property
    def effective_workers(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    def to_dict(self) -> dict[str, Any]:
        """The parameters that decide the findings (reported in JSON output)."""
        return {
            "minhash": dataclasses.asdict(self.minhash),
            "verify": dataclasses.asdict(self.verify),
            "boilerplate": {
                **dataclasses.asdict(self.boilerplate),
                "patterns": list(self.boilerplate.patterns),
            },
            "segment": self.load.segment,
            "normalization_version": NORMALIZATION_VERSION,
        }


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting, as its dataclass field defines it: the one definition the CLI options,
    the ``[tool.dedup]`` keys and the index parameters are made from."""

    name: str  # the field's name, unique over all sections
    section: str | None  # the ScanConfig field that holds it (None: ScanConfig itself)
    type: Any  # its Python type: int, float, str, bool, float | None, tuple[str, ...]
    default: Any
    help: str
    option: str  # as the command line spells it
    choices: tuple[str, ...] | None = None
    index: bool = False  # an index remembers it: a check needs the same value
    comma: bool = False  # a tuple written "fr,en" on the command line
    multiple: bool = False  # a tuple given by repeating the option
    open_unit: bool = False  # strictly between 0 and 1
    path: bool = False  # a file name

    @property
    def key(self) -> str:
        """Its key in ``[tool.dedup]``: the option's name without dashes."""
        return self.option.split("/")[0].removeprefix("--")


#: The parts of a ScanConfig, by the name of the field that holds each.
SECTIONS: dict[str, type] = {
    name: kind
    for name, kind in typing.get_type_hints(ScanConfig).items()
    if isinstance(kind, type) and dataclasses.is_dataclass(kind)
}


def _settings() -> tuple[Setting, ...]:
    out = []
    sections: list[tuple[str | None, type]] = [*SECTIONS.items(), (None, ScanConfig)]
    for section, cls in sections:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if "help" not in f.metadata:
                continue
            meta = dict(f.metadata)
            option = meta.pop("option", "--" + f.name.replace("_", "-"))
            out.append(Setting(f.name, section, hints[f.name], f.default, option=option, **meta))
    return tuple(out)


#: Every setting, in the order of the dataclasses' fields.
SETTINGS = _settings()
SETTING = {s.name: s for s in SETTINGS}


def setting_value(config: ScanConfig, setting: Setting) -> Any:
    """The value of ``setting`` in ``config``."""
    holder = config if setting.section is None else getattr(config, setting.section)
    return getattr(holder, setting.name)


def build_config(values: Mapping[str, Any], project_root: str = "") -> ScanConfig:
    """The one ScanConfig from settings by name (any not given keeps its default; the
    dataclasses validate them); ``project_root``: the folder of the ``pyproject.toml`` they
    come from (see :class:`LoadConfig`).

    Raises:
        ConfigError: a value is out of its range.
    """
    parts: dict[str | None, dict[str, Any]] = {}
    for s in SETTINGS:
        if s.name in values:
            parts.setdefault(s.section, {})[s.name] = values[s.name]
    if project_root:
        parts.setdefault("load", {})["project_root"] = project_root
    sections = {
        name: SECTIONS[name](**kwargs) for name, kwargs in parts.items() if name is not None
    }
    return ScanConfig(**sections, **parts.get(None, {}))


def check_value(setting: Setting, value: Any) -> Any:
    """``value``, as TOML gives it, as ``setting`` takes it: checked against its type (an
    integer is not truncated from a float, a boolean is not read from a string) and its
    choices, a list of strings made a tuple. Ranges are the dataclasses' to check.

    >>> check_value(SETTING["patterns"], "fr, en")
    ('fr', 'en')
    >>> check_value(SETTING["min_docs"], 2.5)
    Traceback (most recent call last):
    ...
    dedup.errors.ConfigError: min_docs: expected an integer, got 2.5

    Raises:
        ConfigError: the value is not of the setting's type.
    """
    kind = setting.type

    def expected(what: str) -> ConfigError:
        return ConfigError(setting.name, value, f"expected {what}, got {shown(value)}")

    if setting.choices:
        if not isinstance(value, str) or value not in setting.choices:
            raise expected("one of " + ", ".join(setting.choices))
        return value
    if typing.get_origin(kind) is tuple:
        one = "one comma-separated string" if setting.comma else "one string"
        if isinstance(value, str):
            items = value.split(",") if setting.comma else [value]
            return tuple(x.strip() for x in items if x.strip())
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise expected(f"a list of strings (or {one})")
        return tuple(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise expected("true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise expected("an integer")
        return value
    if kind is float or float in typing.get_args(kind):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise expected("a number")
        return float(value)
    if not isinstance(value, str):
        raise expected("a string")
    return value


#: Each setting by its [tool.dedup] key.
SETTING_BY_KEY = {s.key: s for s in SETTINGS}


def file_key(written: str) -> str:
    """The key ``written`` in [tool.dedup] in the options' spelling (``min_docs`` is
    ``min-docs``)."""
    return written.replace("_", "-")


def file_name(path: Path) -> str:
    """How messages name the configuration file ``path``: as given when relative, else
    relative to the current directory when it is in it (``pyproject.toml``)."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _load_toml(path: Path) -> dict[str, Any]:
    name = file_name(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigFileError(name, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigFileError(name, f"cannot read: not UTF-8 ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(name, f"not valid TOML: {exc}") from None


def _dedup_table(data: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigFileError(name, f"[tool] must be a table, got {shown(tool)}")
    table = tool.get("dedup")
    if table is not None and not isinstance(table, Mapping):
        raise ConfigFileError(name, f"[tool.dedup] must be a table, got {shown(table)}")
    return table


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.dedup]``,
    up to the repository's root (the directory with ``.git``).

    Raises:
        ConfigFileError: a ``pyproject.toml`` on the way cannot be read or parsed (whether it
            has ``[tool.dedup]`` cannot be known: ruff and black stop there too).
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _dedup_table(_load_toml(candidate), file_name(candidate)):
            return candidate
        if (directory / ".git").exists():
            break
    return None


def read_pyproject(path: Path) -> dict[str, Any]:
    """Read ``[tool.dedup]`` from ``path`` (empty when it has none), keys as written.

    Raises:
        ConfigFileError: the file cannot be read or parsed, or the table is not a table.
    """
    table = _dedup_table(_load_toml(path), file_name(path))
    return {str(k): v for k, v in (table or {}).items()}


def read_settings(
    path: Path, table: Mapping[str, Any], keys: Mapping[str, Setting] = SETTING_BY_KEY
) -> dict[str, tuple[str, Any]]:
    """The values of ``table`` (``[tool.dedup]`` of ``path``), checked: each key one of
    ``keys`` (every setting's, and those of command options the CLI allows in the file), each
    value of its type (:func:`check_value`), the settings' in their ranges (the dataclasses'
    checks); a file name is read relative to the file's directory.

    Returns:
        By key in the options' spelling: the key as written, and the value.

    Raises:
        ConfigFileError: naming ``path`` and the key as written, with the closest valid key
            when the key is unknown.
    """
    name = file_name(path)
    out: dict[str, tuple[str, Any]] = {}
    for written, raw in table.items():
        key = file_key(written)
        setting = keys.get(key)
        if setting is None:
            close = difflib.get_close_matches(key, list(keys), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigFileError(name, f"unknown key [tool.dedup] {written}{hint}")
        if key in out:
            raise ConfigFileError(name, f"given twice, as {out[key][0]} and {written}", written)
        try:
            value = check_value(setting, raw)
        except ConfigError as exc:
            raise ConfigFileError(name, exc.reason, written) from None
        if setting.path and value and "://" not in value:
            value = os.path.join(os.path.dirname(name), value)
        out[key] = (written, value)
    written_as = {keys[key].name: written for key, (written, _) in out.items()}
    try:
        build_config({keys[key].name: value for key, (_, value) in out.items()})
    except ConfigError as exc:
        raise ConfigFileError(name, exc.reason, written_as.get(exc.field, exc.field)) from None
    return out
