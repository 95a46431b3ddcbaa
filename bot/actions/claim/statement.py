"""What a message tells about a crash, beyond its kind, place and date: the facts the claim form needs.

"ayer a las 19 me chocó de atrás un corolla blanco patente AB123CD en av
rivadavia 5000, manejaba yo, nadie lastimado, el auto anda" says: someone else
was involved (a white Corolla, plate AB123CD), nobody was hurt, the car can be
driven and the customer was driving. ``read_statement`` returns those facts as
claim slots; ``validate_claim_form`` fills with them every slot still empty, on
every message, so only the rest is asked.

The NLU's entities with the role ``third_party`` (``license_plate``,
``document_number``, ``policy_number``: bot/data/nlu/inform.yml) are one
source; patterns over the text the other, for what the NLU misses. The shared
rules (``insurance_rules``: plates, documents) and ``bot.actions.phones`` do the
checking: nothing is kept that is not what it says it is. The customer's own
plates and policy numbers are never taken for the other party's. No Rasa here:
plain functions over text, tested without a server.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.actions.claim.dates import normalise
from bot.actions.phones import phones_in
from insurance_rules import InvalidDocumentNumber, InvalidPlate, compact, parse_document, parse_plate, plates_in

LOOKUPS = Path(__file__).resolve().parents[2] / "data" / "nlu" / "lookups.yml"

# -- injured people ------------------------------------------------------------------------------
_INJURED = re.compile(r"lastim|herid|lesion|hospital|ambulancia|sangr|fractur|se golpe|me golpe|nos golpe|golpead")
_NOT_INJURED = re.compile(
    r"\bnadie (salio |resulto |quedo |se )?(lastim|herid|golpe)|\bningun (herido|lastimado)"
    r"|\bno (hubo|hay|tuvimos|tuve) (heridos|lastimados|lesionados)"
    r"|\bno (me |nos |se )?(lastim|golpe)|\bsin (herid|lastim|lesion)"
)
_ALL_WELL = re.compile(r"\b(estamos|estoy|estan|quedamos|todos|toda la gente|la gente esta) (todos )?bien\b")

# -- can the vehicle be driven -----------------------------------------------------------------------
_NOT_DRIVABLE = re.compile(
    r"\bno (me |le |nos )?(anda|arranca|funciona|camina|enciende|prende|se mueve|puede (andar|circular|moverse|seguir)"
    r"|se puede (mover|manejar|usar))\b|\bgrua\b|\bremolque|\bdestruid|\binservible|hecho (pelota|bolsa|mierda)"
)
_DRIVABLE = re.compile(
    r"\b(anda|funciona|arranca|camina|puede (andar|circular|seguir)|se puede (mover|manejar|usar)|sigue andando"
    r"|pude seguir|segui (andando|manejando)|volvi manejando|vine manejando|lo pude manejar|se maneja)\b"
)

# -- another party -------------------------------------------------------------------------------------
_THIRD_PARTY = re.compile(
    r"\bme (choc|pego|pegaron|dio|dieron|embisti|encerr|toc|rozo|rozaron|cruz|atropell)|\bchocaron\b"
    r"|\bchoque con (un|una|el|la|otro|otra)\b|\bel otro\b|\bla otra\b|\botro (auto|vehiculo|conductor|coche)"
    r"|\btercero|\batropelle|\bcontra (un|una|otro|otra) (auto|camioneta|taxi|colectivo|camion|moto|remis|coche)"
)
_NO_THIRD_PARTY = re.compile(
    r"\bno (hubo|habia|hay) (otro|otros|otra|terceros|nadie mas)|\bsin terceros|\bnadie mas\b|\bsolo yo\b"
    r"|\bchoque solo\b|\bme fui (solo )?contra\b|\bvolque|\bvolco\b|\bperdi el control"
    r"|\b(contra|choque con|le di a|le pegue a) (un|una|el|la) (poste|arbol|columna|pared|muro|cordon|guardarrail"
    r"|baranda|porton|cantero|tacho|contenedor|semaforo|reja|portón)"
)

# -- the other vehicle: "un corolla blanco", "una camioneta gris", "otro auto" ---------------------------------
_KINDS = (
    "auto", "autito", "coche", "camioneta", "chata", "taxi", "remis", "colectivo", "cole", "bondi", "camion",
    "camioncito", "moto", "utilitario", "furgon", "trafic", "uber", "cabify", "bici", "bicicleta", "micro",
)
_MODELS = (
    "corolla", "etios", "yaris", "hilux", "sw4", "gol", "trend", "voyage", "suran", "fox", "polo", "vento", "virtus",
    "amarok", "up", "saveiro", "nivus", "taos", "fiesta", "focus", "ka", "ranger", "ecosport", "territory",
    "cronos", "palio", "siena", "uno", "argo", "mobi", "toro", "strada", "fiorino", "pulse", "clio", "sandero",
    "logan", "kwid", "duster", "kangoo", "stepway", "captur", "oroch", "alaskan", "208", "2008", "308", "3008",
    "partner", "c3", "c4", "berlingo", "onix", "prisma", "cruze", "tracker", "spin", "s10", "corsa", "agile",
    "classic", "civic", "city", "fit", "hr-v", "hrv", "cr-v", "march", "versa", "sentra", "kicks", "frontier",
    "renegade", "compass", "hb20", "tucson", "creta", "sprinter", "vito", "master", "ducato", "tiggo",
)
_MAKES = (
    "toyota", "volkswagen", "vw", "ford", "fiat", "renault", "peugeot", "citroen", "chevrolet", "chevy", "honda",
    "nissan", "jeep", "hyundai", "kia", "mercedes", "bmw", "audi", "chery", "ram", "suzuki", "mitsubishi",
)
_COLOURS = (
    "blanco", "blanca", "negro", "negra", "gris", "rojo", "roja", "azul", "plateado", "plateada", "plata", "verde",
    "bordo", "celeste", "amarillo", "amarilla", "dorado", "dorada", "beige", "marron", "naranja", "violeta",
)


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_VEHICLE = re.compile(
    rf"\b(?:un|una|otro|otra|el otro|la otra|con un|con una)\s+"
    rf"(?P<vehicle>(?:(?:{_alternatives(_MAKES)})\s+)?(?:{_alternatives(_MODELS + _KINDS)})"
    rf"(?:\s+(?:{_alternatives(_MODELS)}))?(?:\s+(?:{_alternatives(_COLOURS)}))?)\b"
)

# -- who was driving -----------------------------------------------------------------------------------
_DRIVER_SELF = re.compile(
    r"\b(manejaba|conducia|iba manejando|estaba manejando|iba al volante|estaba al volante) yo\b"
    r"|\byo (manejaba|conducia|iba manejando|estaba manejando)\b|^(si,? )?(yo|yo mismo|yo misma|era yo|fui yo)[.!]?$"
)
_DRIVER_OTHER = re.compile(
    r"\b(?:manejaba|conducia|iba manejando|estaba manejando)\s+(?P<driver>(?:mi|mis|el|la)\s+[a-zñ]+(?:\s+[a-zñ]+)?"
    r"|[a-zñ]+(?:\s+[a-zñ]+)?)"
)
_DRIVER_ANSWER = re.compile(r"^(?:si,?\s+)?(?:manejaba\s+|lo manejaba\s+|iba\s+)?(?P<driver>(?:mi|mis)\s+[a-zñ]+"
                            r"(?:\s+[a-zñ]+){0,2}|[a-zñ]+(?:\s+[a-zñ]+){0,2})[.!]?$")

# -- the other party's data ------------------------------------------------------------------------------
_NAME = re.compile(
    r"(?:se llama|su nombre es|el nombre es|nombre:?|llamad[oa]|conductor:|conductora:|el (?:senor|sr\.?)"
    r"|la (?:senora|sra\.?))\s+(?P<name>[a-zñ]+(?:\s+[a-zñ]+){0,3})"
)
_DOCUMENT = re.compile(
    r"\b(?:dni|d\.n\.i\.?|documento|doc|cuit|cuil)\s*(?:n(?:ro|umero|°|º)?\.?\s*)?(?:es\s+)?[:#]?\s*"
    r"(?P<document>\d[\d.\-\s]{5,13}\d)"
)
_POLICY = re.compile(
    r"\b(?:poliza|pol\.?)\s*(?:n(?:ro|umero|°|º)?\.?\s*)?(?:es\s+|:\s*)?(?:la\s+|el\s+)?"
    r"(?P<policy>[a-z]{0,4}[\s\-]?\d[\d\-\s./]{2,15}\d)"
)
_OTHERS_POLICY = re.compile(r"\b(su|del otro|de la otra|del tercero|de el|de ella|la del otro) poliza|poliza del otro")
# "no tengo (más) datos", "solo la patente": nothing more about the other party (read when it was asked for).
_NO_MORE = re.compile(
    r"\bno (tengo|se|tenemos|anote|pude anotar|consegui|me (dio|dieron|paso|quiso dar))\b"
    r"|\bsolo (tengo |se |anote )?(la patente|el nombre|el telefono|eso)\b|\bnada (mas|de nada)\b"
    r"|\beso es todo\b|\bes todo\b|\bni idea\b|\bninguno\b|^nada$|^no$"
)
# "se dio a la fuga": there is nothing more to ask about the other party, whenever it is said.
_FLED = re.compile(r"\bse (fue|fueron|escapo|escaparon|dio a la fuga|dieron a la fuga|rajo|rajaron|pianto)\b")

# -- witnesses ----------------------------------------------------------------------------------------------
_NO_WITNESSES = re.compile(r"\b(no (hubo|habia|hay|tengo) testigos?|sin testigos?|ningun testigo)\b")
_WITNESSES = re.compile(r"\btestigos?\b[:,]?\s*(?:fue\s+|es\s+|era\s+)?(?P<who>.{3,})", re.IGNORECASE)

_STOP_WORDS = {
    "dni", "documento", "doc", "tel", "telefono", "cel", "celular", "patente", "seguro", "poliza", "de", "del",
    "con", "y", "que", "en", "es", "su", "asegurado", "asegurada", "aseguradora", "numero", "nro", "no",
    "manejaba", "tiene", "cuit", "cuil", "auto", "pero", "porque", "cuando", "nadie", "el auto", "anda", "ni",
    "todo", "toda", "muy", "paso", "fue", "era", "estaba", "tengo", "yo", "nada", "sus", "datos", "otro", "otra",
    "rapido", "bien", "mal", "como", "donde", "sabe", "se", "lo", "le", "me", "te", "ya", "si", "sé", "hay",
}


@lru_cache(maxsize=1)
def known_insurers() -> tuple[str, ...]:
    """Insurers' names as customers write them (the ``insurer`` lookup of the NLU data), longest first."""
    data = yaml.safe_load(LOOKUPS.read_text(encoding="utf-8"))
    for item in data.get("nlu", []):
        if item.get("lookup") == "insurer":
            names = [line.strip()[2:].strip() for line in item["examples"].splitlines() if line.strip()]
            return tuple(sorted({normalise(name) for name in names}, key=len, reverse=True))
    return ()


@dataclass(frozen=True)
class Statement:
    """The facts one message states; None for what it does not say."""

    injured: Optional[bool] = None
    drivable: Optional[bool] = None
    third_party: Optional[bool] = None
    driver: Optional[str] = None
    witnesses: Optional[str] = None
    # The other party's data, by the claim slot that keeps it.
    third_party_data: dict[str, str] = field(default_factory=dict)
    # "no tengo más datos", "solo la patente": the other party's block is done.
    no_more_data: bool = False

    def slots(self) -> dict[str, Any]:
        """The claim slots this message fills."""
        values: dict[str, Any] = {
            "claim_injured": self.injured,
            "claim_vehicle_drivable": self.drivable,
            "claim_third_party": self.third_party,
            "claim_driver": self.driver,
            "claim_witnesses": self.witnesses,
            **self.third_party_data,
        }
        return {slot: value for slot, value in values.items() if value is not None}


def _words(text: str) -> str:
    """Words cut at the first word that starts another piece of data ("juan perez dni…" -> "juan perez")."""
    kept = []
    for word in text.split():
        if word in _STOP_WORDS:
            break
        kept.append(word)
    return " ".join(kept)


def _title(text: str) -> str:
    return " ".join(word.capitalize() for word in text.split())


def as_written(text: str, fragment: str) -> str:
    """The words of ``text`` that ``fragment`` (found in its normalised form) came from, accents and case kept."""
    words = text.split()
    plain = [normalise(word).strip(",.;:!?") for word in words]
    wanted = fragment.split()
    for start in range(len(plain) - len(wanted) + 1):
        if plain[start:start + len(wanted)] == wanted:
            return " ".join(word.strip(",.;:!?") for word in words[start:start + len(wanted)])
    return fragment


def person(text: str, fragment: str) -> str:
    """A person's name as written, capitalised when typed all in lower case ("juan pérez" -> "Juan Pérez")."""
    written = as_written(text, fragment)
    return _title(written) if written == written.lower() else written


def injuries_in(clean: str) -> Optional[bool]:
    """True when someone was hurt, False when nobody was, None when the message does not say."""
    if _INJURED.search(clean):
        return not _NOT_INJURED.search(clean)
    if _ALL_WELL.search(clean):
        return False
    return None


def drivable_in(clean: str) -> Optional[bool]:
    if _NOT_DRIVABLE.search(clean):
        return False
    if _DRIVABLE.search(clean):
        return True
    return None


def driver_in(clean: str, answering: bool = False) -> Optional[str]:
    """Who was driving: "yo" for the customer, else the words they used ("mi hijo martin")."""
    if _DRIVER_SELF.search(clean):
        return "yo"
    match = _DRIVER_OTHER.search(clean)
    if match:
        driver = _words(match.group("driver"))
        return driver or None
    if answering:
        match = _DRIVER_ANSWER.match(clean)
        if match and not _words(match.group("driver")).startswith(("no", "nadie")):
            return _words(match.group("driver")) or None
    return None


def vehicle_in(clean: str) -> Optional[str]:
    """The other vehicle as the customer named it ("un corolla blanco" -> "Corolla blanco")."""
    match = _VEHICLE.search(clean)
    if not match:
        return None
    words = match.group("vehicle").split()
    shown = [word.upper() if word in ("vw", "sw4", "s10", "hrv", "hr-v", "cr-v", "hb20") else
             word.capitalize() if word in _MODELS or word in _MAKES else word for word in words]
    return " ".join(shown)


# Said of an insurer: "asegurado en", "tiene seguro con", "de La Segunda", "es Sancor".
_INSURER_CUE = r"(?:segur\w*|asegurad\w*|compania|cia\.?|tiene|de|con|en|es|y)\s+(?:la\s+|el\s+)?"


def insurer_in(clean: str, about_the_other: bool = False) -> Optional[str]:
    """The other party's insurer, named after a word that says so (or anywhere, when it was just asked for)."""
    for name in known_insurers():
        cue = "" if about_the_other else _INSURER_CUE
        if re.search(rf"{cue}\b{re.escape(name)}\b", clean):
            return _title(name)
    return None


def third_party_data(text: str, own_references: set[str], about_the_other: bool) -> dict[str, str]:
    """The other party's data a message gives, by slot. Without ``about_the_other`` (the block was not asked),
    a policy number counts only when the message says it is the other's ("su póliza"), a bare number is not a
    DNI and a name needs "se llama"; the customer's own plates and policy numbers never count."""
    clean = normalise(text)
    data: dict[str, str] = {}
    plates = [plate for plate in plates_in(clean) if plate not in own_references]
    if plates:
        data["claim_third_party_plate"] = plates[0]
    vehicle = vehicle_in(clean)
    if vehicle:
        data["claim_third_party_vehicle"] = vehicle
    insurer = insurer_in(clean, about_the_other)
    if insurer:
        data["claim_third_party_insurer"] = insurer
    match = _DOCUMENT.search(clean)
    if match:
        with suppress(InvalidDocumentNumber):
            data["claim_third_party_document"] = parse_document(match.group("document"))[1]
    elif about_the_other:
        for number in re.findall(r"(?<![\w.\-])\d{1,2}\.?\d{3}\.?\d{3}(?![\w.\-])", clean):
            data["claim_third_party_document"] = parse_document(number)[1]
            break
    phones = phones_in(clean)
    if phones:
        data["claim_third_party_phone"] = phones[0]
    match = _POLICY.search(clean)
    if match and (about_the_other or _OTHERS_POLICY.search(clean)):
        number = match.group("policy").strip()
        if compact(number) not in own_references:
            data["claim_third_party_policy"] = number.upper()
    match = _NAME.search(clean)
    if match and _words(match.group("name")):
        data["claim_third_party_name"] = person(text, _words(match.group("name")))
    elif about_the_other:
        rest = clean
        for value in data.values():
            rest = rest.replace(normalise(value), " ")
        rest = re.sub(r"[\d+().\-/:]+", " ", rest)
        # "Juan Pérez, DNI …": a piece of the message that is only a name and surname.
        pieces = [piece for piece in re.split(r"[,;\n]|\s+y\s+", rest) if piece.strip()]
        names = [bare_name(piece) for piece in pieces]
        name = next((name for name in names if name), None)
        # Written in lower case, a name counts when it comes with other data or is the whole message.
        capitalised = name and as_written(text, name)[:1].isupper()
        if name and (capitalised or data or len(pieces) == 1) and not _NO_MORE.search(clean):
            data["claim_third_party_name"] = person(text, name)
    return data


def bare_name(clean: str) -> Optional[str]:
    """Text that is only a person's name and surname ("juan perez"), in its normalised form."""
    words = [word for word in re.split(r"[\s,;]+", clean) if word]
    if 2 <= len(words) <= 4 and all(re.fullmatch(r"[a-zñ]+", word) and word not in _STOP_WORDS for word in words):
        return " ".join(words)
    return None


# The NLU's entities with the role ``third_party``, and the slot each fills once checked.
_NLU_ENTITIES = {
    "license_plate": ("claim_third_party_plate", parse_plate, InvalidPlate),
    "document_number": ("claim_third_party_document", lambda value: parse_document(value)[1], InvalidDocumentNumber),
    "policy_number": ("claim_third_party_policy", str.upper, ValueError),
}


def _from_nlu(entities: dict[str, str], own: set[str]) -> dict[str, str]:
    """The other party's data the NLU found (entities with the role ``third_party``), checked like the rest."""
    data = {}
    for name, value in entities.items():
        if name not in _NLU_ENTITIES or compact(value) in own:
            continue
        slot, parse, invalid = _NLU_ENTITIES[name]
        with suppress(invalid):
            data[slot] = parse(value.strip())
    return data


def read_statement(
    text: str,
    own_references: Iterable[str] = (),
    about_the_other: bool = False,
    answering_driver: bool = False,
    nlu_third_party: Optional[dict[str, str]] = None,
) -> Statement:
    """The facts of one message. ``own_references``: the customer's plates and policy numbers (never the other's);
    ``about_the_other``: the other party's data was just asked for; ``answering_driver``: who drove was asked;
    ``nlu_third_party``: the NLU's entities with the role ``third_party`` (entity -> value)."""
    clean = normalise(text)
    own = {compact(reference) for reference in own_references if reference}
    witness_said = _WITNESSES.search(text)
    # A witness's phone is not the other party's: their data is read before "testigos".
    data = third_party_data(text[: witness_said.start()] if witness_said else text, own, about_the_other)
    data = {**_from_nlu(nlu_third_party or {}, own), **data}
    third_party: Optional[bool] = None
    if _NO_THIRD_PARTY.search(clean):
        third_party = False
    elif data or _THIRD_PARTY.search(clean) or _FLED.search(clean):
        third_party = True
    witnesses: Optional[str] = None
    if _NO_WITNESSES.search(clean):
        witnesses = "no"
    else:
        if witness_said:
            witnesses = witness_said.group("who").strip(" .")
    driver = driver_in(clean, answering=answering_driver)
    return Statement(
        injured=injuries_in(clean),
        drivable=drivable_in(clean),
        third_party=third_party,
        driver=as_written(text, driver) if driver and driver != "yo" else driver,
        witnesses=witnesses,
        third_party_data=data,
        no_more_data=bool(_FLED.search(clean) or (about_the_other and _NO_MORE.search(clean))),
    )
