"""The article admin form as a browser posts it."""

# The management forms of the article page's two inlines, with no row in
# either: what a post carries when it changes neither byline nor corrections.
EMPTY_INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("authorships", "corrections")
    for name, value in [
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    ]
}
