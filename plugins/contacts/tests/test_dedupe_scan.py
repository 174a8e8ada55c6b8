"""The scan over the stored clients: through the gate as the user, clusters with reasons, stored report."""

from __future__ import annotations

import uuid

import pytest

from core.permissions.errors import NotFound
from plugins.contacts.dedupe.matcher import clusters, precision_recall
from plugins.contacts.dedupe.rules import DEFAULT_RULES, parse
from plugins.contacts.dedupe.scan import get_scan, report_page, run_scan
from plugins.contacts.tests.dedupe_helpers import gate, principal, write_labelled

RULES = parse(DEFAULT_RULES)


def _clusters_of(report_pages) -> list[list]:
    return [[r["id"] for r in c["records"]] for page in report_pages for c in page["clusters"]]


async def _all_pages(kernel, who, scan_id, per_page=7):
    first = await report_page(kernel, who, scan_id, 1, per_page)
    pages = [first] + [await report_page(kernel, who, scan_id, n, per_page) for n in range(2, first["pages"] + 1)]
    return pages


async def test_scan_of_a_labelled_set_meets_precision_and_recall(app_factory):
    kernel = app_factory().state.kernel
    owner = principal()  # "own" scope: the scan sees exactly the clients written here
    ids, truth = await write_labelled(kernel, owner)
    assert len(ids) > 120 and len(truth) > 10
    scan_id = await run_scan(kernel, owner, RULES)
    scan = await get_scan(scan_id, owner)
    assert scan["status"] == "done" and scan["stats"]["records"] == len(ids)
    pages = await _all_pages(kernel, owner, scan_id)
    assert pages[0]["pages"] == -(-scan["stats"]["clusters"] // 7) and len(pages) == pages[0]["pages"]
    found = _clusters_of(pages)
    assert len(found) == scan["stats"]["clusters"]
    index = {rid: n for n, rid in enumerate(ids)}
    truth_clusters = [[ids[i] for i in c] for c in clusters(len(ids), [(index[a], index[b]) for a, b in truth])]
    precision, recall = precision_recall(found, truth_clusters)
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)
    # Every matched pair says which rule matched it (and the name score where one was asked).
    reasons = {p["rule"] for page in pages for c in page["clusters"] for p in c["pairs"]}
    assert reasons <= set(DEFAULT_RULES) and "phone" in reasons
    for page in pages:
        for c in page["clusters"]:
            for p in c["pairs"]:
                assert (p["score"] is not None) == ("name~" in p["rule"])


async def test_scan_reads_only_what_the_user_may_read(app_factory):
    kernel = app_factory().state.kernel
    ann, bob = principal(), principal()
    admin = principal(scope="all")
    inn = "7707083893"
    a = await gate(kernel, ann).create({"name": "ООО «Ромашка Тест»", "inn": inn, "phone": "+7 916 555-12-34"})
    b = await gate(kernel, bob).create({"name": "OOO Romashka Test", "inn": inn, "phone": "8 (916) 555-12-34"})
    # Ann's scan: one record, no cluster; Bob's the same.
    for who in (ann, bob):
        scan = await get_scan(await run_scan(kernel, who, RULES), who)
        assert (scan["stats"]["records"], scan["stats"]["clusters"]) == (1, 0)
    # Someone who reads both sees the pair, matched on tax id and phone (first rule wins).
    both = principal(scope="team", team=(ann.user_id, bob.user_id))
    sid = await run_scan(kernel, both, RULES)
    (cluster,) = (await report_page(kernel, both, sid))["clusters"]
    assert {r["id"] for r in cluster["records"]} == {a["id"], b["id"]} and cluster["pairs"][0]["rule"] == "tax_id"
    # A report is its author's: not even an administrator reads another user's.
    with pytest.raises(NotFound):
        await report_page(kernel, admin, sid)
    with pytest.raises(NotFound):
        await get_scan(uuid.uuid4(), both)
    # Viewed later by someone who lost access to one side, the cluster is not shown.
    narrowed = principal(user=both.user_id, scope="team", team=(ann.user_id,))
    assert (await report_page(kernel, narrowed, sid))["clusters"] == []


async def test_a_hidden_field_is_no_key(app_factory):
    kernel = app_factory().state.kernel
    owner = principal()
    await gate(kernel, owner).create({"name": "Альфа", "inn": "500100732259"})
    await gate(kernel, owner).create({"name": "Бета", "inn": "500100732259"})
    assert (await get_scan(await run_scan(kernel, owner, RULES), owner))["stats"]["clusters"] == 1
    blind = principal(user=owner.user_id, hidden=("inn",))
    assert (await get_scan(await run_scan(kernel, blind, RULES), blind))["stats"]["clusters"] == 0
