"""
The home page as the desk arranges it: a lead, secondary leads, then blocks (a
section's latest, reviews, the release week, a tag's latest, a hand-picked list).
Whatever no one picked is filled from the published articles, each shown once.
"""
