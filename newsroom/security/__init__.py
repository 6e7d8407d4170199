"""
The newsroom's door: login throttling and two-step verification for the admin.

Readers never meet any of it. Everything here runs on admin URLs only, so that
reader pages stay free of sessions, cookies and per-user queries.
"""
