"""Measurements of the site (bench/README.md), a package so that gunicorn finds bench.settings."""
