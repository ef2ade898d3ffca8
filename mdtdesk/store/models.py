"""The practice store's tables.

Every clinical record carries a UUIDv7 id made where it was made, created/updated
stamps, the node that last wrote it and a tombstone flag; sync builds on these.
Values with a fixed vocabulary are plain strings checked by the services (see
vocab.py), which keeps migrations and a future PostgreSQL hub simple.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mdtdesk.store.ids import new_id
from mdtdesk.store.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class Record(Base):
    """A synced clinical or organisational record (not the audit log or metadata)."""

    __abstract__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    node_id: Mapped[str] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sync bookkeeping, stamped by the write path (see hlc.py and writes.py): per-field
    # clocks, the local change number of the last change, the peer whose file made the
    # row what it is (so it is not sent back), the practice a hub keeps the row for,
    # and who made the newest change.
    clocks: Mapped[str] = mapped_column(Text, default="{}")
    sync_seq: Mapped[int] = mapped_column(Integer, default=0, index=True)
    sync_from: Mapped[str | None] = mapped_column(String(36))
    home: Mapped[str | None] = mapped_column(String(10))
    updated_by: Mapped[str | None] = mapped_column(String(200))


class StoreMeta(Base):
    """Facts about this store: its id, this device's node id, when it was made."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Practice(Record):
    __tablename__ = "practice"

    ods_code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))


class StaffMember(Record):
    __tablename__ = "staff_member"

    name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(100))
    organisation_type: Mapped[str] = mapped_column(String(20), default="health")
    app_role: Mapped[str] = mapped_column(String(20), default="member")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Service(Record):
    """A service people are referred to (falls service, social services, ...); the
    practice keeps the list, so retired services stay named on old referrals."""

    __tablename__ = "service"

    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Patient(Record):
    __tablename__ = "patient"
    __table_args__ = (Index("ix_patient_family_given", "family_name", "given_name"),)

    nhs_number: Mapped[str] = mapped_column(String(10), index=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(30))
    caseload_status: Mapped[str] = mapped_column(String(20), default="referred")
    referral_date: Mapped[date | None] = mapped_column(Date)
    referral_source: Mapped[str | None] = mapped_column(String(100))
    referral_reason: Mapped[str | None] = mapped_column(Text)
    named_coordinator_id: Mapped[str | None] = mapped_column(
        ForeignKey("staff_member.id"), index=True
    )
    consent_status: Mapped[str] = mapped_column(String(20), default="not_asked")
    consent_recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    efi_score: Mapped[float | None] = mapped_column(Float)
    lives_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    has_respect_form: Mapped[bool] = mapped_column(Boolean, default=False)
    is_a_carer: Mapped[bool] = mapped_column(Boolean, default=False)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    # A date of death implies the status "died" (caseload import and the record).
    date_of_death: Mapped[date | None] = mapped_column(Date)


class Condition(Record):
    __tablename__ = "condition"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    since: Mapped[date | None] = mapped_column(Date)


class RiskScore(Record):
    __tablename__ = "risk_score"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(100))
    recorded_on: Mapped[date] = mapped_column(Date)


class KeyContact(Record):
    __tablename__ = "key_contact"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_carer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_next_of_kin: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class CarePlan(Record):
    __tablename__ = "care_plan"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    content: Mapped[str] = mapped_column(Text, default="{}")
    agreed_on: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)


class Meeting(Record):
    __tablename__ = "meeting"

    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    length_minutes: Mapped[int] = mapped_column(Integer, default=60)
    place: Mapped[str | None] = mapped_column(String(200))
    chair_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    state: Mapped[str] = mapped_column(String(20), default="planned")
    # Meetings of one weekly series share this id (the first meeting's id).
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)


class MeetingAttendee(Record):
    """A person invited to a meeting, and whether they came; visitors have no staff id."""

    __tablename__ = "meeting_attendee"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str] = mapped_column(String(40))
    present: Mapped[bool] = mapped_column(Boolean, default=False)


class AgendaItem(Record):
    __tablename__ = "agenda_item"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    minutes_planned: Mapped[int] = mapped_column(Integer, default=10)
    presenter_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    late_addition: Mapped[bool] = mapped_column(Boolean, default=False)
    # The GP whose time slot this case falls in (a GP may attend only their slot).
    gp_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)


class Outcome(Record):
    __tablename__ = "outcome"

    agenda_item_id: Mapped[str] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))


class ContactLogEntry(Record):
    """A contact with or about a person: a visit, a call, a talk with their carer."""

    __tablename__ = "contact_log_entry"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # The carer or professional the contact was with, when it was not the person.
    with_whom: Mapped[str | None] = mapped_column(String(200))


class Action(Record):
    """Something someone is to do for a person. It came from a meeting (meeting_id and
    agenda_item_id), from a contact (contact_id) or was set ad hoc. With a service it is
    a referral, tracked through sent, accepted or declined, and seen."""

    __tablename__ = "action"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"), index=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"))
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_item.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(10), default="routine")
    status: Mapped[str] = mapped_column(String(20), default="open")
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact_log_entry.id"))
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"))
    referral_status: Mapped[str | None] = mapped_column(String(20))
    referral_sent_on: Mapped[date | None] = mapped_column(Date)
    referral_replied_on: Mapped[date | None] = mapped_column(Date)
    referral_seen_on: Mapped[date | None] = mapped_column(Date)


class ActionEvent(Record):
    """One change to an action (who, when, what it was, what it became, why).
    Written once and never changed, so the history syncs without conflicts."""

    __tablename__ = "action_event"

    action_id: Mapped[str] = mapped_column(ForeignKey("action.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    field: Mapped[str] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class DiscussionRequest(Record):
    """Someone (usually the named coordinator) asked the MDT to discuss a person."""

    __tablename__ = "discussion_request"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    requested_by_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)


class HospitalEvent(Record):
    """An admission or an A&E attendance."""

    __tablename__ = "hospital_event"
    # Covers what the impact report reads of each person's events, so it reads
    # them in order from the index alone (bench/bench_impact.py).
    __table_args__ = (
        Index("ix_hospital_event_counts", "patient_id", "kind", "planned", "deleted",
              "started_on", "ended_on"),
    )  # fmt: skip

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    hospital: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)


class QuestionnaireResponse(Record):
    """A person's answers to the experience questionnaire at one time point (joining,
    six months), with each scale's score as worked out when they were given, so the
    figures stand even where another practice loaded another item set."""

    __tablename__ = "questionnaire_response"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    timepoint: Mapped[str] = mapped_column(String(12))
    answered_on: Mapped[date] = mapped_column(Date)
    questionnaire: Mapped[str] = mapped_column(String(40))
    answers: Mapped[str] = mapped_column(Text)  # JSON: item id -> 0..3, or null (no answer)
    person_centred: Mapped[float | None] = mapped_column(Float)
    coordinated: Mapped[float | None] = mapped_column(Float)


class PatientRedirect(Record):
    """A patient id merged into another at the hub: references to it resolve onwards."""

    __tablename__ = "patient_redirect"

    from_patient_id: Mapped[str] = mapped_column(String(36), index=True)
    to_patient_id: Mapped[str] = mapped_column(String(36))


class AuditEvent(Base):
    """One row of the append-only, hash-chained audit log (see audit.py)."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    # Set (not stored) on rows the audit module chained, so the write path can tell them
    # from rows someone tried to add by hand.
    chained = False


class RegisterPerson(Base):
    """Someone on the practice's risk register (the GP system's search of eligible
    people) who is not on the caseload: the pool the impact report compares with.

    Local to this store: never synced, never listed, never on an agenda."""

    __tablename__ = "register_person"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    family_name: Mapped[str | None] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    efi_score: Mapped[float | None] = mapped_column(Float)
    date_of_death: Mapped[date | None] = mapped_column(Date)
    postcode: Mapped[str | None] = mapped_column(String(8))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RegisterEvent(Base):
    """A hospital event of a register person (from a hospital activity import)."""

    __tablename__ = "register_event"
    # As hospital_event's: the impact report reads each person's events from it.
    __table_args__ = (
        Index("ix_register_event_counts", "register_id", "event", "started_on", "ended_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    register_id: Mapped[str] = mapped_column(ForeignKey("register_person.id"))
    event: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    provider: Mapped[str | None] = mapped_column(String(10))
    diagnosis: Mapped[str | None] = mapped_column(String(10))


class Draft(Base):
    """Unsaved form edits kept when the app locks, for the same user only.

    Local to this store: never synced, never audited (saving the form is).
    """

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_owner", "staff_id", "patient_id", "form", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    staff_id: Mapped[str] = mapped_column(String(36))
    patient_id: Mapped[str] = mapped_column(String(36))
    form: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


RECORD_MODELS: tuple[type[Record], ...] = (
    Practice,
    StaffMember,
    Service,
    Patient,
    Condition,
    RiskScore,
    KeyContact,
    CarePlan,
    Meeting,
    MeetingAttendee,
    AgendaItem,
    Outcome,
    ContactLogEntry,
    Action,
    ActionEvent,
    HospitalEvent,
    DiscussionRequest,
    QuestionnaireResponse,
    PatientRedirect,
)

# Fields that are never exchanged or merged as values: sync bookkeeping and stamps.
SYNC_META = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "node_id",
        "clocks",
        "sync_seq",
        "sync_from",
        "home",
        "updated_by",
    }
)
