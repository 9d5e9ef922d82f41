from tests.factories import make_recorded_call

# A call with a small recording, so the walker also asks for another account's audio.
URL_OBJECTS = {"call_id": lambda account: make_recorded_call(account).pk}
