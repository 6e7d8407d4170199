#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screenmania.settings")
    # manage.py is the developer's entry point: unless told otherwise, its
    # commands run with the laptop settings. The site itself is served through
    # wsgi.py/asgi.py, which keep the production default and refuse to start
    # on the public key; production commands set DJANGO_DEBUG=0 explicitly.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
