"""A name's skeleton: what is left of it once the tricks that make one name
look like another are undone, so that "Site Owner (official)", "site-owner"
and "Sіte Owner" (a Cyrillic і) all hold "siteowner".

A small table of the common Latin look-alikes (Cyrillic, Greek, a few digits
and signs) stands in for Unicode's full confusables list (UTS #39), which no
small, maintained package offers; names written in other scripts still
compare exactly.
"""

import unicodedata

_LOOKALIKES = {
    "a": "АаΑα",
    "b": "ВвЬьΒβ",
    "c": "СсϹϲ",
    "d": "ԁ",
    "e": "ЕеΕε",
    "g": "ɡ",
    "h": "НнҺһΗ",
    # Capital I, small l, 1 and | are told apart by font only: one letter for all.
    "i": "ІіΙιӀӏıǀl1|",
    "j": "Јј",
    "k": "КкΚκ",
    "m": "МмΜ",
    "n": "Νηп",
    "o": "ОоΟο0",
    "p": "РрΡρ",
    "q": "Ԛԛ",
    "r": "г",
    "s": "Ѕѕ",
    "t": "ТтΤτ",
    "u": "υμ",
    "v": "ν",
    "w": "Ԝԝω",
    "x": "ХхΧχ",
    "y": "УуΥγү",
    "z": "Ζ",
}
_FOLD = str.maketrans({lookalike: latin for latin, lookalikes in _LOOKALIKES.items()
                       for lookalike in lookalikes})


def skeleton(name: str) -> str:
    """Compatibility forms undone (NFKD: fullwidth and styled letters), look-alikes
    made Latin, case folded; then only letters and digits are kept, which drops
    accents, spaces, punctuation and invisible characters such as zero-width ones."""
    # Folded before casefold (Greek capital Eta looks like H, its small letter
    # like n) and after it (capital L becomes l only then).
    folded = unicodedata.normalize("NFKD", name).translate(_FOLD).casefold().translate(_FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded) if ch.isalnum())
