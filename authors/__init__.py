"""
The magazine's writers: their public profile (name, role, portrait, biography) and,
for those who log in, the newsroom account it belongs to.
"""
