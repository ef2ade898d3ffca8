"""How strong a passphrase is, and how long to wait after failed unlocks.

Strength comes from zxcvbn (Dropbox's estimator: dictionaries, keyboard patterns,
dates, l33t substitutions), which judges "password123!" weak and four plain words
strong where a character-class rule gets both wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zxcvbn import zxcvbn

from mdtdesk.store import errors

MIN_LENGTH = 10
MIN_SCORE = 3
LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (guessable in seconds) to 4 (centuries)
    label: str
    advice: str
    acceptable: bool


def strength(passphrase: str, related: Sequence[str] = ()) -> Strength:
    """Judge a passphrase; `related` are words an attacker would try first (names, ODS)."""
    if not passphrase:
        return Strength(0, LABELS[0], f"Use at least {MIN_LENGTH} characters.", False)
    words = [w for text in related for w in text.split() if len(w) > 2]
    # zxcvbn's cost grows with length; past 100 characters the score is 4 anyway.
    result = zxcvbn(passphrase[:100], user_inputs=words)
    score = int(result["score"])
    feedback = result["feedback"]
    advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
    if len(passphrase) < MIN_LENGTH:
        return Strength(
            min(score, 1), LABELS[min(score, 1)], f"Use at least {MIN_LENGTH} characters.", False
        )
    if score < MIN_SCORE and not advice:
        advice = "Add another unrelated word or two."
    return Strength(score, LABELS[score], advice, score >= MIN_SCORE)


def check_passphrase(passphrase: str, related: Sequence[str] = ()) -> None:
    judged = strength(passphrase, related)
    if not judged.acceptable:
        raise errors.WeakPassphrase(
            f"The passphrase is too weak ({judged.label.lower()}): {judged.advice} "
            "A few unrelated words make a strong one."
        )


def retry_delay(failures: int) -> float:
    """Seconds to wait before the next unlock attempt after `failures` wrong ones in a row.

    Three free tries for typos, then 2, 4, 8 ... seconds, capped at 60, so guessing at
    the keyboard is slow but a person who mistypes is barely held up.
    """
    if failures < 3:
        return 0.0
    return float(min(60, 2 ** (failures - 2)))
