"""The letters a magazine starts with; the desk renames, adds or retires them in the admin."""

import datetime

from django.db import migrations

LETTERS = [
    {
        "slug": "la-quotidienne",
        "name": "La Quotidienne",
        "kind": "daily",
        "description": "Chaque matin, les articles parus la veille.",
        "send_time": datetime.time(7, 0),
        "position": 1,
    },
    {
        "slug": "critiques-de-la-semaine",
        "name": "Critiques de la semaine",
        "kind": "weekly",
        "description": "Le vendredi, les films et séries que nous avons vus.",
        "send_time": None,
        "position": 2,
    },
    {
        "slug": "alertes",
        "name": "Alertes",
        "kind": "breaking",
        "description": "Rarement : quand une nouvelle ne peut pas attendre.",
        "send_time": None,
        "position": 3,
    },
]


def create_letters(apps, schema_editor):
    Letter = apps.get_model("newsletter", "Letter")
    for letter in LETTERS:
        Letter.objects.get_or_create(slug=letter["slug"], defaults=letter)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_letters")]

    operations = [migrations.RunPython(create_letters, migrations.RunPython.noop)]
