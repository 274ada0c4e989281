"""Counts in agreement with their words (the report page read "1 campagnes détectées", "1 question(s)")."""

from synthesis.plural import plural_forms, say

LINE = "{n} {n|campagne détectée|campagnes détectées}"


def test_french_takes_the_singular_below_two():
    assert plural_forms(LINE, {"n": "1"}) == "{n} campagne détectée"
    assert plural_forms(LINE, {"n": 0}) == "{n} campagne détectée"
    assert (
        plural_forms(LINE, {"n": "8\u202f944"}) == "{n} campagnes détectées"
    )  # a number as the page shows it


def test_english_takes_the_singular_for_one_only():
    assert plural_forms("{n} {n|campaign|campaigns}", {"n": 0}, "en") == "{n} campaigns"
    assert plural_forms("{n} {n|campaign|campaigns}", {"n": "1"}, "en") == "{n} campaign"


def test_a_form_may_hold_values_and_a_missing_count_is_left_for_the_script():
    assert plural_forms("{n|The row|The {n} rows}", {"n": 3}, "en") == "The {n} rows"
    assert plural_forms(LINE, {}) == LINE


def test_a_form_for_none_may_come_first():
    # "0 campagne détectée": French takes the singular for 0, where a reader writes "aucune"
    line = "{n|aucune campagne détectée|{n} campagne détectée|{n} campagnes détectées}"
    assert plural_forms(line, {"n": "0"}) == "aucune campagne détectée"
    assert plural_forms(line, {"n": 1}) == "{n} campagne détectée"
    assert plural_forms(line, {"n": "12"}) == "{n} campagnes détectées"
    assert plural_forms("{n|no row|{n} row|{n} rows}", {"n": 0}, "en") == "no row"
    assert plural_forms("{n|no row|{n} row|{n} rows}", {"n": 1}, "en") == "{n} row"


def test_say_puts_the_values_in_with_their_thousands_apart():
    # the demo read "1300 lignes lues, 2599 contributions, 0 lignes rejetées"
    line = "{rows} {rows|ligne lue|lignes lues}, {rejected|aucune ligne rejetée|{rejected} lignes rejetées}"
    assert say(line, {"rows": 1300, "rejected": 0}) == "1\u00a0300 lignes lues, aucune ligne rejetée"
    assert say("{n} {n|row|rows} in {name}", {"n": 2599, "name": "a.csv"}, "en") == "2,599 rows in a.csv"


def test_a_form_may_hold_another_counts_forms():
    # a report whose every answer was excluded read "0 a été regroupée en 0 thème"
    line = "{c|aucune n'est classée|{c} est classée en {k} {k|thème|thèmes}|{c} sont classées en {k} {k|thème|thèmes}}"
    assert plural_forms(line, {"c": 0, "k": 0}) == "aucune n'est classée"
    assert plural_forms(line, {"c": 1, "k": 1}) == "{c} est classée en {k} thème"
    assert say(line, {"c": 40, "k": 3}) == "40 sont classées en 3 thèmes"
    assert plural_forms(line, {"c": 40}) == line  # k unknown: the whole left for the script
