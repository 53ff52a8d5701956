"""Step 3, reducing personal data: what free text may not hold, and the keyed pseudonym that
replaces a source system's child id (the key never lives in git).

Free text (action notes, location names, ethnicity) is refused when it looks like it identifies a
person: an e-mail address, a UK phone number (mobile or landline), a full postcode, a date of
birth, a house number with a street, a flat or a person's home, a title with a name, or a common
first name followed by a surname. The first names are a static list in
``assets/first-names-uk.txt`` (see the data dictionary for where it comes from); no name-detection
library that works offline was practical (see docs/data-dictionary.md, "Personal data checks").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import cache
from pathlib import Path

from data_access.imports.report import ImportRefused

PSEUDONYM_KEY_ENV = "DASHBOARD_PSEUDONYM_KEY"
FIRST_NAMES_FILE = Path(__file__).resolve().parents[2] / "assets" / "first-names-uk.txt"

STREET_WORDS = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Cl|Drive|Dr|Way|Terrace|Terr|Grove|Place|Pl|"
    "Crescent|Cres|Court|Ct|Gardens|Gdns|Walk|Mews|Row|Square|Sq|Hill|View|Fold|Bank|Green|Rise|"
    "Parade|Croft|Mount|Park|Gate|Vale|Heights|Approach|Garth|Wynd|Yard|Crest|Brow|Side|Top|Villas"
)
DWELLING_WORDS = "flat|house|home|address|bedsit|maisonette|bungalow|room|caravan|place"
# "Children's home" or "Women's refuge" is a kind of place, not someone's home.
GROUP_WORDS = "Children|Childrens|People|Women|Men|Boys|Girls|Nurses|Residents|Workers|Travellers"

LOOKS_PERSONAL = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    # UK numbers: 0 or +44, then 9 or 10 digits, with spaces, hyphens or brackets between.
    (
        re.compile(
            r"(?<![\d/.])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)[1-9](?:[\s\-()]{0,2}\d){8,9}(?![\d/.])"
        ),
        "a phone number",
    ),  # fmt: skip
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"), "a full postcode"),
    (re.compile(r"\b(?:d\.?o\.?b\.?|born on)\b", re.IGNORECASE), "a date of birth"),
    (
        re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Master|Mx|Dr)\.? [A-Z][a-z]+", re.UNICODE),
        "a person's name",
    ),
    (
        re.compile(rf"\b\d+[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{STREET_WORDS})\b\.?"),
        "a house number and street (a home address)",
    ),  # fmt: skip
    (
        re.compile(
            r"\b(?:Flat|Apartment|Apt|Maisonette|Bedsit)\.?\s*(?:No\.?\s*)?\d+[A-Za-z]?\b",
            re.IGNORECASE,
        ),
        "a flat or house number (a home address)",
    ),  # fmt: skip
    (
        re.compile(rf"\b(?!{GROUP_WORDS})[A-Z][a-z]+(?:'s|’s|s'|s’)\s+(?:{DWELLING_WORDS})\b"),
        "someone's home (a home address)",
    ),  # fmt: skip
)

# Words that, after a first name, show a place or an organisation rather than a surname
# ("Victoria Road", "Grace Church", "Giles Trust", "Philomena Protocol", "Tony Pizza House").
NOT_SURNAMES = frozenset(
    (
        STREET_WORDS + "|Centre|Center|Hall|House|Station|School|Academy|College|University|"
        "Library|Church|Chapel|Mosque|Masjid|Temple|Gurdwara|Hospital|Surgery|Practice|Clinic|"
        "Trust|Society|Foundation|Partnership|Team|Unit|Service|Services|Board|Council|Protocol|"
        "Project|Programme|Scheme|Campus|Estate|Retail|Shopping|Market|Arcade|Mill|Mills|Works|"
        "Hotel|Inn|Arms|Tavern|Pub|Bar|Cafe|Café|Restaurant|Takeaway|Shop|Store|Stores|Garage|"
        "Motors|Cars|Taxis|Barber|Barbers|Salon|Nails|Beauty|Club|Gym|Stadium|Ground|Bridge|Dock|"
        "Wharf|Canal|Line|Bus|Tower|Building|Buildings|Plaza|Quarter|Village|Town|City|Ward|"
        "Police|Fire|Ambulance|NHS|Act|Law|Day|Week|Month|Year|Award|Fund|Group|Network|Forum|"
        "Panel|Meeting|Plan|Strategy|Grill|Kebab|Kebabs|Pizza|Pizzas|Chicken|Express|Bakery|Food|"
        "Foods|Sweets|Supermarket|Mart|Convenience|Wines|Fashion|Fashions|Carpets|Lounge|Kitchen|"
        "Diner|Ltd|Limited|Co|Company|Enterprises|Traders|Wholesale|Hire|Car|Wash|Hand|Car"
    ).split("|")
)
_NAME_PAIR_RE = re.compile(
    r"(?=\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(?:[A-Z]\.?\s+)?"
    r"((?:O'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:'s|’s)?((?:\s+[A-Z][\w'’]*){0,2}))"
)


def _name_in(text: str) -> str | None:
    """A listed first name followed by a surname-like word that is not a place or business word
    (nor followed by one within two words, as in "Ali Baba Takeaway")."""
    known = first_names()
    for first, second, following in _NAME_PAIR_RE.findall(text):
        if first not in known or second in NOT_SURNAMES:
            continue
        if any(word.strip("'’") in NOT_SURNAMES for word in following.split()):
            continue
        return f"a person's name ('{first} {second}')"
    return None


@cache
def first_names() -> frozenset[str]:
    """The shipped list of common UK first names (lines starting with '#' are comments)."""
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def personal_data_in(text: str, names: bool = True) -> str | None:
    """Every kind of personal data ``text`` seems to hold ("a phone number, ..."), or None."""
    found = [what for pattern, what in LOOKS_PERSONAL if pattern.search(text)]
    if names and (name := _name_in(text)):
        found.insert(0, name)
    return ", ".join(found) or None


def pseudonymise(source_child_id: str) -> str:
    """Keyed hash (HMAC-SHA256) of a source-system child id; the key never lives in git."""
    key = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if len(key) < 16:
        raise ImportRefused(
            f"{PSEUDONYM_KEY_ENV} is not set (or shorter than 16 characters): child ids cannot be "
            "pseudonymised, so nothing was imported. Ask the data manager for the key."
        )
    return hmac.new(key.encode(), source_child_id.strip().encode(), hashlib.sha256).hexdigest()
