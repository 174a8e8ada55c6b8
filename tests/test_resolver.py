"""The resolver: deterministic order, and every problem named."""

import pytest

from core.plugins.discovery import Broken, Catalog, core_manifest
from core.plugins.manifest import ManifestError, parse_manifest
from core.plugins.resolver import ResolutionError, resolve


def manifest(name, version="1.0", depends=None, features=(), conflicts=()):
    return parse_manifest(
        {
            "name": name,
            "label": name.title(),
            "version": version,
            "depends": depends or {},
            "features": {f: {"label": f} for f in features},
            "conflicts": list(conflicts),
        },
        f"<{name}>",
    )


def catalog(*manifests, broken=()):
    return Catalog(
        plugins={m.name: m for m in manifests},
        broken={b: Broken(b, f"x.{b}", "cannot import") for b in broken},
        core=core_manifest(),
    )


def test_dependencies_come_first_and_ties_break_by_name():
    cat = catalog(
        manifest("zeta", depends={"base": ""}),
        manifest("alpha", depends={"base": ""}),
        manifest("base"),
        manifest("mid", depends={"alpha": ">=1", "zeta": ""}),
    )
    for requested in (["mid", "zeta", "alpha", "base"], ["base", "alpha", "mid", "zeta"]):
        assert resolve(cat, requested).names == ("base", "alpha", "zeta", "mid")


def test_missing_dependency_is_named():
    cat = catalog(manifest("sales", depends={"contacts": ""}), manifest("contacts"))
    with pytest.raises(ResolutionError) as err:
        resolve(cat, ["sales"])
    assert err.value.problems == ["plugin 'sales' depends on 'contacts', but it is not enabled"]


def test_dependency_not_installed_is_named():
    with pytest.raises(ResolutionError) as err:
        resolve(catalog(manifest("sales", depends={"crm": ""})), ["sales"])
    assert "plugin 'sales' depends on 'crm', but it is not installed" in err.value.problems


def test_version_range_not_met():
    cat = catalog(manifest("ann", depends={"bob": ">=2,<3"}), manifest("bob", version="1.4"))
    with pytest.raises(ResolutionError) as err:
        resolve(cat, ["ann", "bob"])
    assert err.value.problems == ["plugin 'ann' requires bob <3,>=2, but bob 1.4 is installed"]


def test_core_version_range():
    cat = catalog(manifest("ann", depends={"core": ">=9"}))
    with pytest.raises(ResolutionError, match="requires core >=9, but core 0.1.0"):
        resolve(cat, ["ann"])


def test_cycle_is_named_with_its_path():
    cat = catalog(manifest("ann", depends={"bob": ""}), manifest("bob", depends={"cid": ""}), manifest("cid", depends={"ann": ""}))
    with pytest.raises(ResolutionError) as err:
        resolve(cat, ["ann", "bob", "cid"])
    assert err.value.problems == ["dependency cycle: ann -> bob -> cid -> ann"]


def test_conflict_reported_once_per_pair():
    cat = catalog(manifest("ann", conflicts=["bob"]), manifest("bob", conflicts=["ann"]))
    with pytest.raises(ResolutionError) as err:
        resolve(cat, ["ann", "bob"])
    assert err.value.problems == ["plugin 'ann' conflicts with 'bob'; enable only one of them"]


def test_unknown_plugin_and_feature_and_broken():
    cat = catalog(manifest("ann", features=["maps"]), broken=["bad"])
    with pytest.raises(ResolutionError) as err:
        resolve(cat, ["ann", "ghost", "bad"], {"ann": ["maps", "fax"], "core": ["nope"], "ghost": ["zz"]})
    problems = err.value.problems
    assert "plugin 'bad' is installed but broken: cannot import" in problems
    assert "unknown plugin 'ghost' (installed: ann)" in problems
    assert "'ann' has no feature 'fax' (known: maps)" in problems
    assert any(p.startswith("'core' has no feature 'nope'") for p in problems)
    assert "features listed for 'ghost', which is not enabled" in problems


def test_features_are_qualified():
    res = resolve(catalog(manifest("ann", features=["maps", "calls"])), ["ann"], {"ann": ["maps"], "core": ["documents"]})
    assert res.features == frozenset({"ann.maps", "core.documents"})
    assert res.has_feature("ann.maps") and not res.has_feature("ann.calls")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"label": "x", "version": "1"}, "missing required key 'name'"),
        ({"name": "Bad-Name", "label": "x", "version": "1"}, "must be lower-case"),
        ({"name": "ok", "label": "x", "version": "one"}, "not a valid version"),
        ({"name": "ok", "label": "x", "version": "1", "depends": {"bob": "=>1"}}, "invalid version range"),
        ({"name": "ok", "label": "x", "version": "1", "colour": "red"}, "unknown keys ['colour']"),
        ({"name": "ok", "label": "x", "version": "1", "depends": {"ok": ""}}, "cannot depend on itself"),
    ],
)
def test_bad_manifests_are_explained(data, message):
    with pytest.raises(ManifestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_manifest(data, "<test>")
