from tests.factories import make_export_job

URL_OBJECTS = {"job_id": lambda account: make_export_job(account).pk}
