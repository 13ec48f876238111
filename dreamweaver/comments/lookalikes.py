"""A name's skeleton: what is left of it once the tricks that make one name
look like another are undone, so that "Site Owner (official)", "site-owner"
and "Sіte Owner" (a Cyrillic і) all hold "siteowner".

A small table of the common Latin look-alikes (Cyrillic, Greek, Armenian,
Cherokee, a few digits and signs) stands in for Unicode's full confusables list (UTS #39), which no
small, maintained package offers; names written in other scripts still
compare exactly.
"""

import unicodedata

_LOOKALIKES = {
    "a": "АаΑαᎪ",
    "b": "ВвЬьΒβᏴ",
    "c": "СсϹϲᏟ",
    "d": "ԁᎠ",
    "e": "ЕеΕεᎬ",
    "g": "ɡցᏀ",
    "h": "НнҺһΗհᎻ",
    # Capital I, small l, 1 and | are told apart by font only: one letter for all.
    "i": "ІіΙιӀӏıǀl1|",
    "j": "ЈјᎫ",
    "k": "КкΚκᏦ",
    "m": "МмΜᎷ",
    "n": "Νηпո",
    "o": "ОоΟο0օՕ",
    "p": "РрΡρᏢ",
    "q": "Ԛԛզ",
    "r": "г",
    "s": "ЅѕՏᏚ",
    "t": "ТтΤτᎢ",
    "u": "υμսՍ",
    "v": "νᏙ",
    "w": "ԜԝωᎳ",
    "x": "ХхΧχ",
    "y": "УуΥγү",
    "z": "ΖᏃ",
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
