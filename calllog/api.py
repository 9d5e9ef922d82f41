"""PUT /api/v1/accounts/{number}/calls/{external_id} and its /recording (docs/api.md, "Calls")."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Status

from api.accounts import account_or_404, status_of
from api.batch import AccountWrite, register_set_writer
from api.errors import ApiError, bad_request
from api.schemas import AccountNumber, ErrorOut, ExternalId, Written
from calllog.actions import RECORDING_TYPES, attach_recording, write_call, write_calls
from calllog.models import Call
from calllog.schemas import CallIn, RecordingOut
from portal.upsert import Outcome

router = Router(tags=["calls"])
routers = [("", router)]


@router.put("/accounts/{number}/calls/{external_id}", response={200: Written, 201: Written})
def put_call(request: HttpRequest, number: AccountNumber, external_id: ExternalId, payload: CallIn):
    account = account_or_404(number)
    call, outcome = write_call(account, external_id, payload)
    return Status(
        status_of(outcome),
        {
            "external_id": call.external_id,
            "id": call.pk,
            "outcome": outcome.value,
        },
    )


def put_calls(writes: list[AccountWrite]) -> list[tuple[int, dict]]:
    """Many PUTs of a batch at once (api/batch.py): put_call's answers, in order."""
    written = write_calls([(write.found(), write.external_id, write.payload) for write in writes])
    return [
        (
            status_of(outcome),
            {"external_id": call.external_id, "id": call.pk, "outcome": outcome.value},
        )
        for call, outcome in written
    ]


register_set_writer("PUT", "put_call", CallIn, put_calls)


@router.put(
    "/accounts/{number}/calls/{external_id}/recording",
    response={200: RecordingOut, 201: RecordingOut, 415: ErrorOut},
    summary="Upload a call's recording",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The raw audio, not empty.",
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary", "minLength": 1}}
                for media_type in RECORDING_TYPES
            },
        },
    },
)
def put_recording(request: HttpRequest, number: AccountNumber, external_id: ExternalId):
    """The raw audio as the body, with its Content-Type (mpeg, wav, ogg or mp4)."""
    account = account_or_404(number)
    call = Call.objects.for_account(account).filter(external_id=external_id).first()
    if call is None:
        raise Http404(f"No call {external_id} in account {number}.")
    content_type = request.content_type
    if content_type not in RECORDING_TYPES:
        allowed = ", ".join(RECORDING_TYPES)
        raise ApiError(415, f"Content-Type must be one of {allowed}.", field="Content-Type")
    content = request.body  # over API_MAX_BODY_BYTES: RequestDataTooBig, answered 413
    if not content:
        raise bad_request("body", "The recording is empty.")
    with transaction.atomic():
        outcome = attach_recording(call, content, content_type)
    call.refresh_from_db()
    status = 201 if outcome is Outcome.CREATED else 200
    return Status(
        status,
        {
            "external_id": call.external_id,
            "id": call.pk,
            "outcome": outcome.value,
            "content_type": call.recording_content_type,
            "size": call.recording_size,
            "duration_s": call.recording_duration_s,
        },
    )
