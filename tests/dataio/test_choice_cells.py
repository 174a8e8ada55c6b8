"""Choice cells: codes and labels in every language and case, one dictionary look-up each."""

from __future__ import annotations

import pytest

from core.dataio.choices import ChoiceCells
from core.entities.spec import Choice, Field, label
from core.entities.validation import FieldError
from core.i18n import use_locale

CHANNELS = (Choice("mail", label("Mail", "Почта")), Choice("phone", label("Phone", "Телефон")),
            Choice("other", label("Other", "Другое")))


def test_a_multi_choice_cell_takes_labels_separated_as_the_export_writes_them():
    read = ChoiceCells(Field("channels", "multi_choice", label("Channels", "Каналы"), choices=CHANNELS))
    assert read("Почта; phone") == ["mail", "phone"]
    assert read("MAIL, Телефон") == ["mail", "phone"]
    assert read("") == ""


def test_a_label_two_choices_share_names_neither_but_a_code_always_names_its_own():
    shared = (Choice("a", label("Same", "Одно")), Choice("b", label("Other", "Same")), Choice("same", label("Code", "Код")))
    read = ChoiceCells(Field("pick", "choice", label("Pick"), choices=shared))
    assert read("same") == "same" and read("SAME") == "same"  # the code "same" wins over the shared label
    assert read("Одно") == "a" and read("код") == "same"
    shared = (Choice("a", label("Twin", "Близнец")), Choice("b", label("Twin", "Другой")))
    with pytest.raises(FieldError):
        ChoiceCells(Field("pick", "choice", label("Pick"), choices=shared))("twin")


def test_the_refusal_lists_the_labels_in_the_readers_language():
    read = ChoiceCells(Field("channel", "choice", label("Channel"), choices=CHANNELS))
    with use_locale("en"), pytest.raises(FieldError) as caught:
        read("fax")
    assert caught.value.message == "Choose one of: Mail, Phone, Other."
