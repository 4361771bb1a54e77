"""The scenario: facts about the processor, the planned transfer and earlier transfers.

Field names are a contract (design.md): other tools write scenarios with them. `None` always
means "unknown" — the engine asks about it when the answer could change the route, and never
fills in a default.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DataKind(StrEnum):
    personal_information = "personal_information"
    sensitive_personal_information = "sensitive_personal_information"
    important_data = "important_data"
    genetic = "genetic"
    general = "general"


PI_KINDS = frozenset(
    {DataKind.personal_information, DataKind.sensitive_personal_information, DataKind.genetic}
)


class Modality(StrEnum):
    structured = "structured"
    text = "text"
    image = "image"
    audio = "audio"
    video = "video"


class Ground(StrEnum):
    contract = "contract"
    hr = "hr"
    emergency = "emergency"
    statutory_duty = "statutory_duty"
    transit = "transit"
    trade_no_pi = "trade_no_pi"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)


class Processor(_Model):
    name: str | None = None
    ciio: bool | None = None
    pi_subjects_processed: int | None = Field(default=None, ge=0)
    ftz: str | None = None
    # City (or province) of registration, for city-wide lists (Beijing 2025, Shanghai 2025); when
    # absent it is read from `ftz` (the zone's word starts with its city: shanghai_lingang → shanghai).
    registered_city: str | None = None
    # A list of another zone this handler applies by reference (参照执行, Shanghai and Zhejiang):
    # the list's instrument id, e.g. ftz/beijing-2024.
    adopted_list: str | None = None
    independent_legal_person: bool | None = None
    data_stored_in_ftz: bool | None = None
    sector: str | None = None
    # Around the transfer (reviews, audits, penalties).
    state_organ: bool | None = None
    network_platform_users: int | None = Field(default=None, ge=0)
    foreign_listing_planned: bool | None = None
    last_audit_date: dt.date | None = None
    turnover_cny: float | None = Field(default=None, ge=0)
    procurement_affects_national_security: bool | None = None
    processing_affects_national_security: bool | None = None
    autonomous_driving: bool | None = None


class Recipient(_Model):
    name: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. US")
    foreign_judicial_or_law_enforcement: bool | None = None
    on_restricted_list: bool | None = None


class ImportantDataFacts(_Model):
    notified: bool | None = None
    notified_date: dt.date | None = None
    list_item: str | None = None


class DataItem(_Model):
    name: str | None = None
    kind: DataKind
    subjects: int | None = Field(default=None, ge=0)
    modality: Modality | None = None
    categories: list[str] = Field(default_factory=list)
    population: str | None = None
    fields: list[str] = Field(default_factory=list)
    grounds: list[Ground] | None = None
    important_data: ImportantDataFacts | None = None
    export_controlled: bool | None = None
    hgr_approved: bool | None = None
    # 2026 auto guideline: exported to fix vulnerabilities / handle incidents / remedy defects, and
    # reported or filed with MIIT or SAMR beforehand.
    auto_remedy_filed: bool | None = None
    # FTZ lists: an OTA package filed with MIIT and tamper-protected (Beijing auto item 6 exception);
    # the route the published list gives this data, for lists whose items the rulebook lacks.
    ota_filed_miit: bool | None = None
    list_route: Literal["exempt", "standard_contract_or_certification", "security_assessment"] | None = None


class Transfer(_Model):
    date: dt.date | None = None
    recipient: Recipient = Field(default_factory=Recipient)
    scenario: str | None = None
    grounds: list[Ground] = Field(default_factory=list)
    domestic_data_added: bool | None = None
    data: list[DataItem] = Field(default_factory=list)
    # Distinct persons across all items of this transfer, when known (a scan gives it).
    subjects_total: int | None = Field(default=None, ge=0)
    sensitive_subjects_total: int | None = Field(default=None, ge=0)
    ongoing: bool | None = None
    # Existing approvals, for deadlines.
    contract_effective_date: dt.date | None = None
    security_assessment_approved: dt.date | None = None
    certification_date: dt.date | None = None
    pipia_date: dt.date | None = None
    # Around the transfer.
    export_controlled: bool | None = None
    foreign_authority_request: bool | None = None
    core_data: bool | None = None


class HistoryEntry(_Model):
    date: dt.date
    kind: DataKind
    subjects: int = Field(ge=0)
    grounds: list[Ground] = Field(default_factory=list)
    population: str | None = None
    modality: Modality | None = None
    list_item: str | None = None
    exempt: bool | None = None
    id: str | None = None


class Scenario(_Model):
    as_of: dt.date | None = None
    processor: Processor = Field(default_factory=Processor)
    transfer: Transfer = Field(default_factory=Transfer)
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _history_not_after_as_of(self) -> Scenario:
        when = self.as_of
        if when is not None:
            for i, h in enumerate(self.history):
                if h.date > when:
                    raise ValueError(
                        f"history[{i}].date {h.date} is after as_of {when}: "
                        "a transfer cannot have happened in the future"
                    )
        return self

    def effective_as_of(self) -> dt.date | None:
        return self.as_of or self.transfer.date
