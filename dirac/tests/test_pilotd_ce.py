"""pilotd's ComputingElement on its own: references, settings, and what it makes of the
endpoint's answers (a small HTTP server on 127.0.0.1 that answers as pilotd's endpoint does)."""
import base64
import http.server
import json
import threading

import pytest

from pilotdDIRAC.Resources.Computing.PilotdComputingElement import PilotdComputingElement, stampOf

STAMP = "0123456789abcdef0123456789abcdef"


def test_the_ce_type_is_the_grid_type_pilotd_writes():
    assert PilotdComputingElement("ce.example.org").ceType == "Pilotd"


@pytest.mark.parametrize(
    "reference, stamp",
    [
        ("pilotd://" + STAMP, STAMP),
        # WMSUtilities.getPilotRef appends the stamp when DIRAC asks for a pilot's output
        ("pilotd://" + STAMP + ":::" + STAMP, STAMP),
        ("pilotd://" + STAMP.upper(), None),
        ("pilotd://0123", None),
        ("htcondorce://ce.example.org/123.0", None),
        (None, None),
    ],
)
def test_a_reference_gives_its_stamp_only_when_it_is_pilotds(reference, stamp):
    assert stampOf(reference) == stamp


def test_without_its_endpoint_the_ce_is_refused_naming_the_option_and_sends_nothing(tmp_path):
    ce = PilotdComputingElement("ce.example.org")
    refused = ce.setParameters({"Queue": "q"})
    assert not refused["OK"]
    assert "PilotdEndpoint nor PilotdAPIKeyFile" in refused["Message"]
    wrapper = tmp_path / "wrapper.sh"
    wrapper.write_text("#!/bin/sh\n")
    submitted = ce.submitJob(str(wrapper), "-----BEGIN CERTIFICATE-----", 1)
    assert not submitted["OK"]
    assert "PilotdEndpoint" in submitted["Message"]
    killed = ce.killJob(["pilotd://" + STAMP])
    assert not killed["OK"]
    assert "PilotdEndpoint" in killed["Message"]


def test_plain_http_beyond_this_host_is_refused(tmp_path):
    key = tmp_path / "key"
    key.write_text("pilotd_secret\n")
    ce = PilotdComputingElement("ce.example.org")
    refused = ce.setParameters({"PilotdEndpoint": "http://pilotd.example.org:8443", "PilotdAPIKeyFile": str(key)})
    assert not refused["OK"]
    assert "plain http to pilotd.example.org" in refused["Message"]


def test_an_unreadable_key_file_is_named(tmp_path):
    ce = PilotdComputingElement("ce.example.org")
    refused = ce.setParameters(
        {"PilotdEndpoint": "https://127.0.0.1:1", "PilotdAPIKeyFile": str(tmp_path / "missing")}
    )
    assert not refused["OK"]
    assert "PilotdAPIKeyFile of the CE ce.example.org cannot be read" in refused["Message"]


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """Answers as pilotd's endpoint does: the first submission is taken, the second refused at the
    queue's limit; a kill of one pilot fails, of the other is taken."""

    requests = []

    def _answer(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        _Endpoint.requests.append(("POST", self.path, self.headers["x-api-key"], body))
        name = self.path.split("job_name=")[1]
        if sum(1 for r in _Endpoint.requests if r[0] == "POST") == 1:
            self._answer(201, {"jobName": name, "stamp": name, "pilotReference": "pilotd://" + name, "status": "Submitted"})
        else:
            self._answer(409, {"status": 409, "error": "Conflict", "message": "the queue q has its 1 pilots waiting"})

    def do_DELETE(self):
        _Endpoint.requests.append(("DELETE", self.path, self.headers["x-api-key"], None))
        if self.path.endswith(STAMP):
            self._answer(503, {"status": 503, "error": "Service Unavailable", "message": "the cloud cannot kill it now"})
        else:
            self._answer(200, {"status": "Deleted"})

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(tmp_path):
    _Endpoint.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key = tmp_path / "key"
    key.write_text("pilotd_k3y\n")
    ce = PilotdComputingElement("ce.example.org")
    assert ce.setParameters(
        {"PilotdEndpoint": "http://127.0.0.1:%d" % server.server_address[1], "PilotdAPIKeyFile": str(key), "Queue": "q"}
    )["OK"]
    yield ce
    server.shutdown()
    server.server_close()


def test_a_submission_stopped_by_the_queues_limit_returns_the_pilots_it_started(endpoint, tmp_path):
    wrapper = tmp_path / "wrapper.sh"
    wrapper.write_bytes(b"#!/bin/sh\necho hello\n")
    result = endpoint.submitJob(str(wrapper), "PROXY PEM", 3)
    assert result["OK"], result
    assert len(result["Value"]) == 1
    reference = result["Value"][0]
    stamp = result["PilotStampDict"][reference]
    assert reference == "pilotd://" + stamp and len(stamp) == 32
    posts = [r for r in _Endpoint.requests if r[0] == "POST"]
    assert len(posts) == 2, "it stops at the first refusal"
    method, path, key, body = posts[0]
    assert path == "/submitjob?queue=q&job_name=" + stamp
    assert key == "pilotd_k3y"
    assert base64.b64decode(body["wrapperFileEncoded"]) == b"#!/bin/sh\necho hello\n"
    assert base64.b64decode(body["proxyFileEncoded"]) == b"PROXY PEM"


def test_a_kill_the_endpoint_refuses_is_an_error_naming_the_pilot_and_the_reason(endpoint):
    other = "fedcba9876543210fedcba9876543210"
    result = endpoint.killJob(["pilotd://" + STAMP, "pilotd://" + other, "htcondorce://x/1"])
    assert not result["OK"]
    assert "pilotd://" + STAMP + ": DELETE /jobs/" + STAMP + ": 503 the cloud cannot kill it now" in result["Message"]
    assert "htcondorce://x/1 is not a pilotd reference" in result["Message"]
    assert ("DELETE", "/jobs/" + other, "pilotd_k3y", None) in _Endpoint.requests
