"""What people write in interactions and assignments, in Russian and English.

Subjects are templates with a slot (an order or invoice number, a product,
a month), so a million rows still hold many distinct texts for the search
index to work on, while staying what a sales team really types. A Russian
client's activities are in Russian and an English client's in English, with
a share of the other language (bilingual teams, copied templates).
"""

from __future__ import annotations

import random

from bench.data.records import number, pick

OTHER_LANGUAGE_SHARE = 0.1

PRODUCTS = {
    "ru": ("поставка оборудования", "сервисный договор", "пилотный проект", "годовая лицензия", "запчасти", "монтаж", "доставка"),
    "en": ("equipment supply", "service contract", "pilot project", "annual licence", "spare parts", "installation", "delivery"),
}
MONTHS = {
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}

# kind -> language -> templates; {n} a document number, {p} a product, {m} a month
SUBJECTS = {
    "call": {
        "ru": ("Звонок по заказу №{n}", "Уточнить условия: {p}", "Перезвонить по счёту №{n}", "Холодный звонок",
               "Напомнить об оплате счёта №{n}", "Обсудить скидку на {p}", "Сверка взаиморасчётов за {m}", "Звонок ЛПР по теме «{p}»"),
        "en": ("Call about order #{n}", "Clarify terms: {p}", "Follow up on invoice #{n}", "Cold call",
               "Payment reminder, invoice #{n}", "Discuss a discount on {p}", "Account reconciliation for {m}", "Call the decision maker about {p}"),
    },
    "meeting": {
        "ru": ("Встреча в офисе клиента", "Презентация: {p}", "Переговоры по договору №{n}", "Демонстрация продукта",
               "Встреча на выставке", "Согласование плана на {m}"),
        "en": ("Meeting at the client's office", "Presentation: {p}", "Negotiating contract #{n}", "Product demo",
               "Meeting at the trade fair", "Agreeing the plan for {m}"),
    },
    "letter": {
        "ru": ("Отправлен договор №{n}", "Акт сверки за {m}", "Претензия по заказу №{n}", "Оригиналы документов почтой"),
        "en": ("Contract #{n} sent by post", "Statement of account for {m}", "Complaint about order #{n}", "Signed originals by post"),
    },
    "email": {
        "ru": ("КП: {p}", "Прайс-лист на {m}", "Счёт №{n} по эл. почте", "Ответ на запрос: {p}", "Рассылка новинок за {m}"),
        "en": ("Quote: {p}", "Price list for {m}", "Invoice #{n} by email", "Reply to the enquiry: {p}", "New products newsletter, {m}"),
    },
    "note": {
        "ru": ("Лучше звонить после 14:00", "Бухгалтерия работает до 17:00", "Интересуется: {p}", "Сменился ЛПР"),
        "en": ("Prefers calls after 2 pm", "Accounts close at 5 pm", "Interested in {p}", "New decision maker"),
    },
}
RESULTS = {
    "ru": ("Договорились о встрече", "Ждут КП", "Перезвонить через неделю", "Счёт оплачен", "Не дозвонились",
           "Отказ: дорого", "Согласовали условия", "Отправить образцы", "Передали в бухгалтерию"),
    "en": ("Agreed on a meeting", "Waiting for our quote", "Call back in a week", "Invoice paid", "No answer",
           "Declined: too expensive", "Terms agreed", "Send samples", "Passed to accounts"),
}
FOLLOW_UPS = {
    "ru": ("Подготовить КП", "Выставить счёт", "Назначить встречу", "Отправить договор на подпись"),
    "en": ("Prepare a quote", "Issue an invoice", "Schedule a meeting", "Send the contract for signing"),
}
TASKS = {
    "ru": ("Подготовить договор №{n}", "Согласовать скидку: {p}", "Проверить оплату счёта №{n}", "Подготовить КП: {p}",
           "Собрать документы за {m}", "Выяснить потребность: {p}"),
    "en": ("Prepare contract #{n}", "Approve a discount: {p}", "Check payment of invoice #{n}", "Prepare a quote: {p}",
           "Collect the documents for {m}", "Find out what they need: {p}"),
}
TASK_RESULTS = {
    "ru": ("Сделано", "Договор подписан", "Оплата поступила", "КП отправлено, ждём ответа", "Клиент отложил до следующего квартала"),
    "en": ("Done", "Contract signed", "Payment received", "Quote sent, waiting for an answer", "The client put it off to next quarter"),
}
TASK_DESCRIPTIONS = {
    "ru": ("Срочно, клиент ждёт", "См. переписку с клиентом", "Согласовать с руководителем отдела", ""),
    "en": ("Urgent, the client is waiting", "See the emails with the client", "Check with the head of sales", ""),
}
PARTICIPANTS = {
    "ru": ("директор, главный бухгалтер", "менеджер по закупкам", "технический директор, инженер", "собственник бизнеса"),
    "en": ("director, chief accountant", "purchasing manager", "CTO, engineer", "business owner"),
}


class Texts:
    """Texts for one activity, drawn from one seeded ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def language(self, english_client: bool) -> str:
        other = self.rng.random() < OTHER_LANGUAGE_SHARE
        return "en" if english_client != other else "ru"

    def fill(self, template: str, lang: str) -> str:
        rng = self.rng
        if "{" not in template:
            return template
        return template.format(n=number(rng, 100, 99_999), p=pick(rng, PRODUCTS[lang]), m=pick(rng, MONTHS[lang]))

    def subject(self, kind: str, lang: str) -> str:
        return self.fill(pick(self.rng, SUBJECTS[kind][lang]), lang)

    def result(self, lang: str) -> str:
        return pick(self.rng, RESULTS[lang])

    def follow_up(self, lang: str) -> str:
        return pick(self.rng, FOLLOW_UPS[lang])

    def participants(self, lang: str) -> str:
        return pick(self.rng, PARTICIPANTS[lang])

    def task_result(self, lang: str) -> str:
        return pick(self.rng, TASK_RESULTS[lang])

    def task(self, lang: str) -> tuple[str, str]:
        return self.fill(pick(self.rng, TASKS[lang]), lang), pick(self.rng, TASK_DESCRIPTIONS[lang])
