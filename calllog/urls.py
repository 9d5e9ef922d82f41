app_name = "calllog"

urlpatterns: list = []
