"""Install weight (issue 14, item 10): `make scan` installs the runtime dependencies only,
and building dedup declares its data packages (no setuptools "would be ignored" warnings),
with the pattern lists and the verifier inside the wheel."""

from __future__ import annotations

import re

from conftest import ROOT


def _recipe(makefile: str, target: str) -> tuple[str, str]:
    """The prerequisites and recipe of ``target`` in ``makefile``."""
    match = re.search(
        rf"^{re.escape(target)}:([^\n#]*)(?:##[^\n]*)?\n((?:\t[^\n]*\n)*)", makefile, re.M
    )
    assert match, target
    return match.group(1).strip(), match.group(2)


def test_make_scan_installs_the_runtime_dependencies_only():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisites, _ = _recipe(makefile, "scan")
    assert prerequisites == "$(RUNTIME_STAMP)"
    _, recipe = _recipe(makefile, "$(RUNTIME_STAMP)")
    installs = [
        line
        for line in recipe.splitlines()
        if "pip install" in line and "--upgrade pip" not in line
    ]
    assert installs and all("[" not in line for line in installs), installs
    prerequisites, _ = _recipe(makefile, "test")
    assert prerequisites == "$(STAMP)"


def test_every_folder_of_the_package_is_declared_with_its_data(monkeypatch):
    """setuptools warns ("Package would be ignored") about a folder of files inside the
    package that is not declared a package: every one is, and its data files are its
    package data (so an install, editable or not, has the pattern lists and the verifier)."""
    from setuptools.config.setupcfg import read_configuration

    monkeypatch.chdir(ROOT)
    options = read_configuration("setup.cfg")["options"]
    packages, data = set(options["packages"]), options.get("package_data", {})
    for folder in (ROOT / "dedup").rglob("*"):
        if not folder.is_dir() or folder.name == "__pycache__":
            continue
        files = [f for f in folder.iterdir() if f.is_file()]
        if not files:
            continue
        name = ".".join(folder.relative_to(ROOT).parts)
        assert name in packages, f"{name} is not declared a package"
        for f in files:
            if f.suffix not in (".py", ".pyc"):
                assert any(f.match(glob) for glob in data.get(name, [])), f"{f} is not package data"
