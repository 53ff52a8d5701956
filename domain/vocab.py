"""The partnership's controlled vocabularies: codes stored in the data, labels shown to people.

Order matters: charts, tables and legends follow the order given here everywhere.
"""

from __future__ import annotations

from datetime import date

RISK_LEVELS: dict[str, str] = {
    "emerging": "Emerging",
    "moderate": "Moderate",
    "significant": "Significant",
}
RISK_LEVELS_BY_URGENCY: tuple[str, ...] = ("significant", "moderate", "emerging")

EXPLOITATION_TYPES: dict[str, str] = {
    "cse": "Child sexual exploitation (CSE)",
    "cce": "Child criminal exploitation (CCE)",
    "county_lines": "County lines",
    "missing": "Missing",
    "online_grooming": "Online grooming / abuse",
    "msht": "Trafficking / modern slavery",
    "hsb": "Harmful sexual behaviour",
    "cuckooing": "Cuckooing",
    "soc": "Serious and organised crime",
    "radicalisation": "Radicalisation",
}

REFERRING_AGENCIES: dict[str, str] = {
    "police": "West Yorkshire Police",
    "social_care": "Children's social care",
    "education": "Schools and colleges",
    "health": "Health (NHS)",
    "youth_service": "Youth service",
    "voluntary": "Voluntary sector",
    "family": "Family or self",
}

REFERRAL_OUTCOMES: dict[str, str] = {
    "risk_assessment": "CE risk assessment: at risk",
    "early_help": "Referred to early help",
    "existing_case": "Already open to services",
    "no_further_action": "No further action",
}

PLACEMENT_TYPES: dict[str, str] = {
    "home": "Living at home",
    "foster": "Foster care",
    "residential": "Residential care (Philomena)",
    "other": "Other placement",
}

RAG_STATUSES: dict[str, str] = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "done": "Done",
}

RAG_MARKERS: dict[str, str] = {
    "on_track": "●",
    "at_risk": "▲",
    "off_track": "■",
    "done": "✔",
}

METRICS: dict[str, str] = {
    "children_at_risk": "Children at risk (month end)",
    "referrals": "Referrals",
    "missing_episodes": "Missing episodes",
    "missing_children": "Children missing (distinct)",
}

METRIC_UNITS: dict[str, str] = {
    "children_at_risk": "children",
    "referrals": "referrals",
    "missing_episodes": "episodes",
    "missing_children": "children",
}

COVID_LOCKDOWN = date(2020, 3, 23)

STRATEGIC_OBJECTIVES: dict[int, tuple[str, tuple[str, ...]]] = {
    1: (
        "Identify and understand the nature and scale",
        (
            "Vulnerability profile within the JSNA",
            "Data and performance measures showing trends for challenge and scrutiny",
            "Flags and markers on service systems for people posing risk",
            "Information-sharing pathways",
            "Identify vulnerable groups (transitions, homelessness, vulnerable learners)",
        ),
    ),
    2: (
        "Prevention, education and awareness",
        (
            "Work with stakeholders",
            "Raise awareness in communities, parents, carers and potential perpetrators",
            "Professional training",
            "Early years",
            "Make every contact count",
            "All schools, colleges and alternative provision",
            "Victim-and-perpetrator training",
            "Night-time economy",
        ),
    ),
    3: (
        "Safeguarding vulnerable people, groups and communities",
        (
            "Multi-agency risk management plans",
            "Timely therapeutic support (mental health)",
            "Information to access support",
            "Information sharing to find service gaps",
            "Protect vulnerable locations (PRUs, residential homes)",
            "Transitions",
            "Multiple vulnerabilities (mental health, substance misuse, domestic abuse)",
        ),
    ),
    4: (
        "Leadership and governance",
        (
            "Coordinate delivery and oversight",
            "Research-informed response",
            "Front Door and MASH systems",
            "Statutory and non-statutory partnership",
            "Quality assurance of outcomes",
            "Best practice and learning",
            "Multi-agency training at all levels",
            "Reduce harm",
        ),
    ),
    5: (
        "Disrupt and prosecute",
        (
            "Intelligence sharing and analysis for disruption plans",
            "Licensing laws, Child Abduction Warning Notices, SHPOs and STROs",
            "Work with law enforcement and criminal justice",
            "Proactive prevention",
            "Support victims through court",
        ),
    ),
    6: (
        "Communication, engagement and empowerment",
        (
            "Coordinated information programme",
            "Awareness campaigns on what to look for and how to report",
            "Public-facing materials",
            "Deterrent messages to perpetrators",
            "Internal communications",
            "Online and social media",
            "Collate feedback from children and families",
            "The voice of the child",
        ),
    ),
}

# The measures that show each objective's effect, as (link text, page name): the Strategic
# objectives page links them from the objective's card, for the roles that may open the page
# (the page's script is ``pages/<page name>.py``).
OBJECTIVE_MEASURES: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("Education", "education"), ("Modern slavery", "msht")),
    2: (("Services and coverage", "services"),),
    5: (("Disrupt and prosecute", "disrupt"), ("Modern slavery intelligence", "msht")),
}

GLOSSARY: dict[str, str] = {
    "CE": "Child exploitation: criminal, sexual, missing, county lines and other forms.",
    "CSE": "Child sexual exploitation.",
    "CCE": "Child criminal exploitation.",
    "County lines": "Gangs moving drugs across areas using children, with a dedicated phone line.",
    "RAM": "Risk Assessment Meeting: a three-weekly multi-agency meeting tracking every child at risk.",
    "MACE": "Multi-Agency Child Exploitation meeting: monthly review of victims, perpetrators and "
    "hot-spot locations.",
    "Risk level": "Emerging, moderate or significant, set with the Risk Assessment Tool.",
    "Philomena Protocol": "Every child in residential care has a personalised missing trigger plan.",
    "RAG": "Red / amber / green progress status: off track, at risk, on track (and done).",
    "Repeat missing": "A child with 3 or more missing episodes in the 90 days to the month end.",
}

# MACE: kinds of location of concern (label, demo weight), their statuses, and partner agencies.
LOCATION_TYPES = {
    "cafe": ("Café", 8),
    "takeaway": ("Takeaway / fast food", 12),
    "entertainment": ("Snooker or entertainment hall", 5),
    "hotel": ("Hotel", 6),
    "taxi": ("Taxi rank or firm", 6),
    "dwelling": ("Domestic dwelling (cuckooing)", 10),
    "park": ("Park", 7),
    "childrens_home": ("Children's home", 4),
    "pru": ("Pupil referral unit", 2),
    "other": ("Other", 3),
}
LOCATION_STATUSES = {"open": "Open", "monitoring": "Monitoring", "closed": "Closed"}
AGENCIES = (
    "West Yorkshire Police",
    "Children's social care",
    "Education",
    "Health (NHS)",
    "Youth service",
    "Licensing",
    "Housing",
)
