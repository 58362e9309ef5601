"""Text analytics of one mention: sentiment, complaint, question, deflection.

VADER is the sentiment engine; this module gives it what customer-service text needs
(emoji with variation selectors, handles, links and hashtags cleaned away, service-failure
vocabulary, sarcasm) and adds the care labels on top with the cues of etl/text_rules.py.
Build one Analyzer per process: building it reads and extends VADER's lexicon.

A text is a complaint when its cues plus its sentiment reach COMPLAINT_THRESHOLD: a factual
report of a failure ("flight delayed 3 hours, no gate agent") is a complaint even when
VADER finds nothing negative in it.
"""

from __future__ import annotations

import ctypes
import hashlib
import html
import multiprocessing
import os
import re
import signal
import string
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import compress, count

import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT, C_INCR, NEGATE, N_SCALAR, SPECIAL_CASES, SentimentIntensityAnalyzer,
    normalize, scalar_inc_dec,
)

from etl import text_rules as rules
from etl.text_cues import TOKEN_MEMO_LIMIT, CueIndex, Memo, fold, sentence_words, tokens as raw_tokens, words

# 10: "charged me two times" is a double charge without another phrase's word; a text whose
# lower case is longer ("İ") keeps its capitals when it holds no phrase
SCORER_VERSION = "text-10"

OUTPUT_COLUMNS = (
    "sentiment_compound", "sentiment_label", "is_complaint", "is_question",
    "needs_reply", "is_deflection", "complaint_reason",
)

# A text is a complaint from COMPLAINT_THRESHOLD of evidence; its sentiment is negative
# from NEGATIVE_EVIDENCE (a grumble need not be a complaint to the brand, but is negative).
COMPLAINT_THRESHOLD = 1.5
NEGATIVE_EVIDENCE = 1.0
# Otherwise VADER's compound decides. Customer-service politeness ("please", "would be
# great") lifts it a little, so positive starts above VADER's usual 0.05; a question takes
# a clearly positive text to be called positive.
POSITIVE_AT = 0.2
NEGATIVE_AT = -0.05
QUESTION_POSITIVE_AT = 0.5
# What the labels mean, for the app's definitions and `metrics definitions` (versioned by
# SCORER_VERSION): a negative label need not have a negative compound, and users see both.
DEFINITIONS = {
    "sentiment label": (
        f"The text scorer's label (version {SCORER_VERSION}): negative when the text carries "
        f"evidence of a problem of at least {NEGATIVE_EVIDENCE:g} (a complaint's evidence: a "
        "grumble is negative even short of a complaint); otherwise from VADER's compound "
        f"with our lexicon and rules: positive from {POSITIVE_AT:g} ({QUESTION_POSITIVE_AT:g} for "
        f"a question), negative at {NEGATIVE_AT:g} or below, else neutral. So a negative label "
        "can carry a positive compound."),
    "complaint": (
        f"A customer text whose evidence reaches {COMPLAINT_THRESHOLD:g}: weighted cues of a "
        "problem (something not working, an outage, waiting, money, a delay or loss, harsh "
        "words, threats to leave...; thanks and praise count against, negated or put-right cues "
        "not at all) plus a sentiment term (more for a more negative compound, less for a "
        "positive one), sarcasm and shouting. Its reason is the first of the reasons, in a "
        "fixed order, whose cues it has ('other' when none)."),
    "needs reply": (
        "A customer text that is a complaint or a question (a question mark, a question word or "
        "an auxiliary opening a sentence, a request such as 'can you'). Brand texts never do."),
}
# Fewer distinct texts than this are scored in-process. Two forked workers start in about
# 0.1 s (an Analyzer builds in 0.03 s), so from a few thousand texts they pay: the 6.5k
# distinct texts of a +10k load, 0.41-0.56 s in two workers against 0.59-0.84 s here.
PARALLEL_FROM = 4_000
_BATCH = 2_000

_URL = re.compile(r"(?:https?://|www\.)\S+")
# "@name" not inside a word or after another "@"; the look-behind follows the "@" so the
# regex engine can jump from "@" to "@" (ahead of it, it was tried at every character).
_HANDLE = re.compile(r"@(?<![\w@]@)\w+")
_LEADING_HANDLE = re.compile(r"\W*@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HASHTAG_WORDS = re.compile("(" + "|".join(sorted(rules.HASHTAG_WORDS, key=len, reverse=True)) + ")")
_ELONGATED = re.compile(r"\b\w*(\w)\1\1\w*", re.IGNORECASE)
_REPEATS = re.compile(r"(\w)\1{2,}", re.IGNORECASE)
_HAS_REPEATS = re.compile(r"(\w)\1\1", re.IGNORECASE)  # _REPEATS found, a third faster
# What _has_repeats asks of an ASCII text's lower case instead: any character thrice (a
# class-free pattern, twice as fast), and only then a word character thrice.
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)
_LOWER_REPEATS = re.compile(r"(\w)\1\1")
_LAST_SENTENCE = re.compile(r"[.!?\u2026]+\s*([^.!?\u2026]+?)[.!?\u2026\s]*$")
# Dropped before emoji are read: variation selectors, joiners, skin-tone modifiers.
_INVISIBLE = "\ufe0e\ufe0f\u200d\u200b\u2060" + "".join(map(chr, range(0x1F3FB, 0x1F400)))
# A signature is looked for in a normalised text only, whose white space is single spaces: so
# it begins with a space, which the regex engine jumps to (from "\s+" it tried every place).
_SIGNATURE = re.compile(r" (?:(?:[\^*~]\s?|-\s?|\u2014\s?)[A-Za-z][\w.]{0,20}(?:\s\d/\d)?|\d/\d)\s*$")
_WORD = re.compile(r"[^\W\d_]+")
_NOT_LATIN = re.compile(r"[^\x00-\u024f]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# What every _EMAIL and _PHONE match contains, found in a few per cent of their time: they
# begin with a class the regex engine tries at every character (20-30 us a text), these
# with "@" or a digit, which it jumps to.
_EMAIL_DOMAIN = re.compile(r"@[\w-]+\.")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d ().-]{7,}\d(?!\w)")
_DIGIT = re.compile(r"\d")
_TRAILING_NOT = re.compile(r"[.!,\-]\s*(?:#\s*)?not\b[!.\s]*$")  # searched where "not" is: 0.4 us, not 0.9
_PUNCTUATION = string.punctuation
_NEGATE = frozenset(NEGATE)
_CLOSER_FILLERS = frozenset(("so", "just", "very", "really", "oh", "xurl"))
_NEGATIONS = frozenset(rules.COMPLAINT_NEGATIONS)
_QMARK = re.compile(r"[?\uff1f\u00bf]")
_SHOUT_WORD = re.compile(r"\b[A-Z]{3,}\b")
# In every _SHOUT_WORD match; a class first lets the regex engine skip to capitals.
_SHOUT_HINT = re.compile(r"[A-Z][A-Z][A-Z]")
# A signature is at most 28 characters of a normalised text (single spaces: see
# _is_deflection), so it is looked for in the last _SIGNATURE_WITHIN only.
_SIGNATURE_WITHIN = 64


class _Vader(SentimentIntensityAnalyzer):
    """VADER's scoring, computed once per text instead of once per word.

    SentimentIntensityAnalyzer re-lower-cases the whole sentence for every sentiment word
    it meets (in its negation and idiom checks) and runs a per-character emoji loop; this
    subclass gives the same compound (tests compare them) in about half the time. Emoji
    are translated by Analyzer.normalise before the text gets here.
    """

    def compound(self, text: str) -> float:
        words = list(map(_STRIPPED.__getitem__, text.split()))
        lowers = list(map(str.lower, words))
        # allcap_differential(words), counted in C
        capitals = sum(map(str.isupper, words))
        is_cap_diff = 0 < len(words) - capitals < len(words)
        lexicon = self.lexicon
        sentiments: list[float] = [0] * len(words)
        last = len(words) - 1
        # Only the words in the lexicon are visited in Python (compress skips the others in C).
        for i in compress(count(), map(lexicon.__contains__, lowers)):
            lower = lowers[i]
            if lower in BOOSTER_DICT or (lower == "kind" and i < last and lowers[i + 1] == "of"):
                continue
            sentiments[i] = self._valence(words, lowers, i, is_cap_diff)
        if "but" in lowers:
            sentiments = self._but_check(words, sentiments)
        return self._compound_of(sentiments, text)

    def _compound_of(self, sentiments: list[float], text: str) -> float:
        # SentimentIntensityAnalyzer.score_valence's compound alone: its positive, neutral
        # and negative shares are not used here (they were 6% of the analyzer's time).
        total = float(sum(sentiments))
        if total == 0:  # no sentiment word, or they cancel out: normalize(0.0), rounded
            return 0.0
        emphasis = self._punctuation_emphasis(text)
        return round(normalize(total + emphasis if total > 0 else total - emphasis), 4)

    def _valence(self, words: list[str], lowers: list[str], i: int, is_cap_diff: bool) -> float:
        # SentimentIntensityAnalyzer.sentiment_valence, reading the lower-cased words once.
        lexicon = self.lexicon
        lower = lowers[i]
        valence = lexicon[lower]
        before = lowers[i - 3:i] if i > 2 else lowers[:i]
        if (lower != "no" and _MODIFIERS.isdisjoint(before) and "n't" not in " ".join(before)
                and not (i > 2 and _idiom_near(lowers, i))):
            # Most sentiment words (four in five) have no negation, booster, "no", "so",
            # "this", "least" or idiom among the three words before: none of the checks below
            # can change their valence, only their capitals can. (The checks below may add
            # 0.0, turning a -0.0 valence into 0.0; the lexicon holds no -0.0, and the
            # compound, a sum from 0, would be the same.)
            if words[i].isupper() and is_cap_diff:
                valence = valence + C_INCR if valence > 0 else valence - C_INCR
            return valence
        if lower == "no" and i != len(words) - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no") or (
            i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor")
        ):
            valence = lexicon[lower] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(3):
            before = i - (start_i + 1)
            if before >= 0 and lowers[before] not in lexicon:
                # (scalar_inc_dec is 0.0 for a word that is no booster)
                s = (scalar_inc_dec(words[before], valence, is_cap_diff)
                     if lowers[before] in BOOSTER_DICT else 0.0)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = _negation_check(valence + s, lowers, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lowers, i)
        return _least_check(valence, lowers, i, lexicon)


def _has_repeats(text: str, lower: str) -> bool:
    """_HAS_REPEATS.search(text), in a quarter less time: in ASCII, a letter three times in
    any case is one three times in lower case, and most texts hold no character three times
    running. (Not so in all Unicode: lower() makes a dotted capital I two characters.)"""
    if text.isascii():
        return _TRIPLE.search(lower) is not None and _LOWER_REPEATS.search(lower) is not None
    return _HAS_REPEATS.search(text) is not None


def _strip_punc_if_word(token: str) -> str:
    stripped = token.strip(_PUNCTUATION)
    return token if len(stripped) <= 2 else stripped


_STRIPPED = Memo(_strip_punc_if_word, TOKEN_MEMO_LIMIT)


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(lowers[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lowers[i - 2] == "never" and lowers[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _negated(lowers[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (lowers[i - 3] == "never" and lowers[i - 2] in ("so", "this")) or lowers[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
            pass
        elif _negated(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence


# The first two words of each of VADER's idioms and n-gram boosters: _special_idioms_check
# only looks its n-grams up where two consecutive words around i are such a pair.
_IDIOM_PAIRS = frozenset(tuple(key.split(" ")[:2]) for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key)


# The words before a sentiment word that _Vader._valence's checks look for (negations with
# "n't" aside): negations, boosters, "no" ("no" or "nor" after it), "so"/"this" (after "never"
# too), "least" (and "without doubt": "without" is a negation).
_MODIFIERS = frozenset((*NEGATE, *BOOSTER_DICT, "no", "so", "this", "least"))


def _idiom_near(lowers: list[str], i: int) -> bool:
    """Whether an idiom of _special_idioms_check may be around word i (i > 2)."""
    # Every n-gram there starts at i-3, i-2, i-1 or i (and has 2 or 3 words, no spaces in
    # a word): none can be an idiom unless one of these pairs begins one.
    return ((lowers[i - 3], lowers[i - 2]) in _IDIOM_PAIRS or (lowers[i - 2], lowers[i - 1]) in _IDIOM_PAIRS
            or (lowers[i - 1], lowers[i]) in _IDIOM_PAIRS
            or (len(lowers) - 1 > i and (lowers[i], lowers[i + 1]) in _IDIOM_PAIRS))


def _special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    if not _idiom_near(lowers, i):
        return valence
    onezero = f"{lowers[i - 1]} {lowers[i]}"
    twoonezero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
    twoone = f"{lowers[i - 2]} {lowers[i - 1]}"
    threetwoone = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
    threetwo = f"{lowers[i - 3]} {lowers[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lowers) - 1 > i:
        zeroone = f"{lowers[i]} {lowers[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowers) - 1 > i + 1:
        zeroonetwo = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lowers: list[str], i: int, lexicon: dict) -> float:
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


class Analyzer:
    """Scores one text at a time; holds the extended lexicon and the compiled cues."""

    def __init__(self) -> None:
        self._vader = _Vader()
        self._vader.lexicon.update(rules.LEXICON_UPDATES)
        self._phrases = []
        # Whether a text holds any of PHRASE_KEYWORDS, as one regex of their letters in a
        # tree (at each character it follows at most one branch): half the time of an 'in'
        # test per keyword.
        self._phrase_words = re.compile(_any_of(rules.PHRASE_KEYWORDS))
        for pattern, token, valence in rules.PHRASE_TOKENS:
            self._phrases.append((re.compile(pattern), f" {token} "))
            self._vader.lexicon[token] = valence
        # One pass finds all phrases; which one matched is asked of each phrase's own regex
        # afterwards. (A named group per phrase said so in the pass itself, but the groups
        # stop the regex engine from skipping the phrases whose first letter differs: the
        # pass took three times as long.)
        self._phrase_rx = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p, _, _ in rules.PHRASE_TOKENS) + ")")
        # One str.translate reads the emoji and drops the invisible marks (which win where
        # VADER describes one too, as the skin tones): an alternation of VADER's 3,500 emoji
        # took 80 us a text with any character outside ASCII.
        # Typographic apostrophes (phone keyboards type them) as plain ones: VADER's
        # negations ("don't"), the phrases and the question openers are written with those.
        self._non_ascii = str.maketrans({**self._emoji_table(), **dict.fromkeys(_INVISIBLE, ""),
                                         "\u2019": "'", "\u2018": "'"})
        self._weights = {("complaint", name): weight for name, weight, _ in rules.COMPLAINT_CUES}
        reason_lists, self._reason_order = _reason_lists()
        self._cues = _message_cues(reason_lists)
        self._closers = frozenset(" ".join(words(c)) for c in rules.SARCASM_CLOSERS)
        self._known_words = frozenset(
            w for _, _, phrases in rules.COMPLAINT_CUES for p in phrases for w in p.split())
        self._brand_cues = CueIndex([("redirect", rules.REDIRECT_CUES), ("pleasant", rules.PLEASANTRY_WORDS),
                                     ("resolved", rules.RESOLUTION_CUES)])
        self._question_opener, self._later_question_opener = _question_openers()
        self._not_a_subject = frozenset(rules.NOT_A_SUBJECT)
        self._addressed_subjects = frozenset(rules.ADDRESSED_SUBJECTS)
        self._predicates_after_modal = frozenset(rules.PREDICATES_AFTER_MODAL)
        self._addressed_after_modal = frozenset(rules.ADDRESSED_AFTER_MODAL)
        self._modals_and_do = frozenset(rules.MODALS_AND_DO)
        self._thanks = frozenset(rules.THANKS_BEFORE_SO_MUCH)

    def _emoji_table(self) -> dict[str, str]:
        # VADER describes an emoji in words ("crying face"); where the description has no
        # sentiment word, a pseudo-word with a valence of our own stands in for it.
        table = {ch: f" {desc} " for ch, desc in self._vader.emojis.items() if len(ch) == 1}
        for ch, (token, valence) in rules.EMOJI_VALENCE.items():
            table[ch] = f" {token} "
            self._vader.lexicon[token] = valence
        return table

    # -- normalisation -------------------------------------------------------------------

    def normalise(self, text: str, is_brand: bool = False) -> str:
        """The text as the rules read it: links marked, handles gone, hashtags and emoji as words."""
        if "&" in text:
            text = html.unescape(text)
        if "://" in text or "www." in text:  # in every _URL match: most texts skip the regex
            text = _URL.sub(" xurl ", text)
        if is_brand:  # contact details only matter to deflection
            text = self._mark_contacts(text)
        if "@" in text:
            text = _HANDLE.sub(" ", text)
        if "#" in text:
            text = _HASHTAG.sub(self._hashtag_words, text)
        if not text.isascii():
            text = text.translate(self._non_ascii)
        lower = text.lower()
        if _has_repeats(text, lower):
            text = _ELONGATED.sub(self._shorten, text)
            lower = text.lower()
        if self._phrase_words.search(lower):
            text = self._replace_phrases(text, lower)
        return " ".join(text.split())

    @staticmethod
    def _mark_contacts(text: str) -> str:
        if _EMAIL_DOMAIN.search(text):
            text = _EMAIL.sub(" xemail ", text)
        if _DIGIT.search(text):
            text = _PHONE.sub(" xphone ", text)
        return text

    def _replace_phrases(self, text: str, lower: str) -> str:
        # Matched on the lower-cased text (a case-blind regex is several times slower),
        # spliced into the original so VADER still sees words in capitals.
        matches = list(self._phrase_rx.finditer(lower))
        if not matches:  # the text as it was, capitals and all (text-9 lower-cased some)
            return text
        if len(lower) != len(text):  # a few Unicode letters change length: no splicing
            text = lower
        pieces, last = [], 0
        for match in matches:
            pieces += (text[last:match.start()], self._phrase_token(lower, match.start()))
            last = match.end()
        return "".join(pieces) + text[last:]

    def _phrase_token(self, lower: str, start: int) -> str:
        # The alternation takes the first phrase that matches at `start`, and ends where
        # that phrase's match ends (nothing follows it in the pattern).
        return next(token for phrase, token in self._phrases if phrase.match(lower, start))

    def _shorten(self, match: re.Match) -> str:
        # "waaaaiting" -> "waiting", "goooood" -> "good": letters run three or more times
        # become one, or two where that makes a word the rules know.
        word = match.group()
        once, twice = _REPEATS.sub(r"\1", word), _REPEATS.sub(r"\1\1", word)
        return twice if twice.lower() in self._vader.lexicon or twice.lower() in self._known_words else once

    @staticmethod
    def _hashtag_words(match: re.Match) -> str:
        tag = match.group(1)
        if tag.lower() == "sarcasm":
            return " xsarcasm "
        words = _CAMEL.sub(" ", tag)
        if words == tag:  # all one case: pull out the words that carry sentiment
            words = _HASHTAG_WORDS.sub(r" \1 ", tag.lower())
        return f" {words} "

    # -- scoring -------------------------------------------------------------------------

    def score(self, text: str | None, is_brand: bool = False) -> dict:
        text = text if isinstance(text, str) else ""
        clean = self.normalise(text, is_brand)
        lower = clean.lower()
        if not clean:
            return _neutral(is_question=not is_brand and bool(_QMARK.search(text)))
        # One tokenisation serves the language check and the cues.
        raw = raw_tokens(lower)
        if _is_foreign(raw, clean):
            return _neutral(is_question=not is_brand and bool(_QMARK.search(text)))
        tokens = fold(raw)
        hits = self._cues.find(tokens)
        # VADER looks three words back for negations and boosters, across sentence ends
        # too ("It is not done. WTF?" came out positive); a neutral spacer stops that.
        compound = self._vader.compound(_separate_sentences(clean))
        sarcastic = self._is_sarcastic(tokens, hits, lower)
        if sarcastic and compound > 0:
            compound = -compound
        if is_brand:
            return _result(compound, _label(compound, False), False, False, self._is_deflection(clean, hits), None)
        evidence = self.complaint_score(tokens, hits, clean, compound, sarcastic)
        question = bool("question" in hits or _QMARK.search(clean)
                        or self._opens_question(lower, bool(_LEADING_HANDLE.match(text))))
        if question and "hypothetical" in hits and "target" in hits and _asks_about_failure(hits):
            evidence -= rules.HYPOTHETICAL_DISCOUNT
        complaint = evidence >= COMPLAINT_THRESHOLD
        label = "negative" if evidence >= NEGATIVE_EVIDENCE else _label(compound, question)
        reason = self._reason(hits) if complaint else None
        return _result(compound, label, complaint, question, False, reason)

    def _opens_question(self, lower: str, after_handle: bool) -> bool:
        """Whether a sentence opens as a question: a question word, or an auxiliary then a
        subject (see rules.QUESTION_AUXILIARIES). after_handle: the text began with a handle
        (gone from `lower`), which is then the subject of an auxiliary right after it unless
        rules.ADDRESSED_SUBJECTS follow."""
        for match in self._question_openers(lower):
            subject = match.group("subject")
            if subject is None:
                return True
            if match.start() == 0 and after_handle:
                if subject in self._addressed_subjects or (
                        subject in self._addressed_after_modal and match.group("auxiliary") in self._modals_and_do):
                    return True
            elif not (subject in self._not_a_subject or self._vader.lexicon.get(subject) or (
                    subject in self._predicates_after_modal and match.group("auxiliary") in self._modals_and_do)):
                return True
        return False

    def _question_openers(self, lower: str):
        """self._question_opener.finditer(lower): past the start, only its second
        alternative can match."""
        first = self._question_opener.match(lower)
        if first:
            yield first
        yield from self._later_question_opener.finditer(lower, first.end() if first else 1)

    def complaint_score(self, tokens: list[str], hits: dict, clean: str, compound: float,
                        sarcastic: bool) -> float:
        """Evidence that a customer text reports a problem: cue weights plus sentiment."""
        score = 0.0
        for key in hits:  # (weights are halves: their sum is exact in any order)
            weight = self._weights.get(key)
            if weight is None or weight < 0 and (sarcastic or _all_negated(tokens, hits[key])):
                continue  # not a complaint cue, or ironic or negated praise ("thanks for nothing")
            if key == _LOSS and _all_returned(tokens, hits[key], hits.get("resolution", ())):
                continue  # the lost thing came back ("thanks for getting my lost bag back")
            score += weight
        if compound <= -0.5:
            score += 2.0
        elif compound <= -0.2:
            score += 1.0
        elif compound >= 0.5:
            score -= 1.5
        elif compound >= 0.2:
            score -= 0.5
        if sarcastic:
            score += 2.0
        if _SHOUT_HINT.search(clean) and len(_SHOUT_WORD.findall(clean)) >= 2:
            score += 0.5  # shouting
        return score

    def _is_sarcastic(self, tokens: list[str], hits: dict, lower: str) -> bool:
        if ("not" in lower and _TRAILING_NOT.search(lower)
                or "sarcasm" in hits and any(not self._thanks_so_much(tokens, at) for at in hits["sarcasm"])):
            return True
        if "closer" in hits and self._ends_with_praise(lower, tokens, hits):
            return True
        if "opener" not in hits or "target" not in hits or hits["target"][0] < hits["opener"][0]:
            return False
        # (a resolution refused is no resolution: "great news that you won't refund")
        resolved = [r for r in hits.get("resolution", ()) if r == 0 or tokens[r - 1] not in _NEGATIONS]
        return any(0 < t - o <= rules.SARCASM_WINDOW and not any(o < r <= t for r in resolved)
                   for o in hits["opener"] for t in hits["target"])

    def _thanks_so_much(self, tokens: list[str], at: int) -> bool:
        """Whether the marker at `at` is the "so much for" of plain thanks."""
        return 0 < at and tokens[at] == "so" and tokens[at - 1] in self._thanks

    def _ends_with_praise(self, lower: str, tokens: list[str], hits: dict) -> bool:
        match = _LAST_SENTENCE.search(lower)
        if not match:
            return False
        closing = [w for w in words(match.group(1)) if w not in _CLOSER_FILLERS]
        if not 0 < len(closing) <= 4 or " ".join(closing) not in self._closers:
            return False
        start = len(tokens) - len(closing)
        return any(at[0] < start and self._weights.get(key, 0) >= 1.0 for key, at in hits.items())

    def _reason(self, hits: dict) -> str:
        for name, needs, cues in self._reason_order:
            if cues.isdisjoint(hits):
                continue  # none of its cues hit (most reasons, for most texts)
            if any(all(key in hits for key in entry) for entry in needs):
                return name
        return "other"

    def _is_deflection(self, clean: str, hits: dict) -> bool:
        """hits: the cues of the whole of clean (self._cues.find)."""
        if "redirect" not in hits:
            # Nor do its sentences below: their words are the text's without the signature,
            # and a phrase within a sentence is one in the text. (Most replies stop here:
            # they redirect nowhere, and the work below took 15 us a reply.)
            return False
        # clean is normalised: words between single spaces, no other white space. So the
        # signature ends the text within its last characters, and the sentences split where
        # a space follows ".", "!" or "?" (what _SIGNATURE.sub and re.split on
        # (?<=[.!?\n])\s+|\n+ did, without trying every position of the text).
        signature = _SIGNATURE.search(clean, max(0, len(clean) - _SIGNATURE_WITHIN))
        body = (clean[:signature.start()] if signature else clean).lower()
        # A deflection: some sentence sends the customer elsewhere, none says the brand did
        # something, and every other sentence is a pleasantry. The cues of all the sentences
        # are found at once (a "\n" between sentences keeps each hit inside its own): 15%
        # less time than a tokenisation and a find per sentence.
        tokens = sentence_words(_at_sentence_ends(body, "\n"))
        cues = self._brand_cues.find(tokens)
        if "redirect" not in cues or "resolved" in cues:
            return False  # nowhere does it redirect, or it did something, whatever else it asks
        redirects = cues["redirect"]
        start = 0
        for end in [*compress(count(), map("\n".__eq__, tokens)), len(tokens)]:
            if start < end and not any(start <= at < end for at in redirects) and not self._is_pleasantry(
                    tokens[start:end]):
                return False  # it says something beyond "go elsewhere"
            start = end + 1
        return True

    def _is_pleasantry(self, tokens: list[str]) -> bool:
        if len(tokens) > rules.PLEASANTRY_MAX_WORDS:
            return False
        strangers = self._brand_cues.count_without(tokens, "pleasant")
        return strangers <= rules.PLEASANTRY_STRANGERS


def _message_cues(reason_lists: list) -> CueIndex:
    """The cues Analyzer looks up in a customer's message: each complaint group's (keyed
    ('complaint', name)), sarcasm's parts, questions, hypotheticals, redirects and the reasons'
    lists (_reason_lists)."""
    return CueIndex([
        *((("complaint", name), phrases) for name, _, phrases in rules.COMPLAINT_CUES),
        ("sarcasm", rules.SARCASM_MARKERS),
        ("opener", rules.SARCASM_OPENERS),
        ("target", [*rules.SARCASM_TARGETS, *(phrase for name, _, phrases in rules.COMPLAINT_CUES
                                              if name in rules.SARCASM_TARGET_GROUPS for phrase in phrases)]),
        ("resolution", rules.SARCASM_RESOLUTIONS),
        ("question", rules.QUESTION_CUES),
        ("hypothetical", rules.HYPOTHETICAL),
        ("closer", rules.SARCASM_CLOSERS),  # a cheap pre-check for _ends_with_praise
        # A pre-check for _is_deflection: no weight, reason or label reads this key.
        ("redirect", rules.REDIRECT_CUES),
        *reason_lists,
    ])


def _question_openers() -> tuple[re.Pattern, re.Pattern]:
    """How a question opens (a question word, an inverted auxiliary and its subject, or 'x,
    can you'): at the start of the text or after a sentence mark, and after a mark only."""
    question_words, auxiliaries, pronouns, inverting = (
        "|".join(map(re.escape, words)) for words in
        (rules.QUESTION_WORDS, rules.QUESTION_AUXILIARIES, rules.QUESTION_PRONOUNS, rules.INVERTING_WORDS))
    opening = (
        r"(?:(?:hi|hello|hey|so|and|but|ok|also)\b[,\s]*)?"
        rf"(?:(?:{question_words})\b|(?P<auxiliary>{auxiliaries})\b(?!')\W+(?P<subject>[\w']+)"
        rf"|(?!(?:{inverting})\b)[\w']+,?\s+(?:{auxiliaries})\s+(?:{pronouns})\b)")
    # An opening at the start of the text, and one after a sentence mark: the second
    # pattern begins with a class, so the regex engine skips to those marks (with
    # "(?:^|[.!;:\n]\s*)" in front it tried the pattern at every character).
    return re.compile(r"(?:^|[.!;:\n]\s*)" + opening), re.compile(r"[.!;:\n]\s*" + opening)


def _any_of(words: Sequence[str]) -> str:
    """A regex that matches where one of the words begins (and ends there or later): the
    words' letters as a tree, each node's branches starting with different characters."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here: the longer words from here need not be looked for

    def pattern(node: dict) -> str:
        if "" in node:
            return ""
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return pattern(tree)


def _separate_sentences(clean: str) -> str:
    """The text with a neutral spacer after each sentence's end (see Analyzer.score)."""
    return _at_sentence_ends(clean, " xsep xsep xsep ")


def _at_sentence_ends(clean: str, insert: str) -> str:
    r"""re.sub(r"(?<=[.!?])\s+", insert, clean) for a normalised text, whose only white
    space is single spaces: each space after ".", "!" or "?" becomes `insert`."""
    return clean.replace(". ", "." + insert).replace("! ", "!" + insert).replace("? ", "?" + insert)


def _all_negated(tokens: list[str], positions: list[int]) -> bool:
    return all(any(w in _NEGATIONS for w in tokens[max(0, i - 2):i]) for i in positions)


_LOSS = ("complaint", "delay or loss")


def _all_returned(tokens: list[str], positions: list[int], resolutions) -> bool:
    """Every loss cue put right: a resolution word shortly before it, "back" shortly after."""
    return all(any(0 < i - at <= rules.RETURNED_BEFORE for at in resolutions)
               and "back" in tokens[i + 1:i + 1 + rules.RETURNED_AFTER] for i in positions)


def _asks_about_failure(hits: dict[tuple | str, list[int]]) -> bool:
    first_failure = min(hits["target"])
    return any(0 < first_failure - at <= rules.HYPOTHETICAL_WINDOW for at in hits["hypothetical"])


_ReasonOrder = list[tuple[str, list[tuple], frozenset]]


def _reason_lists() -> tuple[list[tuple[tuple, list[str]]], _ReasonOrder]:
    """The cue lists of REASON_CUES, keyed (reason, place, entry, part), and the reasons in
    order, each with its entries (the keys each needs together) and all its keys. (The place
    in the list keeps apart the entries of a reason listed twice.)"""
    lists, order = [], []
    for i, (name, entries) in enumerate(rules.REASON_CUES):
        needs = []
        for j, entry in enumerate(entries):
            parts = entry if isinstance(entry[0], list) else [entry]
            keys = tuple(("reason", name, i, j, k) for k in range(len(parts)))
            lists.extend(zip(keys, parts))
            needs.append(keys)
        order.append((name, needs, frozenset(key for keys in needs for key in keys)))
    return lists, order


def _is_foreign(raw: list[str], clean: str) -> bool:
    """raw: the tokens of clean lower-cased (text_cues.tokens). Their letter runs are the
    text's: a token is a run of digits or letter runs joined by ' or -."""
    if not clean.isascii():
        # Letters from U+0250 on are the non-Latin ones: a text without such characters is
        # in a Latin script (most non-ASCII texts: their emoji are words by now).
        high = "".join(_NOT_LATIN.findall(clean))
        if high:
            letters = sum(map(str.isalpha, clean))
            latin = letters - sum(map(str.isalpha, high))
            if letters and latin < letters / 2:
                return True
    foreign = sum(map(_FOREIGN_WORDS.__getitem__, raw))
    if foreign < 2:
        return False
    # (the letter runs of the tokens between spaces: those of the text)
    return foreign > sum(map(rules.ENGLISH_STOPWORDS.__contains__, _WORD.findall(" ".join(raw))))


# Foreign stop words among a token's letter runs, by token.
_FOREIGN_WORDS = Memo(lambda token: sum(map(rules.FOREIGN_STOPWORDS.__contains__, _WORD.findall(token))),
                       TOKEN_MEMO_LIMIT)


def _label(compound: float, question: bool) -> str:
    # A question's polite words ("can you please help, that would be great") are not
    # an opinion: it takes a clearly positive text to call a question positive.
    if compound >= (QUESTION_POSITIVE_AT if question else POSITIVE_AT):
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def _result(compound, label, complaint, question, deflection, reason) -> dict:
    return {
        "sentiment_compound": float(compound),
        "sentiment_label": label,
        "is_complaint": complaint,
        "is_question": question,
        "needs_reply": complaint or question,
        "is_deflection": deflection,
        "complaint_reason": reason,
    }


def _neutral(is_question: bool = False) -> dict:
    return _result(0.0, "neutral", False, is_question, False, None)


def definitions() -> pd.DataFrame:
    """DEFINITIONS as `metrics definitions` prints them, versioned by the scorer."""
    return pd.DataFrame({"version": SCORER_VERSION, "metric": list(DEFINITIONS),
                         "definition": list(DEFINITIONS.values())})


def text_hash(text: str) -> str:
    """Stable identity of a text for the score cache."""
    data = (text if isinstance(text, str) else "").encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# -- many texts ------------------------------------------------------------------------

_worker_analyzer: Analyzer | None = None


def _init_worker(parent_pid: int) -> None:
    global _worker_analyzer
    _die_with_parent(parent_pid)
    _worker_analyzer = Analyzer()


def _die_with_parent(parent_pid: int) -> None:
    # A forked worker inherits the load's writer lock (etl/warehouse.py): if the load is
    # killed, a worker left waiting for work would hold that lock, and every later load
    # would wait for it for ever. So the kernel kills the worker with its parent.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


def _score_batch(pairs: list[tuple[str, bool]]) -> list[tuple]:
    analyzer = _worker_analyzer
    return [tuple(analyzer.score(t, b).values()) for t, b in pairs]


class TextScorer:
    """Scores batches of texts, in a process pool once a batch is big enough.

    Keep one open across the chunks of a large file so the pool starts only once.
    """

    def __init__(self, workers: int | None = None, analyzer: Analyzer | None = None) -> None:
        """analyzer: the one to score batches too small for the pool with (made when first
        needed if None); one kept by the caller saves building its lexicon and cues again."""
        self.workers = workers or _available_cores()
        self._pool: ProcessPoolExecutor | None = None
        self._local = analyzer

    def __enter__(self) -> "TextScorer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def score(self, texts: Sequence[str], is_brand: Sequence[bool] | None = None) -> pd.DataFrame:
        """The 7 output columns for each text, in order."""
        return self.submit(texts, is_brand)()

    def submit(self, texts: Sequence[str], is_brand: Sequence[bool] | None = None):
        """Start scoring; return a function that waits for the frame.

        Lets a caller read its next chunk while the workers score this one.
        """
        brands = [False] * len(texts) if is_brand is None else [bool(b) for b in is_brand]
        if len(brands) != len(texts):
            raise ValueError("texts and is_brand differ in length")
        # Real data repeats itself (retweets, templates): score each distinct pair once.
        positions: dict[tuple[str, bool], int] = {}
        order = [positions.setdefault((t if isinstance(t, str) else "", b), len(positions))
                 for t, b in zip(texts, brands)]
        pairs = list(positions)
        if len(pairs) < PARALLEL_FROM or self.workers <= 1:
            rows = self._score_here(pairs)
            return lambda: _frame(rows, order)
        futures = [self._executor().submit(_score_batch, pairs[i:i + _BATCH])
                   for i in range(0, len(pairs), _BATCH)]
        return lambda: _frame([row for f in futures for row in f.result()], order)

    def _score_here(self, pairs: list[tuple[str, bool]]) -> list[tuple]:
        if self._local is None:
            self._local = Analyzer()
        return [tuple(self._local.score(t, b).values()) for t, b in pairs]

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_pool_context(), initializer=_init_worker,
                initargs=(os.getpid(),))
        return self._pool


def _frame(rows: list[tuple], order: list[int]) -> pd.DataFrame:
    if not rows:
        return _empty_frame()
    frame = pd.DataFrame.from_records(rows, columns=list(OUTPUT_COLUMNS))
    return frame.iloc[order].reset_index(drop=True)


def score_texts(
    texts: Sequence[str], is_brand: Sequence[bool] | None = None, workers: int | None = None
) -> pd.DataFrame:
    """The 7 output columns for each text, in order; parallel over cores for large inputs.
    (A list of texts at once, for the evaluation script and tests: loads score through
    etl.scores, which keeps each text's score by its hash.)"""
    with TextScorer(workers) as scorer:
        return scorer.score(texts, is_brand)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "sentiment_compound": pd.Series(dtype="float64"),
        "sentiment_label": pd.Series(dtype="object"),
        "is_complaint": pd.Series(dtype="bool"),
        "is_question": pd.Series(dtype="bool"),
        "needs_reply": pd.Series(dtype="bool"),
        "is_deflection": pd.Series(dtype="bool"),
        "complaint_reason": pd.Series(dtype="object"),
    })


def _pool_context():
    # fork: workers start in milliseconds and need nothing importable from __main__ (spawn
    # re-imports the caller's main module, which fails for `python -` and costs a second).
    # The children only run pure-Python scoring and leave through os._exit, so a DuckDB
    # connection open in the parent is never touched by them.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
