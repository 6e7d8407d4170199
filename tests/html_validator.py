"""The W3C's Nu Html Checker, run on pages the test client fetched."""

import json
import shutil
import subprocess


def validate(vnu_jar, files):
    """The Nu Html Checker's error messages for ``files``, in its JSON format."""
    java = shutil.which("java")
    assert java, "java not found: the Nu Html Checker needs a Java runtime (Debian: default-jre)"
    # A short run: the first compiler only and one garbage collector thread spare the JVM
    # 40 % of its processor time (8.5 s to 5.1 s on 6 MB of pages); the first compiler's
    # larger frames need a deeper stack than the checker's default.
    jvm = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]
    command = [java, *jvm, "-jar", str(vnu_jar), "--errors-only", "--format", "json"]
    command += map(str, files)
    result = subprocess.run(  # noqa: S603 (our own files, no shell)
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The report goes to stderr; the exit status only says whether there were errors.
    report = json.loads(result.stderr or result.stdout)
    return report["messages"]


def html_problems(client, vnu_jar, tmp_path, urls):
    """Each validation error in the pages at ``urls`` ({name: url}), with its source line."""
    pages = {}
    for number, (name, url) in enumerate(urls.items()):
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        pages[path.name] = (name, url, response.content.decode().splitlines())

    problems = []
    for message in validate(vnu_jar, [tmp_path / file_name for file_name in pages]):
        file_name = message.get("url", "").rpartition("/")[2]
        name, url, lines = pages.get(file_name, (message.get("url"), "?", []))
        line = message.get("lastLine") or message.get("firstLine")
        source = lines[line - 1].strip() if line and line <= len(lines) else ""
        problems.append(f"{name} ({url}) line {line}: {message['message']}\n    {source[:200]}")
    return problems
