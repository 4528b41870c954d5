"""The example site's URLs: the admin, where the cases can be read."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
