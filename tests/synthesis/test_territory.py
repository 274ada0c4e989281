"""Postcode → territory mapping on the real La Poste / INSEE tables (issue 5)."""

import pytest

from schemas import RunSettings
from synthesis import participation as P
from synthesis import territory as T
from synthesis import territory_tables as TT
from synthesis.participation import participation_report
from synthesis.records import Contribution


def test_every_departement_maps_from_some_postcode_and_has_a_region():
    deps = TT.departements()
    assert len(deps) == 101 and "2A" in deps and "2B" in deps and "20" not in deps
    reached = {T.locate(cp).departement for cp in TT.postcode_table()}
    assert set(deps) <= reached
    assert all(d["region_code"] in TT.regions() for d in deps.values())


def test_every_commune_of_the_population_table_has_a_known_departement():
    deps = TT.departements()
    assert all(TT.departement_of_commune(c) in deps for c in TT.commune_population())
    assert set(TT.departement_population()) == set(deps) - {"976"}  # Mayotte has no legal population here


@pytest.mark.parametrize(
    ("raw", "status", "dep", "region"),
    [
        ("75011", T.OK, "75", "11"),
        ("1000", T.OK, "01", "84"),  # lost leading zero
        (" 13001 ", T.OK, "13", "93"),
        ("69001 CEDEX", T.OK, "69", "84"),
        ("20000", T.OK, "2A", "94"),  # Ajaccio
        ("20200", T.OK, "2B", "94"),  # Bastia
        ("97400", T.OK, "974", "04"),
        ("97600", T.OK, "976", "06"),
        ("01200", T.AMBIGUOUS, "01", "84"),  # Ain / Haute-Savoie
        ("92081", T.GUESSED, "92", "11"),  # CEDEX: not in the table
        ("20190", T.OK, "2A", "94"),
        ("98000", T.ABROAD, None, None),  # Monaco: a foreign country with French postcodes
        ("97133", T.OUTSIDE_DEPARTEMENTS, None, None),  # Saint-Barthélemy
        ("98799", T.OUTSIDE_DEPARTEMENTS, None, None),  # Clipperton
        ("00000", T.INVALID, None, None),
        ("99999", T.INVALID, None, None),
        ("7000", T.OK, "07", "84"),  # 4 digits are read as a lost zero: 07000 Privas
        ("abcde", T.INVALID, None, None),
        ("123", T.INVALID, None, None),
        ("", T.MISSING, None, None),
        (None, T.MISSING, None, None),
    ],
)
def test_locate(raw, status, dep, region):
    loc = T.locate(raw)
    assert (loc.status, loc.departement, loc.region) == (status, dep, region)


@pytest.mark.parametrize(
    "raw, postcode",
    [
        ("75001 Paris", "75001"),
        ("75001 PARIS 1ER", "75001"),
        ("Nancy (54000)", "54000"),
        ("Saint-Étienne 42000", "42000"),
        ("54000-Nancy", "54000"),
        ("F-75001", "75001"),
        ("54 000 Nancy", "54000"),
        ("54000 (Nancy)", "54000"),
        ("D-10115 Berlin", None),  # another country's prefix
        ("1000 Bruxelles", None),  # a foreign code with its town, not Ain's 01000
        ("75001 75002", None),
    ],
)
def test_a_postcode_written_with_its_commune_is_read(raw, postcode):
    # "75001 Paris" or "Nancy (54000)", as spreadsheets often hold them, were "invalid": no territory
    assert T.normalise_postcode(raw) == postcode
    assert (T.locate(raw).status in (T.INVALID, T.ABROAD)) is (postcode is None)  # "D-10115 Berlin": abroad


def test_a_commune_name_instead_of_a_postcode_is_located_when_it_names_one_place():
    # a form asking "Votre commune ?" gave "Nancy", "Vandoeuvre les Nancy", "Paris": every one "invalid"
    nancy = T.locate("Nancy")
    assert (nancy.status, nancy.communes, nancy.departement) == (T.COMMUNE_NAME, ("54395",), "54")
    assert T.locate("Vandoeuvre les Nancy").communes == T.locate("Vandœuvre-lès-Nancy").communes == ("54547",)
    assert T.locate("St-Max").departement == "54" and len(T.locate("PARIS").communes) == 20
    assert T.locate("Saint-Denis").status == T.AMBIGUOUS_NAME  # four communes, four départements
    assert T.locate("aucun").status == T.MISSING  # a commune of the Hautes-Pyrénées, here a non-answer
    assert P.in_territory(T.locate("Nancy"), ["54"]) is True
    assert P.in_territory(T.locate("54000"), ["Nancy"]) is True  # a territory declared by its name too
    assert P.in_territory(T.locate("Saint-Denis"), ["93"]) is None
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z)
        for i, z in enumerate(["Nancy", "nancy", "Laxou", "Saint-Denis"])
    ]
    out = participation_report(items, RunSettings(territory=["54395", "54304"]))
    assert [(r["territory"], r["contributions"]) for r in out["rows"]] == [("54304", 1), ("54395", 2)]
    assert out["location_status"] == {T.AMBIGUOUS_NAME: 1, T.COMMUNE_NAME: 3}


def test_a_commune_with_its_departement_or_an_arrondissement_with_its_number_is_located():
    # "Nancy (54)", "Paris 15e", "Lyon 3e" and "Marseille 8e arrondissement" were "invalid": a digit barred
    # the name from being read
    for raw, communes, dep in [
        ("Nancy (54)", ("54395",), "54"),
        ("Nancy 54", ("54395",), "54"),
        ("Saint-Denis (93)", ("93066",), "93"),  # the département tells the homonyms apart
        ("Saint-Denis, 974", ("97411",), "974"),
        ("Nancy (Meurthe-et-Moselle)", ("54395",), "54"),
        ("Ajaccio (2A)", ("2A004",), "2A"),
        ("Paris 15e", ("75115",), "75"),
        ("Paris 1er arrondissement", ("75101",), "75"),
        ("Lyon 3e", ("69383",), "69"),
        ("Lyon 3ème arr.", ("69383",), "69"),
        ("Marseille 8e arrondissement", ("13208",), "13"),
    ]:
        loc = T.locate(raw)
        assert (loc.status, loc.communes, loc.departement) == (T.COMMUNE_NAME, communes, dep), raw
    assert len(T.locate("Paris (75)").communes) == 20 and len(T.locate("Marseille (13)").communes) == 16
    # a name its département does not hold, an arrondissement that does not exist: no place
    assert T.locate("Nancy (57)").status == T.locate("Paris 25e").status == T.INVALID
    # a commune whose name ends with a département's name is that commune, not a name in that département
    assert T.locate("Trosly-Loire").communes == ("02750",)
    assert P.in_territory(T.locate("Saint-Denis (93)"), ["93"]) is True


def test_corsica_s_old_number_and_a_cedex_address_are_located():
    # "20" (Corsica's number until 1976, still written), "20 Ajaccio", "Nancy Cedex" and "Lyon CEDEX 03"
    # were "invalid"
    corse = T.locate("20")
    assert (corse.status, corse.region) == (T.REGION_NAME, "94") and corse == T.locate("Corse")
    for raw, communes, dep in [
        ("20 Ajaccio", ("2A004",), "2A"),
        ("Bastia (20)", ("2B033",), "2B"),
        ("Nancy Cedex", ("54395",), "54"),
        ("Nancy CEDEX 1", ("54395",), "54"),
        ("Nancy Cedex, France", ("54395",), "54"),
    ]:
        loc = T.locate(raw)
        assert (loc.status, loc.communes, loc.departement) == (T.COMMUNE_NAME, communes, dep), raw
    assert T.locate("Lyon Cedex 03").departement == "69" and T.locate("54000 Nancy Cedex").status == T.OK
    assert T.locate("Cedex 5").status == T.locate("Nancy (20)").status == T.INVALID


def test_a_departement_number_before_the_name_or_an_arrondissement_in_roman_numerals_is_located():
    # "75 Paris", "(93) Saint-Denis" and "Paris XVe" were "invalid"
    for raw, communes, dep in [
        ("54 Nancy", ("54395",), "54"),
        ("(93) Saint-Denis", ("93066",), "93"),
        ("974 Saint-Denis", ("97411",), "974"),
        ("Paris XVe", ("75115",), "75"),
        ("Paris Ier", ("75101",), "75"),
        ("Lyon IXe", ("69389",), "69"),
        ("Marseille XIVe arrondissement", ("13214",), "13"),
    ]:
        loc = T.locate(raw)
        assert (loc.status, loc.communes, loc.departement) == (T.COMMUNE_NAME, communes, dep), raw
    assert len(T.locate("75 Paris").communes) == 20
    assert T.locate("Paris XXV").status == T.locate("54 Metz").status == T.INVALID
    # no commune's own name is read as another place by these forms
    for code, name in TT.commune_names().items():
        read = T.location_by_name_and_number(name)
        assert read is None or read.communes == (code,), name


def test_a_name_alone_that_more_likely_means_a_country_a_word_or_a_departement_locates_no_commune():
    # "Suisse" was located in the Moselle commune of that name, "Mer" in the Loir-et-Cher's, "Vienne" in
    # the Isère's, and "Belgique" or "Gironde" read as invalid
    for raw in ("Suisse", "Mer", "Campagne", "Ville", "Grenade"):
        loc = T.locate(raw)
        assert (loc.status, loc.communes, loc.departement) == (T.WORD_NAME, (), None), raw
        assert P.in_territory(loc, ["57", "41"]) is None
    abroad = T.locate("Belgique")
    assert abroad.status == T.ABROAD and P.in_territory(abroad, ["54"]) is False
    assert T.locate("Vienne").departement is None  # a commune of the Isère and the département 86
    gironde = T.locate("Gironde")
    assert (gironde.status, gironde.departement, gironde.region) == (T.DEPARTEMENT_NAME, "33", "75")
    assert P.in_territory(gironde, ["33"]) is True and P.read_declared(["Gironde"]).departements == {"33"}
    # cities whose names are no common word stay read, and the département makes a word a commune's name
    assert [T.locate(n).departement for n in ("Paris", "Tours", "Rennes", "Nancy")] == [
        "75",
        "37",
        "35",
        "54",
    ]
    assert T.locate("Mer (41)").communes == ("41136",) and T.locate("Suisse (57)").communes == ("57662",)
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z)
        for i, z in enumerate(["Suisse", "Mer", "Belgique", "Gironde", "33000"])
    ]
    out = participation_report(items, RunSettings())
    assert {r["territory"]: r["contributions"] for r in out["rows"] if r["contributions"]} == {"33": 2}
    assert out["location_status"] == {T.ABROAD: 1, T.DEPARTEMENT_NAME: 1, T.OK: 1, T.WORD_NAME: 2}


def test_a_participant_saying_they_live_abroad_is_abroad():
    # "B-1000 Bruxelles", "Belgique 1000", "Étranger" or "Hors de France" were "invalid" postcodes: nothing
    # said the participant lived outside France, nor outside the declared territory
    for raw in (
        "B-1000 Bruxelles",
        "CH-1201",
        "D-10115",
        "Belgique 1000",
        "1201 Suisse",
        "Étranger",
        "à l'étranger",
        "Hors de France",
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.departement) == (T.ABROAD, None), raw
        assert P.in_territory(loc, ["54"]) is False
    # France's own prefix, a commune with its département, a number that names nothing: not abroad
    assert T.locate("F-75001").status == T.OK and T.locate("Suisse (57)").communes == ("57662",)
    assert T.locate("A 12").status == T.INVALID


def test_a_foreign_city_alone_with_its_postcode_or_its_country_is_abroad():
    # "Genève", "1000 Bruxelles", "Lausanne (Suisse)", "Dakar, Sénégal" were invalid postcodes: a participant
    # abroad was counted among the unusable places
    for raw in (
        "Genève",
        "Bruxelles",
        "Londres",
        "1201 Genève",
        "1000 Bruxelles",
        "Genève 1201",
        "10115 Berlin",
        "Bruxelles, Belgique",
        "Lausanne (Suisse)",
        "Dakar, Sénégal",
        "Saint-Louis, Sénégal",  # a place followed by its country: the country says where
        "Monte-Carlo",  # Monaco's and Andorra's towns, abroad as their countries
        "Andorra la Vella",
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.departement, loc.communes) == (T.ABROAD, None, ()), raw
        assert P.in_territory(loc, ["54"]) is False
    # a foreign city's name that French communes bear stays theirs: "Cologne" (Gers), "Montréal" (four)
    assert T.locate("Cologne").communes == ("32106",) and T.locate("Montréal").status == T.AMBIGUOUS_NAME
    assert T.locate("Nancy (France)").communes == ("54395",)
    assert not TT.foreign_cities() & set(TT.communes_by_name())


def test_a_region_or_a_departement_named_or_numbered_is_that_territory():
    # "Bretagne" and "La Réunion" were ambiguous commune names (two small communes bear "Bretagne", one in
    # the Lot-et-Garonne "Réunion"), "Loire" too, "Corrèze" the commune of 1,171 inhabitants, and
    # "Île-de-France", "Normandie" or a département's number alone ("54", "2A") invalid
    for raw, dep in [("Loire", "42"), ("Corrèze", "19"), ("La Réunion", "974"), ("54", "54"), ("2A", "2A")]:
        loc = T.locate(raw)
        assert (loc.status, loc.departement, loc.communes) == (T.DEPARTEMENT_NAME, dep, ()), raw
    for raw, region in [("Bretagne", "53"), ("Île-de-France", "11"), ("Normandie", "28"), ("PACA", "93")]:
        loc = T.locate(raw)
        assert (loc.status, loc.region, loc.departement) == (T.REGION_NAME, region, None), raw
    bretagne = T.locate("Bretagne")
    assert P.in_territory(bretagne, ["R53"]) is True and P.in_territory(bretagne, ["54"]) is False
    assert P.in_territory(bretagne, ["35238"]) is None  # Rennes: maybe, maybe not
    assert T.locate("20").status == T.REGION_NAME  # Corsica: its two départements, the région
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z)
        for i, z in enumerate(["Bretagne", "35", "Ille-et-Vilaine", "35000"])
    ]
    out = participation_report(items, RunSettings(territory=["R53"]))
    assert {r["territory"]: r["contributions"] for r in out["rows"] if r["contributions"]} == {"35": 3}
    assert out["location_status"] == {T.DEPARTEMENT_NAME: 2, T.OK: 1, T.REGION_NAME: 1}


def test_a_place_followed_by_the_country_is_read_without_it():
    # "Nancy, France", "Lyon (France)" and "Nancy 54000 France", as address books write them, were invalid
    for raw, communes in [
        ("Nancy, France", ("54395",)),
        ("Nancy 54000 France", ("54395",)),
        ("Nancy (54), France", ("54395",)),
        ("Nancy - FR", ("54395",)),
    ]:
        assert T.locate(raw).communes == communes, raw
    assert len(T.locate("Lyon (France)").communes) == 9
    # a name ending with "France" is read as itself first; the country alone names no place: not given
    assert T.locate("Île-de-France").status == T.REGION_NAME and T.locate("Île-de-France").region == "11"
    assert T.locate("France").status == T.MISSING and T.locate("Mer, France").status == T.WORD_NAME


def test_a_place_not_given_is_missing_not_an_invalid_postcode():
    # "NC", "Non communiqué", "-" or "Aucun" counted as "code postal invalide", as if a postcode had been
    # mistyped: the report's data quality read worse than it was, and refusals were not told apart
    for raw in ("NC", "N/A", "-", "?", "Non communiqué", "Inconnu", "Aucun", "Je ne souhaite pas répondre"):
        assert T.locate(raw).status == T.MISSING, raw
    for raw in ("00000", "abcde", "7501"):  # something written that names no place
        assert T.locate(raw).status == T.INVALID, raw


def test_a_refusal_however_worded_a_mask_or_france_alone_is_not_given_not_invalid():
    # "Je préfère ne pas le dire", "Anonyme", "XXXXX" (a masked postcode) or "France" (nowhere in it said)
    # counted as invalid postcodes: refusals read as typing errors
    for raw in (
        "Je préfère ne pas le dire",
        "Je ne préfère pas le dire",
        "Ne pas communiquer",
        "Je ne veux pas donner mon code postal",
        "Anonyme",
        "XXXXX",
        "France",
        "France métropolitaine",
    ):
        assert T.locate(raw).status == T.MISSING, raw
    # an empty cell as pandas, SQL or JavaScript writes it: nothing was given
    for raw in ("nan", "NaN", "NULL", "null", "undefined"):
        assert T.locate(raw).status == T.MISSING, raw
    # a refusal is a sentence: a long text is not searched for one ("ne ne ne ..." took a quadratic time)
    assert T.locate("ne pas dire " + "x " * 100).status == T.INVALID
    # no commune's name reads as a refusal but "Aucun" (a non-answer in a postcode field, as before)
    assert [n for n in TT.communes_by_name() if T._not_given(n)] == ["aucun"]
    assert T.locate("Pas-de-Calais").status == T.DEPARTEMENT_NAME and T.locate("Pasly").communes == ("02593",)
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z)
        for i, z in enumerate(["NC", "-", "", "abcde", "54000"])
    ]
    assert participation_report(items, RunSettings())["location_status"] == {
        T.INVALID: 1,
        T.MISSING: 3,
        T.OK: 1,
    }


def test_a_declared_territory_named_by_a_word_a_country_or_a_region_is_read_as_its_official_means_it():
    # "Sens" or "Mer" declared by their own officials were "codes naming no place" (read as common words,
    # as in a participant's cell), and "Bretagne" too: nobody could be said outside the territory
    assert P.read_declared(["Sens"]).communes == {"89387"} and P.read_declared(["Mer"]).communes == {"41136"}
    assert P.read_declared(["Suisse"]).communes == {"57662"}  # no country is declared as a territory
    assert P.read_declared(["Bretagne"]).regions == {"R53"} and P.read_declared(["Gironde"]).departements == {
        "33"
    }
    assert (
        P.in_territory(T.locate("89100"), ["Sens"]) is True
        and P.in_territory(T.locate("75011"), ["Sens"]) is False
    )
    # a name also a département's, in another département, stays unknown and said so
    assert P.read_declared(["Vienne"]).unknown == ("Vienne",)


def test_four_digits_are_a_lost_zero_only_when_that_makes_a_postcode():
    # "7501" (a Parisian's typo) was zero-padded to 07501, not in the table, then "guessed" in Ardèche
    assert T.locate("7501").status == T.INVALID and T.locate("9999").status == T.INVALID
    assert T.locate("1000").status == T.OK and T.locate("1000").departement == "01"  # a real lost zero
    assert T.locate("6901 CEDEX").departement == "06"  # a CEDEX code, not in the table: still guessed
    assert T.lost_zero("1000") and not T.lost_zero("7501") and not T.lost_zero("75001")


def test_shared_postcode_lists_every_commune_and_both_departements():
    loc = T.locate("01200")
    assert loc.departements == ("01", "74") and "74109" in loc.communes and len(loc.communes) > 5


def test_in_territory():
    assert P.in_territory(T.locate("75011"), ["75"]) is True
    assert P.in_territory(T.locate("69001"), ["75"]) is False
    assert P.in_territory(T.locate("75011"), ["R11"]) is True
    assert P.in_territory(T.locate("01200"), ["74109"]) is True  # one of its communes
    assert P.in_territory(T.locate("xx"), ["75"]) is None
    assert (
        P.in_territory(T.locate("75700"), ["75056", "75101"]) is None
    )  # CEDEX inside Paris: unknown commune


def test_a_territory_declared_by_postcode_or_city_code_holds_its_participants():
    # a city declaring its postcode "54000", or Paris its INSEE code "75056", saw every participant flagged
    # "hors du territoire": declared codes were compared with the INSEE codes of arrondissements and communes only
    assert P.in_territory(T.locate("54000"), ["54000"]) is True
    assert P.in_territory(T.locate("54500"), ["54000"]) is False
    assert P.in_territory(T.locate("75011"), ["75056"]) is True
    assert P.in_territory(T.locate("69001"), ["75056"]) is False
    # a territory naming no known place says nothing of anyone, rather than everyone outside
    assert P.in_territory(T.locate("54000"), ["Nancyville"]) is None
    assert P.read_declared(["Nancyville", "54"]).unknown == ("Nancyville",)


def test_a_declared_code_that_is_a_postcode_and_another_communes_insee_code_reads_as_its_list_says():
    # Aix-en-Provence declaring its postcode "13100" was read as the INSEE code of Saint-Rémy-de-Provence:
    # every participant of Aix (13100, 13090) "outside the territory", those of Saint-Rémy (13210) inside
    assert P.in_territory(T.locate("13100"), ["13100"]) is True
    assert P.in_territory(T.locate("13090"), ["13100"]) is True and P.read_declared(["13100"]).communes >= {
        "13001"
    }
    assert P.in_territory(T.locate("13210"), ["13100"]) is False
    # among INSEE codes only (a list copied from the COG), it is the INSEE code; a prefix says either
    assert P.read_declared(["13100", "54395"]).communes == {"13100", "54395"}
    assert P.read_declared(["INSEE 13100"]).communes == {"13100"}
    assert P.read_declared(["cp:13100"]).communes == P.read_declared(["13100"]).communes
    assert P.read_declared(["CP 99999"]).unknown == ("CP 99999",)
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z)
        for i, z in enumerate(["13100", "13100", "13090", "13210"])
    ]
    out = participation_report(items, RunSettings(territory=["13100"]))
    assert out["level"] == "commune" and "13100" not in {r["territory"] for r in out["rows"]}
    assert {r["territory"]: r["contributions"] for r in out["rows"] if r["contributions"]} == {"13001": 3}


def test_participation_of_a_declared_territory_compares_its_own_places():
    # a Nancy consultation (territory "54395") was compared with the 100 départements: 66 "absent", the
    # Meurthe-et-Moselle "over-represented"; a région ("R44") fell back to the whole country too
    items = [
        Contribution(
            f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=["54000", "54100", "54500"][i % 3]
        )
        for i in range(900)
    ]
    city = participation_report(items, RunSettings(territory=["54395"]))
    assert city["level"] == "commune" and [r["territory"] for r in city["rows"]] == ["54395"]
    assert city["located"] == 600 and city["absent"] == [] and city["over_represented"] == []
    assert city["location_status"]["no_population"] == 300  # Vandœuvre-lès-Nancy's 54500: outside the city
    grand_est = participation_report(items, RunSettings(territory=["R44"]))
    assert [r["territory"] for r in grand_est["rows"]] == [
        "08",
        "10",
        "51",
        "52",
        "54",
        "55",
        "57",
        "67",
        "68",
        "88",
    ]
    # a population given by commune is scoped by the declared postcode's communes too
    given = {"54395": 104_000, "54547": 29_000, "57463": 120_000}
    scoped = participation_report(items, RunSettings(territory=["54000"], reference_population=given))
    assert [r["territory"] for r in scoped["rows"]] == ["54395"]
    unknown = participation_report(items, RunSettings(territory=["Saint-Denis"]))  # four communes
    assert unknown["declared_unknown"] == ["Saint-Denis"] and len(unknown["rows"]) == 100


def test_representation_index_and_participation_flags():
    assert P.representation_index({"a": 5, "b": 5}, {"a": 50, "b": 150}) == {"a": 2.0, "b": 0.6667}
    rows = P.participation(
        {"A": 100, "B": 0, "C": 10, "D": 1}, {"A": 10_000, "B": 10_000, "C": 10_000, "D": 10}
    )
    by = {r["territory"]: r for r in rows}
    assert by["A"]["per_10000"] == 100.0 and by["A"]["flag"] == "over"
    assert by["B"]["flag"] == "absent" and by["C"]["flag"] == "under"
    assert by["D"]["flag"] is None  # too small to judge (fewer than 5 expected)


def test_paris_written_as_a_name_is_counted_in_no_single_arrondissement():
    # "Paris" in a commune field was counted, at the commune level of a city's consultation, in the most
    # populous of its 20 arrondissements (the 15e), which it made over-represented
    def person(k, place):
        return Contribution(f"c{k}", f"s{k}", "q", "Q", "t", author_ref=f"a{k}", zipcode=place)

    items = [person(k, "Paris") for k in range(30)] + [person(100 + k, "75011") for k in range(3)]
    report = participation_report(items, RunSettings(territory=["75056"]))
    assert report["level"] == "commune"
    counted = {r["territory"]: r["contributions"] for r in report["rows"] if r["contributions"]}
    assert counted == {"75111": 3}
    assert report["location_status"] == {"commune_name": 30, "ok": 3}
    # at the département level, "Paris" is Paris
    whole = participation_report(items, RunSettings())
    assert {r["territory"]: r["contributions"] for r in whole["rows"] if r["contributions"]} == {"75": 33}
    # a name borne by one commune is that commune
    assert P.territory_key(T.locate("Nancy"), "commune") == "54395"


def test_a_long_value_in_a_postcode_field_is_read_in_linear_time():
    # a cell of spaces between two letters took a time quadratic in its length (0.4 s at 5,000 characters,
    # minutes at the 131,072 a CSV field may hold): two parts of the postcode patterns matched the same spaces
    import time

    for value in ("a" + " " * 50_000 + "x", "F" + " " * 50_000 + "x", "Nancy" + " " * 50_000 + "54000"):
        start = time.perf_counter()
        T.normalise_postcode(value)
        assert time.perf_counter() - start < 0.5, value[:10]
    assert T.normalise_postcode("Nancy" + " " * 50 + "54000") == "54000"
    assert T.normalise_postcode("Nancy (54000)") == T.normalise_postcode("F - 54000") == "54000"


def test_overseas_collectivities_and_monaco_are_named_places_not_invalid_ones():
    # "Nouvelle-Calédonie", "Nouméa", "Mamoudzou", "TAAF" were "invalid" postcodes, and Monaco's 98000 a French
    # collectivity: a participant of Nouméa or Monaco is a reportable origin, said as such
    for raw, com in (
        ("Nouvelle-Calédonie", "988"),
        ("Nouméa", "988"),
        ("98800", "988"),
        ("Polynésie française", "987"),
        ("Papeete", "987"),
        ("Wallis-et-Futuna", "986"),
        ("St Pierre et Miquelon", "975"),
        ("97150", "978"),  # Saint-Martin
        ("97133", "977"),  # Saint-Barthélemy
        ("TAAF", "984"),
        ("98400", "984"),  # a TAAF code La Poste's table omits: read by its first three digits
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.collectivite, loc.departement) == (T.OUTSIDE_DEPARTEMENTS, com, None), raw
        assert P.in_territory(loc, ["54"]) is False
    assert T.locate("Nouméa").communes == ("98818",)
    # Mayotte's communes are absent from the population table, not from La Poste's
    assert (T.locate("Mamoudzou").status, T.locate("Mamoudzou").departement) == (T.COMMUNE_NAME, "976")
    for raw in ("Réunion", "Île de la Réunion", "Guyane française"):
        assert T.locate(raw).status == T.DEPARTEMENT_NAME, raw
    # Monaco is a foreign country with French postcodes; "Saint-Pierre" is La Réunion's, Martinique's,
    # Miquelon's and five more: no single place
    for raw in ("Monaco", "98000", "98000 Monaco", "MC-98000"):
        assert (T.locate(raw).status, T.locate(raw).communes) == (T.ABROAD, ()), raw
    assert T.locate("Saint-Pierre").status == T.AMBIGUOUS_NAME


def test_a_communes_former_name_is_the_commune_nouvelle_it_joined():
    # La Poste keeps the old communes of a commune nouvelle in its Ligne_5: "Cherbourg" (Cherbourg-en-Cotentin
    # since 2016) and "Annecy-le-Vieux" (Annecy since 2017) were invalid postcodes
    assert T.locate("Cherbourg").communes == T.locate("Octeville").communes == ("50129",)
    assert T.locate("Annecy-le-Vieux").communes == ("74010",)
    assert T.locate("Annecy le Vieux").status == T.COMMUNE_NAME
    # a former name some commune bears today is that commune's, never the commune nouvelle's
    assert T.locate("Nancy").communes == ("54395",)
    # a locality of common words only, as hamlets are named, reads as the words: nobody is placed in one
    # hamlet's commune for writing "La Ville", "Bel Air" or "Notre-Dame"
    for raw in ("La Ville", "Bel Air", "Notre-Dame", "La Source", "Le Bois"):
        assert T.locate(raw).communes == (), raw


def test_a_code_absent_from_the_table_is_guessed_only_where_the_name_beside_it_is_a_commune_of_there():
    # "10115 Berlin" and "28019 Madrid" were counted in the Aube and the Eure-et-Loir by their first digits
    for raw in ("10115 Berlin", "28019 Madrid"):  # foreign cities: abroad
        assert (T.locate(raw).status, T.locate(raw).departement) == (T.ABROAD, None), raw
    assert (T.locate("12345 Atlantide").status, T.locate("12345 Atlantide").departement) == (T.INVALID, None)
    for raw, dep in (
        ("10115", "10"),  # no name: the first digits are all there is
        ("92081 Paris La Défense Cedex", "92"),  # a CEDEX code's delivery office: not a commune's name
    ):
        assert (T.locate(raw).status, T.locate(raw).departement) == (T.GUESSED, dep), raw
    for raw, dep in (
        ("54999 Toul", "54"),
        ("75700 Paris SP 07", "75"),
        ("20999 Ajaccio", "2A"),  # the name tells Corsica's two départements apart
        ("20999 Bastia", "2B"),
    ):  # the commune named (see test_a_commune_named_beside_a_code_absent_from_the_table_is_that_commune)
        assert (T.locate(raw).status, T.locate(raw).departement) == (T.COMMUNE_NAME, dep), raw


def test_an_arrondissement_written_with_a_hyphen_a_comma_or_brackets_is_located():
    # "Paris-15e", "Paris (15e)", "Lyon, 3e" were invalid postcodes (a space only was read between the two)
    for raw, code in (
        ("Paris-15e", "75115"),
        ("Paris-15", "75115"),
        ("Paris - XVe", "75115"),
        ("PARIS-15E-ARRONDISSEMENT", "75115"),
        ("Paris (15e)", "75115"),
        ("Lyon, 3e", "69383"),
        ("Marseille-8e", "13208"),
        ("Marseille (13e)", "13213"),
    ):
        assert (T.locate(raw).status, T.locate(raw).communes) == (T.COMMUNE_NAME, (code,)), raw
    # the city's own département number in brackets or after a comma is the whole city, as "Nancy (54)"
    assert len(T.locate("Marseille (13)").communes) == len(T.locate("Marseille, 13").communes) == 16


def test_a_former_region_is_read_in_the_region_that_holds_it_today():
    # "Alsace", "Midi-Pyrénées", "Nord-Pas-de-Calais" (régions until 2016) were invalid postcodes
    for raw, region in (
        ("Alsace", "44"),
        ("Midi-Pyrénées", "76"),
        ("Nord-Pas-de-Calais", "32"),
        ("Picardie", "32"),
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.region, loc.departement) == (T.REGION_NAME, region, None), raw
    # a participant of "Alsace" may or may not be of Strasbourg's Bas-Rhin; it is not of a Breton consultation
    assert (
        P.in_territory(T.locate("Alsace"), ["67"]) is None
        and P.in_territory(T.locate("Alsace"), ["35"]) is False
    )
    # a territory declared "Alsace" is its two départements, not the whole Grand Est
    assert (
        P.read_declared(["Alsace"]).departements == {"67", "68"} and not P.read_declared(["Alsace"]).regions
    )
    assert (
        P.in_territory(T.locate("67000"), ["Alsace"])
        and P.in_territory(T.locate("57000"), ["Alsace"]) is False
    )


def test_a_commune_followed_by_its_departements_name_without_a_comma_is_located():
    # "Saint-Denis La Réunion", "Nancy Meurthe-et-Moselle", "Vienne Isère" were invalid: only "Saint-Denis, La
    # Réunion" or "Nancy (Meurthe-et-Moselle)" were read
    for raw, code in (
        ("Saint Denis La Réunion", "97411"),
        ("Saint-Pierre Réunion", "97416"),
        ("Nancy Meurthe-et-Moselle", "54395"),
        ("Vienne Isère", "38544"),
        ("Saint-Denis Seine-Saint-Denis", "93066"),
    ):
        assert (T.locate(raw).status, T.locate(raw).communes) == (T.COMMUNE_NAME, (code,)), raw
    # a commune whose own name ends with a département's stays itself; a commune not of that département, nothing
    assert T.locate("Trosly-Loire").communes == ("02750",) and T.locate("Nancy Ain").status == T.INVALID


def test_an_address_is_read_by_its_postcode_and_commune_and_other_free_text_never():
    # an organisation's address in the postcode field ("BP 123 54000 Nancy", "12 rue de la Paix 75002 Paris")
    # was an invalid postcode, though its last line says where
    for raw, postcode, status in (
        ("12 rue de la Paix 75002 Paris", "75002", T.OK),
        ("BP 123 54000 Nancy", "54000", T.OK),
        ("Mairie, 1 place Stanislas, 54000 Nancy", "54000", T.OK),
        ("CS 50001 54035 Nancy Cedex", None, T.COMMUNE_NAME),  # a CEDEX code: the commune named
        ("3 rue Grimaldi 98000 Monaco", "98000", T.ABROAD),
    ):
        assert (T.locate(raw).status, T.locate(raw).postcode) == (status, postcode), raw
    # a postcode and a name that disagree, or a sentence naming a place, are not read: a sentence may name
    # several places, or one the participant left
    for raw in ("12 rue de la Paix 75002 Lyon", "j'habite à Lille depuis 10 ans", "né à Lyon, vit à Lille"):
        assert T.locate(raw).status == T.INVALID, raw


def test_a_postcode_kept_as_text_by_a_spreadsheet_is_read():
    # "'01000" (a text marker) and '="01000"' (a formula), as spreadsheets keep a leading zero in a CSV, and
    # full-width digits were invalid postcodes
    for raw in ("'01000", '="01000"', "'1000", "０１０００"):
        assert (T.locate(raw).status, T.locate(raw).postcode) == (T.OK, "01000"), raw
    assert T.locate("'").status == T.locate('=""').status == T.MISSING
    assert T.locate("L'Haÿ-les-Roses").communes == ("94038",)  # an apostrophe inside a name stays


def test_the_commune_written_beside_a_shared_postcode_is_the_one_located():
    # "01200 Eloise" was counted in the Ain (the postcode's most populous département), though Eloise is in
    # Haute-Savoie; "01200 Châtillon-en-Michaille" in whichever of the postcode's nine communes was largest
    eloise = T.locate("01200 Eloise")
    assert (eloise.status, eloise.departement, eloise.communes) == (T.OK, "74", ("74109",))
    assert T.locate("01200 Châtillon-en-Michaille").communes == ("01033",)  # a former commune (Valserhône)
    assert P.territory_key(T.locate("54110 Dombasle-sur-Meurthe"), "commune") == "54159"
    # no name, or a name that is none of them (a delivery name): every commune, as before
    assert len(T.locate("01200").communes) == len(T.locate("01200 Bureau Central").communes) == 9
    assert T.locate("01200").status == T.AMBIGUOUS


def test_a_departement_written_with_its_name_and_number_is_that_departement():
    # "Gironde (33)", "33 - Gironde", "Nord (59)", as lists of départements write them, were invalid: only a
    # commune's name was read beside a number
    for raw, dep in (
        ("Gironde (33)", "33"),
        ("33 - Gironde", "33"),
        ("Nord (59)", "59"),
        ("44 Loire Atlantique", "44"),
        ("Réunion (974)", "974"),
        ("2A Corse du Sud", "2A"),
        ("Bretagne (35)", "35"),  # its région's name and its number: the département
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.departement, loc.communes) == (T.DEPARTEMENT_NAME, dep, ()), raw
    assert T.locate("Corse (20)").status == T.REGION_NAME and T.locate("Gironde (35)").status == T.INVALID
    assert len(T.locate("Paris (75)").communes) == 20  # a commune's name there stays the commune


def test_a_commune_with_its_article_after_it_or_sur_abbreviated_is_located():
    # "Havre (Le)" (as INSEE's older files write names) and "Boulogne s/ Mer" were invalid postcodes
    for raw, code in (
        ("Havre (Le)", "76351"),
        ("Sables-d'Olonne (Les)", "85194"),
        ("Haÿ-les-Roses (L')", "94038"),
        ("Boulogne s/ Mer", "62160"),
        ("Bar s/Seine", "10034"),
    ):
        assert (T.locate(raw).status, T.locate(raw).communes) == (T.COMMUNE_NAME, (code,)), raw
    # La Rochelle: Charente-Maritime's and Haute-Saône's
    assert T.locate("Rochelle (La)").status == T.AMBIGUOUS_NAME
    assert TT.fold_name("Paris/Lyon") == "paris lyon"


def test_a_territory_declared_as_an_overseas_collectivity_holds_its_participants():
    # "988" or "Nouvelle-Calédonie" declared named nothing (declared_unknown): nobody could be said outside it
    for declared in (["988"], ["Nouvelle-Calédonie"]):
        scope = P.read_declared(declared)
        assert len(scope.communes) == 33 and not scope.unknown, declared
        assert P.in_territory(T.locate("98800"), declared) and P.in_territory(T.locate("Nouméa"), declared)
        assert P.in_territory(T.locate("Papeete"), declared) is False
        assert P.in_territory(T.locate("75001"), declared) is False


def test_cedex_written_with_its_accent_is_read_as_cedex():
    # "Nancy Cédex" (as many write it) was an invalid postcode, "Nancy Cedex" the commune
    for raw in ("Nancy Cédex", "NANCY CÉDEX 1"):
        assert T.locate(raw).communes == T.locate("Nancy Cedex").communes == ("54395",), raw
    assert T.locate("54035 Nancy Cédex").departement == "54"


def test_a_commune_named_beside_a_code_absent_from_the_table_is_that_commune():
    # "75000 Paris", "69000 Lyon" (no such postcodes, often written) and a CEDEX address ("54035 Nancy Cedex")
    # were located in their département only, in no commune: a city's participation by commune missed them
    for raw, name in (
        ("75000 Paris", "Paris"),
        ("69000 Lyon", "Lyon"),
        ("54035 Nancy Cedex", "Nancy"),
        ("33076 Mérignac cedex", "Mérignac (33)"),  # Mérignac alone: Gironde's, Charente's, ...
    ):
        loc = T.locate(raw)
        assert (loc.status, loc.communes) == (T.COMMUNE_NAME, T.locate(name).communes), raw
    assert P.in_territory(T.locate("54035 Nancy Cedex"), ["54395"]) is True  # was unknown
    assert P.territory_key(T.locate("33076 Mérignac cedex"), "commune") == "33281"
    # a delivery name that is no commune's, or no name: the département, from the digits, as before
    assert T.locate("92081 Paris La Défense Cedex").status == T.locate("92081").status == T.GUESSED


def test_a_foreign_postcode_format_or_prefix_without_hyphen_is_abroad():
    # "SW1A 1AA" (United Kingdom), "H3Z 2Y7" (Canada), "1012 AB" (Netherlands), "CH 1201" were invalid postcodes
    for raw in (
        "SW1A 1AA",
        "EC1A 1BB London",
        "H3Z 2Y7",
        "H3Z2Y7 Montréal",
        "1012 AB",
        "CH 1201",
        "CH1201 Genève",
    ):
        assert (T.locate(raw).status, T.locate(raw).departement) == (T.ABROAD, None), raw
    # French codes and INSEE codes never read so; a one-letter prefix needs its hyphen ("B-1000")
    for raw, status in (
        ("F 54000", T.OK),
        ("2A004", T.INVALID),
        ("B 1000", T.INVALID),
        ("1000 BP 54", T.INVALID),
    ):
        assert T.locate(raw).status == status, raw


def test_a_territory_declared_with_a_communes_departement_or_an_arrondissement_is_read():
    # "Saint-Denis (93)", "Paris 15e", "Gironde (33)" declared were unknown, although a participant's value
    # written so is located: nobody could be said inside or outside them
    scope = P.read_declared(["Nancy (54)", "Paris 15e", "Gironde (33)", "Saint-Denis (93)"])
    assert (
        scope.communes == {"54395", "75115", "93066"} and scope.departements == {"33"} and not scope.unknown
    )
    assert P.in_territory(T.locate("93200"), ["Saint-Denis (93)"]) is True
    assert P.in_territory(T.locate("97400"), ["Saint-Denis (93)"]) is False  # La Réunion's Saint-Denis
    assert P.in_territory(T.locate("75016"), ["Paris 15e"]) is False


def test_a_cedex_office_of_paris_lyon_or_marseille_is_its_arrondissement():
    # "Paris Cedex 15" counted in none of Paris's arrondissements, though the city numbers its CEDEX offices so
    for raw, code in (("Paris Cedex 15", "75115"), ("PARIS CEDEX 07", "75107"), ("Lyon CEDEX 03", "69383")):
        assert T.locate(raw).communes == (code,), raw
    # no such arrondissement, or no number: the whole city, as before
    assert len(T.locate("Lyon Cedex 12").communes) == 9 and len(T.locate("Paris Cedex").communes) == 20


def test_saint_martin_or_saint_barthelemy_with_guadeloupe_s_number_is_that_collectivity():
    # Saint-Martin and Saint-Barthélemy were communes of Guadeloupe until 2007, and their postcodes still read
    # 971xx: "Saint-Martin (971)" was an invalid postcode
    for raw, com in (("Saint-Martin (971)", "978"), ("Saint-Barthélemy (971)", "977")):
        loc = T.locate(raw)
        assert (loc.status, loc.collectivite) == (T.OUTSIDE_DEPARTEMENTS, com), raw
    assert T.locate("Saint-Martin (65)").departement == "65"  # the Hautes-Pyrénées' commune


def test_an_arrondissement_or_a_commune_written_with_its_departement_or_postcode_around_it_is_located():
    # "Paris 15e (75)", "75 Paris 15e", "Lyon 3e (69)" and "Nancy 54000 Meurthe-et-Moselle" were invalid
    for raw, code in (
        ("Paris 15e (75)", "75115"),
        ("75 Paris 15e", "75115"),
        ("Lyon 3e (69)", "69383"),
        ("Nancy 54000 Meurthe-et-Moselle", "54395"),
        ("Saint-Denis 93200 Seine-Saint-Denis", "93066"),
    ):
        assert T.locate(raw).communes == (code,), raw
    # a number that is not the city's département: nothing; the city's own number alone: the whole city
    assert T.locate("Paris 15e (13)").status == T.INVALID and len(T.locate("Marseille (13)").communes) == 16


def test_an_arrondissement_written_with_its_postcode_is_located_where_both_agree():
    # "Paris 15ème, 75015", "Paris 15e 75015", "Lyon 3e, 69003", "Marseille 8e (13008)" were invalid: the
    # arrondissement's number kept the postcode from being read, the postcode kept the name from being read
    for raw, code in (
        ("Paris 15ème, 75015", "75115"),
        ("Paris 15e 75015", "75115"),
        ("Lyon 3e, 69003", "69383"),
        ("Marseille 8e (13008)", "13208"),
    ):
        location = T.locate(raw)
        assert (location.status, location.communes) == (T.OK, (code,)), raw
    assert T.locate("Paris 15e, 75015").postcode == "75015"
    # they disagree: neither is believed
    assert T.locate("Lyon 3e, 75015").status == T.INVALID
    assert T.locate("Paris 15e 75015 75016").status == T.INVALID
