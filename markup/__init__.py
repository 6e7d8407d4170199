"""
The text pipeline: French typography, the Markdown extensions, the sanitiser's policy
and reading time. It imports nothing of the project: a body in, HTML and what it says out.
"""
