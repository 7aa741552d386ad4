"""The review workbench's web server: the page, its assets and a JSON API, guarded.

A Starlette app (run by uvicorn) over one :class:`~selaras.review.session.ReviewSession`.
It is a server even on loopback, so every request passes :class:`Guard` first:

- **Host** must be ``localhost``, an IP literal, or the ``--host`` name, with the bound
  port: a DNS-rebinding page (``evil.example`` resolving to 127.0.0.1) is refused.
- **Token**: 128 random bits (``secrets.token_urlsafe(16)``), given as ``?token=`` on
  the first load (answered with a redirect that sets an HttpOnly, SameSite=Strict
  cookie, so the token leaves the address bar), or as ``Authorization: Bearer``.
  Without it: 403, for the page, the assets and the API alike.
- **POST** needs ``Content-Type: application/json`` and, when the browser sends an
  ``Origin``, this server's own origin (CSRF); bodies over :data:`MAX_BODY` get 413.

API errors are JSON ``{"error": message}``: 400 for malformed JSON, unknown fields or
an out-of-range row, 409 for a stale version or a TSV changed on disk (with the
current ``version``). No request names a file: the server serves the one TSV it was
started on. Rows are addressed by their current 0-based position.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import re
import secrets
import threading
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from selaras.errors import ConflictError, InputError, SelarasError
from selaras.review.session import Change, ReviewSession, journal_path
from selaras.rows import AlignedRow, row_as_json

#: Largest request body accepted, in bytes (brief: 1 MB); a bead's text is far smaller.
MAX_BODY = 1_000_000

#: What the page may load: its own script, style and API only; no inline code, no frames.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def new_token() -> str:
    """A fresh URL-safe token of 128 random bits."""
    return secrets.token_urlsafe(16)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_allowed(header: str, bound_host: str, port: int) -> bool:
    """Whether a ``Host`` header names this server: ``localhost``, an IP literal or the
    bound name, with the bound port. A hostname that merely resolves here is refused."""
    host, sep, port_text = header.rpartition(":")
    if not sep or port_text != str(port) or (host.startswith("[") != host.endswith("]")):
        return False
    host = host.lower()
    return host == "localhost" or _is_ip(host) or host == bound_host.lower()


class Guard:
    """ASGI middleware: Host check, token (query, cookie or bearer), POST content rules."""

    def __init__(self, app: Any, *, token: str, bound_host: str, port: int) -> None:
        self.app, self.token, self.bound_host, self.port = app, token, bound_host, port
        self.cookie = f"selaras_review_{port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not host_allowed(host, self.bound_host, self.port):
            await _plain(send, 403, "Forbidden: this server answers only to localhost or its IP address.")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        via_query = bool(given) and self._valid(given)
        if not (via_query or self._valid(self._cookie(headers)) or self._valid(self._bearer(headers))):
            await _plain(send, 403, "Forbidden: open the address with ?token=... that the workbench printed when it started.")
            return
        if via_query and scope["method"] == "GET" and scope["path"] == "/":
            # Trade the token in the address bar for a cookie the page's script cannot read.
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", b"/"),
                        (b"set-cookie", f"{self.cookie}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode()),
                        (b"cache-control", b"no-store"),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["method"] not in ("GET", "HEAD"):
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                await _json(send, 415, {"error": "send the request body as JSON (Content-Type: application/json)"})
                return
            origin = headers.get("origin")
            if origin is not None and origin != f"http://{host}":
                await _json(send, 403, {"error": f"cross-origin request from {origin} refused"})
                return
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
                await _json(send, 413, {"error": f"request body over {MAX_BODY} bytes"})
                return
        await self.app(scope, receive, send)

    def _valid(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode(), self.token.encode())  # type: ignore[union-attr]

    def _cookie(self, headers: dict[str, str]) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no token
            return None
        morsel = jar.get(self.cookie)
        return morsel.value if morsel is not None else None

    @staticmethod
    def _bearer(headers: dict[str, str]) -> str | None:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" else None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: A row number in a query string: ASCII digits only (``int()`` takes "٣" and
#: ``str.isdigit()`` takes "²", which ``int()`` refuses), at most 9 of them.
ASCII_ROW = re.compile(r"[0-9]{1,9}")


def rows_payload(rows: list[AlignedRow], marker: Callable[[AlignedRow], Any] | None = None) -> list[dict[str, Any]]:
    """Rows as the API sends them: :func:`selaras.rows.row_as_json` of each, with its glossary
    ``terms`` (``selaras.terms.marks``) when the session has a glossary (``marker``)."""
    if marker is None:
        return [row_as_json(row) for row in rows]
    return [{**row_as_json(row), "terms": marker(row)} for row in rows]


def change_payload(
    session: ReviewSession, change: Change, marker: Callable[[AlignedRow], Any] | None = None
) -> dict[str, Any]:
    """The answer to a change: the splice to apply to a copy of the rows, and the summary."""
    return {
        "version": session.version,
        "change": {
            "op": change.op, "at": change.at, "remove": len(change.old), "rows": rows_payload(list(change.new), marker),
        },
        "summary": session.summary(),
    }


def create_app(
    session: ReviewSession, *, token: str, bound_host: str, port: int, title: str = "", tm: str | None = None,
    glossary: Any = None,
) -> Any:
    """The guarded Starlette app serving ``session``.

    Args:
        session: the open review session (the server serialises calls on it).
        token: the secret every request must carry.
        bound_host, port: the address the server listens on (for the Host check).
        title: shown in the page heading (usually the TSV's name).
        tm: a translation memory file (``selaras.memory``): ``/api/matches`` offers its
            fuzzy matches, and every bead accepted is added to it.
        glossary: a :class:`selaras.terms.Glossary` whose terms the page highlights.
    """
    from starlette.applications import Starlette  # heavy: only when a server is made

    from selaras.terms.marks import row_marker

    app = Starlette(routes=_Endpoints(session, title, tm, row_marker(glossary)).routes())
    return Guard(app, token=token, bound_host=bound_host, port=port)


#: Headers of every answer: the page runs only its own script and style (:data:`CSP`),
#: nothing is cached, sniffed, framed or sent on as a referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class _Endpoints:
    """The workbench's routes over one session.

    Every call on the session runs under one lock (the server may serve requests
    concurrently; the session is not thread-safe), and every answer carries
    :data:`SECURITY_HEADERS`. A change (edit, status, merge, split, undo, redo) is a
    POST of a JSON object with exactly its fields, answered with the splice to apply
    (:func:`change_payload`) or a JSON error with its HTTP status.
    """

    def __init__(
        self, session: ReviewSession, title: str, tm: str | None = None,
        marker: Callable[[AlignedRow], Any] | None = None,
    ) -> None:
        self.session = session
        self.title = title
        self.marker = marker
        self.lock = threading.Lock()
        self.tm_path = tm
        self._memory: Any = None

    def memory(self) -> Any:
        """The translation memory, opened on first use (in the thread that serves requests)."""
        if self._memory is None:
            from selaras.memory import TranslationMemory

            self._memory = TranslationMemory(self.tm_path)  # type: ignore[arg-type]
        return self._memory

    def _status(self, session: ReviewSession, p: dict[str, Any]) -> Change:
        """A status change; with a TM, an accepted bead's source and reference (or, without
        a reference, its MT) go into it (``selaras.memory.fill``)."""
        change = _status(session, p)
        if self.tm_path is not None and p["status"] == "accepted":
            from selaras.memory.fill import entries_from_rows

            row = session.rows[p["row"]]
            pair = "reference" if row.reference.strip() else "mt"
            self.memory().add(entries_from_rows([row], pair=pair, origin="review"))
        return change

    def routes(self) -> list[Any]:
        """The page, its assets, the two reads and the six changes."""
        from starlette.routing import Route  # heavy: only when a server is made

        change = self.change
        return [
            Route("/", self.page),
            Route("/assets/{name}", self.asset),
            Route("/api/rows", self.get_rows),
            Route("/api/pieces", self.get_pieces),
            Route("/api/matches", self.get_matches),
            Route("/api/edit", change(("row", "field", "text", "version"), _edit), methods=["POST"]),
            Route("/api/status", change(("row", "status", "version"), self._status, ("note",)), methods=["POST"]),
            Route("/api/merge", change(("row", "version"), _merge), methods=["POST"]),
            Route("/api/split", change(("row", "src_at", "ref_at", "version"), _split), methods=["POST"]),
            Route("/api/undo", change((), lambda s, p: s.undo(p.get("version")), ("version",)), methods=["POST"]),
            Route("/api/redo", change((), lambda s, p: s.redo(p.get("version")), ("version",)), methods=["POST"]),
        ]

    def error(self, status: int, message: str) -> Any:
        """A JSON error with the session's version, so the page can tell a stale view."""
        from starlette.responses import JSONResponse  # heavy: only when a server is made

        payload = {"error": message, "version": self.session.version}
        return JSONResponse(payload, status_code=status, headers=SECURITY_HEADERS)

    def change(
        self,
        names: tuple[str, ...],
        call: Callable[[ReviewSession, dict[str, Any]], Change],
        optional: tuple[str, ...] = (),
    ) -> Callable[[Any], Awaitable[Any]]:
        """The POST endpoint of one change: a body with exactly ``names`` (and maybe
        ``optional``) fields, ``call`` on the session under the lock, the splice back.
        A conflict is 409, bad input 400, a body over :data:`MAX_BODY` 413, and a
        failure to write the TSV 500."""
        from starlette.responses import JSONResponse  # heavy: only when a server is made

        async def endpoint(request: Any) -> Any:
            try:
                payload = await _read_json(request)
                missing = [n for n in names if n not in payload]
                unknown = sorted(set(payload) - set(names) - set(optional))
                if missing:
                    raise InputError(f"missing field(s) {', '.join(missing)}; expected {', '.join(names)}")
                if unknown:
                    raise InputError(f"unknown field(s) {', '.join(unknown)}; expected {', '.join(names + optional)}")
                with self.lock:
                    answer = change_payload(self.session, call(self.session, payload), self.marker)
            except _TooLarge:
                return self.error(413, f"request body over {MAX_BODY} bytes")
            except ConflictError as exc:
                return self.error(409, str(exc))
            except InputError as exc:
                return self.error(400, str(exc))
            except SelarasError as exc:  # e.g. FileError: the TSV could not be written
                return self.error(500, str(exc))
            return JSONResponse(answer, headers=SECURITY_HEADERS)

        return endpoint

    async def page(self, request: Any) -> Any:
        """The workbench page."""
        from starlette.responses import Response  # heavy: only when a server is made

        from selaras.review.workbench import workbench_html  # the page's template: only when served

        return Response(workbench_html(self.title), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    async def asset(self, request: Any) -> Any:
        """The page's script and style, nothing else."""
        from starlette.responses import Response  # heavy: only when a server is made

        from selaras.review.workbench import CSS, JS  # the page's assets: only when served

        name = request.path_params["name"]
        if name == "workbench.js":
            return Response(JS, media_type="text/javascript; charset=utf-8", headers=SECURITY_HEADERS)
        if name == "workbench.css":
            return Response(CSS, media_type="text/css; charset=utf-8", headers=SECURITY_HEADERS)
        return Response("not found", status_code=404, headers=SECURITY_HEADERS)

    async def get_rows(self, request: Any) -> Any:
        """Every row with the session's summary."""
        from starlette.responses import JSONResponse  # heavy: only when a server is made

        with self.lock:
            payload = {
                **self.session.summary(), "rows": rows_payload(self.session.rows, self.marker),
                "tm": self.tm_path is not None,
            }
        return JSONResponse(payload, headers=SECURITY_HEADERS)

    async def get_matches(self, request: Any) -> Any:
        """One row's fuzzy TM matches (``?row=N``), best first, each with its word diff
        against the row's source (``selaras.memory.diff``); none without a TM."""
        from starlette.responses import JSONResponse  # heavy: only when a server is made

        from selaras.memory.diff import match_payload

        raw = request.query_params.get("row", "")
        session = self.session
        with self.lock:
            if not ASCII_ROW.fullmatch(raw) or int(raw) >= len(session.rows):
                return self.error(400, f"row must be a 0-based row number below {len(session.rows)}, got {raw!r}")
            source = session.rows[int(raw)].source
            found = self.memory().fuzzy(source) if self.tm_path is not None and source.strip() else []
            return JSONResponse({"row": int(raw), "matches": [match_payload(m, source) for m in found]}, headers=SECURITY_HEADERS)

    async def get_pieces(self, request: Any) -> Any:
        """One row's pieces (``?row=N``), for the split dialog."""
        from starlette.responses import JSONResponse  # heavy: only when a server is made

        raw = request.query_params.get("row", "")
        session = self.session
        with self.lock:
            if not ASCII_ROW.fullmatch(raw) or int(raw) >= len(session.rows):  # str.isdigit() takes "²"
                return self.error(400, f"row must be a 0-based row number below {len(session.rows)}, got {raw!r}")
            return JSONResponse({"row": int(raw), **session.pieces(session.rows[int(raw)])}, headers=SECURITY_HEADERS)


async def _read_json(request: Any) -> dict[str, Any]:
    """The request body as a JSON object (``{}`` when empty), streamed so a body over
    :data:`MAX_BODY` is refused without reading it all."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _TooLarge
    if not body:
        return {}
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"the request body is not valid JSON ({exc})") from None
    except RecursionError:  # 400,000 nested "[": Python's parser recurses per level
        raise InputError("the request body nests too deeply to be a workbench request") from None
    if not isinstance(payload, dict):
        raise InputError("the request body must be a JSON object")
    return payload


def _edit(session: ReviewSession, p: dict[str, Any]) -> Change:
    return session.edit(p["row"], p["field"], p["text"], p["version"])


def _status(session: ReviewSession, p: dict[str, Any]) -> Change:
    return session.set_status(p["row"], p["status"], p["version"], p.get("note"))


def _merge(session: ReviewSession, p: dict[str, Any]) -> Change:
    return session.merge(p["row"], p["version"])


def _split(session: ReviewSession, p: dict[str, Any]) -> Change:
    return session.split(p["row"], p["src_at"], p["ref_at"], p["version"])


class _TooLarge(Exception):
    """A streamed body passed :data:`MAX_BODY` (no Content-Length to refuse it earlier)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _on_sigterm_interrupt() -> Any:
    import signal

    try:
        return signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def serve(
    path: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    on_ready: Callable[[str], None],
    on_note: Callable[[str], None] = lambda _: None,
    checks: Any = None,
    tm: str | os.PathLike[str] | None = None,
    glossary: Any = None,
) -> None:
    """Open ``path`` for review and serve it until interrupted (Ctrl-C), then save and close.

    The TSV is locked for the whole session (``selaras.io.exclusive_lock``), so two
    servers never edit one file. ``on_ready`` gets the URL with the token once the
    socket listens; ``on_note`` gets one-line ``Note:``/``Warning:`` lines (journal
    replayed, a non-loopback address). ``checks`` (``selaras.checks.build_checks``)
    recompute changed beads' flags; default: ``selaras check``'s thresholds. ``tm``
    (a translation memory file) offers fuzzy matches and receives accepted beads. ``glossary``
    (``selaras.terms.Glossary``): its terms are highlighted in every row.

    Raises:
        InputError: unreadable TSV or a journal that does not fit it.
        LockedError: another session serves this TSV. FileError: cannot bind or write.
    """
    import socket

    import uvicorn

    from selaras.errors import FileError
    from selaras.io import describe_os_error, exclusive_lock, remove_leftover_temps

    from pathlib import Path

    if not Path(path).is_file():
        raise InputError(f"{path} is not a file; give the aligned TSV to review (from selaras align, run or check)")
    if tm is not None:  # a foreign or unreadable TM is refused before the TSV is opened
        from selaras.memory import TranslationMemory

        TranslationMemory(tm).close()
    with exclusive_lock(path, what=f"{path} (open in another review session)"):
        remove_leftover_temps([path, journal_path(path)])  # of a session killed while saving
        session, report = ReviewSession.open(path, checks=checks)
        for note in report.notes:
            on_note(f"Note: {note}")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise FileError(f"cannot listen on {host}:{port}: {describe_os_error(exc)}") from None
        bound_port = sock.getsockname()[1]
        token = new_token()
        app = create_app(
            session, token=token, bound_host=host, port=bound_port, title=Path(path).name,
            tm=None if tm is None else str(tm), glossary=glossary,
        )
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        url_host = f"[{host}]" if ":" in host else host
        if not is_loopback(host):
            on_note(f"Warning: listening on {host}, not loopback: anyone who can reach it and has the token can edit the file")
        original_startup = server.startup

        async def startup(sockets: Any = None) -> None:
            await original_startup(sockets=sockets)
            on_ready(f"http://{url_host}:{bound_port}/?token={token}")

        server.startup = startup  # type: ignore[method-assign]
        # uvicorn stops on SIGINT/SIGTERM and then re-raises the signal; SIGTERM's default
        # action would end the process before the session is closed, so it becomes
        # KeyboardInterrupt like Ctrl-C. (A kill -9 is what the journal is for.)
        previous = _on_sigterm_interrupt()
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # a normal stop
            pass
        finally:
            _restore_sigterm(previous)
            sock.close()
            try:
                session.close()
            except ConflictError as exc:  # the TSV changed on disk: keep the journal, say why
                on_note(f"Warning: {exc}; the changes stay in {session.journal}")


__all__ = ["CSP", "MAX_BODY", "SECURITY_HEADERS", "Guard", "create_app", "host_allowed", "is_loopback", "new_token", "serve"]
