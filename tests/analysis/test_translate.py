"""The compiled catalogue that the product reads (``messages.mo``, read by the standard
library's ``gettext``) is its ``.po`` file compiled by Babel: a ``.po`` changed without
running ``scripts/messages`` fails here."""

from __future__ import annotations

import gettext

import pytest

from analysis import translate
from analysis.translate import LANGUAGES, compile_catalogue, mo_path, ntranslate, translate as tr, translations


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_the_compiled_catalogue_is_the_po_file_compiled(lang):
    assert mo_path(lang).read_bytes() == compile_catalogue(lang), (
        f"{mo_path(lang)} is older than its .po file: run scripts/messages"
    )


def test_german_texts_and_plural_forms_come_from_the_compiled_catalogue():
    assert tr("Questions", "de") == "Fragen"
    assert ntranslate("%(count)s member", "%(count)s members", 1, "de") == "%(count)s Mitglied"
    assert ntranslate("%(count)s member", "%(count)s members", 2, "de") == "%(count)s Mitglieder"
    assert translations("de").info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


def test_english_and_a_missing_catalogue_give_the_message_itself(tmp_path, monkeypatch):
    assert type(translations("en")) is gettext.NullTranslations
    monkeypatch.setattr(translate, "LOCALE_DIR", tmp_path)
    translations.cache_clear()
    try:
        assert tr("Questions", "de") == "Questions"
    finally:
        monkeypatch.undo()
        translations.cache_clear()
