"""
The films and series the magazine writes about.

An app of its own because a work is not an article: it has its own public page,
its own release dates, and it outlives any one article. Articles link to the
works they discuss, a review rates one of them, and the release week is read
from the works' dates, so that the film desk types each fact once.
"""
