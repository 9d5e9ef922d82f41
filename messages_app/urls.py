app_name = "messages"

urlpatterns: list = []
