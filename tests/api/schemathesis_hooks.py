"""schemathesis hooks for tests/api/test_schemathesis.py (loaded with SCHEMATHESIS_HOOKS):
a recording's body is raw audio bytes, sent as they are."""

import schemathesis

# The types calllog.actions.RECORDING_TYPES accepts (Django is not set up in this process).
AUDIO_TYPES = ("audio/mpeg", "audio/wav", "audio/ogg", "audio/mp4")


@schemathesis.serializer(*AUDIO_TYPES)
def raw_audio(ctx, value):
    return value if isinstance(value, bytes) else str(value).encode()
