"""
django-tasks-db's table of results, left out of the newsroom: in English and of no use
to an editor. The page of what a task does (a WordPress import's) says what became of it.
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)
