"""Counts in agreement with their words in the strings users read (report page, command line).

A string writes ``{n|singular|plural}`` where the words depend on the count ``n``: "{n} {n|campagne
détectée|campagnes détectées}" reads "1 campagne détectée", "3 campagnes détectées". A form for none may come
first, ``{n|zero|singular|plural}``: "{n|aucune campagne détectée|{n} campagne détectée|{n} campagnes
détectées}" reads "aucune campagne détectée" where French would write "0 campagne détectée". A form may hold
another count's forms: "{n|aucune n'est classée|{n} est classée en {k} {k|thème|thèmes}|{n} sont classées en {k}
{k|thème|thèmes}}". The report page's script reads the same syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# any form may hold other values: "{n|La ligne rejetée|Les {n} lignes rejetées}"
_FORM = r"((?:[^|{}]|\{\w+\})*)"
_PLURAL = re.compile(rf"\{{(\w+)\|{_FORM}\|{_FORM}(?:\|{_FORM})?\}}")


def plural_forms(text: str, values: Mapping[str, object], lang: str = "fr") -> str:
    """``text`` with each ``{key|singular|plural}`` replaced by the form the count ``values[key]`` (a number or
    a number as shown, "8 944") takes: in French the singular below 2 ("0 campagne détectée"), in English for 1
    only; with three forms, ``{key|zero|singular|plural}``, the first for 0. A key without a value is left as it
    is. Nested forms are read from the innermost out."""

    def form(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        digits = re.sub(r"\D", "", str(value))
        n = value if isinstance(value, int | float) else int(digits) if digits else 2
        zero, one, many = match.group(2, 3, 4) if match.group(4) is not None else (None, *match.group(2, 3))
        if n == 0 and zero is not None:
            return str(zero)
        return str(one if (n < 2 if lang == "fr" else n == 1) else many)

    while (read := _PLURAL.sub(form, text)) != text:  # the outer forms match once the inner ones are read
        text = read
    return text


def say(text: str, values: Mapping[str, object], lang: str = "fr") -> str:
    """``text`` with its counts in agreement (:func:`plural_forms`) and its values in place, each whole
    number shown with its thousands apart: "8 957" (French, a no-break space: a number is never cut at the end
    of a line), "8,957" (English). For the command line; the report page formats its own numbers."""
    shown = {
        k: (f"{v:,}" if lang == "en" else f"{v:,}".replace(",", "\u00a0")) if isinstance(v, int) else v
        for k, v in values.items()
    }
    return plural_forms(text, values, lang).format(**shown)
