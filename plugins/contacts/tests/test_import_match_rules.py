"""The contacts plugin's match rules as an import uses them (``import_match_rules``).

Each test uses values no other test has (tax ids, e-mails, phones made from a
random number), so they run on the shared test database without clearing it.
"""

from __future__ import annotations

import csv
import random
import uuid

from stdnum.ru import inn as ru_inn

from core.dataio.importer import create_run, rejected_rows, run_import
from core.dataio.matching import composite_keys, match_rules
from plugins.contacts.tests.dedupe_helpers import principal

IMPORTING = ("read", "create", "write", "delete", "import")


def person_inn() -> str:
    head = f"{random.randrange(10**9, 10**10)}"
    return head + ru_inn.calc_personal_check_digits(head)


def company_inn() -> str:
    head = f"{random.randrange(10**8, 10**9)}"
    return head + ru_inn.calc_company_check_digit(head)


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


async def imported(kernel, who, path, entity="contacts.client", **kw):
    return await run_import(kernel, await create_run(kernel, entity, who, path, **kw), who)


def test_clients_and_contacts_declare_their_rules_other_entities_none(app_factory):
    kernel = app_factory().state.kernel
    client = match_rules(kernel, kernel.entities["contacts.client"])
    assert [(r.fields, r.optional, r.sure) for r in client] == [
        (("inn",), ("kpp",), True), (("email",), (), True), (("phone",), (), True), (("name",), (), False)]
    assert all(set(r.veto) == {"inn", "kpp"} for r in client[1:])
    assert list(composite_keys(client)) == ["inn+kpp"]
    contact = match_rules(kernel, kernel.entities["contacts.contact"])
    assert [r.fields for r in contact] == [("email",), ("phone",), ("full_name",)]
    assert match_rules(kernel, kernel.entities["contacts.task"]) == []


async def test_a_sole_trader_without_kpp_is_found_by_tax_id_alone(app_factory, tmp_path):
    kernel = app_factory().state.kernel
    who = principal(scope="own", actions=IMPORTING)
    tax = person_inn()
    header = ["Наименование", "ИНН", "КПП"]
    first = await imported(kernel, who, write(tmp_path / "a.csv", [header, ["ИП Сидоров", tax, ""]]))
    assert first["created"] == 1, first["error"]
    again = await imported(kernel, who, write(tmp_path / "b.csv", [header, ["ИП Сидоров Пётр", f" {tax} ", ""]]))
    assert (again["created"], again["updated"]) == (0, 1)


async def test_a_company_tax_id_typed_with_spaces_matches_its_stored_digits(app_factory, tmp_path):
    kernel = app_factory().state.kernel
    who = principal(scope="own", actions=IMPORTING)
    tax = company_inn()
    header = ["Наименование", "ИНН", "КПП", "Телефон"]
    phone = f"+7 916 {random.randrange(10**6, 10**7)}"
    await imported(kernel, who, write(tmp_path / "a.csv", [header, ["ООО Тест", tax, "770101001", phone]]))
    spaced = f"{tax[:4]} {tax[4:]}"
    run = await imported(kernel, who, write(tmp_path / "b.csv", [header, ["ООО Тест", spaced, "770101001", phone]]))
    assert (run["created"], run["unchanged"]) == (0, 1), [r async for r in rejected_rows(run["id"])]


async def test_contact_persons_are_found_by_email(app_factory, tmp_path):
    kernel = app_factory().state.kernel
    who = principal(scope="own", actions=IMPORTING)
    email = f"p{uuid.uuid4().hex[:10]}@example.com"
    header = ["ФИО", "Эл. почта", "Должность"]
    await imported(kernel, who, write(tmp_path / "a.csv", [header, ["Иванов Иван", email, "Директор"]]), "contacts.contact")
    run = await imported(kernel, who, write(tmp_path / "b.csv", [header, ["Иванов И. И.", email, "Генеральный директор"]]),
                         "contacts.contact")
    assert (run["created"], run["updated"]) == (0, 1), run["error"]
