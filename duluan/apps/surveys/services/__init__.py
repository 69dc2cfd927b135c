"""Writes of the surveys app, one module per topic; import them from here."""

from .frames import FrameImportError, frame_import
from .instruments import index_definition_check, index_spec_upsert, instrument_import
from .responses import (
    ImportReport,
    ResponseImportError,
    ResponseInvalid,
    response_draft_save,
    response_submit,
    responses_import_csv,
)
from .rounds import round_close, round_create
from .sampling import sample_draw

__all__ = [
    "FrameImportError",
    "ImportReport",
    "ResponseImportError",
    "ResponseInvalid",
    "frame_import",
    "index_definition_check",
    "index_spec_upsert",
    "instrument_import",
    "response_draft_save",
    "response_submit",
    "responses_import_csv",
    "round_close",
    "round_create",
    "sample_draw",
]
