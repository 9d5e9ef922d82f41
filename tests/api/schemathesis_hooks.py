"""schemathesis hooks for tests/api/test_schemathesis.py (loaded with SCHEMATHESIS_HOOKS):
a recording's body is raw audio bytes, sent as they are."""

import schemathesis

# The types calllog.actions.RECORDING_TYPES accepts (Django is not set up in this process).
AUDIO_TYPES = ("audio/mpeg", "audio/wav", "audio/ogg", "audio/mp4")


@schemathesis.serializer(*AUDIO_TYPES)
def raw_audio(ctx, value):
    return value if isinstance(value, bytes) else str(value).encode()


@schemathesis.hook
def filter_body(ctx, body):
    # The document says a recording is not empty (minLength 1), which schemathesis does not
    # apply to a binary body.
    return bool(body) or not ctx.operation.path.endswith("/recording")
