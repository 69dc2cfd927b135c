"""Import an XLSForm instrument and keep index definitions valid."""

from __future__ import annotations

import hashlib

from django.db import transaction

from duluan.apps.audit.services import audit_record
from duluan.stats import IndexDefinition, IndexDefinitionError

from ..models import IndexSpec, Instrument
from ..xlsform import Instrument as ParsedInstrument
from ..xlsform import parse_xlsform

VERSION_CLASH = (
    "Bộ câu hỏi {form_id} phiên bản {version} đã có với nội dung khác; hãy tăng “version” trong trang "
    "“settings”."
)
INDEX_UNKNOWN_ITEM = "Chỉ số “{index}”: mục “{item}” không phải câu hỏi của bộ câu hỏi {form_id}."


@transaction.atomic
def instrument_import(*, content: bytes, actor=None, request=None) -> tuple[Instrument, bool]:
    """Validate an XLSForm and store it; returns ``(instrument, created)``.

    Importing the same file again changes nothing (matched by form_id, version and content hash).

    Raises:
        InstrumentError: the workbook has errors (each names its sheet, row and column).
        ValueError: the same form_id and version already exist with different content.
    """
    parsed = parse_xlsform(content)
    digest = hashlib.sha256(content).hexdigest()
    existing = Instrument.objects.filter(form_id=parsed.form_id, version=parsed.version).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing, False
        raise ValueError(VERSION_CLASH.format(form_id=parsed.form_id, version=parsed.version))
    instrument = Instrument.objects.create(
        form_id=parsed.form_id,
        version=parsed.version,
        title=parsed.title,
        xlsx=content,
        sha256=digest,
        definition=parsed.to_dict(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="surveys.instrument_import",
        actor=actor,
        obj=instrument,
        after={"form_id": parsed.form_id, "version": parsed.version, "questions": len(parsed.questions)},
        request=request,
    )
    return instrument, True


def index_definition_check(definition: dict, instrument: ParsedInstrument | None = None) -> IndexDefinition:
    """Parse an index definition with the engine and check its items exist in the instrument.

    Raises:
        IndexDefinitionError: malformed definition or unknown item.
    """
    engine = IndexDefinition.from_dict(definition)
    if instrument is not None:
        for item in engine.items:
            if not instrument.has(item):
                raise IndexDefinitionError(
                    INDEX_UNKNOWN_ITEM.format(index=engine.name, item=item, form_id=instrument.form_id)
                )
    return engine


@transaction.atomic
def index_spec_upsert(
    *, code: str, name: str, definition: dict, description: str = "", actor=None
) -> IndexSpec:
    """Create or update an index definition (validated by the engine)."""
    index_definition_check(definition)
    spec = IndexSpec.objects.filter(code=code).first()
    if spec is None:
        spec = IndexSpec.objects.create(code=code, name=name, definition=definition, description=description)
        audit_record(action="surveys.index_create", actor=actor, obj=spec, after={"code": code})
        return spec
    if spec.definition == definition and spec.name == name and spec.description == description:
        return spec
    before = {"definition": spec.definition, "name": spec.name}
    spec.definition, spec.name, spec.description = definition, name, description
    spec.save(update_fields=["definition", "name", "description", "updated_at"])
    audit_record(
        action="surveys.index_update",
        actor=actor,
        obj=spec,
        before=before,
        after={"definition": definition, "name": name},
    )
    return spec
