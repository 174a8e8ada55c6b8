"""Normalization and matching of duplicates, without a database (pure functions)."""

import pytest

from bench.data.rows import client_chunks
from plugins.contacts.dedupe.matcher import clusters, find, keys_of, precision_recall
from plugins.contacts.dedupe.normalize import email_key, name_key, phone_key, phone_keys, tax_id_key
from plugins.contacts.dedupe.rules import RuleError, parse


@pytest.mark.parametrize("a, b", [
    ("ООО «Ромашка»", 'OOO "Romashka"'),  # transliteration, quotes
    ("ООО «Ромашка»", "АО Ромашка"),  # the legal form says nothing about which company
    ("Иванов Юрий Сергеевич", "Ivanov Yuriy Sergeevich"),
    ("Иванов Юрий Сергеевич", "Iurii Ivanov Sergeevich"),  # ICAO spelling, word order
    ("Хабаров Цезарь", "Khabarov Tsezar"),
    ("Щукин", "Shchukin"),
    ("Ёлкин", "Елкин"),
    ("Romashka LLC", "romashka"),
])
def test_name_variants_share_one_key(a, b):
    assert name_key(a) == name_key(b) != ""


def test_different_names_keep_different_keys():
    assert name_key("ООО «Ромашка»") != name_key("ООО «Василёк»")
    assert name_key("ООО") == ""  # a legal form alone names nobody


@pytest.mark.parametrize("typed", ["8 (912) 345-67-89", "+7 912 345 67 89", "+79123456789", "912-345-67-89",
                                   "8-912-345-6789", "007 912 3456789"])
def test_russian_phone_formats_read_as_one_number(typed):
    assert "+79123456789" in phone_keys(typed, ("RU",))
    assert phone_key(typed, ("RU",)) == "+79123456789"


def test_number_without_country_code_is_read_in_each_configured_region():
    keys = phone_keys("(201) 555-0123", ("RU", "US"))
    assert keys == {"+72015550123", "+12015550123"}
    assert phone_keys("+1 201 555 0123", ("RU", "US")) & keys
    assert phone_key("(201) 555-0123", ("RU", "US")) == "+72015550123"  # the first region's reading
    assert phone_keys("8 (912) 345-67-89", ("RU", "US")) == {"+79123456789"}  # 11 digits fit no US number


@pytest.mark.parametrize("bad", ["", None, "12", "abc", "+12"])
def test_no_phone_key_from_too_few_digits(bad):
    assert phone_keys(bad) == frozenset()
    assert phone_key(bad) == ""


def test_unknown_region_is_an_error():
    with pytest.raises(ValueError, match="unknown phone region"):
        phone_keys("9123456789", ("XX",))


def test_tax_id_and_email_keys():
    assert tax_id_key(" 7707 083893 ") == "7707083893"
    assert tax_id_key("7707-083893") == "7707083893"
    assert tax_id_key("123") == ""  # too short to identify anyone
    assert email_key("  Info@Romashka.RU ") == "info@romashka.ru"
    assert email_key("not an address") == ""


def test_rules_parse_and_refuse_bad_input():
    rules = parse(["tax_id", "phone", "email & name~0.9", "name~0.97"])
    assert [r.text for r in rules.rules] == ["tax_id", "phone", "email & name~0.9", "name~0.97"]
    assert parse("tax_id\n\nphone").rules[1].keys == ("phone",)
    for bad, message in [("", "at least one rule"), ("fax", "Unknown term"), ("phone & phone", "twice"),
                         ("name~1.5", "Unknown term"), ("phone &", "Empty term")]:
        with pytest.raises(RuleError, match=message):
            parse([bad] if bad else [])
    with pytest.raises(RuleError, match="veto"):
        parse(["phone"], veto=("colour",))


def _rows(**kw):
    base = {"name": "", "inn": "", "phone": "", "email": ""}
    return [{**base, **r, "id": n} for n, r in enumerate(kw["rows"])]


def test_veto_keeps_companies_with_different_tax_ids_apart():
    # Two companies share a mailbox and a name but not the tax id; a third row
    # without a tax id has the first one's phone: it joins the first only.
    rows = _rows(rows=[
        dict(name="ООО «Анализ»", inn="3131512216", phone="+79726159243", email="buh@analiz.ru"),
        dict(name="ПАО «Анализ»", inn="4407186356", phone="+79561970727", email="buh@analiz.ru"),
        dict(name="OOO Analiz", inn="", phone="8 (972) 615-92-43", email="buh@analiz.ru"),
    ])
    rules = parse(["tax_id", "phone", "email & name~0.9"])
    result = find([keys_of(r, rules.regions) for r in rows], rules)
    assert result.clusters == [[0, 2]]
    assert [m.rule.text for m in result.pairs.values()] == ["phone"]
    # Without the veto the mailbox chains all three together.
    loose = parse(["tax_id", "phone", "email & name~0.9"], veto=())
    assert find([keys_of(r, loose.regions) for r in rows], loose).clusters == [[0, 1, 2]]


def test_and_of_keys_and_similarity_threshold():
    rows = _rows(rows=[
        dict(name="Jon Yates", email="j.yates@icloud.com"),
        dict(name="Jon Yaes", email="j.yates@icloud.com"),  # a typo
        dict(name="Jerry Yates", email="j.yates@icloud.com"),  # someone else with the same mailbox pattern
    ])
    result = find([keys_of(r, ("RU",)) for r in rows], parse(["email & name~0.9"]))
    assert result.clusters == [[0, 1]]
    (match,) = result.pairs.values()
    assert match.score == pytest.approx(12 / 13)  # "ates on" vs "aes on": one letter of 13


def test_name_only_rule_blocks_on_words_and_skips_common_ones():
    rows = _rows(rows=[dict(name=f"Ромашка {n}") for n in range(5)] + [dict(name="Shchukin Petr"), dict(name="Щукин Пётр")])
    result = find([keys_of(r, ("RU",)) for r in rows], parse(["name~0.97"], max_block=4))
    assert result.clusters == [[5, 6]]
    assert result.skipped_blocks == {"name~0.97": 1}  # "romaska" is shared by five: too common


def test_clusters_are_connected_components():
    assert clusters(6, [(0, 1), (1, 2), (4, 5)]) == [[0, 1, 2], [4, 5]]


def test_labelled_set_precision_and_recall():
    """The bench generator's labelled duplicates (typos, formats, transliteration): P4's quality bar."""
    records, truth = [], []
    for chunk in client_chunks(seed=3, count=6000, duplicates_share=0.05, owners=4):
        records += chunk.records
        truth += chunk.truth
    rules = parse(["tax_id", "phone", "email & name~0.9"])
    result = find([keys_of(r, rules.regions) for r in records], rules)
    ids = [r["id"] for r in records]
    index = {rid: n for n, rid in enumerate(ids)}
    true_clusters = [[ids[i] for i in c] for c in clusters(len(ids), [(index[a], index[b]) for a, b, _ in truth])]
    found = [[ids[i] for i in c] for c in result.clusters]
    precision, recall = precision_recall(found, true_clusters)
    assert len(truth) > 250
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)
    assert precision_recall([], true_clusters) == (1.0, 0.0)


@pytest.mark.parametrize("size", [4, 12, 40])
def test_a_block_scored_at_once_matches_as_pair_by_pair(size, monkeypatch):
    """Small blocks are compared pair by pair, large ones by one cdist call and array masks:
    both give the same pairs, scores and clusters, the tax-id veto included."""
    from itertools import combinations

    from plugins.contacts.dedupe import matcher

    names = ["ООО Ромашка", "Romashka", "Ромашка Плюс", "Romashka+", "Василёк", "Romashkа"]
    rows = [{"id": n, "name": names[n % len(names)], "email": "info@romashka.ru",
             "inn": ["7707083893", "", "5001012345", "7707083893"][n % 4]} for n in range(size)]
    records = [keys_of(r, ("RU",)) for r in rows]

    def found(rules):
        result = find(records, parse(rules, veto=("tax_id",)))
        return {p: (m.rule.text, m.score) for p, m in result.pairs.items()}, result.clusters

    at_once = found("email & name~0.9")
    monkeypatch.setattr(matcher, "CDIST_MIN", size + 1)
    assert found("email & name~0.9") == at_once and at_once[0]
    # Without the veto every alike pair of the block matches, scored as name_similarity says.
    unvetoed = find(records, parse("email & name~0.9", veto=()))
    assert set(unvetoed.pairs) == {(i, j) for i, j in combinations(range(size), 2)
                                   if matcher.name_similarity(records[i].name, records[j].name) >= 0.9}
    assert all(m.score == matcher.name_similarity(records[m.a].name, records[m.b].name) for m in unvetoed.pairs.values())
