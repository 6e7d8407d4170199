"""
A slow request never fails another: while gunicorn cleans a large photo and draws its
renditions, on the default SQLite file, another editor opens and saves an article,
and neither waits for the other nor gets « database is locked ».
"""

import http.client
import io
import json
import re
import subprocess
import sys
import threading
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from PIL import Image as PillowImage

from tests.servers import BASE_DIR, copy_database, free_port, production_env, serving

# Threads of one server, and SQLite's single writer the harder case: CI runs it there.
pytestmark = pytest.mark.same_on_every_database

# Made in the server's database, by the server's own code: two editors and an article,
# then the article form's fields as they stand.
SETUP = """
import json
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import EDITOR, make_article, make_member
make_member(EDITOR, "photographe")
author = make_member(EDITOR, "redactrice").author_profile
article = make_article(title="Avant", slug="avant", authors=[author])
print(json.dumps({"pk": article.pk, "form": {**article_fields(article), **EMPTY_INLINES}}))
"""


class Browser:
    """One editor's browser: its own cookies, posting forms with their CSRF token."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, content_type=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        return connection

    def response(self, connection):
        response = connection.getresponse()
        content = response.read().decode()
        connection.close()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response, content

    def get(self, path):
        return self.response(self.request("GET", path))

    def form_token(self, path):
        response, content = self.get(path)
        assert response.status == 200, (path, response.status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)

    def post(self, path, fields):
        fields = {**fields, "csrfmiddlewaretoken": self.form_token(path)}
        body = urlencode(fields, doseq=True)
        return self.response(self.request("POST", path, body, "application/x-www-form-urlencoded"))

    def log_in(self, username):
        response, content = self.post("/admin/login/", {"username": username, "password": "pw"})
        assert response.status == 302, content[:2000]

    def send_upload(self, path, fields, name, content):
        """Sends a multipart post whole and returns its connection, the answer still to come."""
        fields = {**fields, "csrfmiddlewaretoken": self.form_token(path)}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}"
        )


def large_photo():
    """24 megapixels of smooth gradients: seconds of work, a light upload."""
    ramp = PillowImage.linear_gradient("L").resize((6000, 4000))
    picture = PillowImage.merge(
        "RGB", [ramp, ramp.transpose(PillowImage.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(180)]
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def server(tmp_path, collected_static, migrated_database):
    port = free_port()
    env = production_env(
        tmp_path,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_STATIC_ROOT=str(collected_static),
        # Passwords alone here: two-factor login has its own tests.
        DJANGO_2FA_REQUIRED_GROUPS="",
        # The photo takes seconds alone, more beside the rest of the suite: the request
        # time limit has its own tests, and here it must not be what answers.
        GUNICORN_TIMEOUT="120",
    )
    copy_database(migrated_database, env)
    made = subprocess.run(  # noqa: S603 (this venv's Python and our manage.py)
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    article = json.loads(made.stdout.splitlines()[-1])
    with serving(env) as process:
        yield {"port": port, "article": article, "process": process}


def test_an_editor_saves_while_a_large_photo_is_processed(server):
    photographer, writer = Browser(server["port"]), Browser(server["port"])
    photographer.log_in("photographe")
    # Both log in first: a login hashes a password for most of a second, and beside the
    # rest of the suite that could outlast the photo and prove nothing either way.
    writer.log_in("redactrice")
    upload = photographer.send_upload(
        "/admin/images/image/add/",
        {
            "alt_text": "Le plateau de tournage au petit matin",
            "licence": "Commande Screenmania",
            "focal_x": "",
            "focal_y": "",
        },
        "plateau.jpg",
        large_photo(),
    )
    answered = {}

    def wait_for_the_upload():
        answered["response"], answered["content"] = photographer.response(upload)

    waiting = threading.Thread(target=wait_for_the_upload)
    waiting.start()

    # The photo is on the server, being checked, cleaned and drawn: meanwhile...
    article = server["article"]
    path = f"/admin/articles/article/{article['pk']}/change/"
    response, content = writer.post(path, {**article["form"], "title": "Après", "_continue": "1"})
    upload_still_processing = waiting.is_alive()
    waiting.join(timeout=120)

    assert response.status == 302, content[:2000]
    response, content = writer.get(path)
    assert 'value="Après"' in content
    # Neither request waited for the other: the article was saved while the photo
    # was still being processed, and the photo was saved all the same.
    assert upload_still_processing
    assert answered["response"].status == 302, answered["content"][:2000]
    response, content = photographer.get("/admin/images/image/")
    # Untitled, the photo is named in the library by the file it was uploaded as.
    assert "plateau.jpg" in content
