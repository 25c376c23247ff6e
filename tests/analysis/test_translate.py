"""The catalogue that analysis.translate compiles from a .po file translates every message
as Babel's compilation of the same file does (``read_po`` and ``write_mo``, which the
diagnosis does not load: they take several times as long)."""

from __future__ import annotations

import gettext
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from analysis.translate import LANGUAGES, PLURAL_FORMS, compile_po, po_path, translations

EDGE_CASES = r'''
msgid ""
msgstr ""
"Language: de\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#, fuzzy
msgid "Fuzzy"
msgstr "Unscharf"

#, python-format, fuzzy
msgid "Fuzzy %(n)s"
msgstr "Unscharf %(n)s"

msgid "Untranslated"
msgstr ""

msgid ""
"Wrapped "
"text with \"quotes\", a\ttab and a\nnew line \\ end"
msgstr ""
"Umbrochener "
"Text mit \"Anführungszeichen\", einem\tTab und einer\nneuen Zeile \\ Ende"

msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

msgid "Open"
msgstr "Offen"

#, python-format
msgid "%(count)s team"
msgid_plural "%(count)s teams"
msgstr[0] "%(count)s Team"
msgstr[1] ""

msgid "one file"
msgid_plural "many files"
msgstr[0] ""
msgstr[1] ""

#~ msgid "Obsolete"
#~ msgstr "Veraltet"
msgid "After the obsolete one"
msgstr "Nach dem veralteten"

#, fuzzy
#~ msgid "Obsolete and fuzzy"
#~ msgstr "Veraltet und unscharf"

msgid "After the fuzzy obsolete one"
msgstr "Nach dem unscharfen veralteten"
'''


def _babel(text: str, lang: str) -> gettext.GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, read_po(BytesIO(text.encode("utf-8")), locale=lang), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _same(ours: gettext.NullTranslations, babel: gettext.NullTranslations, text: str, lang: str) -> None:
    catalog = read_po(BytesIO(text.encode("utf-8")), locale=lang)
    messages = [m for m in catalog if m.id]
    assert messages
    for m in messages:
        if m.pluralizable:
            one, many = m.id
            for n in range(0, 25):
                if m.context:
                    assert ours.npgettext(m.context, one, many, n) == babel.npgettext(m.context, one, many, n)
                else:
                    assert ours.ngettext(one, many, n) == babel.ngettext(one, many, n), (one, n)
        elif m.context:
            assert ours.pgettext(m.context, m.id) == babel.pgettext(m.context, m.id)
        else:
            assert ours.gettext(m.id) == babel.gettext(m.id), m.id
    assert ours.info()["plural-forms"] == babel.info()["plural-forms"]
    assert ours.charset() == babel.charset()


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_the_shipped_catalogue_translates_as_babel_compiles_it(lang):
    text = po_path(lang).read_text(encoding="utf-8")
    _same(translations(lang), _babel(text, lang), text, lang)


def test_edge_cases_of_the_po_format():
    ours = gettext.GNUTranslations(BytesIO(compile_po(EDGE_CASES, PLURAL_FORMS["de"])))
    _same(ours, _babel(EDGE_CASES, "de"), EDGE_CASES, "de")
    assert ours.gettext("Fuzzy") == "Fuzzy" and ours.gettext("Untranslated") == "Untranslated"
    assert ours.gettext("Obsolete") == "Obsolete"
    assert ours.gettext("After the obsolete one") == "Nach dem veralteten"
    assert ours.gettext("After the fuzzy obsolete one") == "Nach dem unscharfen veralteten"
    assert ours.pgettext("menu", "Open") == "Öffnen" and ours.gettext("Open") == "Offen"
    assert ours.ngettext("%(count)s team", "%(count)s teams", 2) == "%(count)s teams"


@pytest.mark.parametrize("lang", sorted(PLURAL_FORMS))
def test_plural_forms_are_babels(lang):
    assert PLURAL_FORMS[lang] == get_plural(lang).plural_forms


def test_every_translated_language_has_its_plural_forms():
    assert sorted(PLURAL_FORMS) == sorted(LANGUAGES[1:])
