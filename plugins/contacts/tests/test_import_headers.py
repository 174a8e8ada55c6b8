"""The headers a client base comes with map to the contacts fields without being told."""

from __future__ import annotations

import pytest

from core.dataio.mapping import guess
from core.entities.registry import all_fields
from core.entities.spec import SYSTEM_FIELDS
from plugins.contacts.entities import CLIENT, CONTACT, ENTITIES, EVENT, INTERACTION, TASK


def importable(entity):
    return [f for f in all_fields(entity) if not f.readonly and f.name not in SYSTEM_FIELDS]


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.key)
def test_every_declared_header_maps_to_its_field(entity):
    """A label or synonym another field of the entity also answers to would map to neither."""
    fields = importable(entity)
    for f in fields:
        for header in (*f.label.values(), *f.synonyms):
            assert guess([header], fields) == {header: f.name}, (f.name, header)


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.key)
def test_every_field_is_named_in_russian_and_english(entity):
    for f in importable(entity):
        headers = [*f.label.values(), *f.synonyms]
        assert any(any("а" <= ch <= "я" for ch in h.casefold()) for h in headers), f.name
        assert any(any("a" <= ch <= "z" for ch in h.casefold()) for h in headers), f.name


CLIENT_RU = {
    "Наименование": "name", "Вид": "kind", "Тип клиента": "client_type", "Сфера деятельности": "industry", "Город": "region",
    "Источник": "source", "Приоритет": "importance", "Стадия": "stage", "Страна": "country", "ИНН": "inn", "КПП": "kpp",
    "ОГРН": "ogrn", "Телефон": "phone", "Доп. телефоны": "phones", "Электронная почта": "email", "Другие e-mail": "emails",
    "Сайт": "website", "Юр. адрес": "address_legal", "Фактический адрес": "address_actual", "Широта": "latitude",
    "Долгота": "longitude", "Отдел": "team_id", "Дата рождения / основания": "birthday", "Ответственный менеджер": "owner_id",
}
CLIENT_EN = {
    "Company name": "name", "Company or person": "kind", "Client type": "client_type", "Sector": "industry", "City": "region",
    "Lead source": "source", "Priority": "importance", "Stage": "stage", "Country code": "country", "Tax ID": "inn", "KPP": "kpp",
    "OGRN": "ogrn", "Phone number": "phone", "Other phones": "phones", "E-mail": "email", "Other emails": "emails",
    "Web site": "website", "Legal address": "address_legal", "Address": "address_actual", "Lat": "latitude", "Lng": "longitude",
    "Team": "team_id", "Date of birth": "birthday", "Owner": "owner_id",
}
CONTACT_RU = {"ФИО": "full_name", "Организация": "client", "Должность": "position", "Роль": "role", "Мобильный телефон": "phone",
              "Телефоны": "phones", "E-mail": "email", "Доп. почта": "emails", "Дата рождения": "birthday", "Комментарий": "notes",
              "Менеджер": "owner_id"}
INTERACTION_RU = {"Тема": "subject", "Тип": "kind", "Статус": "status", "Клиент": "client", "Контакт": "contact",
                  "Дата и время": "starts_at", "Продолжительность": "duration_minutes", "Участники": "participants",
                  "Итог": "result", "Следующий шаг": "follow_up", "Напоминание": "remind_minutes"}
TASK_EN = {"Title": "title", "Details": "description", "Company": "client", "Due date": "deadline", "Reminder": "remind_minutes",
           "Assigned to": "owner_id"}
EVENT_RU = {"Событие": "title", "Тип события": "kind", "Дата": "date", "Каждый год": "yearly", "Организация": "client",
            "Контактное лицо": "contact", "Напоминание": "remind_days"}


@pytest.mark.parametrize("entity, headers", [(CLIENT, CLIENT_RU), (CLIENT, CLIENT_EN), (CONTACT, CONTACT_RU),
                                             (INTERACTION, INTERACTION_RU), (TASK, TASK_EN), (EVENT, EVENT_RU)],
                         ids=["client-ru", "client-en", "contact-ru", "interaction-ru", "task-en", "event-ru"])
def test_a_real_files_headers_are_guessed(entity, headers):
    assert guess(list(headers), importable(entity)) == headers


def test_headers_in_any_case_and_spacing_map_too():
    assert guess(["ЭЛЕКТРОННАЯ  ПОЧТА", "дата рождения/основания", "e-mail адрес"], importable(CLIENT)) == {
        "ЭЛЕКТРОННАЯ  ПОЧТА": "email", "дата рождения/основания": "birthday"}
