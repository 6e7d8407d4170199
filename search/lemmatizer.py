"""
French lemmas for the search, the same on both databases: simplemma's French table (about
249,000 forms), its forms and lemmas folded (lower case, no accents), one lemma a form.

SQLite's index looks words up here; PostgreSQL reads the same table and stop words from
files of its own, which ``scripts/services.sh postgres`` writes on the database server:

    python search/lemmatizer.py /usr/share/postgresql/15/tsearch_data

Run as a script it needs simplemma and nothing of Django or the project.
"""

import functools
import re
import sys
import unicodedata
from pathlib import Path

from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

# Every combining mark NFKD splits from a Latin, Greek or Cyrillic letter.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
WORD = re.compile(r"[^\W_]+")
# The files' name in PostgreSQL's tsearch_data.
NAME = "screenmania_french"

# French function words: in nearly every article, so they cannot tell two apart.
_STOP_WORDS = """
    a au aux avec c ce ces d dans de des du elle elles en est et il ils j je l la le les
    leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ou par pas pour qu que
    qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold_text(text):
    """Lower case without accents, as PostgreSQL's unaccent makes it: « Œuvré » → « oeuvre »."""
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
    return bare.replace("œ", "oe").replace("æ", "ae")


@functools.cache
def table():
    """
    Each folded form that has a lemma other than itself, with that lemma folded:
    « realisatrice » must have the lemma « réalisatrice » has. Built once per process, at
    the first save, search or excerpt, in about 1.5 s (folded as one text, three times
    faster than word by word), and some 40 MB.
    """
    # The table's bytes behind simplemma's mapping, read at once: through the mapping,
    # one key at a time, it took a second more. A private name, of a pinned version.
    french = DefaultDictionaryFactory().get_dictionary("fr")._dict
    written = b"\n".join(french).decode().lower()
    forms = fold_text(written).split("\n")
    lemmas = fold_text(b"\n".join(french.values()).decode()).split("\n")
    # Forms that fold alike (« critique », « critiqué ») have one lemma: the first form's
    # in simplemma's table (a dict built backwards keeps the first), or the one of the form
    # written without accents.
    folded = dict(zip(reversed(forms), reversed(lemmas), strict=True))
    folded.update(
        (form, lemma)
        for form, lemma, as_written in zip(forms, lemmas, written.split("\n"), strict=True)
        if form == as_written
    )
    # The table sometimes stops halfway (« nouvelles » → « nouvelle » → « nouveau »): the
    # lemma of a lemma, so that a word and its inflections meet. A form of several words
    # never comes from a text cut into words, and a lemma of several would be read as
    # several: both are left out, and their words match as written.
    return {
        form: lemma
        for form, halfway in folded.items()
        if (lemma := folded.get(halfway, halfway)) != form and form.isalnum() and lemma.isalnum()
    }


def lemma(folded_word):
    """The lemma of a folded word, or the word itself when it is one or the table lacks it."""
    return table().get(folded_word, folded_word)


def write_postgresql_files(directory):
    """
    The table and the stop words as the files of PostgreSQL's synonym and simple
    dictionaries (search.configure()): « form lemma » a line, and a stop word a line.
    """
    directory = Path(directory)
    with open(directory / f"{NAME}.syn", "w", encoding="utf-8") as file:
        file.writelines(f"{form} {lemma}\n" for form, lemma in sorted(table().items()))
    (directory / f"{NAME}.stop").write_text("".join(f"{word}\n" for word in sorted(STOP_WORDS)))


if __name__ == "__main__":
    write_postgresql_files(sys.argv[1])
