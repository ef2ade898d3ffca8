"""The person's voice (issue 18): a practice's questionnaire (its own item set loaded
with `mdtdesk questionnaire load`, else mdtdesk's, see impact/questionnaire.py), and
people's answers at joining and at six months. Scores are kept with the answers, so
they stand wherever the record goes, whatever item set the receiver holds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.clock import today
from mdtdesk.errors import Refusal
from mdtdesk.impact.questionnaire import Questionnaire, QuestionnaireInvalid, bundled, parse, scores
from mdtdesk.patients.record import PatientGone
from mdtdesk.store import audit
from mdtdesk.store.models import Patient, QuestionnaireResponse, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import TIMEPOINT

_META = "questionnaire"


class AnswersInvalid(Refusal, ValueError):
    pass


def current(session: Session) -> Questionnaire:
    """The practice's loaded questionnaire, else mdtdesk's own."""
    held = session.get(StoreMeta, _META)
    return bundled() if held is None else parse(json.loads(held.value))


def load(store: OpenStore, path: Path) -> Questionnaire:
    """Check a questionnaire file whole, then make it the practice's."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireInvalid(f"{path} cannot be read: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise QuestionnaireInvalid(f"{path.name}: byte {exc.start} is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise QuestionnaireInvalid(
            f"{path.name}: line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg})"
        ) from None
    made = parse(data, path.name)
    with store.session() as s, s.begin():
        held = s.get(StoreMeta, _META)
        text = json.dumps(made.as_json(), sort_keys=True)
        if held is None:
            s.add(StoreMeta(key=_META, value=text))
        else:
            held.value = text
        audit.log(s, "import", entity="questionnaire", file=path.name, id=made.id,
                  items=len(made.items))  # fmt: skip
    return made


# -- answers -------------------------------------------------------------------------
def check_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, int | None]:
    known = {i.id for i in questionnaire.items}
    for key in answers:
        if key not in known:
            raise AnswersInvalid(f"{key[:40]!r} is not an item of {questionnaire.title!r}")
    out: dict[str, int | None] = {}
    for item in questionnaire.items:
        value = answers.get(item.id)
        if value is not None and (isinstance(value, bool) or value not in (0, 1, 2, 3)):
            raise AnswersInvalid(f"{item.text!r}: {str(value)[:10]!r} is not a score from 0 to 3")
        out[item.id] = value
    if all(v is None for v in out.values()):
        raise AnswersInvalid("No item has an answer: record at least one.")
    return out


def record_answers(
    store: OpenStore, patient_id: str, timepoint: str, answered_on: date, answers: dict[str, Any]
) -> QuestionnaireResponse:
    """Keep a person's answers at a time point; answering again replaces them."""
    if timepoint not in TIMEPOINT:
        raise AnswersInvalid(f"{timepoint[:20]!r} is not a time point: give "
                             f"{' or '.join(TIMEPOINT)}")  # fmt: skip
    if answered_on > today(store.clock):
        raise AnswersInvalid(f"{answered_on:%d/%m/%Y} is in the future")
    with store.session() as s, s.begin():
        patient = s.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise PatientGone("This patient is no longer in the caseload.")
        questionnaire = current(s)
        given = check_answers(questionnaire, answers)
        response = (
            s.execute(
                select(QuestionnaireResponse).where(
                    QuestionnaireResponse.patient_id == patient_id,
                    QuestionnaireResponse.timepoint == timepoint,
                    QuestionnaireResponse.deleted.is_(False),
                )
            )
            .scalars()
            .first()
        )
        if response is None:
            response = QuestionnaireResponse(patient_id=patient_id, timepoint=timepoint)
            s.add(response)
        made = scores(questionnaire, given)
        response.answered_on = answered_on
        response.questionnaire = questionnaire.id
        response.answers = json.dumps(given, sort_keys=True)
        response.person_centred = made["person_centred"]
        response.coordinated = made["coordinated"]
        s.flush()
        s.expunge(response)
    return response


def responses_of(session: Session, patient_id: str) -> list[QuestionnaireResponse]:
    return list(
        session.execute(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient_id,
                   QuestionnaireResponse.deleted.is_(False))
            .order_by(QuestionnaireResponse.answered_on)
        ).scalars()
    )  # fmt: skip
