"""
The media library: Image, upload validation and cleaning, renditions, <picture>, and
the ``image:N`` references that bodies use, drawn at their own proportions.
"""
