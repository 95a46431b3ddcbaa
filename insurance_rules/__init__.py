"""The insurance rules that the assistant (bot/actions) and the Mi Aval API both apply, written once.

Standard library only, so both Python environments (.venv-rasa with Rasa 3.6
on Python 3.10, .venv with the API) import the same code: a policy in force in
Buenos Aires time, DNI/CUIT parsing, licence plates, claim types and which lines take which,
number cleaning and how an insured item is named.
"""

from insurance_rules.claims import (
    CLAIM_TYPES,
    CLAIMABLE_LINES,
    LINES,
    NOTICE_DEADLINE,
    PROPERTY_LINES,
    VEHICLE_LINES,
    lines_for,
    takes_claims,
)
from insurance_rules.documents import InvalidDocumentNumber, cuit_is_valid, parse_document
from insurance_rules.items import InsuredItem, insured_item
from insurance_rules.numbers import compact, digits
from insurance_rules.plates import InvalidPlate, parse_plate, plates_in
from insurance_rules.time import ARGENTINA, covered_on, in_force_on, local_date, may_still_claim

__all__ = [
    "ARGENTINA",
    "CLAIMABLE_LINES",
    "CLAIM_TYPES",
    "InsuredItem",
    "InvalidDocumentNumber",
    "InvalidPlate",
    "LINES",
    "NOTICE_DEADLINE",
    "PROPERTY_LINES",
    "VEHICLE_LINES",
    "compact",
    "covered_on",
    "cuit_is_valid",
    "digits",
    "in_force_on",
    "insured_item",
    "lines_for",
    "local_date",
    "may_still_claim",
    "parse_document",
    "parse_plate",
    "plates_in",
    "takes_claims",
]
