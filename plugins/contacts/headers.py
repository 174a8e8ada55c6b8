"""Headers a client base brings, per field: what an import maps without being told.

A file from 1C, an Excel sheet kept by hand or another CRM's export names the
columns its own way ("Электронная почта", "Юр. адрес", "Дата рождения /
основания", "Company name"). :func:`with_synonyms` attaches these to the
fields' declarations (``Field.synonyms``), where core's mapping guess
(``core.dataio.mapping``) reads them beside the labels. A header two fields of
one entity would claim is left out: the guess then maps neither
(``plugins/contacts/tests/test_import_headers.py`` holds every entity to it).
"""

from __future__ import annotations

from dataclasses import replace

from core.entities.spec import Field

PHONE = ("Телефон", "Тел.", "Номер телефона", "Контактный телефон", "Основной телефон", "Мобильный", "Мобильный телефон",
         "Сотовый", "Phone number", "Telephone", "Tel.", "Mobile", "Mobile phone", "Cell phone", "Main phone")
PHONES = ("Телефоны", "Другие телефоны", "Дополнительные телефоны", "Доп. телефоны", "Доп. телефон", "Phones",
          "Other phones", "Additional phones")
EMAIL = ("Электронная почта", "Адрес электронной почты", "E-mail", "Эл. адрес", "Почта", "Емейл", "Имейл", "Email address",
         "E-mail address", "Mail")
EMAILS = ("Другие e-mail", "Дополнительные e-mail", "Доп. e-mail", "Доп. почта", "Другие адреса электронной почты",
          "Emails", "Other emails", "Additional emails")
CLIENT_REF = ("Клиент", "Организация", "Компания", "Контрагент", "Наименование клиента", "Client", "Company",
              "Organization", "Organisation", "Account", "Customer")
CONTACT_REF = ("Контакт", "Контактное лицо", "ФИО контакта", "Contact", "Contact person", "Person")
REMIND_MINUTES = ("Напоминание", "Напомнить", "Напоминание, мин", "Напомнить за", "Reminder", "Remind", "Reminder, minutes")

CLIENT = {
    "name": ("Название", "Наименование организации", "Название организации", "Название компании", "Организация",
             "Компания", "Клиент", "Контрагент", "Полное наименование", "Краткое наименование", "Company", "Company name",
             "Client", "Client name", "Customer", "Customer name", "Organization", "Organisation", "Account", "Account name"),
    "kind": ("Вид клиента", "Тип лица", "Юр./физ. лицо", "Юрлицо или физлицо", "Компания или частное лицо",
             "Client kind", "Company or individual", "Entity type"),
    "client_type": ("Тип клиента", "Тип контрагента", "Вид контрагента", "Категория клиента", "Client type",
                    "Customer type", "Relationship type"),
    "industry": ("Сфера деятельности", "Вид деятельности", "Отрасль деятельности", "Сфера", "Sector", "Business sector",
                 "Line of business"),
    "region": ("Город", "Населённый пункт", "Область", "Край", "Субъект РФ", "Регион / город", "City", "Town", "State",
               "Province", "Area"),
    "source": ("Источник клиента", "Откуда узнал", "Канал привлечения", "Lead source", "Channel", "Acquisition channel"),
    "importance": ("Приоритет", "Категория важности", "ABC", "ABC-класс", "Priority", "ABC class", "Rating"),
    "stage": ("Стадия", "Этап", "Статус клиента", "Статус отношений", "Stage", "Client status", "Lifecycle stage"),
    "country": ("Код страны", "Country code", "ISO"),
    "inn": ("ИНН", "ИНН организации", "ИНН клиента", "Налоговый номер", "INN", "Tax ID", "Tax number", "TIN", "VAT",
            "VAT number", "VAT ID"),
    "kpp": ("Код причины постановки на учёт", "KPP"),
    "ogrn": ("ОГРН", "ОГРНИП", "Регистрационный номер", "OGRN", "OGRNIP", "Registration number",
             "State registration number", "Company number"),
    "phone": PHONE,
    "phones": PHONES,
    "email": EMAIL,
    "emails": EMAILS,
    "website": ("Веб-сайт", "Сайт компании", "Адрес сайта", "Интернет-сайт", "Web", "Web site", "Homepage", "URL"),
    "address_legal": ("Юр. адрес", "Юрадрес", "Юридический адрес организации", "Адрес регистрации", "Registered address",
                      "Legal address"),
    "address_actual": ("Адрес", "Факт. адрес", "Фактический адрес организации", "Почтовый адрес", "Адрес местонахождения",
                       "Address", "Physical address", "Street address", "Postal address", "Mailing address"),
    "latitude": ("Lat",),
    "longitude": ("Lon", "Lng", "Long"),
    "team_id": ("Отдел", "Группа", "Department", "Group"),
    "birthday": ("Дата рождения / основания", "Дата рождения", "Дата основания", "День основания", "Дата регистрации",
                 "Birth date", "Date of birth", "DOB", "Founded", "Founding date", "Foundation date", "Birthday"),
}

CONTACT = {
    "full_name": ("ФИО", "Ф.И.О.", "Фамилия Имя Отчество", "Имя", "Контактное лицо", "Контакт", "Сотрудник", "Name",
                  "Contact", "Contact name", "Person"),
    "client": CLIENT_REF + ("Место работы", "Employer"),
    "position": ("Позиция", "Job title", "Title"),
    "role": ("Роль контакта", "Роль в сделке", "Contact role"),
    "phone": PHONE,
    "phones": PHONES,
    "email": EMAIL,
    "emails": EMAILS,
    "birthday": ("Дата рождения", "Birth date", "Date of birth", "DOB"),
    "notes": ("Примечание", "Примечания", "Комментарий", "Комментарии", "Заметка", "Описание", "Note", "Comment",
              "Comments", "Remarks", "Description"),
}

LINK = {
    "contact": CONTACT_REF + ("ФИО",),
    "client": CLIENT_REF,
    "position": ("Позиция", "Job title", "Title"),
    "role": ("Роль контакта", "Contact role"),
}

INTERACTION = {
    "subject": ("Тема взаимодействия", "Заголовок", "Название", "Title", "Topic"),
    "kind": ("Тип", "Тип взаимодействия", "Вид взаимодействия", "Канал", "Type", "Interaction type", "Channel"),
    "status": ("Статус", "State"),
    "client": CLIENT_REF,
    "contact": CONTACT_REF,
    "starts_at": ("Дата", "Дата и время", "Время начала", "Начало", "Когда", "Date", "Date and time", "Start", "Starts at",
                  "When"),
    "duration_minutes": ("Длительность", "Продолжительность", "Продолжительность, мин", "Минут", "Duration", "Minutes"),
    "participants": ("Участники встречи", "Присутствовали", "Attendees"),
    "result": ("Итог", "Итоги", "Результат встречи", "Outcome"),
    "follow_up": ("Следующий шаг", "Следующие шаги", "Что дальше", "Next step", "Next steps", "Follow up"),
    "remind_minutes": REMIND_MINUTES,
}

TASK = {
    "title": ("Название задачи", "Тема", "Что сделать", "Поручение", "Title", "Subject", "To do"),
    "description": ("Описание задачи", "Подробности", "Комментарий", "Details", "Notes"),
    "client": CLIENT_REF,
    "deadline": ("Срок выполнения", "Крайний срок", "Выполнить до", "Дата выполнения", "Due", "Due date", "Due by"),
    "remind_minutes": REMIND_MINUTES,
}

EVENT = {
    "title": ("Событие", "Название события", "Повод", "Event", "Occasion"),
    "kind": ("Тип события", "Вид события", "Тип", "Event type", "Type"),
    "date": ("Дата события", "Когда", "Event date"),
    "yearly": ("Каждый год", "Повторять ежегодно", "Ежегодное", "Yearly", "Annual", "Repeats yearly"),
    "client": CLIENT_REF,
    "contact": CONTACT_REF,
    "remind_days": ("Напоминание", "Напоминание, дней", "Напомнить за", "Reminder", "Remind", "Reminder, days", "Days before"),
}


def with_synonyms(fields: tuple[Field, ...], headers: dict[str, tuple[str, ...]]) -> tuple[Field, ...]:
    """The fields with the further headers a file may give each of them."""
    unknown = set(headers) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"headers for unknown fields {sorted(unknown)}")
    return tuple(replace(f, synonyms=f.synonyms + headers.get(f.name, ())) for f in fields)
