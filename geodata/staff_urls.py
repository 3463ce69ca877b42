"""Planners' pages: upload, preview and import."""

app_name = "imports"
urlpatterns: list = []
