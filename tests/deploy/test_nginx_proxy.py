"""deploy/nginx.conf, run for real: nginx in a temporary prefix in front of two stand-in app
servers (stdlib only). Checks the health route, sticky sessions by cookie, the spread of new
browsers over both servers, the WebSocket upgrade on /_stcore/stream (and a frame through it),
and the upload size limit.

Needs Debian's nginx (``apt-get install -y nginx``; scripts/test.sh is expected to install it).
Fails, never skips, when nginx is missing.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"
COMPOSE = REPO_ROOT / "compose.yaml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B41"
ROUTE_COOKIE = "dashboard_route"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if not found:
        pytest.fail(
            "nginx is not installed, so deploy/nginx.conf cannot be tested. "
            "Install it with: apt-get install -y nginx (Debian package 'nginx')"
        )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ws_accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


class StandInHandler(BaseHTTPRequestHandler):
    """A tiny stand-in for a Streamlit server: health, a WebSocket echo, an upload sink."""

    protocol_version = "HTTP/1.1"
    server: StandInServer

    def log_message(self, *_args: object) -> None:  # keep pytest output quiet
        pass

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("X-Upstream", self.server.name)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/_stcore/stream":
            self._websocket()
        elif self.path == "/_stcore/health":
            self._reply(200, b"ok")
        else:
            self._reply(200, f"page from {self.server.name}".encode())

    def do_PUT(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        received = 0
        while received < length:
            chunk = self.rfile.read(min(65536, length - received))
            if not chunk:
                break
            received += len(chunk)
        self._reply(200, str(received).encode())

    def _websocket(self) -> None:
        key = self.headers.get("Sec-WebSocket-Key", "")
        upgrade = self.headers.get("Upgrade", "").lower()
        connection = self.headers.get("Connection", "").lower()
        if upgrade != "websocket" or "upgrade" not in connection or not key:
            self._reply(
                400, f"not an upgrade: Upgrade={upgrade!r} Connection={connection!r}".encode()
            )
            return
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", ws_accept(key))
        self.send_header("X-Upstream", self.server.name)
        self.end_headers()
        self.wfile.flush()
        # One masked text frame from the client (payload under 126 bytes), echoed back unmasked
        # with the server's name in front, then the connection closes.
        first, second = self.rfile.read(2)
        length = second & 0x7F
        mask = self.rfile.read(4) if second & 0x80 else b"\0\0\0\0"
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
        reply = f"{self.server.name}:{data.decode()}".encode()
        self.wfile.write(bytes([0x81, len(reply)]) + reply)
        self.wfile.flush()
        self.close_connection = True


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str) -> None:
        super().__init__(("127.0.0.1", 0), StandInHandler)
        self.name = name


@dataclass
class Proxy:
    port: int
    upstreams: dict[str, int]
    prefix: Path

    def request(
        self, method: str, path: str, cookie: str | None = None, body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": "dashboard.test"}
        if cookie is not None:
            headers["Cookie"] = f"{ROUTE_COOKIE}={cookie}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


def adapted_config(prefix: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with the test's ports in place of 8080, 8501 and 8502."""
    text = NGINX_CONF.read_text()
    for needle in ("listen 8080;", "server 127.0.0.1:8501 ", "server 127.0.0.1:8502 "):
        assert needle in text, f"deploy/nginx.conf no longer has {needle!r}; update this test"
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    text = text.replace("server 127.0.0.1:8501 ", f"server 127.0.0.1:{upstreams[0]} ")
    text = text.replace("server 127.0.0.1:8502 ", f"server 127.0.0.1:{upstreams[1]} ")
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return conf


def nginx_command(prefix: Path, conf: Path, *extra: str) -> list[str]:
    return [nginx_binary(), "-p", f"{prefix}/", "-c", str(conf), "-e", str(prefix / "logs" / "error.log"), *extra]  # fmt: skip


@pytest.fixture(scope="module")
def proxy() -> Iterator[Proxy]:
    nginx_binary()
    # As root nginx's workers run as an unprivileged user, which must be able to reach the
    # prefix (request bodies are spooled to client_body_temp/), so not under pytest's 0700 tmp.
    prefix = Path(tempfile.mkdtemp(prefix="dashboard-nginx-"))
    prefix.chmod(0o755)
    (prefix / "logs").mkdir()
    servers = [StandInServer("app1"), StandInServer("app2")]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    upstream_ports = [s.server_address[1] for s in servers]
    port = free_port()
    conf = adapted_config(prefix, port, upstream_ports)
    checked = subprocess.run(nginx_command(prefix, conf, "-t"), capture_output=True, text=True)
    assert checked.returncode == 0, f"nginx -t failed:\n{checked.stdout}{checked.stderr}"
    process = subprocess.Popen(
        nginx_command(prefix, conf, "-g", "daemon off;"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                log = (prefix / "logs" / "error.log").read_text(errors="replace")
                pytest.fail(
                    f"nginx exited with {process.returncode}:\n{process.stdout.read()}{log}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"nginx did not listen on port {port} within 10 s")
                time.sleep(0.05)
        yield Proxy(port, {"app1": upstream_ports[0], "app2": upstream_ports[1]}, prefix)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for server in servers:
            server.shutdown()
            server.server_close()
        shutil.rmtree(prefix, ignore_errors=True)


def route_cookie_from(headers: dict[str, str]) -> str:
    match = re.search(rf"{ROUTE_COOKIE}=([^;]+)", headers.get("set-cookie", ""))
    assert match, f"no {ROUTE_COOKIE} cookie set; headers were {headers}"
    return match.group(1)


def test_nginx_t_accepts_the_config(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    shutil.copy(NGINX_CONF, conf)
    result = subprocess.run(nginx_command(tmp_path, conf, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, f"nginx -t failed:\n{result.stdout}{result.stderr}"
    assert "test is successful" in result.stderr


def test_health_passes_through(proxy: Proxy) -> None:
    status, headers, body = proxy.request("GET", "/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert headers["x-upstream"] in proxy.upstreams


def test_a_new_browser_gets_a_route_cookie_that_keeps_it_on_one_server(proxy: Proxy) -> None:
    status, headers, _ = proxy.request("GET", "/")
    assert status == 200
    cookie = route_cookie_from(headers)
    first = headers["x-upstream"]
    for _ in range(10):
        status, headers, body = proxy.request("GET", "/", cookie=cookie)
        assert status == 200
        assert headers["x-upstream"] == first, "the same cookie reached a different app server"
        assert "set-cookie" not in headers, "the cookie is re-issued although the browser has one"
        assert body == f"page from {first}".encode()


def test_different_browsers_spread_over_both_servers(proxy: Proxy) -> None:
    seen = {}
    for _ in range(40):
        _, headers, _ = proxy.request("GET", "/")
        seen.setdefault(headers["x-upstream"], route_cookie_from(headers))
    assert set(seen) == set(proxy.upstreams), f"40 new browsers all went to {set(seen)}"
    # Each cookie keeps to the server that issued it.
    for name, cookie in seen.items():
        for _ in range(5):
            assert proxy.request("GET", "/", cookie=cookie)[1]["x-upstream"] == name


def websocket_round_trip(port: int, cookie: str) -> tuple[str, dict[str, str], bytes]:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        "Host: dashboard.test\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Cookie: {ROUTE_COOKIE}={cookie}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed during the handshake: {raw!r}"
            raw += chunk
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
        if " 101 " not in lines[0] + " ":
            return lines[0], headers, rest
        assert headers.get("sec-websocket-accept") == ws_accept(key)
        payload = b"hello"
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
        frame = rest
        while len(frame) < 2 or len(frame) < 2 + frame[1]:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed before the echo frame: {frame!r}"
            frame += chunk
        return lines[0], headers, frame[2 : 2 + frame[1]]


def test_websocket_upgrade_reaches_the_same_server_and_carries_frames(proxy: Proxy) -> None:
    _, headers, _ = proxy.request("GET", "/")
    cookie, page_server = route_cookie_from(headers), headers["x-upstream"]
    status_line, ws_headers, echo = websocket_round_trip(proxy.port, cookie)
    assert status_line.startswith("HTTP/1.1 101"), f"no upgrade: {status_line} {echo!r}"
    assert ws_headers["x-upstream"] == page_server, "the WebSocket went to another app server"
    assert echo == f"{page_server}:hello".encode()


def test_uploads_up_to_the_limit_pass_and_larger_ones_are_refused(proxy: Proxy) -> None:
    body = os.urandom(5 * 1024 * 1024)
    status, _, reply = proxy.request("PUT", "/_stcore/upload_file/x/y", cookie="a", body=body)
    assert (status, reply) == (200, str(len(body)).encode())
    limit = re.search(r"client_max_body_size\s+(\d+)m;", NGINX_CONF.read_text())
    assert limit and int(limit.group(1)) >= 50, "uploads of 50 MB (the importer's limit) must pass"
    # Refused on Content-Length alone, before any body is sent.
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        too_big = (int(limit.group(1)) + 1) * 1024 * 1024
        sock.sendall(
            f"PUT /_stcore/upload_file/x/y HTTP/1.1\r\nHost: dashboard.test\r\n"
            f"Content-Length: {too_big}\r\n\r\n".encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")


def test_access_log_names_the_app_server(proxy: Proxy) -> None:
    proxy.request("GET", "/", cookie="log-check")
    log = proxy.prefix / "logs" / "access.log"
    deadline = time.monotonic() + 5
    while "route=log-check" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [ln for ln in log.read_text().splitlines() if "route=log-check" in ln]
    assert lines and re.search(r"upstream=127\.0\.0\.1:\d+", lines[-1])


def test_compose_file_describes_the_production_shape() -> None:
    text = COMPOSE.read_text()
    try:
        import yaml  # not a project dependency: used only when something else installed it
    except ImportError:
        yaml = None
    if yaml is not None:
        services = yaml.safe_load(text)["services"]
        assert {"db", "migrate", "app1", "app2", "proxy"} <= set(services)
        assert "healthcheck" in services["db"]
        assert services["migrate"]["command"][-1] == "migrate"
        for app in ("app1", "app2"):
            needs = services[app]["depends_on"]
            assert needs["migrate"]["condition"] == "service_completed_successfully"
    for needle in (
        "postgres:16",
        "pg_isready",
        "data_access",
        "migrate",
        "service_completed_successfully",
        "DATABASE_URL",
        "deploy/nginx.conf",
        "/_stcore/health",
    ):
        assert needle in text, f"compose.yaml lacks {needle!r}"
    dockerfile = DOCKERFILE.read_text()
    for needle in ("python:3.11-slim", "chromium", "requirements.txt", "HEALTHCHECK", "/_stcore/health"):  # fmt: skip
        assert needle in dockerfile, f"Dockerfile lacks {needle!r}"
