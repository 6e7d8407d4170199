"""axe-core in a page: its serious and critical violations, one readable line each."""


def serious_violations(page, axe_source, label, scope="document"):
    """
    What axe finds serious or critical in ``page`` (or in ``scope``, a selector), each
    line starting with ``label``.
    """
    # Injected as an inline script, which our own CSP rightly forbids: the page's
    # context must be opened with bypass_csp=True.
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        """async (scope) => {
            const results = await axe.run(
                scope === "document" ? document : scope, {resultTypes: ["violations"]}
            );
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }""",
        scope,
    )
    return [
        f"{label}: [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
