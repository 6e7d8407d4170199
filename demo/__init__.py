"""
Development only: the demo magazine (articles, authors, drawn images and pages) and the
benchmark's article generator. Production settings leave it out (DJANGO_DEMO=0).
"""
