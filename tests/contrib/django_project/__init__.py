"""A Django project for the tests of ``yuqing_core.contrib.django`` (its settings and URLs)."""
