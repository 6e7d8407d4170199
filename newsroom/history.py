"""
The lines of an object's history (the admin's LogEntry), in the reader's language.

Django stores what a save changed as JSON holding each field's form label in
English (« Published at », « Name »), and translates those labels when the
history is shown, looking each up as typed: capitalised, the labels miss the
catalogue's lower-case field names, and the history shows them in English.
"""

import json
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, gettext_lazy

from newsroom import workflow

# What each publishing button did, by its move's name (workflow.MOVES), as a history
# line says it: the button sets the status and date outside the form's fields, so
# Django's own line would read « Aucun champ modifié ».
MOVES_DONE = {
    workflow.SUBMIT.name: gettext_lazy("submitted for review."),
    workflow.SEND_BACK.name: gettext_lazy("sent back to draft."),
    workflow.PUBLISH_NOW.name: gettext_lazy("published."),
    workflow.SCHEDULE.name: gettext_lazy("scheduled for {moment} (Paris time)."),
    workflow.UNPUBLISH.name: gettext_lazy("unpublished."),
}


def describe_change(entry):
    """What ``entry`` (a LogEntry) says was done, every field named as its form names it."""
    try:
        parts = json.loads(entry.change_message or "[]")
    except json.JSONDecodeError:
        return entry.change_message
    if not isinstance(parts, list):
        return entry.change_message
    model = entry.content_type.model_class() if entry.content_type_id else None
    sentences = []
    for part in parts:
        if "added" in part:
            added = part["added"]
            if added:
                sentences.append(
                    gettext("Added {name} “{object}”.").format(
                        name=gettext(added["name"]), object=added["object"]
                    )
                )
            else:
                sentences.append(gettext("Added."))
        elif "changed" in part:
            changed = part["changed"]
            fields = get_text_list(
                [field_label(model, label) for label in changed["fields"]], gettext("and")
            )
            if "name" in changed:
                sentences.append(
                    gettext("Changed {fields} for {name} “{object}”.").format(
                        fields=fields, name=gettext(changed["name"]), object=changed["object"]
                    )
                )
            else:
                sentences.append(gettext("Changed {fields}.").format(fields=fields))
        elif part.get("moved", {}).get("move") in MOVES_DONE:
            moved = part["moved"]
            when = datetime.fromisoformat(moved["at"]) if moved.get("at") else None
            sentences.append(
                str(MOVES_DONE[moved["move"]]).format(
                    moment=when and workflow.paris_day_and_time(when)
                )
            )
        elif "deleted" in part:
            deleted = part["deleted"]
            sentences.append(
                gettext("Deleted {name} “{object}”.").format(
                    name=gettext(deleted["name"]), object=deleted["object"]
                )
            )
    return " ".join(capfirst(sentence) for sentence in sentences) or gettext("No fields changed.")


def field_label(model, label):
    """A stored English label, translated: as stored, else as a field's lower-case name."""
    translated = gettext(label)
    if translated != label:
        return translated
    lowered = gettext(label[:1].lower() + label[1:])
    if lowered != label[:1].lower() + label[1:]:
        return capfirst(lowered)
    # A field without a verbose name is stored by its Python name.
    try:
        return capfirst(model._meta.get_field(label).verbose_name) if model else label
    except FieldDoesNotExist:
        return label
