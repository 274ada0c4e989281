"""The terms of a question's answers (issue 4): Snowball stems of folded words (stop words, numbers and the
question's own words removed), shown as their most frequent surface form, plus two-word terms ("taxe
habitation") of consecutive content words of one clause (no punctuation or conjunction between them: "TVA,
revenu" is a list), a noun of the question in those that answers mostly write with it ("immigration choisie").
In French each written word is first replaced by its lemma from spaCy's lookup table (:mod:`synthesis.lemmas`:
"revenus" and "revenu", "chevaux" and "cheval" are one keyword; "faisons" is the stop word "faire"), one lookup
per distinct word, without the model's tagger (which wants each word in its sentence); a word written without
its accents is read as its accented spelling, and a slip of the pen as the word it stands for
(:meth:`Vocabulary.learn_accents`, :meth:`Vocabulary.learn_spellings`, ``SPELLING_*``). English or German stop
words and stems, with no lemma, when a question's answers are in that language
(:func:`synthesis.words.detect_language`). The surface form shown is always a word that participants wrote."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from synthesis.grammar import (
    CONJUNCTIONS,
    EXCESS,
    EXCESS_MARKERS,
    MARKED,
    NEGATED,
    NEGATED_STOP_WORDS,
    NEGATION_GAP,
    NEGATION_MARKERS,
    NEGATION_MAX_GAP,
    PAS_NOUN,
    PHRASE_LINKS,
    STOP_PAIR_WORDS,
    after_avoir,
    in_stop_pair,
    next_to,
    phrase_forms,
    shown_phrase,
    singular,
    verb_after_ne,
    with_nous,
)
from synthesis.lemmas import in_dictionary, is_french_word, is_verb, lemma
from synthesis.prepare import most_frequent
from synthesis.words import (
    MIN_TOKEN_CHARS,
    WORD,
    clause_forms,
    detect_language,
    fold_word,
    has_digit,
    is_elision,
    joined,
    stem,
    stop_words,
    word_forms,
    word_parts,
)

# French: a word of no French word list (``synthesis.lemmas.is_french_word``), of at least this many letters,
# one edit from a French word that the question's answers write at least ``SPELLING_RATIO`` times as often, is
# read as that word (``Vocabulary.learn_spellings``: "acceuillir", "quotats", "polution")
SPELLING_MIN_CHARS = 6
SPELLING_MAX_CHARS = 40  # longer "words" are no slips ("anticonstitutionnellement": 25 letters)
SPELLING_RATIO = 5
# a theme's words are shown as most written by this many of its members at most (``Vocabulary.shown_in``)
FORMS_SAMPLE = 300


@dataclass
class Vocabulary:
    """Terms (stems and stem bigrams) of a set of texts, with the surface form shown for each term."""

    stop: frozenset[str]
    banned_stems: frozenset[str] = frozenset()
    language: str = "fr"
    # the banned stems that are in two-word terms with the word next to them (``question_vocabulary``)
    paired_stems: frozenset[str] = frozenset()
    surface: dict[str, str] = field(default_factory=dict)
    _forms: dict[str, Counter[str]] = field(default_factory=dict)
    # each two-word term's written pairs of words, counted (``show``)
    _pairs: dict[str, dict[tuple[str, ...], int]] = field(default_factory=dict)
    # each written word's stem, "" if it is not a content word (looked up once per question)
    _stem_of: dict[str, str] = field(default_factory=dict)
    # French: the accented spelling that a word written without its accents stands for (``learn_accents``)
    accented: dict[str, str] = field(default_factory=dict)
    # French: the word that a slip of the pen stands for (``learn_spellings``), both as written
    spelled: dict[str, str] = field(default_factory=dict)
    # answers (copies included) holding each term, counted by ``question_terms``
    answers_with: Counter[str] = field(default_factory=Counter)
    # each stem's written forms as words (``words_of``), for those written as several words only; {} if one
    _words: dict[str, dict[str, str]] = field(default_factory=dict)

    def learn_accents(self, forms: Iterable[tuple[tuple[str, str], int]]) -> None:
        """Note the accented written forms of a question's words, ``((folded, form), count)`` pairs: a word
        written without its accents ("elus", "interet") is then looked up in the lemma table as the question's
        most frequent accented spelling of it ("élus", "intérêt"), so both are one term. The table holds
        accented words only: "elus" stayed its own stem beside "élu", and a label read "élus · peuple · elus"."""
        seen: dict[str, Counter[str]] = {}
        for (folded, form), n in forms:
            if form != folded and not is_elision(form):
                seen.setdefault(folded, Counter())[form] += n
        self.accented = {f: most_frequent(c) for f, c in seen.items()}

    def learn_spellings(self, forms: Counter[tuple[str, str]]) -> None:
        """Note the slips of the pen among a question's words, ``(folded, form)`` pairs counted: a word of
        ``SPELLING_MIN_CHARS`` letters or more that is no French word (:func:`is_french_word`, accents aside),
        one edit from a French word with the same first letter (a letter added, dropped or replaced, or two
        letters swapped; accents aside) that the answers write ``SPELLING_RATIO`` times as often or more, is
        read as that word, in its most frequent spelling (the most frequent such word where several are). A
        label read "quotas · place · quotats"; 29 answers writing "acceuillir" did not hold the keyword
        "accueillir". A word of its own that the dictionaries miss is written about as often as its
        neighbours, or has none."""
        count: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for (folded, form), n in forms.items():
            if len(folded) >= MIN_TOKEN_CHARS and folded not in self.stop and not is_elision(form):
                count[folded] += n
                spellings.setdefault(folded, Counter())[form] += n
        known = {f for f, c in spellings.items() if any(is_french_word(form) for form in c)}
        near: dict[str, list[str]] = {}  # a known word, and each word one letter shorter, -> the known words
        for k in known:
            if count[k] >= SPELLING_RATIO and len(k) >= SPELLING_MIN_CHARS - 1:
                for key in (k, *_deletions(k)):
                    near.setdefault(key, []).append(k)
        self.spelled = {}
        for f in count.keys() - known:
            if not SPELLING_MIN_CHARS <= len(f) <= SPELLING_MAX_CHARS:
                continue
            # a slip keeps its first letter: "prépas" is not "repas", "reforestation" not "déforestation"
            candidates = {k for key in (f, *_deletions(f)) for k in near.get(key, ()) if k[0] == f[0]}
            fits = [k for k in candidates if count[k] >= SPELLING_RATIO * count[f] and _one_edit(f, k)]
            if fits:
                word = most_frequent(spellings[min(fits, key=lambda k: (-count[k], k))])
                self.spelled.update(dict.fromkeys(spellings[f], word))

    def word_stem(self, folded: str, form: str) -> str:
        """The term of one word (folded, and lower case as written): its :meth:`content_stem`, "" for a
        banned stem (a word of the question)."""
        s = self.content_stem(folded, form)
        return "" if s in self.banned_stems else s

    def content_stem(self, folded: str, form: str) -> str:
        """The stem of one word's lemma (French) or of the word, "" for a stop word (the lemma's too: "faisons"
        is "faire") or a short word. :meth:`terms` reads a slip of the pen as its word before calling it."""
        if len(folded) < MIN_TOKEN_CHARS or folded in self.stop or has_digit(folded):
            return ""
        if self.language == "fr":
            folded = fold_word(lemma(self.accented.get(form, form)))
            if len(folded) < MIN_TOKEN_CHARS or folded in self.stop:
                return ""
        return stem(folded, self.language)

    def terms(
        self, text: str, copies: int = 1, written: list[list[tuple[str, str]]] | None = None
    ) -> list[str]:
        """Terms of ``text`` (its :func:`clause_forms` when given): content stems, then bigrams of consecutive
        content words of one clause, no conjunction, negation or word of the question between them (its words'
        written forms counted ``copies`` times). A word of the question is no stem, but one of ``paired_stems``
        is in bigrams with the words right next to it (``question_terms`` keeps the compounds). A
        content word under a negation, a word of the question's included, is ``NEGATED`` + its stem, shown as
        most often written from the negation on ("pas de difficulté", "ne comprends pas", "pas prêt"), and in no
        bigram (its negation and the words between would be shown too); after "trop de", ``EXCESS`` + its stem
        ("trop d'impôts")."""
        stems, bigrams = [], []
        breaks = CONJUNCTIONS.get(self.language, frozenset())
        markers = NEGATION_MARKERS.get(self.language, frozenset())
        excess = EXCESS_MARKERS.get(self.language, {})
        gap = NEGATION_GAP.get(self.language, frozenset())
        french = self.language == "fr"
        spelled = self.spelled
        for clause in clause_forms(text) if written is None else written:
            previous = previous_form = ""
            previous_at = -1  # the index of ``previous`` in the clause
            negation = -1  # index of the negation (or "trop") that the next content word is under, -1 if none
            mark = NEGATED  # ... and the mark it gives that word, ``EXCESS`` for "trop"
            verb = ne = -1  # a verb between "ne" and "pas", and the index of its "ne"
            for i, (w, form) in enumerate(clause):
                if french and (w == "ne" or form == "n'"):
                    verb, ne = verb_after_ne(clause, i), i
                if negation >= 0 and w in gap and i - negation <= NEGATION_MAX_GAP:
                    continue
                if (
                    w in markers
                    and not (w == "pas" and i and clause[i - 1][0] in PAS_NOUN)
                    or w in excess
                    and i + 1 < len(clause)
                    and clause[i + 1][0] in excess[w]
                ):
                    negation, previous = i, ""  # a bigram never spans a negation
                    mark = EXCESS if w in excess else NEGATED
                    continue
                negation_here, negation = negation, -1
                if form[-1] == "'":  # an elision (:func:`_clause_word_parts`)
                    continue
                if w in breaks:
                    previous = ""
                    continue
                if w == "ete" and french and after_avoir(clause, i):
                    continue  # "a été" is "être", a stop word; "l'été", "en été" the season
                if w == "sommes" and french and with_nous(clause, i):
                    continue  # "nous sommes" is "être"; "les sommes versées" are sums
                if w in STOP_PAIR_WORDS and french and in_stop_pair(clause, i):
                    continue
                form = spelled.get(form, form)
                s = self._stem_of.get(form)
                if s is None:
                    s = self._stem_of[form] = self.content_stem(w, form)
                negated = negation_here >= 0 or i == verb
                if not s:
                    if (
                        negation_here >= 0
                        and mark == NEGATED
                        and w in NEGATED_STOP_WORDS.get(self.language, ())
                    ):
                        term = NEGATED + w  # "pas encore": not yet, an answer ("Pas encore mais ça viendra")
                        self._count_form(term, tuple(f for _, f in clause[negation_here : i + 1]), copies)
                        stems.append(term)
                        previous = ""
                    continue
                # a word of the question is no term, unless negated: the negation is the answer ("pas prêt"
                # to "Seriez-vous prêt à payer plus d'impôts ?"); it is in a two-word term with a word of the
                # answer, which ``question_terms`` keeps where it is a compound ("société civile")
                if s in self.banned_stems and not negated:
                    paired = s in self.paired_stems
                    if (
                        paired
                        and previous
                        and previous not in self.banned_stems
                        and next_to(clause, previous_at, i)
                    ):
                        bigrams.append(f"{previous} {s}")
                        self._count_form(
                            bigrams[-1], phrase_forms(clause, previous_at, i, previous_form, form), copies
                        )
                    previous, previous_form, previous_at = (s, form, i) if paired else ("", "", -1)
                    continue
                forms = self._forms.get(s)
                if forms is None:
                    forms = self._forms[s] = Counter()
                forms[form] += copies
                if negated:
                    # from the negation on; a verb after "ne", through its "pas"
                    start, end = (negation_here, i + 1) if negation_here >= 0 else (ne, i + 2)
                    s = (mark if negation_here >= 0 else NEGATED) + s
                    previous = ""  # a negated word is in no two-word term
                    if s in self.banned_stems:  # negated in the question too
                        continue
                    self._count_form(s, tuple(spelled.get(f, f) for _, f in clause[start:end]), copies)
                    stems.append(s)
                    continue
                stems.append(s)
                if (
                    previous
                    and previous != s
                    and (previous not in self.banned_stems or next_to(clause, previous_at, i))
                ):
                    bigram = f"{previous} {s}"
                    bigrams.append(bigram)
                    self._count_form(
                        bigram, phrase_forms(clause, previous_at, i, previous_form, form), copies
                    )
                previous, previous_form, previous_at = s, form, i
        return stems + bigrams

    def _count_form(self, term: str, written: tuple[str, ...], copies: int) -> None:
        """Count one written form (its words) of a two-word or negated term (``show``)."""
        pairs = self._pairs.get(term)
        if pairs is None:
            pairs = self._pairs[term] = {}
        pairs[written] = pairs.get(written, 0) + copies

    def finish(self) -> None:
        """Fix each stem's surface form: its most frequent written word (ties: alphabetical), a word written
        without its accents counted as its accented spelling (``learn_accents``: "etat" is "état")."""
        for s, forms in self._forms.items():
            if self.accented and not self.accented.keys().isdisjoint(forms):
                merged: Counter[str] = Counter()
                for form, n in forms.items():
                    merged[self.with_accents(form)] += n
                forms = merged
            self.surface[s] = most_frequent(forms)

    def with_accents(self, form: str) -> str:
        """A word as shown: written without its accents, its accented spelling (``learn_accents``) where the
        French dictionary holds that spelling and not the word as written (:func:`in_dictionary`: "etat" is
        "état", "celibataires" "célibataires"); else as written ("taxe", not "taxé"; "tva", not "två")."""
        accented = self.accented.get(form)
        if accented is None or in_dictionary(form) or not in_dictionary(accented):
            return form
        return accented

    def shown_in(self, terms: Iterable[str], texts: Sequence[str]) -> dict[str, str]:
        """The words among ``terms`` written as several words ("travail" and "travaux", "commun" and "commune",
        "aide" and "aider": one stem of lemmas; a plural, accents or a verb's conjugation aside,
        :meth:`words_of`), each shown as the word that ``texts`` (a theme's members; at most ``FORMS_SAMPLE`` of
        them, evenly spaced) write most, where they write it more than the word :meth:`show` shows, in its form
        most written in the question: "code · travaux · routes" labelled the answers "Code du travail, code des
        impôts", "travaux" being most written in the question ("déclaration de travaux"), and "transports ·
        commune" the answers "transports en commun". French only: without a lemma table, a plural or a declension
        would read as another word ("förderung", "förderungen")."""
        if self.language != "fr":
            return {}
        words: dict[str, tuple[str, str]] = {}  # written form -> (term, its word)
        for t in terms:
            of = self._words.get(t)
            if of is None and (forms := self._forms.get(t)) is not None:
                of = self._words[t] = self.words_of(forms)
                if len(set(of.values())) < 2:
                    of = self._words[t] = {}
            words.update((f, (t, w)) for f, w in (of or {}).items())
        if not words:
            return {}
        counts: dict[str, Counter[str]] = {}
        spelled = self.spelled
        sample = " ".join(texts[:: max(1, -(-len(texts) // FORMS_SAMPLE))])
        for token, n in Counter(WORD.findall(sample.casefold())).items():  # as word_forms reads each text
            for _, form in word_parts(token):
                hit = words.get(spelled.get(form, form))
                if hit is not None:
                    counts.setdefault(hit[0], Counter())[hit[1]] += n
        out = {}
        for t, count in counts.items():
            word, forms, shown = most_frequent(count), self._forms[t], singular(self.show(t))
            if count[word] > count[next((words[f][1] for f in forms if singular(f) == shown), "")]:
                out[t] = self.with_accents(
                    most_frequent({f: n for f, n in forms.items() if words[f][1] == word})
                )
        return out

    def words_of(self, forms: Iterable[str]) -> dict[str, str]:
        """The word that each French written form is a form of (one of them): forms alike without accents and
        plural (:func:`singular`), and the forms of one verb ("payer", "payons", "payé"), are one word."""
        word: dict[str, str] = {}

        def of(form: str) -> str:
            while word[form] != form:
                form = word[form]
            return form

        first: dict[str, str] = {}  # a key (a form without plural, an infinitive) -> the first form with it
        for f in forms:
            word[f] = f
            keys = [singular(f)]
            if is_verb(infinitive := lemma(f)):
                keys.append(infinitive)
            for key in keys:
                if key in first:
                    word[of(f)] = of(first[key])
                else:
                    first[key] = f
        return {f: of(f) for f in word}

    def is_compound(self, term: str) -> bool:
        """Whether a two-word term is a compound: held by half of the answers that hold the rarer of its words
        at least ("foncière" is mostly written in "taxe foncière"; "santé" and "éducation", listed together
        by some, are mostly written apart); with a word of the question, by half of those that hold its other
        word ("civile" is mostly written in "société civile")."""
        parts = term.split(" ")
        n = self.answers_with
        held = [n[p] for p in parts if p not in self.banned_stems]
        return len(parts) == 2 and bool(held) and 0 < n[term] >= min(held) / 2

    def is_phrase(self, term: str) -> bool:
        """Whether a two-word term is shown as participants most often wrote it, its words next to each other
        or joined by articles and prepositions (:func:`shown_phrase`: "grande ville", "pollution de l'air"),
        not as two words that other words stood between ("fibre territoire" of "la fibre sur tout le
        territoire")."""
        pairs = self._pairs.get(term)
        if not pairs or term.startswith(MARKED):
            return False
        written = most_frequent(pairs)
        return len(shown_phrase(written, PHRASE_LINKS.get(self.language, frozenset()))) == len(written)

    def show(self, term: str) -> str:
        """A term as shown: a stem's surface form (:meth:`finish`); a two-word term as participants most often
        wrote it, with the articles and prepositions between its words (:func:`shown_phrase`: "transports en
        commun"; "revenu foncier", not "revenu foncière" from the forms of each word alone; ties:
        alphabetical), a word of the pair written as its word alone where only case or accents differ ("sante
        securité" is "santé sécurité"); a negated term (:meth:`terms`) as most often written, verbatim ("pas
        d'impôts", "n'arrive pas"). Pairs are looked at when first shown: most are never shown."""
        shown = self.surface.get(term)
        if shown is None and term.startswith(MARKED):
            shown = self.surface[term] = joined(most_frequent(self._pairs[term]))
        elif shown is None:
            alone = [self.surface.get(p, p) for p in term.split(" ")]
            pairs = self._pairs.get(term)
            links = PHRASE_LINKS.get(self.language, frozenset())
            written = list(shown_phrase(most_frequent(pairs), links) if pairs else alone)
            for at, a in zip((0, -1), alone, strict=True):
                w = written[at]
                written[at] = a if fold_word(a) == fold_word(w) else self.with_accents(w)
            shown = self.surface[term] = joined(written)
        return shown


def _deletions(word: str) -> list[str]:
    """``word`` less one of its letters, each way."""
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one edit apart: a letter added, dropped or replaced, or two neighbouring
    letters swapped (optimal string alignment distance 1)."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
        )
    return len(a) == len(b) + 1 and b in _deletions(a)


def _participle_forms(form: str) -> set[str]:
    """The forms of a French past participle that the lemma table holds, for any of them ("touchée":
    "touché", "touchée", "touchés", "touchées"; "perdue": "perdu", "perdue"...), none for a word none of whose
    forms has a verb for lemma ("santé", "idée"). The table reads some of them as nouns or adjectives, others
    as the verb: the question's "touchée" was "touchée", the answers' "touché" "toucher", and a label of the
    answers to "De quelle manière votre vie quotidienne est-elle touchée par le changement climatique ?" read
    "impact · touché · réchauffement"; so are the question's "donnée" and the answers' "données" ("donner"),
    "perdu" and "perdue" ("perdre")."""
    word = form.casefold()
    masculines = {word} | {
        word[: -len(e)] for e in ("e", "s", "es") if word.endswith(e) and len(word) > len(e) + 2
    }
    out: set[str] = set()
    for m in masculines:
        forms = {f for f in (m, m + "e", m + "s", m + "es") if is_french_word(f)}
        if any(is_verb(lemma(f)) for f in forms):
            out |= forms
    return out


def question_vocabulary(question_text: str, language: str = "fr") -> Vocabulary:
    """A vocabulary with the stop words of ``language``, and the stems of the question's own words banned, and
    its negated terms too: a negated word of the question is a term (:meth:`Vocabulary.terms`: "pas prêt"
    answers "Seriez-vous prêt ... ?"), unless the question negates it ("ne fonctionne pas" only repeats "Quels
    services ne fonctionnent pas ?")."""
    stop = stop_words(language)
    words_of_question = Vocabulary(stop, language=language)
    stems = {form: words_of_question.word_stem(w, form) for w, form in word_forms(question_text)}
    banned = set(stems.values()) - {""}
    if language == "fr":  # every form of a participle, whichever lemma the table gives each
        banned |= {
            words_of_question.word_stem(fold_word(f), f)
            for form, s in stems.items()
            if s
            for f in _participle_forms(form)
        }
    negated = {t for t in words_of_question.terms(question_text) if t.startswith(MARKED)}
    # French nouns and adjectives of the question, told from its verbs by their lemma: "immigration choisie"
    # answers "Que pensez-vous de l'immigration ?", "baisser TVA" only repeats "Quels impôts faut-il baisser ?"
    paired = {s for form, s in stems.items() if s and language == "fr" and not is_verb(lemma(form))}
    return Vocabulary(stop, frozenset(banned | negated), language=language, paired_stems=frozenset(paired))


# The finished vocabulary of a question and the terms of each of its texts (:func:`question_terms`)
QuestionTerms = tuple[Vocabulary, list[list[str]]]


def question_terms(
    texts: Sequence[str], question_text: str = "", language: str | None = None
) -> QuestionTerms:
    """The terms of each text, and the vocabulary (surface forms) they were counted in (each distinct text
    is split once; copies share its list); ``language`` by :func:`detect_language` when not given."""
    vocab = question_vocabulary(question_text, language or detect_language(texts))
    copies = Counter(texts)
    forms = {t: clause_forms(t) for t in copies}
    if vocab.language == "fr":
        # every written word counted, copies included (Counter counts an iterable in C: one pass for them all)
        written = Counter(
            chain.from_iterable(c for t, clauses in forms.items() for c in clauses for _ in range(copies[t]))
        )
        vocab.learn_accents(written.items())
        vocab.learn_spellings(written)
    of_text = {}
    for t, n in copies.items():
        of_text[t] = vocab.terms(t, n, forms[t])
        vocab.answers_with.update(dict.fromkeys(of_text[t], n))
    # a two-word term with a word of the question is kept where it is a compound: "immigration" alone
    # repeats "Que pensez-vous de l'immigration... ?", "immigration choisie" answers it
    dropped = {
        t
        for t in vocab.answers_with
        if " " in t and not vocab.banned_stems.isdisjoint(t.split(" ")) and not vocab.is_compound(t)
    }
    if dropped:
        for t, terms in of_text.items():
            of_text[t] = [term for term in terms if term not in dropped]
        for t in dropped:
            del vocab.answers_with[t]
    vocab.finish()
    return vocab, [of_text[t] for t in texts]
