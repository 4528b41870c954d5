"""The example site's ``manage.py`` (docs/integrations/django.md runs it).

Run from any folder: ``python examples/django_site/manage.py migrate``; the database file,
``cases.sqlite3``, is made in the current folder.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
