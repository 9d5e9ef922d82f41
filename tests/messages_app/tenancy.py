from tests.factories import make_message

URL_OBJECTS = {"message_id": lambda account: make_message(account).pk}
