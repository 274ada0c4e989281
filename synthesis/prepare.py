"""Text preparation: normalisation, exclusion reasons (empty, punctuation only, non-answers), PII masking."""

from __future__ import annotations

import re
import unicodedata

# Reason codes for contributions kept out of clustering (each has a French message in EXCLUSION_MESSAGES).
EMPTY = "empty"
NO_LETTERS = "no_letters"
NON_ANSWER = "non_answer"
IMPORT_EXCLUDED = "import_excluded"

EXCLUSION_MESSAGES = {
    EMPTY: "texte vide",
    NO_LETTERS: "aucun mot (ponctuation, chiffres ou symboles seulement)",
    NON_ANSWER: "non-réponse (« RAS », « néant », « je ne sais pas »…)",
}

_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+|_")

# Whole answers that say nothing about the question; compared after ``dedup_key`` normalisation.
NON_ANSWERS = frozenset(
    {
        "ras", "r a s", "rien a signaler", "rien", "rien a dire", "rien a ajouter", "neant", "nc", "nsp",
        "ne sais pas", "je ne sais pas", "je sais pas", "sais pas", "aucun", "aucune", "aucun avis",
        "sans avis", "pas d avis", "pas d idee", "aucune idee", "non", "oui", "non concerne",
        "non concernee", "pas concerne", "pas concernee", "sans objet", "idem", "voir plus haut",
        "cf plus haut", "ok", "x", "xx", "xxx", "na", "n a", "pas de reponse", "sans reponse",
        "pas de commentaire", "aucun commentaire", "no comment", "none", "nothing", "n/a", "test",
        "je n en sais rien", "j en sais rien", "pas d opinion", "sans opinion", "je ne sais", "?",
    }
)


def normalise_text(text: str) -> str:
    """Unicode NFC, whitespace collapsed, stripped: the form that is embedded and cached."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def dedup_key(text: str) -> str:
    """Lower case, no accents, punctuation and whitespace collapsed: texts with equal keys are exact copies."""
    folded = strip_accents(unicodedata.normalize("NFKC", text)).casefold()
    return _WS.sub(" ", _NON_WORD.sub(" ", folded)).strip()


def exclusion_reason(text: str) -> str | None:
    """Reason code why ``text`` cannot be clustered, or None when it is a usable answer."""
    if not text or not text.strip():
        return EMPTY
    key = dedup_key(text)
    if not any(ch.isalpha() for ch in key):
        return NO_LETTERS
    if key in NON_ANSWERS:
        return NON_ANSWER
    return None


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def mask_pii(text: str) -> str:
    """Text for display with e-mail addresses and French phone numbers masked."""
    return _PHONE.sub("[téléphone masqué]", _EMAIL.sub("[e-mail masqué]", text))
