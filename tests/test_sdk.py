"""core.sdk: the plugin authors' stable API, documented, and its generated reference."""

import inspect
import re

import core.sdk as sdk
from click.testing import CliRunner

from core.cli.main import cli

# What the third-party plugin's author had to read core to find.
ASKED_FOR = ["Gate.open", "Gate.list", "Gate.get", "Gate.groups", "Gate.totals", "Gate.iterate", "ListRequest", "Filter",
             "principal_of", "Principal.can", "enqueue", "MenuItem", "JobKind", "Entity", "Field", "hookimpl"]


def _resolve(dotted: str):
    obj = sdk
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_exported_name_exists_and_says_what_it_is():
    undocumented = []
    for name in sdk.__all__:
        obj = getattr(sdk, name)  # an AttributeError here is a broken export
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and not (inspect.getdoc(obj) or "").strip():
            undocumented.append(name)
    for dotted in ASKED_FOR:
        obj = _resolve(dotted)
        if dotted != "hookimpl" and not (obj.__doc__ or "").strip():
            undocumented.append(dotted)
    assert not undocumented, f"exported without a docstring: {undocumented}"
    # Dataclasses get an auto-generated "Name(field, ...)" docstring: that is not documentation.
    for name in ("ListRequest", "Filter", "Page", "Principal"):
        assert not getattr(sdk, name).__doc__.startswith(f"{name}("), name


def test_the_reference_is_generated_from_the_docstrings(tmp_path):
    ran = CliRunner().invoke(cli, ["docs", "reference", "-o", str(tmp_path)])  # klientela docs reference -o DIR
    assert ran.exit_code == 0, ran.output
    assert f"reference written: {tmp_path / 'index.html'}" in ran.output
    page = (tmp_path / "core" / "sdk.html").read_text(encoding="utf-8")
    for dotted in ASKED_FOR:
        assert f'id="{dotted}"' in page, dotted  # an anchor per documented name
    assert "Whether any scope of" in page  # Principal.can's docstring, not just its name
    text = re.sub(r"<[^>]+>", "", page)
    assert "open(\tcls,\tkernel,\tkey: str,\tprincipal: core.permissions.principal.Principal)" in text  # real signatures
    assert (tmp_path / "core" / "hooks" / "contributions.html").is_file()
