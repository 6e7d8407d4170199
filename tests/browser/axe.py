"""axe-core in a page: its serious and critical violations, one readable line each."""

# WCAG 2.2's one new automated rule, which axe leaves off unless asked: every link and
# button at least 24 × 24 px, or spaced as if it were.
WCAG_22 = {"target-size": {"enabled": True}}


def serious_violations(page, axe_source, label, scope="document", rules=None):
    """
    What axe finds serious or critical in ``page`` (or in ``scope``, a selector), each
    line starting with ``label``; ``rules`` turns axe's rules on or off by id.
    """
    # Injected as an inline script, which our own CSP rightly forbids: the page's
    # context must be opened with bypass_csp=True. Once a page: a second width reuses it.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        """async ([scope, rules]) => {
            const results = await axe.run(
                scope === "document" ? document : scope, {resultTypes: ["violations"], rules}
            );
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }""",
        [scope, rules or {}],
    )
    return [
        f"{label}: [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def serious_violations_at(page, axe_source, label, viewports, **options):
    """
    serious_violations() at each of ``viewports`` in turn, the window resized: the page
    is loaded once for every width. The window is left at the first.
    """
    problems = []
    for viewport in viewports:
        page.set_viewport_size(viewport)
        width_label = f"{label} at {viewport['width']} px"
        problems += serious_violations(page, axe_source, width_label, **options)
    page.set_viewport_size(viewports[0])
    return problems
