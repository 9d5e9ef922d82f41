from tests.factories import make_info_page

URL_OBJECTS = {
    "page_id": lambda account: make_info_page(account).pk,
}
